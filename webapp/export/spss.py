"""A streaming writer of SPSS system files (``.sav``, bytecode-compressed, UTF-8).

pyreadstat writes a whole frame at once; this writer puts out the dictionary from a
:class:`~webapp.export.layout.Layout` learnt beforehand and then compresses each chunk's
cases as they come, so memory stays bounded by one chunk.

The dictionary: file header, one variable record per 8-byte slot of a case (strings wider
than 8 bytes continue over several; text wider than 255 bytes is cut into 255-byte segments,
the "very long strings" of SPSS 13+), value labels, then extension records (machine info,
measurement levels, long names, very long strings, encoding). Cases are compressed per
8-byte slot: a command byte (small integer, system missing, all blanks, or "8 raw bytes
follow"), eight commands then their raw slots; each case starts a fresh block of commands,
the unused commands of its last block being padding (0).
"""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NoReturn

import numpy as np
import pandas as pd

from .frame import is_coded
from .labels import Variable, shorten
from .layout import Layout, fixed_width
from .stata import MONTHS

SEGMENT = 255  # widest string slot; wider text is split into segments
SEGMENT_SPAN = 252  # width of text each segment accounts for (the format's rule)
SYSMIS = -np.finfo(np.float64).max
MEASURES = {"nominal": 1, "ordinal": 2, "scale": 3}
LABEL_LIMIT = 255  # variable labels
VALUE_LABEL_LIMIT = 120  # value labels (SPSS's own limit)
BIAS = 100.0


class SavError(ValueError):
    """The data do not fit the layout the file was opened with."""


def _cut(text: str, limit: int) -> bytes:
    """UTF-8 bytes of ``text``, at most ``limit`` of them, never splitting a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore").encode("utf-8")


def _padded(raw: bytes, multiple: int, fill: bytes = b" ") -> bytes:
    return raw + fill * (-len(raw) % multiple)


@dataclass
class _Column:
    """One variable: its width (0 = numeric), segments and place in the case."""

    var: Variable
    width: int
    short: str
    segments: list[int] = field(default_factory=list)  # widths of the segments

    @property
    def slots(self) -> int:
        return sum(max(1, -(-w // 8)) if w else 1 for w in self.segments)


def _columns(variables: Sequence[Variable], layout: Layout) -> list[_Column]:
    out = []
    for i, var in enumerate(variables):
        width = max(1, layout.widths.get(var.name, 0)) if var.kind == "string" else 0
        col = _Column(var, width, f"V{i + 1}")
        if width <= SEGMENT:
            col.segments = [width]
        else:
            n = (width + SEGMENT_SPAN - 1) // SEGMENT_SPAN
            col.segments = [SEGMENT] * (n - 1) + [width - (n - 1) * SEGMENT_SPAN]
        out.append(col)
    return out


def _format(width: int, var: Variable) -> int:
    if width:
        return (1 << 16) | (min(width, SEGMENT) << 8)
    return (5 << 16) | (8 << 8) if is_coded(var) else (5 << 16) | (12 << 8) | 4


class SavWriter:
    """Writes a ``.sav`` file chunk by chunk; ``layout`` must cover every row written."""

    def __init__(self, path: Path, variables: Sequence[Variable], language: str,
                 layout: Layout, file_label: str = "hailong microdata") -> None:
        self.path = path
        self.layout = layout
        self.language = language
        self.columns = _columns(variables, layout)
        self.slots = sum(c.slots for c in self.columns)
        self.rows = 0
        self._file: IO[bytes] = path.open("wb")
        self._header(file_label)
        self._dictionary()

    def _header(self, file_label: str) -> None:
        now = dt.datetime.now(dt.UTC)
        f = self._file
        f.write(b"$FL2" + b"@(#) IBM SPSS STATISTICS DATA FILE - hailong".ljust(60))
        f.write(struct.pack("<iiiii", 2, self.slots, 1, 0, self.layout.rows))
        f.write(struct.pack("<d", BIAS))
        f.write(f"{now.day:02d} {MONTHS[now.month - 1]} {now:%y}".encode())
        f.write(f"{now:%H:%M:%S}".encode())
        f.write(_cut(file_label, 64).ljust(64) + b"\0\0\0")

    def _dictionary(self) -> None:
        f = self._file
        for col in self.columns:
            for k, width in enumerate(col.segments):
                name = col.short if k == 0 else f"{col.short}S{k}"
                label = _cut(shorten(col.var.text(self.language), LABEL_LIMIT), 4 * LABEL_LIMIT) \
                    if k == 0 else b""
                missing = [float(c) for c in col.var.missing][:3] if not col.width else []
                fmt = _format(width, col.var)
                f.write(struct.pack("<iiiiii", 2, width, 1 if label else 0, len(missing),
                                    fmt, fmt) + name.encode().ljust(8))
                if label:
                    f.write(struct.pack("<i", len(label)) + _padded(label, 4))
                f.write(b"".join(struct.pack("<d", m) for m in missing))
                for _ in range(max(1, -(-width // 8)) - 1):  # continuation slots
                    f.write(struct.pack("<iiiiii", 2, -1, 0, 0, 0, 0) + b" " * 8)
        self._value_labels()
        self._extensions()
        f.write(struct.pack("<ii", 999, 0))

    def _value_labels(self) -> None:
        index = 1
        for col in self.columns:
            labels = col.var.value_text(self.language) if col.var.values and not col.width \
                else {}
            if labels:
                self._file.write(struct.pack("<ii", 3, len(labels)))
                for code, text in sorted(labels.items()):
                    raw = _cut(text, VALUE_LABEL_LIMIT)
                    self._file.write(struct.pack("<dB", float(code), len(raw)) + raw
                                     + b" " * (-(len(raw) + 1) % 8))
                self._file.write(struct.pack("<iii", 4, 1, index))
            index += col.slots

    def _record(self, subtype: int, size: int, payload: bytes) -> None:
        self._file.write(struct.pack("<iiii", 7, subtype, size, len(payload) // size) + payload)

    def _extensions(self) -> None:
        self._record(3, 4, struct.pack("<8i", 20, 0, 0, -1, 1, 1, 2, 65001))
        fmax = np.finfo(np.float64).max
        self._record(4, 8, struct.pack("<3d", SYSMIS, fmax, np.nextafter(-fmax, 0)))
        display = []
        for col in self.columns:
            measure = MEASURES["nominal" if col.width else col.var.measure]
            for width in col.segments:
                display.append((measure, min(max(width, 8), 40) if col.width else 8,
                                0 if col.width else 1))
        self._record(11, 4, b"".join(struct.pack("<3i", *d) for d in display))
        names = "\t".join(f"{c.short}={c.var.name}" for c in self.columns)
        self._record(13, 1, names.encode("utf-8"))
        long = [c for c in self.columns if len(c.segments) > 1]
        if long:
            text = b"".join(f"{c.short}={c.width:05d}".encode() + b"\0\t" for c in long)
            self._record(14, 1, text)
        self._record(20, 1, b"UTF-8")

    def write(self, frame: pd.DataFrame) -> None:
        """Append ``frame``'s rows (columns named as the variables), compressed."""
        n = len(frame)
        if self.rows + n > self.layout.rows:
            self._fail(f"more rows than the {self.layout.rows} announced")
        if n == 0:
            return
        raw = np.empty((n, self.slots * 8), dtype=np.uint8)
        codes = np.empty((n, self.slots), dtype=np.uint8)
        numeric = [c.var.name for c in self.columns if not c.width]
        block = frame[numeric].to_numpy(float, na_value=np.nan)
        slot, j = 0, 0
        for col in self.columns:
            if not col.width:
                self._numbers(block[:, j], raw, codes, slot)
                slot, j = slot + 1, j + 1
                continue
            size = col.slots * 8
            try:
                block_text = self._text(col, frame[col.var.name], n)
            except SavError as exc:
                self._fail(str(exc))
            raw[:, slot * 8: slot * 8 + size] = block_text
            blank = (block_text.reshape(n, col.slots, 8) == ord(" ")).all(axis=2)
            codes[:, slot: slot + col.slots] = np.where(blank, 254, 253)
            slot += col.slots
        self._file.write(_compress(codes, raw))
        self.rows += n

    @staticmethod
    def _numbers(values: np.ndarray, raw: np.ndarray, codes: np.ndarray, slot: int) -> None:
        missing = np.isnan(values)
        small = ~missing & (values == np.rint(values)) & (values >= 1 - BIAS) \
            & (values <= 251 - BIAS)
        out = np.where(missing, 255, np.where(small, values + BIAS, 253))
        codes[:, slot] = out.astype(np.uint8)
        raw[:, slot * 8: slot * 8 + 8] = np.where(missing, SYSMIS, values).astype("<f8") \
            .view(np.uint8).reshape(-1, 8)

    @staticmethod
    def _text(col: _Column, column: pd.Series, n: int) -> np.ndarray:
        """Each row's text laid out over the column's slots, blank-padded."""
        whole, widest = fixed_width(column, max(col.width, 1), fill=ord(" "))
        if widest > col.width:
            raise SavError(f"{col.var.name}: a value of {widest} bytes is wider than the "
                           f"{col.width} announced")
        # The text packs 255 bytes into each segment; a segment occupies whole slots.
        parts, start = [], 0
        for width in col.segments:
            take = whole[:, start: start + (SEGMENT if width == SEGMENT else width)]
            room = max(1, -(-width // 8)) * 8
            pad = np.full((n, room - take.shape[1]), ord(" "), dtype=np.uint8)
            parts.append(np.hstack([take, pad]))
            start += take.shape[1]
        return np.hstack(parts)

    def close(self) -> None:
        """Finish the file (the row count was written up front)."""
        if self.rows != self.layout.rows:
            self._fail(f"{self.rows} rows written, {self.layout.rows} announced")
        self._file.close()

    def _fail(self, message: str) -> NoReturn:
        """Drop the unfinished file and say why."""
        self._file.close()
        self.path.unlink(missing_ok=True)
        raise SavError(message)


def _compress(codes: np.ndarray, raw: np.ndarray) -> bytes:
    """Bytecode compression, vectorised: per case, blocks of 8 commands each followed by
    the raw slots of its "253" commands."""
    n, slots = codes.shape
    blocks = -(-slots // 8)
    padded = np.zeros((n, blocks * 8), dtype=np.uint8)
    padded[:, :slots] = codes
    data = np.zeros((n, blocks * 8, 8), dtype=np.uint8)
    data[:, :slots] = raw.reshape(n, slots, 8)
    out = np.empty((n, blocks, 72), dtype=np.uint8)
    out[:, :, :8] = padded.reshape(n, blocks, 8)
    out[:, :, 8:] = data.reshape(n, blocks, 64)
    keep = np.empty((n, blocks, 72), dtype=bool)
    keep[:, :, :8] = True
    keep[:, :, 8:] = np.repeat(padded.reshape(n, blocks, 8) == 253, 8, axis=2)
    return out[keep].tobytes()
