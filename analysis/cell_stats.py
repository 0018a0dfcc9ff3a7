"""Sums per unit × field × month cell, from which every unit's statistics follow exactly.

A cell's sums are additive in its responses: the count ``n``, ``Σ z`` and ``Σ z z'`` of
``z = (y, x)`` and, per output, the count of responses with a valid answer. New responses are
added to their cells (:meth:`CellSums.add`) without reading older ones again. For a period, the
month cells are summed to unit × field cells, post-stratified to the dossier counts
(:func:`analysis.units.cell_weights`, the default weights' rule, collapse included) and turned
into one :class:`~analysis.scoring.grouped.StratumStats` record per unit
(:func:`stats_from_cells`):
within a post-stratum the weight is constant, so with ``S_c = Σ z z' − Σz Σz'/n_c``

    M_h = Σ_{n_c>1} w_c² n_c/(n_c−1) S_c + Σ_{n_c=1} w_c² (z_c − z̄_h)(z_c − z̄_h)'

(hailong's small-cell correction; ``n_h/(n_h−1) Σ_c w_c² S_c`` without it), which is what
:func:`~analysis.scoring.grouped.stratum_stats` computes from the rows, so the numbers are those of
:func:`analysis.units.unit_results` (tests check it to 1e-9).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis.scoring.composite import build_composite
from analysis.scoring.grouped import StratumStats, _cross_by_block
from analysis.unit_stats import UnitStats

KEYS = ["unit", "field", "month"]


@dataclass
class CellSums:
    """Additive sums per cell (``keys``: ``unit, field, month``), for one scoring block."""

    spec: Mapping[str, Any]
    keys: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=KEYS))
    n: np.ndarray = field(default_factory=lambda: np.zeros(0))
    zsum: np.ndarray | None = None
    zcross: np.ndarray | None = None
    valid: np.ndarray | None = None
    binary: np.ndarray | None = None
    shape: Any = None
    _index: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def add(self, rows: pd.DataFrame) -> set[Any]:
        """Add responses (``unit, field, month`` and answer columns); return their units."""
        if rows.empty:
            return set()
        comp = build_composite(rows, self.spec)
        z = np.hstack([comp.numerator, comp.denominator])
        needed = (comp.coef != 0).T.astype(float)
        valid = ((comp.denominator != 0).astype(float) @ needed > 0).astype(float)
        binary = np.all((comp.numerator == 0) | (comp.numerator == 1), axis=0)
        if self.shape is None:
            p, k = z.shape[1], valid.shape[1]
            self.zsum, self.zcross = np.zeros((0, p)), np.zeros((0, p, p))
            self.valid, self.binary = np.zeros((0, k)), binary
            self.shape = comp.take(np.zeros(0, dtype=np.int64))
        self.binary = self.binary & binary
        labels = list(zip(*(rows[c].to_numpy() for c in KEYS), strict=True))
        codes = np.empty(len(labels), dtype=np.int64)
        fresh: list[tuple[Any, ...]] = []
        for i, key in enumerate(labels):
            code = self._index.get(key)
            if code is None:
                code = self._index[key] = len(self.keys) + len(fresh)
                fresh.append(key)
            codes[i] = code
        if fresh:
            self.keys = pd.concat([self.keys, pd.DataFrame(fresh, columns=KEYS)], ignore_index=True)
            more = len(fresh)
            self.n = np.concatenate([self.n, np.zeros(more)])
            self.zsum = np.concatenate([self.zsum, np.zeros((more, *self.zsum.shape[1:]))])
            self.zcross = np.concatenate([self.zcross, np.zeros((more, *self.zcross.shape[1:]))])
            self.valid = np.concatenate([self.valid, np.zeros((more, *self.valid.shape[1:]))])
        order = np.argsort(codes, kind="stable")
        sorted_codes = codes[order]
        starts = np.concatenate([[0], np.flatnonzero(np.diff(sorted_codes)) + 1])
        cells = sorted_codes[starts]
        z_sorted = z[order]
        self.n[cells] += np.diff(np.append(starts, len(codes)))
        self.zsum[cells] += np.add.reduceat(z_sorted, starts, axis=0)
        self.zcross[cells] += _cross_by_block(z_sorted, starts)
        self.valid[cells] += np.add.reduceat(valid[order], starts, axis=0)
        return set(rows["unit"])


def stats_from_cells(
    sums: CellSums,
    months: Mapping[str, list[str]],
    dossiers: pd.DataFrame,
    units: set[Any] | None = None,
    *,
    small_cell_correction: bool = True,
) -> UnitStats | None:
    """Unit × period statistics for the periods ``months`` (label → its months), with
    hailong's default weights; ``units`` limits the units. Cells without a dossier count are
    dropped and reported, as ``unmatched="drop"``. None when no cell is left."""
    from analysis.units import cell_weights

    parts = []
    for label, ms in months.items():
        keep = sums.keys["month"].isin(ms).to_numpy()
        if units is not None:
            keep = keep & sums.keys["unit"].isin(list(units)).to_numpy()
        rows = np.flatnonzero(keep)
        if len(rows):
            parts.append(sums.keys.iloc[rows][["unit", "field"]].assign(period=label, _row=rows))
    if not parts:
        return None
    table = pd.concat(parts, ignore_index=True)
    grouped = table.groupby(["unit", "period", "field"], sort=True)
    cell = grouped.ngroup().to_numpy()
    cells = grouped.size().reset_index()[["unit", "period", "field"]]
    n_cells = len(cells)
    src = table["_row"].to_numpy()
    n = np.bincount(cell, weights=sums.n[src], minlength=n_cells)
    zsum = _sum_rows(sums.zsum[src], cell, n_cells)
    zcross = _sum_rows(sums.zcross[src], cell, n_cells)
    valid = _sum_rows(sums.valid[src], cell, n_cells)
    weighted, collapsed, dropped = cell_weights(cells.assign(_n=n), dossiers, unmatched="drop")
    w = weighted["weight"].to_numpy(dtype=float)  # NaN: cell dropped (no dossier count)
    kept = ~np.isnan(w)
    if not kept.any():
        return None
    cells, n, zsum, zcross, valid, w = (
        a[kept] for a in (cells.reset_index(drop=True), n, zsum, zcross, valid, w)
    )
    cells = cells.reset_index(drop=True)
    strata = cells.groupby(["unit", "period"], sort=True).ngroup().to_numpy()
    n_h = np.bincount(strata, weights=n)
    raw_sum = _sum_rows(zsum, strata, len(n_h))
    centred = zcross - zsum[:, :, None] * zsum[:, None, :] / n[:, None, None]
    if small_cell_correction:
        factor = np.where(n > 1, n / np.maximum(n - 1.0, 1.0), 0.0)
        design = _sum_rows((w**2 * factor)[:, None, None] * centred, strata, len(n_h))
        single = np.flatnonzero(n == 1)
        if len(single):
            dev = zsum[single] - (raw_sum / n_h[:, None])[strata[single]]
            outer = (w[single] ** 2)[:, None, None] * dev[:, :, None] * dev[:, None, :]
            design += _sum_rows(outer, strata[single], len(n_h))
        degf = np.maximum(n_h - np.bincount(strata, minlength=len(n_h)), 0.0)
    else:
        inner = _sum_rows((w**2)[:, None, None] * centred, strata, len(n_h))
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(n_h > 1, n_h / (n_h - 1.0), 0.0)
        design = factor[:, None, None] * inner
        degf = n_h - 1.0
    stats = StratumStats(
        _sum_rows(w[:, None] * zsum, strata, len(n_h)),
        design,
        raw_sum,
        _sum_rows(zcross, strata, len(n_h)),
        n_h,
        np.bincount(strata, weights=w * n),
        degf,
        _sum_rows(valid, strata, len(n_h)),
        _sum_rows(w[:, None] * valid, strata, len(n_h)),
        _sum_rows((w**2)[:, None] * valid, strata, len(n_h)),
    )
    first_cell = np.unique(strata, return_index=True)[1]
    return UnitStats(
        stats,
        cells["unit"].to_numpy(dtype=object)[first_cell],
        cells["period"].to_numpy(dtype=object)[first_cell],
        sums.shape,
        sums.binary.copy(),
        collapsed,
        dropped,
    )


def _sum_rows(values: np.ndarray, groups: np.ndarray, size: int) -> np.ndarray:
    """Sum the rows of ``values`` (any trailing shape) by ``groups``."""
    out = np.zeros((size, *values.shape[1:]))
    np.add.at(out, groups, values)
    return out
