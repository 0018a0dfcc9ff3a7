"""An IndexTable as JSON-ready records or CSV: the one serialisation of the API and the CLI."""

from __future__ import annotations

import io
import math
from typing import Any

import numpy as np

from analysis.units import RESULT_COLUMNS

from ..spreadsheet_safety import neutralise_frame
from .indices import IndexTable


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is None or value is np.nan:
        return None
    return value


def index_records(table: IndexTable) -> list[dict[str, Any]]:
    """One dict per result row, columns of ``RESULT_COLUMNS`` (and ``band`` when present)."""
    if table.results.empty:
        return []
    columns = [c for c in [*RESULT_COLUMNS, "band"] if c in table.results.columns]
    return [{c: _plain(row[c]) for c in columns}
            for row in table.results[columns].to_dict("records")]


def indices_document(table: IndexTable, unit_code: str | None) -> dict[str, Any]:
    """The JSON body of ``GET /api/v1/indices`` and ``hailong indices --format json``."""
    return {"survey": table.survey, "period": table.period, "unit": unit_code,
            "responses": table.responses, "level": 0.95, "results": index_records(table)}


def indices_csv(table: IndexTable) -> str:
    """The result rows as CSV (empty estimate cells where suppressed)."""
    columns = [c for c in [*RESULT_COLUMNS, "band"] if c in table.results.columns]
    buffer = io.StringIO()
    frame = table.results[columns] if columns else table.results
    if frame.empty:
        buffer.write(",".join(RESULT_COLUMNS) + "\n")
    else:
        neutralise_frame(frame).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()
