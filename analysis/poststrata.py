"""hailong's default weights: responses post-stratified to dossier counts per unit × period × field.

Within each unit and period, the responses of procedure field ``f`` are post-stratified to the
number of dossiers ``N_uf`` the unit handled in that field: every response in cell ``(u, p, f)``
gets weight ``N*_upf / n_upf``. A field with dossiers but no responses is collapsed into the
unit's observed fields (see :mod:`analysis.units`). The rule needs only the number of responses
per cell (:func:`cell_weights`), so it applies to rows (:func:`default_weights`) and to kept cell
sums (:mod:`analysis.cell_stats`) alike. Also the unit tree's ancestor pairs used by roll-ups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError


@dataclass(frozen=True)
class DefaultWeights:
    """Result of :func:`default_weights`.

    Attributes
    ----------
    frame : pandas.DataFrame
        The kept responses (original index) with added columns ``weight`` and ``poststratum``
        (an integer code of the unit × period × field cell).
    collapsed : pandas.DataFrame
        Fields with dossiers but no responses: ``unit, period, field, count``, and the factor
        ``scale`` applied to the unit's observed fields.
    dropped : pandas.DataFrame
        Cells with responses but no dossier count (only with ``unmatched="drop"``):
        ``unit, period, field, responses``.
    """

    frame: pd.DataFrame
    collapsed: pd.DataFrame
    dropped: pd.DataFrame


def default_weights(
    responses: pd.DataFrame,
    dossiers: pd.DataFrame,
    *,
    unit: str = "unit",
    period: str = "period",
    field: str = "field",
    count: str = "count",
    unmatched: str = "error",
) -> DefaultWeights:
    """Post-stratify responses to dossier counts per unit × period × field.

    Parameters
    ----------
    responses : pandas.DataFrame
        One row per response with ``unit``, ``period`` and ``field`` columns.
    dossiers : pandas.DataFrame
        Population table with ``unit``, ``period``, ``field`` and ``count``.
    unit, period, field, count : str
        Column names.
    unmatched : {"error", "drop"}
        What to do with responses in a cell that has no (or a zero) dossier count.

    Returns
    -------
    DefaultWeights
    """
    keys = [unit, period, field]
    checks = (("responses", responses, keys), ("dossiers", dossiers, [*keys, count]))
    for name, frame, cols in checks:
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise AnalysisError(f"{name} has no column(s) {missing}")
    grouped = responses.groupby(keys, sort=False, dropna=False)
    cell_code = grouped.ngroup().to_numpy()
    cells = grouped.size().rename("_n").reset_index()
    cells, collapsed, dropped = cell_weights(
        cells, dossiers, unit=unit, period=period, field=field, count=count, unmatched=unmatched
    )
    row_weight = cells["weight"].to_numpy(dtype=float)[cell_code]
    keep = ~np.isnan(row_weight)
    out = responses.drop(columns=["weight", "poststratum"], errors="ignore")
    out = out.assign(weight=row_weight, poststratum=cell_code)
    if not keep.all():
        out = out[keep].copy()
    return DefaultWeights(out, collapsed, dropped.reset_index(drop=True))


def cell_weights(
    cells: pd.DataFrame,
    dossiers: pd.DataFrame,
    *,
    unit: str = "unit",
    period: str = "period",
    field: str = "field",
    count: str = "count",
    unmatched: str = "error",
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Weights of post-strata: ``cells`` has the keys and ``_n`` (responses), one row a cell.

    Returns the cells (same rows and order) with ``weight`` (NaN where dropped), the collapsed
    fields and the dropped cells, as :class:`DefaultWeights` describes them.
    """
    # Integer codes and bincounts, not merges: this runs for every unit page after new
    # responses (kept cells), where three pandas merges cost more than the rest of the rule.
    keys = [unit, period, field]
    cells = cells.reset_index(drop=True)
    counts = dossiers[count]
    joined = pd.concat([cells[keys], dossiers[keys]], ignore_index=True)
    code = joined.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    upper = joined.groupby(keys[:2], sort=False, dropna=False).ngroup().to_numpy()
    size, n_cells = int(code.max()) + 1 if len(code) else 0, len(cells)
    cell_code, pop_code = code[:n_cells], code[n_cells:]
    total = np.bincount(pop_code, weights=counts.fillna(0).to_numpy(dtype=float),
                        minlength=size)  # dossiers per cell (summed over duplicate rows)
    known = np.zeros(size, dtype=bool)
    known[pop_code] = True
    populated = known & (total > 0)
    bad = ~populated[cell_code]
    if bad.any() and unmatched != "drop":
        first = cells.loc[bad, keys].head(5).to_dict("records")
        raise AnalysisError(
            f"{int(bad.sum())} unit/period/field cell(s) have responses but no dossier count, "
            f"e.g. {first}; import their dossier counts or pass unmatched='drop'"
        )
    dropped = cells.loc[bad, [*keys, "_n"]].rename(columns={"_n": "responses"})
    n_up = int(upper.max()) + 1 if len(upper) else 0
    up_of = np.zeros(size, dtype=np.int64)
    up_of[code] = upper
    in_pop = np.flatnonzero(populated)
    unit_total = np.bincount(up_of[in_pop], weights=total[in_pop], minlength=n_up)
    pop_n = np.where(bad, np.nan, total[cell_code])
    observed = np.bincount(upper[:n_cells][~bad], weights=pop_n[~bad], minlength=n_up)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(observed > 0, unit_total / observed, np.nan)
    cell_scale = scale[upper[:n_cells]]
    weights = np.where(bad, np.nan, pop_n * cell_scale / cells["_n"].to_numpy(dtype=float))
    cells = cells.assign(_N=pop_n, scale=cell_scale, weight=weights)
    # Fields with dossiers but no responses, in a unit and period that has some: in the order
    # the dossier table first names them.
    seen = np.zeros(size, dtype=bool)
    seen[cell_code[~bad]] = True
    groups, first_row = np.unique(pop_code, return_index=True)
    lonely = populated[groups] & ~seen[groups] & (observed[up_of[groups]] > 0)
    rows = np.sort(first_row[lonely])
    lonely_codes = pop_code[rows]
    collapsed = dossiers.iloc[rows][keys].reset_index(drop=True)
    collapsed["count"] = pd.Series(total[lonely_codes]).astype(counts.dtype
                                                              if counts.dtype.kind in "iu"
                                                              else float)
    collapsed["scale"] = scale[up_of[lonely_codes]]
    return cells, collapsed, dropped.reset_index(drop=True)


def ancestors_table(parents: Mapping[Any, Any]) -> pd.DataFrame:
    """Return ``(unit, ancestor)`` pairs for every unit of a child → parent map.

    Raises :class:`AnalysisError` on a cycle. Roots map to ``None`` (or are absent as keys).
    """
    pairs: list[tuple[Any, Any]] = []
    for node in parents:
        seen = {node}
        parent = parents.get(node)
        while parent is not None and not (isinstance(parent, float) and np.isnan(parent)):
            if parent in seen:
                raise AnalysisError(f"the unit tree has a cycle through {parent!r}")
            seen.add(parent)
            pairs.append((node, parent))
            parent = parents.get(parent)
    return pd.DataFrame(pairs, columns=["unit", "ancestor"])
