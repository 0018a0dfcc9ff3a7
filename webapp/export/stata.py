"""A streaming writer of Stata 14+ ``.dta`` files (format 118, UTF-8 text).

pandas' ``to_stata`` needs the whole frame in memory; this writer puts out the header from a
:class:`~webapp.export.layout.Layout` learnt beforehand, then each chunk's records as they
come, and the value labels at the end, so memory stays bounded by one chunk.

Layout of the file (all little-endian): a header with the release, variable and row counts,
a map of section offsets (rewritten once the file is complete), the dictionary sections
(types, names, sort order, display formats, value-label names, variable labels), the data
as fixed-width records, long strings (strL) as GSO blocks, and the value-label tables.
"""

from __future__ import annotations

import datetime as dt
import shutil
import struct
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, NoReturn

import numpy as np
import pandas as pd

from .frame import is_coded
from .labels import Variable, shorten
from .layout import Layout, fixed_width, utf8_strings

STR_MAX = 2045  # widest fixed string; wider text goes to strL
STRL = 32768
# type code, numpy type, missing value ".", smallest and largest valid value
INTEGERS = ((65530, "<i1", 101, -127, 100), (65529, "<i2", 32741, -32767, 32740),
            (65528, "<i4", 2147483621, -2147483647, 2147483620))
DOUBLE = 65526
DOUBLE_MISSING = struct.unpack("<d", bytes.fromhex("000000000000e07f"))[0]  # Stata's "."
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
LABEL_LIMIT = 80


class DtaError(ValueError):
    """The data do not fit the layout the file was opened with."""


def _fixed(text: str, size: int) -> bytes:
    raw = text.encode("utf-8")[: size - 1]
    return raw.decode("utf-8", "ignore").encode("utf-8").ljust(size, b"\0")


class _Column:
    """How one variable is stored: type code, numpy type and the missing value."""

    def __init__(self, var: Variable, layout: Layout, language: str) -> None:
        self.name = var.name
        self.string = var.kind == "string"
        self.labels = var.value_text(language) if var.values and not self.string else {}
        self.missing: float | int | None = None
        if self.string:
            self.width = max(1, layout.widths.get(var.name, 0))
            self.strl = self.width > STR_MAX
            self.code = STRL if self.strl else self.width
            self.dtype = "<u8" if self.strl else f"S{self.width}"
            self.format = "%9s" if self.strl else f"%-{min(self.width, 2045)}s"
            return
        self.code, self.dtype, self.missing, self.format = DOUBLE, "<f8", DOUBLE_MISSING, "%10.0g"
        span = layout.ranges.get(var.name) if is_coded(var) else None
        if is_coded(var):
            lo, hi = span or (0, 0)
            for code, dtype, missing, smallest, largest in INTEGERS:
                if smallest <= lo and hi <= largest:
                    self.code, self.dtype, self.missing = code, dtype, missing
                    self.format = "%8.0g"
                    break

    def store(self, numbers: np.ndarray) -> np.ndarray:
        """Numbers (NaN = missing) as stored, with Stata's missing value."""
        numbers = np.where(np.isnan(numbers), self.missing, numbers)
        if self.code == DOUBLE:
            return numbers
        return np.rint(numbers).astype(self.dtype)


class DtaWriter:
    """Writes a ``.dta`` file chunk by chunk; ``layout`` must cover every row written."""

    def __init__(self, path: Path, variables: Sequence[Variable], language: str,
                 layout: Layout, data_label: str = "hailong microdata") -> None:
        self.path = path
        self.variables = list(variables)
        self.layout = layout
        self.columns = [_Column(v, layout, language) for v in self.variables]
        self.record = np.dtype([(f"v{i}", c.dtype) for i, c in enumerate(self.columns)])
        self.rows = 0
        self._file: IO[bytes] = path.open("wb")
        self._strls: IO[bytes] = tempfile.TemporaryFile()
        self._map = [0] * 14
        self._header(data_label)
        self._dictionary(language)
        self._mark(9, b"<data>")

    def _fail(self, message: str) -> NoReturn:
        """Drop the unfinished file and say why."""
        self._file.close()
        self._strls.close()
        self.path.unlink(missing_ok=True)
        raise DtaError(message)

    def _mark(self, index: int, tag: bytes) -> None:
        self._map[index] = self._file.tell()
        self._file.write(tag)

    def _header(self, data_label: str) -> None:
        now = dt.datetime.now(dt.UTC)
        stamp = f"{now.day:02d} {MONTHS[now.month - 1]} {now.year} {now:%H:%M}".encode()
        label = _fixed(data_label, LABEL_LIMIT * 4 + 1).rstrip(b"\0")
        f = self._file
        f.write(b"<stata_dta><header><release>118</release><byteorder>LSF</byteorder>")
        f.write(b"<K>" + struct.pack("<H", len(self.columns)) + b"</K>")
        f.write(b"<N>" + struct.pack("<Q", self.layout.rows) + b"</N>")
        f.write(b"<label>" + struct.pack("<H", len(label)) + label + b"</label>")
        f.write(b"<timestamp>" + bytes([len(stamp)]) + stamp + b"</timestamp></header>")
        self._mark(1, b"<map>")
        f.write(b"\0" * 8 * 14 + b"</map>")

    def _dictionary(self, language: str) -> None:
        f, cols = self._file, self.columns
        self._mark(2, b"<variable_types>")
        f.write(b"".join(struct.pack("<H", c.code) for c in cols) + b"</variable_types>")
        self._mark(3, b"<varnames>")
        f.write(b"".join(_fixed(c.name, 129) for c in cols) + b"</varnames>")
        self._mark(4, b"<sortlist>")
        f.write(b"\0\0" * (len(cols) + 1) + b"</sortlist>")
        self._mark(5, b"<formats>")
        f.write(b"".join(_fixed(c.format, 57) for c in cols) + b"</formats>")
        self._mark(6, b"<value_label_names>")
        f.write(b"".join(_fixed(c.name if c.labels else "", 129) for c in cols)
                + b"</value_label_names>")
        self._mark(7, b"<variable_labels>")
        labels = (shorten(v.text(language), LABEL_LIMIT) for v in self.variables)
        f.write(b"".join(_fixed(t, 321) for t in labels) + b"</variable_labels>")
        self._mark(8, b"<characteristics>")
        f.write(b"</characteristics>")

    def write(self, frame: pd.DataFrame) -> None:
        """Append ``frame``'s rows (columns named as the variables)."""
        if self.rows + len(frame) > self.layout.rows:
            self._fail(f"more rows than the {self.layout.rows} announced")
        records = np.zeros(len(frame), dtype=self.record)
        numeric = [i for i, c in enumerate(self.columns) if not c.string]
        block = frame[[self.columns[i].name for i in numeric]].to_numpy(float, na_value=np.nan)
        for j, i in enumerate(numeric):
            records[f"v{i}"] = self.columns[i].store(block[:, j])
        for i, column in enumerate(self.columns):
            if not column.string:
                continue
            if column.strl:
                text = utf8_strings(frame[column.name])
                widest = max((len(t) for t in text), default=0)
            else:
                matrix, widest = fixed_width(frame[column.name], column.width)
            if widest > column.width:
                self._fail(f"{column.name}: a value of {widest} bytes is wider than the "
                           f"{column.width} announced")
            records[f"v{i}"] = self._strl(i, text) if column.strl \
                else matrix.view(f"S{column.width}").ravel()
        self._file.write(records.tobytes())
        self.rows += len(frame)

    def _strl(self, index: int, text: np.ndarray) -> np.ndarray:
        """Long strings go to GSO blocks; the record holds (variable, observation)."""
        keys = np.zeros(len(text), dtype="<u8")
        for j in np.flatnonzero([len(t) > 0 for t in text]):
            v, o = index + 1, self.rows + int(j) + 1
            self._strls.write(b"GSO" + struct.pack("<IQBI", v, o, 130, len(text[j]) + 1)
                              + text[j] + b"\0")
            keys[j] = v + (o << 16)  # format 118: v in 2 bytes, o in the 6 above them
        return keys

    def close(self) -> None:
        """Finish the file: long strings, value labels, then the section map."""
        if self.rows != self.layout.rows:
            self._fail(f"{self.rows} rows written, {self.layout.rows} announced")
        f = self._file
        f.write(b"</data>")
        self._mark(10, b"<strls>")
        self._strls.seek(0)
        shutil.copyfileobj(self._strls, f)
        self._strls.close()
        f.write(b"</strls>")
        self._mark(11, b"<value_labels>")
        for column in self.columns:
            if column.labels:
                table = _label_table(column.labels)
                f.write(b"<lbl>" + struct.pack("<i", len(table)) + _fixed(column.name, 129)
                        + b"\0\0\0" + table + b"</lbl>")
        f.write(b"</value_labels>")
        self._mark(12, b"</stata_dta>")
        self._map[13] = f.tell()
        f.seek(self._map[1] + len(b"<map>"))
        f.write(struct.pack("<14Q", *self._map))
        f.close()


def _label_table(labels: dict[int, str]) -> bytes:
    """One value-label table: counts, offsets into the text, values, then the texts."""
    items = sorted(labels.items())
    offsets, texts, position = [], [], 0
    for _code, text in items:
        raw = text.encode("utf-8") + b"\0"
        offsets.append(position)
        texts.append(raw)
        position += len(raw)
    n = len(items)
    return (struct.pack(f"<ii{n}i{n}i", n, position, *offsets, *(c for c, _ in items))
            + b"".join(texts))
