"""Writers for the four formats; each takes chunks of export rows in file order.

CSV and Parquet are written chunk by chunk, so memory stays bounded by the chunk size. Stata
and SPSS files must know the number of rows and every string width in their header, and
neither pandas' ``to_stata`` nor pyreadstat can append, so those two writers collect the
chunks in compact form (codes as float32 columns, each distinct string once) and write once
at the end: their memory grows with the export (peak 2.8 GiB for .dta and 1.4 GiB for .sav
per million SIPAS responses; docs/benchmarks.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pyreadstat

from ..services.spreadsheet_safety import neutralise_frame
from .frame import is_coded
from .labels import Variable

FORMATS = ("csv", "dta", "sav", "parquet")
STATA_LABEL_LIMIT = 80
SPSS_LABEL_LIMIT = 255


class Writer(Protocol):
    """Receives the export's chunks in order, then is closed once."""

    path: Path

    def write(self, frame: pd.DataFrame) -> None: ...

    def close(self) -> None: ...


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class CsvWriter:
    """UTF-8 with a byte-order mark, so Excel shows Vietnamese; empty cell = missing.

    Written through pyarrow's CSV writer (quotes only where needed, shortest round-trip
    decimals), several times faster than pandas' ``to_csv``.
    """

    def __init__(self, path: Path, variables: Sequence[Variable], language: str) -> None:
        self.path = path
        self.schema = arrow_schema(variables, language)
        self._file: IO[bytes] = path.open("wb")
        self._file.write("\ufeff".encode())
        self._header = True

    def write(self, frame: pd.DataFrame) -> None:
        # Meant for Excel: text that would run as a formula is neutralised (CSV only; the
        # Stata, SPSS and Parquet files keep the text exactly).
        frame = neutralise_frame(frame)
        table = pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False)
        options = pacsv.WriteOptions(include_header=self._header, quoting_style="needed")
        pacsv.write_csv(table, self._file, write_options=options)
        self._header = False

    def close(self) -> None:
        if self._header:  # no response at all: still write the header line
            pacsv.write_csv(self.schema.empty_table(), self._file)
        self._file.close()


def arrow_schema(variables: Sequence[Variable], language: str) -> pa.Schema:
    """The Parquet schema, with each variable's labels as field metadata."""
    fields = []
    for var in variables:
        kind = pa.string() if var.kind == "string" else pa.int64() if is_coded(var) \
            else pa.float64()
        meta = {"label": var.text(language), "labels": json.dumps(var.label, ensure_ascii=False)}
        if var.values:
            meta["value_labels"] = json.dumps(
                {str(c): lab for c, lab in var.values.items()}, ensure_ascii=False)
        fields.append(pa.field(var.name, kind, metadata=meta))
    return pa.schema(fields)


class ParquetWriter:
    """One row group per chunk; labels kept in the schema's field metadata."""

    def __init__(self, path: Path, variables: Sequence[Variable], language: str) -> None:
        self.path = path
        self.schema = arrow_schema(variables, language)
        self._writer = pq.ParquetWriter(path, self.schema, compression="zstd")

    def write(self, frame: pd.DataFrame) -> None:
        table = pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False)
        self._writer.write_table(table)

    def close(self) -> None:
        self._writer.close()


class _Collecting:
    """Base of the writers that must see every row before writing."""

    def __init__(self, path: Path, variables: Sequence[Variable], language: str) -> None:
        self.path = path
        self.variables = list(variables)
        self.language = language
        self._chunks: list[pd.DataFrame] = []

    def write(self, frame: pd.DataFrame) -> None:
        self._chunks.append(_compact(frame, self.variables))

    def _frame(self) -> pd.DataFrame:
        if not self._chunks:
            return _compact(pd.DataFrame({v.name: pd.Series(dtype=object)
                                          for v in self.variables}), self.variables)
        frame = pd.concat(self._chunks, ignore_index=True)
        self._chunks = []
        return frame


def _compact(frame: pd.DataFrame, variables: Sequence[Variable]) -> pd.DataFrame:
    """Codes as float32 (exact for integers; NaN = missing), measures as float64, strings
    with "" for missing and each distinct string stored once (a million responses share a
    few dozen unit names)."""
    out = {}
    for var in variables:
        col = frame[var.name]
        if var.kind == "string":
            codes, uniques = pd.factorize(col.astype(object).where(col.notna(), ""))
            out[var.name] = pd.Series(np.asarray(uniques, dtype=object)[codes], dtype=object)
        else:
            kind = "float32" if is_coded(var) else "float64"
            out[var.name] = pd.to_numeric(col, errors="coerce").astype(kind)
    return pd.DataFrame(out)


class StataWriter(_Collecting):
    """Stata 14+ ``.dta`` (format 118: UTF-8 text), variable and value labels."""

    def close(self) -> None:
        frame = self._frame()
        labels = {v.name: shorten(v.text(self.language), STATA_LABEL_LIMIT)
                  for v in self.variables}
        values = {v.name: v.value_text(self.language) for v in self.variables if v.values}
        frame.to_stata(self.path, version=118, write_index=False, variable_labels=labels,
                       value_labels=values, data_label="hailong microdata")


class SpssWriter(_Collecting):
    """SPSS ``.sav``: variable labels, value labels, user-missing codes, measurement levels."""

    def close(self) -> None:
        frame = self._frame()
        pyreadstat.write_sav(
            frame, str(self.path),
            column_labels={v.name: shorten(v.text(self.language), SPSS_LABEL_LIMIT)
                           for v in self.variables},
            variable_value_labels={v.name: {float(c): t for c, t in
                                            v.value_text(self.language).items()}
                                   for v in self.variables if v.values},
            missing_ranges={v.name: [float(c) for c in v.missing]
                            for v in self.variables if v.missing},
            variable_measure={v.name: "nominal" if v.kind == "string" else v.measure
                              for v in self.variables},
            variable_format={v.name: "F8.0" for v in self.variables if is_coded(v)},
            file_label="hailong microdata")


WRITERS: dict[str, type] = {"csv": CsvWriter, "parquet": ParquetWriter, "dta": StataWriter,
                            "sav": SpssWriter}


def open_writer(fmt: str, path: Path, variables: Sequence[Variable],
                language: str = "vi") -> Writer:
    """Open the writer of ``fmt`` (one of :data:`FORMATS`) on ``path``."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    writer: Writer = WRITERS[fmt](path, variables, language)
    return writer
