"""The table of indices per unit and period that pages, API, CLI and reports receive.

The numbers come from one path: the cells kept in the database (:mod:`.stat_cells`) turned into
results by :mod:`.indices_store` and handed out by :mod:`.indices_cache`. The raw-row
computation (every response read and scored) is the reference in ``tests/reference_indices.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


class IndicesError(LookupError):
    """The indices cannot be computed as asked (unknown survey or unit)."""


@dataclass(frozen=True)
class IndexTable:
    """Per-unit results (the columns of ``analysis.units.RESULT_COLUMNS``) and what was
    left out of the weighting."""

    survey: str
    period: str
    results: pd.DataFrame
    responses: int


def ordered(results: pd.DataFrame) -> pd.DataFrame:
    """Result rows in one order (scope, unit, period; outputs in scoring order)."""
    if results.empty:
        return results
    out = results.sort_values(["scope", "unit", "period"], kind="stable").reset_index(drop=True)
    # Text columns as plain Python strings: pages filter these frames many times per request,
    # and comparisons on pandas' Arrow-backed strings cost ten times more on small frames.
    text = {c: object for c in ("unit", "period", "scope", "index_id", "index_level",
                                "ci_method", "band") if c in out.columns}
    return out.astype(text)
