"""Writers for the four formats; each takes chunks of export rows in file order.

Every format is written chunk by chunk, so memory stays bounded by the chunk size. Stata and
SPSS files hold the number of rows and every string width in their header: their writers
(:mod:`.stata`, :mod:`.spss`) are opened with the :class:`~.layout.Layout` the export learnt
in its first pass.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Protocol

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..spreadsheet_safety import neutralise_frame
from .frame import is_coded
from .labels import Variable
from .layout import Layout
from .spss import SavWriter
from .stata import DtaWriter

FORMATS = ("csv", "dta", "sav", "parquet")


class Writer(Protocol):
    """Receives the export's chunks in order, then is closed once."""

    path: Path

    def write(self, frame: pd.DataFrame) -> None: ...

    def close(self) -> None: ...


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


def open_writer(fmt: str, path: Path, variables: Sequence[Variable], language: str = "vi",
                layout: Layout | None = None) -> Writer:
    """Open the writer of ``fmt`` (one of :data:`FORMATS`) on ``path``.

    Stata and SPSS need the export's :class:`Layout` (rows, string widths, code ranges)
    before the first row; CSV and Parquet ignore it.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    writer: Writer
    if fmt == "csv":
        writer = CsvWriter(path, variables, language)
    elif fmt == "parquet":
        writer = ParquetWriter(path, variables, language)
    elif layout is None:
        raise ValueError(f"the {fmt} writer needs the export's layout")
    elif fmt == "dta":
        writer = DtaWriter(path, variables, language, layout)
    else:
        writer = SavWriter(path, variables, language, layout)
    return writer
