"""The kept statistics: sums per unit × field × month cell, from which every index follows exactly.

This is hailong's read model of a survey's responses. A cell's sums are additive in its
responses: the count ``n``, ``Σ z`` and ``Σ z z'`` of ``z = (y, x)`` (the numerators and
denominators of the scoring composite's ratios), per output the count of responses with a valid
answer, and per ratio the count of numerators that are not 0 or 1. New responses are added to
their cells (:meth:`CellSums.add`) without reading older ones again; a cell travels to and from
storage as bytes (:meth:`CellSums.pack`, :meth:`CellSums.put`). One function turns cells,
dossier counts and the unit tree into every index of every unit and roll-up with its interval
(:func:`results_from_cells`). For a period, the
month cells are summed to unit × field cells, post-stratified to the dossier counts
(:func:`analysis.poststrata.cell_weights`, the default weights' rule, collapse included) and turned
into one :class:`~analysis.scoring.grouped.StratumStats` record per unit
(:func:`stats_from_cells`):
within a post-stratum the weight is constant, so with ``S_c = Σ z z' − Σz Σz'/n_c``

    M_h = Σ_{n_c>1} w_c² n_c/(n_c−1) S_c + Σ_{n_c=1} w_c² (z_c − z̄_h)(z_c − z̄_h)'

(hailong's small-cell correction; ``n_h/(n_h−1) Σ_c w_c² S_c`` without it), which is what
:func:`~analysis.scoring.grouped.stratum_stats` computes from the rows, so the numbers are those of
:func:`analysis.units.unit_results` (tests check it to 1e-9).
"""

from __future__ import annotations

import functools
import json
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis.poststrata import cell_weights
from analysis.scoring.composite import LinearComposite, answer_items, build_composite
from analysis.scoring.grouped import StratumStats, cross_by_block
from analysis.unit_stats import RESULT_COLUMNS, UnitStats, results_from_stats

KEYS = ["unit", "field", "month"]
# The survey definition's weighting rules (survey_defs.schema.WEIGHTING_RULES): analysis does
# not import survey_defs' schema, so the names are repeated and a test keeps them equal.
WEIGHTING_RULES = ("dossiers", "equal")
# PostgreSQL array_send of a float8[]: ndim, has-nulls, element oid, length, lower bound
_HEADER = struct.Struct(">iiiii")
_ITEM = np.dtype([("length", ">i4"), ("value", ">f8")])


def empty_composite(spec: Mapping[str, Any]) -> LinearComposite:
    """The scoring composite of ``spec`` without rows: ids, coefficients and bounds (shared
    between calls with equal specs; nothing changes it)."""
    return _empty_composite(json.dumps(spec, sort_keys=True, default=str))


@functools.lru_cache(maxsize=32)
def _empty_composite(spec_json: str) -> LinearComposite:
    # Every refresh makes empty cell sums per block; building the composite of an empty frame
    # each time cost as much as folding the new responses in.
    spec = json.loads(spec_json)
    frame = pd.DataFrame({item: np.zeros(0) for item in answer_items(spec)})
    return build_composite(frame, spec)


@dataclass
class CellSums:
    """Additive sums per cell (``keys``: ``unit, field, month``), for one scoring block.

    Per cell: the response count ``n``; ``zsum`` (Σ z, ``z`` = the composite's numerators then
    denominators, length ``p``); ``zcross`` (Σ z z', ``p × p``); ``valid`` (per output, the
    responses with a valid answer to any ratio it needs) and ``nonbinary`` (per ratio, the
    responses whose numerator is neither 0 nor 1). All are sums over responses, so a cell of
    two batches is the sum of their cells, in any order. :meth:`pack` and :meth:`put` move one
    cell's sums to and from bytes (a float8 array in PostgreSQL's binary form).
    """

    spec: Mapping[str, Any]
    keys: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=KEYS))
    n: np.ndarray = field(default_factory=lambda: np.zeros(0))
    zsum: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    zcross: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0)))
    valid: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    nonbinary: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    shape: LinearComposite | None = None
    _index: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.shape is None:
            self.shape = empty_composite(self.spec)
        r, k = len(self.shape.ratio_ids), len(self.shape.output_ids)
        if len(self.n) == 0:
            self.zsum, self.zcross = np.zeros((0, 2 * r)), np.zeros((0, 2 * r, 2 * r))
            self.valid, self.nonbinary = np.zeros((0, k)), np.zeros((0, r))

    @property
    def binary(self) -> np.ndarray:
        """Per ratio: every numerator so far was 0 or 1."""
        return self.nonbinary.sum(axis=0) == 0

    @property
    def width(self) -> int:
        """Numbers in one packed cell."""
        p, k, r = self.zsum.shape[1], self.valid.shape[1], self.nonbinary.shape[1]
        return p + p * (p + 1) // 2 + k + r

    def _codes(self, labels: list[tuple[Any, ...]]) -> np.ndarray:
        """Row of each cell key, adding cells (with zero sums) not seen yet."""
        codes = np.empty(len(labels), dtype=np.int64)
        fresh: list[tuple[Any, ...]] = []
        for i, key in enumerate(labels):
            code = self._index.get(key)
            if code is None:
                code = self._index[key] = len(self.keys) + len(fresh)
                fresh.append(key)
            codes[i] = code
        if fresh:
            self.keys = pd.concat([self.keys, pd.DataFrame(fresh, columns=KEYS)],
                                  ignore_index=True)
            more = len(fresh)
            self.n = np.concatenate([self.n, np.zeros(more)])
            self.zsum = np.concatenate([self.zsum, np.zeros((more, *self.zsum.shape[1:]))])
            self.zcross = np.concatenate([self.zcross, np.zeros((more, *self.zcross.shape[1:]))])
            self.valid = np.concatenate([self.valid, np.zeros((more, *self.valid.shape[1:]))])
            self.nonbinary = np.concatenate(
                [self.nonbinary, np.zeros((more, *self.nonbinary.shape[1:]))])
        return codes

    def add(self, rows: pd.DataFrame) -> set[Any]:
        """Add responses (``unit, field, month`` and answer columns); return their units."""
        if rows.empty:
            return set()
        comp = build_composite(rows, self.spec)
        z = np.hstack([comp.numerator, comp.denominator])
        needed = (comp.coef != 0).T.astype(float)
        valid = ((comp.denominator != 0).astype(float) @ needed > 0).astype(float)
        nonbinary = ((comp.numerator != 0) & (comp.numerator != 1)).astype(float)
        labels = list(zip(*(rows[c].to_numpy() for c in KEYS), strict=True))
        codes = self._codes(labels)
        order = np.argsort(codes, kind="stable")
        sorted_codes = codes[order]
        starts = np.concatenate([[0], np.flatnonzero(np.diff(sorted_codes)) + 1])
        cells = sorted_codes[starts]
        z_sorted = z[order]
        self.n[cells] += np.diff(np.append(starts, len(codes)))
        self.zsum[cells] += np.add.reduceat(z_sorted, starts, axis=0)
        self.zcross[cells] += cross_by_block(z_sorted, starts)
        self.valid[cells] += np.add.reduceat(valid[order], starts, axis=0)
        self.nonbinary[cells] += np.add.reduceat(nonbinary[order], starts, axis=0)
        return set(rows["unit"])

    def pack(self, row: int) -> bytes:
        """One cell's sums as bytes: PostgreSQL's binary form of a float8 array (so the
        database can write the same value with ``array_send``), without the count ``n``."""
        p = self.zsum.shape[1]
        upper = np.triu_indices(p)
        values = np.concatenate([self.zsum[row], self.zcross[row][upper], self.valid[row],
                                 self.nonbinary[row]])
        items = np.empty(len(values), dtype=_ITEM)
        items["length"], items["value"] = 8, values
        return _HEADER.pack(1, 0, 701, len(values), 1) + items.tobytes()

    def put(self, keys: list[tuple[Any, ...]], n: np.ndarray, packed: list[bytes]) -> None:
        """Set cells to kept sums (``keys`` as ``unit, field, month``; ``packed`` from
        :meth:`pack` or the database), replacing what they held."""
        if not keys:
            return
        codes = self._codes(keys)
        p, k = self.zsum.shape[1], self.valid.shape[1]
        values = unpack(packed, self.width)
        upper = np.triu_indices(p)
        cross = np.zeros((len(keys), p, p))
        cross[:, upper[0], upper[1]] = values[:, p:p + len(upper[0])]
        cross[:, upper[1], upper[0]] = values[:, p:p + len(upper[0])]
        at = p + len(upper[0])
        self.n[codes] = n
        self.zsum[codes] = values[:, :p]
        self.zcross[codes] = cross
        self.valid[codes] = values[:, at:at + k]
        self.nonbinary[codes] = values[:, at + k:]


def unpack(packed: list[bytes], width: int) -> np.ndarray:
    """Rows of numbers from cells packed by :meth:`CellSums.pack` (or PostgreSQL)."""
    out = np.empty((len(packed), width))
    for i, blob in enumerate(packed):
        count = _HEADER.unpack_from(blob)[3]
        if count != width:
            raise ValueError(f"a kept cell holds {count} numbers, the scoring block {width}")
        out[i] = np.frombuffer(blob, dtype=_ITEM, offset=_HEADER.size)["value"]
    return out


def stats_from_cells(
    sums: CellSums,
    months: Mapping[str, list[str]],
    dossiers: pd.DataFrame,
    units: set[Any] | None = None,
    *,
    small_cell_correction: bool = True,
    weighting: str = "dossiers",
) -> UnitStats | None:
    """Unit × period statistics for the periods ``months`` (label → its months); ``units``
    limits the units. None when no cell is left.

    ``weighting`` is the survey definition's rule. ``"dossiers"``: hailong's default weights,
    post-stratified to ``dossiers``; cells without a dossier count are dropped and reported,
    as ``unmatched="drop"``. ``"equal"``: every answer weighs 1 and the procedure field is
    ignored (one cell per unit × period, ``dossiers`` unused), so the formula above gives the
    with-replacement variance of a simple random sample within each unit."""
    if weighting not in WEIGHTING_RULES:
        raise ValueError(f"unknown weighting rule {weighting!r}; use one of "
                         f"{', '.join(WEIGHTING_RULES)}")
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
    if weighting == "equal":
        table["field"] = ""  # one cell per unit × period: the fields are summed
    grouped = table.groupby(["unit", "period", "field"], sort=True)
    cell = grouped.ngroup().to_numpy()
    cells = grouped.size().reset_index()[["unit", "period", "field"]]
    n_cells = len(cells)
    src = table["_row"].to_numpy()
    n = np.bincount(cell, weights=sums.n[src], minlength=n_cells)
    zsum = _sum_rows(sums.zsum[src], cell, n_cells)
    zcross = _sum_rows(sums.zcross[src], cell, n_cells)
    valid = _sum_rows(sums.valid[src], cell, n_cells)
    w: np.ndarray
    if weighting == "equal":
        w = np.ones(n_cells)
        collapsed = pd.DataFrame(columns=["unit", "period", "field", "count", "scale"])
        dropped = pd.DataFrame(columns=["unit", "period", "field", "responses"])
    else:
        weighted, collapsed, dropped = cell_weights(cells.assign(_n=n), dossiers,
                                                    unmatched="drop")
        w = weighted["weight"].to_numpy(dtype=float)  # NaN: cell dropped (no dossier count)
    kept = ~np.isnan(w)
    if not kept.any():
        return None
    cells = cells.reset_index(drop=True)[kept].reset_index(drop=True)
    n, w = n[kept], w[kept]
    zsum, zcross, valid = zsum[kept], zcross[kept], valid[kept]
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
    assert sums.shape is not None  # set by the first add() or put(), which made these cells
    return UnitStats(
        stats,
        cells["unit"].to_numpy(dtype=object)[first_cell],
        cells["period"].to_numpy(dtype=object)[first_cell],
        sums.shape,
        sums.binary,
        collapsed,
        dropped,
    )


def _sum_rows(values: np.ndarray, groups: np.ndarray, size: int) -> np.ndarray:
    """Sum the rows of ``values`` (any trailing shape) by ``groups``."""
    out = np.zeros((size, *values.shape[1:]))
    np.add.at(out, groups, values)
    return out


def results_from_cells(
    sums: CellSums,
    months: Mapping[str, list[str]],
    dossiers: pd.DataFrame,
    parents: Mapping[Any, Any] | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Every index of every unit and roll-up for the periods ``months`` from kept cells, the
    dossier counts and the unit tree (child → parent), with intervals: the rows of
    :data:`analysis.unit_stats.RESULT_COLUMNS`. ``options``: ``weighting`` goes to
    :func:`stats_from_cells`, the others to
    :func:`~analysis.unit_stats.results_from_stats` (``only``, ``level``, ``ci_method``, ...)."""
    weighting = options.pop("weighting", "dossiers")
    stats = stats_from_cells(sums, months, dossiers, weighting=weighting)
    if stats is None:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    return results_from_stats(stats, sums.spec, parents, **options)
