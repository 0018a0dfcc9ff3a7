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
    keys = [unit, period, field]
    pop = dossiers.groupby(keys, sort=False, dropna=False)[count].sum().rename("_N").reset_index()
    pop = pop[pop["_N"] > 0]
    cells = cells.merge(pop, on=keys, how="left")
    bad = cells["_N"].isna()
    if bad.any() and unmatched != "drop":
        first = cells.loc[bad, keys].head(5).to_dict("records")
        raise AnalysisError(
            f"{int(bad.sum())} unit/period/field cell(s) have responses but no dossier count, "
            f"e.g. {first}; import their dossier counts or pass unmatched='drop'"
        )
    dropped = cells.loc[bad, [*keys, "_n"]].rename(columns={"_n": "responses"})
    up = [unit, period]
    unit_total = pop.groupby(up, sort=False)["_N"].sum().rename("_Nu")
    obs_total = cells[~bad].groupby(up, sort=False)["_N"].sum().rename("_No")
    scale = pd.concat([unit_total, obs_total], axis=1, join="inner")
    scale["scale"] = scale["_Nu"] / scale["_No"]
    cells = cells.merge(scale["scale"].reset_index(), on=up, how="left")
    cells["weight"] = np.where(bad, np.nan, cells["_N"] * cells["scale"] / cells["_n"])
    observed = pop.merge(cells.loc[~bad, keys], on=keys, how="left", indicator=True)
    collapsed = observed[observed["_merge"] == "left_only"][[*keys, "_N"]]
    collapsed = collapsed.merge(scale["scale"].reset_index(), on=up, how="inner")
    collapsed = collapsed.rename(columns={"_N": "count"}).reset_index(drop=True)
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
