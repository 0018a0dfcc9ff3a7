"""What the Stata and SPSS writers must know before the first row: rows, string widths and
the range of every code column.

Both formats put this in the file header, so the export learns it in its first pass (while it
stages the rows on disk) and the writers then stream the second pass record by record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .frame import is_coded
from .labels import Variable


@dataclass
class Layout:
    """Rows of the export, widest value of each string variable in UTF-8 bytes and the
    smallest and largest value of each code variable (None when it has no value)."""

    rows: int = 0
    widths: dict[str, int] = field(default_factory=dict)
    ranges: dict[str, tuple[float, float] | None] = field(default_factory=dict)


class LayoutScanner:
    """Accumulates a :class:`Layout` over the chunks of the first pass."""

    def __init__(self, variables: Sequence[Variable]) -> None:
        self.strings = [v.name for v in variables if v.kind == "string"]
        self.codes = [v.name for v in variables if is_coded(v)]
        self.layout = Layout(widths=dict.fromkeys(self.strings, 0),
                             ranges=dict.fromkeys(self.codes))

    def add(self, frame: pd.DataFrame) -> None:
        """Widen the layout to hold ``frame``'s values."""
        self.layout.rows += len(frame)
        for name in self.strings:
            lengths = pc.binary_length(pa.array(frame[name], type=pa.string(),
                                                from_pandas=True))
            widest = pc.max(lengths).as_py()
            if widest is not None and widest > self.layout.widths[name]:
                self.layout.widths[name] = widest
        block = frame[self.codes].to_numpy(float, na_value=np.nan)
        for j, name in enumerate(self.codes):
            values = block[:, j]
            if not np.isfinite(values).any():
                continue
            lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
            old = self.layout.ranges[name]
            self.layout.ranges[name] = (lo, hi) if old is None else (min(lo, old[0]),
                                                                    max(hi, old[1]))


def scan(frame: pd.DataFrame, variables: Sequence[Variable]) -> Layout:
    """The layout of one whole frame (for writing a frame in one piece)."""
    scanner = LayoutScanner(variables)
    scanner.add(frame)
    return scanner.layout


def utf8_strings(column: pd.Series) -> np.ndarray:
    """The column's text as UTF-8 bytes objects ("" for missing)."""
    strings = pc.fill_null(pa.array(column, type=pa.string(), from_pandas=True), "")
    return np.array([t.encode("utf-8") for t in strings.to_pylist()], dtype=object)


def fixed_width(column: pd.Series, width: int, fill: int = 0) -> tuple[np.ndarray, int]:
    """The column's UTF-8 text laid out in a ``(rows, width)`` byte matrix, padded with
    ``fill`` ("" for missing), and the widest value in bytes.

    Built from Arrow's offsets and data buffers with one scatter, not value by value: a
    million response ids and unit names would otherwise cost seconds.
    """
    strings = pc.fill_null(pa.array(column, type=pa.string(), from_pandas=True), "")
    if isinstance(strings, pa.ChunkedArray):
        strings = strings.combine_chunks()
    n = len(strings)
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int32)[
        strings.offset: strings.offset + n + 1]
    lengths = np.diff(offsets)
    widest = int(lengths.max()) if n else 0
    out = np.full((n, width), fill, dtype=np.uint8)
    if n and widest and widest <= width:
        data = np.frombuffer(strings.buffers()[2], dtype=np.uint8)[offsets[0]: offsets[-1]]
        rows = np.repeat(np.arange(n), lengths)
        cols = np.arange(len(data)) - np.repeat(offsets[:-1] - offsets[0], lengths)
        out[rows, cols] = data
    return out, widest
