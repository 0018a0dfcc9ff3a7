"""Scoring blocks turned into linear composites of ratio estimators.

Every published SIPAS, PAPI and one-stop number is an affine function of a vector of ratios of
weighted totals ``m_c = Σ w_i y_ic / Σ w_i x_ic``:

* SIPAS criterion share: ``y`` = answer is a satisfied code, ``x`` = answer is valid (not missing
  and not an excluded code such as 9 "no opinion"); element index = mean of its criterion shares
  (or the share on the element's own satisfaction question); overall = mean of element indices.
* PAPI indicator: ``y`` = the value mapped from the answer code, ``x`` = the code is listed; the
  indicator score ``a + (b-a)(m-L)/(U-L)`` (or ``(U-m)`` for ``lower_better``), sub-dimension =
  mean of indicator scores, dimension = mean of sub-dimension scores, total = sum of dimensions.
* One-stop: ``y`` = points of the answer, ``x`` = the code is listed; total points = sum of the
  indicator means; points share = mean of (indicator mean / max points); satisfied share on the
  overall item.

So each output is ``θ_k = a_k + Σ_c A_kc m_c`` and its influence value for response ``i`` is
``Σ_c A_kc (y_ic - m_c x_ic) / X_c`` (Woodruff 1971; Wolter 2007, ch. 6; Lumley 2010).
A :class:`LinearComposite` holds the per-response ``y`` and ``x`` matrices plus ``A`` and ``a``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError


@dataclass(frozen=True)
class LinearComposite:
    """Ratios of weighted totals and the affine map from them to published outputs.

    Attributes
    ----------
    method : str
        ``"sipas"``, ``"papi"`` or ``"onestop"``.
    numerator, denominator : numpy.ndarray
        ``n × r`` per-response contributions ``y_ic`` and ``x_ic`` (no NaN).
    ratio_ids : tuple of str
        Names of the ``r`` ratios.
    output_ids, output_levels : tuple of str
        Names and levels (``criterion``, ``element``, ``overall``, ...) of the ``k`` outputs.
    coef : numpy.ndarray
        ``k × r`` matrix ``A``.
    offset : numpy.ndarray
        Length-``k`` vector ``a``.
    lower, upper : numpy.ndarray
        Bounds of each output's scale (used for intervals).
    rules : tuple
        How each ratio reads its one answer item: ``("share", item, satisfied, excluded)``
        (``y`` = satisfied code, ``x`` = answered and not excluded) or ``("coded", item,
        ((code, value), ...))`` (``y`` = value of the code, ``x`` = the code is listed). Every
        ``y`` and ``x`` depends on one item only, so the sums can also be formed in SQL.
    """

    method: str
    numerator: np.ndarray
    denominator: np.ndarray
    ratio_ids: tuple[str, ...]
    output_ids: tuple[str, ...]
    output_levels: tuple[str, ...]
    coef: np.ndarray
    offset: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    rules: tuple[tuple[Any, ...], ...] = ()

    @property
    def single(self) -> np.ndarray:
        """True for outputs that are one share of respondents (a single 0/1 ratio on 0-1)."""
        one_ratio = (self.coef != 0).sum(axis=1) == 1
        unit_coef = np.isclose(np.abs(self.coef).sum(axis=1), 1.0)
        binary = np.all((self.numerator == 0) | (self.numerator == 1), axis=0)
        uses_binary = (self.coef != 0) @ binary.astype(float) > 0
        scale01 = (self.lower == 0) & (self.upper == 1) & (self.offset == 0)
        return one_ratio & unit_coef & uses_binary & scale01

    def take(self, rows: np.ndarray) -> LinearComposite:
        """Return the same composite restricted to ``rows`` (integer positions)."""
        return LinearComposite(
            self.method,
            self.numerator[rows],
            self.denominator[rows],
            self.ratio_ids,
            self.output_ids,
            self.output_levels,
            self.coef,
            self.offset,
            self.lower,
            self.upper,
            self.rules,
        )


CHOSEN = "#"  # ``question#code``: 1 if a multiple-choice answer holds ``code``, else 0


def chosen(frame: pd.DataFrame, name: str) -> np.ndarray:
    """Whether each multiple-choice answer (a list) holds the code named by ``question#code``
    (1 or 0; NaN where the question was not answered)."""
    item, code = name.rsplit(CHOSEN, 1)
    if item not in frame.columns:
        raise AnalysisError(f"answer column {item!r} named in the scoring block is not in the data")
    wanted = float(code)
    return np.array([float(any(float(c) == wanted for c in v)) if isinstance(v, list | tuple)
                     else np.nan for v in frame[item]], dtype=float)


class _Builder:
    """Collects ratios and outputs while a scoring block is read."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.ratios: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.rules: dict[str, tuple[Any, ...]] = {}
        self.outputs: list[tuple[str, str, dict[str, float], float, float, float]] = []

    def column(self, name: str) -> np.ndarray:
        if name not in self.frame.columns and CHOSEN in name:
            return chosen(self.frame, name)
        if name not in self.frame.columns:
            raise AnalysisError(
                f"answer column {name!r} named in the scoring block is not in the data"
            )
        values = self.frame[name]
        if values.dtype == object:  # e.g. a dossier's on-time flag: True, False or None
            values = values.map(lambda v: float(v) if isinstance(v, bool | int | float)
                                else np.nan)
        return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)

    def coded_ratio(self, rid: str, item: str, values: Mapping[float, float]) -> str:
        """Add ratio ``Σw·value(code) / Σw·[code listed]`` for answer column ``item``."""
        if rid not in self.ratios:
            codes = self.column(item)
            y = np.zeros(codes.shape)
            x = np.zeros(codes.shape)
            for code, value in values.items():
                hit = codes == code
                y[hit] = value
                x[hit] = 1.0
            self.ratios[rid] = (y, x)
            self.rules[rid] = ("coded", item, tuple(sorted(values.items())))
        return rid

    def number_ratio(self, rid: str, item: str, lo: float, hi: float) -> str:
        """Add ratio ``Σw·value / Σw·[answered]`` for a numeric answer, clipped to ``[lo, hi]``
        (a count of visits, minutes on the way to school)."""
        if rid not in self.ratios:
            values = self.column(item)
            answered = ~np.isnan(values)
            y = np.where(answered, np.clip(np.nan_to_num(values), lo, hi), 0.0)
            self.ratios[rid] = (y, answered.astype(float))
            self.rules[rid] = ("number", item, lo, hi)
        return rid

    def share_ratio(
        self, rid: str, item: str, satisfied: Sequence[float], excluded: Sequence[float]
    ) -> str:
        """Add ratio ``Σw·[satisfied] / Σw·[valid]`` (valid = not missing, not excluded)."""
        if rid not in self.ratios:
            codes = self.column(item)
            valid = ~np.isnan(codes) & ~np.isin(codes, np.asarray(excluded, dtype=float))
            y = (valid & np.isin(codes, np.asarray(satisfied, dtype=float))).astype(float)
            self.ratios[rid] = (y, valid.astype(float))
            self.rules[rid] = ("share", item, tuple(float(c) for c in satisfied),
                               tuple(float(c) for c in excluded))
        return rid

    def output(
        self,
        oid: str,
        level: str,
        coef: dict[str, float],
        offset: float = 0.0,
        lower: float = 0.0,
        upper: float = 1.0,
    ) -> None:
        self.outputs.append((oid, level, coef, offset, lower, upper))

    def build(self, method: str) -> LinearComposite:
        ids = tuple(self.ratios)
        index = {rid: j for j, rid in enumerate(ids)}
        n = len(self.frame)
        y = np.column_stack([self.ratios[r][0] for r in ids]) if ids else np.zeros((n, 0))
        x = np.column_stack([self.ratios[r][1] for r in ids]) if ids else np.zeros((n, 0))
        coef = np.zeros((len(self.outputs), len(ids)))
        for k, (_, _, row, _, _, _) in enumerate(self.outputs):
            for rid, value in row.items():
                coef[k, index[rid]] += value
        return LinearComposite(
            method,
            y,
            x,
            ids,
            tuple(o[0] for o in self.outputs),
            tuple(o[1] for o in self.outputs),
            coef,
            np.array([o[3] for o in self.outputs], dtype=float),
            np.array([o[4] for o in self.outputs], dtype=float),
            np.array([o[5] for o in self.outputs], dtype=float),
            tuple(self.rules[r] for r in ids),
        )


def _mean_of(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for row in rows:
        for key, value in row.items():
            out[key] = out.get(key, 0.0) + value / len(rows)
    return out


def _codes(mapping: Mapping[Any, float]) -> dict[float, float]:
    return {float(code): float(value) for code, value in mapping.items()}


def build_sipas(frame: pd.DataFrame, spec: Mapping[str, Any]) -> LinearComposite:
    """Build the SIPAS composite: criterion shares, element indices and the overall index."""
    b = _Builder(frame)
    sat, exc = spec["satisfied_codes"], spec.get("excluded_codes", [])
    method = spec.get("element_method", "criterion_mean")
    if method not in ("criterion_mean", "element_question"):
        raise AnalysisError(f"unknown SIPAS element_method {method!r}")
    elements: list[dict[str, float]] = []
    for element in spec["elements"]:
        crit_rows = []
        for item in element["criteria"]:
            b.output(item, "criterion", {b.share_ratio(item, item, sat, exc): 1.0})
            crit_rows.append({item: 1.0})
        if method == "element_question":
            item = element.get("satisfaction_item")
            if not item:
                raise AnalysisError(f"element {element['id']!r} has no satisfaction_item")
            row = {b.share_ratio(item, item, sat, exc): 1.0}
        else:
            if not crit_rows:
                raise AnalysisError(f"element {element['id']!r} has no criteria")
            row = _mean_of(crit_rows)
        b.output(element["id"], "element", row)
        elements.append(row)
    b.output("overall", "overall", _mean_of(elements))
    item = spec.get("overall_item")
    if item:  # the overall satisfaction question, reported beside the index
        b.output(item, "overall_item", {b.share_ratio(item, item, sat, exc): 1.0})
    return b.build("sipas")


def build_papi(frame: pd.DataFrame, spec: Mapping[str, Any]) -> LinearComposite:
    """Build the PAPI composite: indicators (raw and 1-10), sub-dimensions, dimensions, total."""
    b = _Builder(frame)
    lo_d, hi_d = (float(v) for v in spec.get("dimension_range", [1, 10]))
    lo_t, hi_t = (float(v) for v in spec.get("total_range", [8, 80]))
    dims: list[tuple[dict[str, float], float]] = []
    for dim in spec["dimensions"]:
        subs: list[tuple[dict[str, float], float]] = []
        for sub in dim["subdimensions"]:
            inds: list[tuple[dict[str, float], float]] = []
            for ind in sub["indicators"]:
                lo, hi = (float(v) for v in ind["bounds"])
                if ind.get("values"):
                    rid = b.coded_ratio(ind["id"], ind["item"], _codes(ind["values"]))
                else:  # a numeric answer, read as it is within the indicator's bounds
                    rid = b.number_ratio(ind["id"], ind["item"], lo, hi)
                b.output(f"{ind['id']}:mean", "indicator_mean", {rid: 1.0}, 0.0, lo, hi)
                slope = (hi_d - lo_d) / (hi - lo)
                if ind.get("direction", "higher_better") == "lower_better":
                    row, off = {rid: -slope}, lo_d + slope * hi
                else:
                    row, off = {rid: slope}, lo_d - slope * lo
                b.output(ind["id"], "indicator", row, off, lo_d, hi_d)
                inds.append((row, off))
            row, off = _mean_of([r for r, _ in inds]), float(np.mean([o for _, o in inds]))
            b.output(sub["id"], "subdimension", row, off, lo_d, hi_d)
            subs.append((row, off))
        # The published "contribution" form: each sub-dimension over their number, so that
        # they add up to the dimension score.
        k = len(subs)
        for sub, (row, off) in zip(dim["subdimensions"], subs, strict=True):
            b.output(f"{sub['id']}:contribution", "contribution",
                     {key: v / k for key, v in row.items()}, off / k, lo_d / k, hi_d / k)
        row, off = _mean_of([r for r, _ in subs]), float(np.mean([o for _, o in subs]))
        b.output(dim["id"], "dimension", row, off, lo_d, hi_d)
        dims.append((row, off))
    total: dict[str, float] = {}
    for row, _ in dims:
        for key, value in row.items():
            total[key] = total.get(key, 0.0) + value
    lo_sum, hi_sum = lo_d * len(dims), hi_d * len(dims)
    if (lo_sum, hi_sum) != (lo_t, hi_t):
        raise AnalysisError(
            f"total_range {lo_t:g}-{hi_t:g} does not equal the sum of {len(dims)} dimension ranges"
        )
    b.output("total", "total", total, float(sum(o for _, o in dims)), lo_t, hi_t)
    return b.build("papi")


def build_onestop(frame: pd.DataFrame, spec: Mapping[str, Any]) -> LinearComposite:
    """Build the one-stop composite: indicator points, total points, points share, satisfied."""
    b = _Builder(frame)
    top = float(spec.get("max_points_per_indicator", 2))
    rows = []
    for ind in spec["indicators"]:
        rid = b.coded_ratio(ind["id"], ind["item"], _codes(ind["points"]))
        b.output(ind["id"], "indicator", {rid: 1.0}, 0.0, 0.0, top)
        rows.append({rid: 1.0})
    j = len(rows)
    b.output("points", "points", {k: v * j for k, v in _mean_of(rows).items()}, 0.0, 0.0, top * j)
    b.output("points_share", "points_share", {k: v / top for k, v in _mean_of(rows).items()})
    item = spec.get("overall_item")
    if item:
        rid = b.share_ratio("satisfied", item, spec["satisfied_codes"], [])
        b.output("satisfied", "satisfied", {rid: 1.0})
    return b.build("onestop")


BUILDERS = {"sipas": build_sipas, "papi": build_papi, "onestop": build_onestop}


def build_composite(frame: pd.DataFrame, spec: Mapping[str, Any]) -> LinearComposite:
    """Build the composite for any scoring block (dispatch on ``spec["method"]``).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per response; answer columns hold integer codes (NaN = not asked / missing).
    spec : mapping
        The plain-data scoring block from ``definition.scoring_spec()``.

    Returns
    -------
    LinearComposite
    """
    method = spec.get("method")
    if method not in BUILDERS:
        raise AnalysisError(f"unknown scoring method {method!r}; expected sipas, papi or onestop")
    return BUILDERS[method](frame, spec)


def answer_items(spec: Mapping[str, Any]) -> list[str]:
    """Answer columns a scoring block reads (criteria, satisfaction and overall items,
    indicator items), in block order without repeats."""
    items: list[str | None] = []
    for element in spec.get("elements", []):
        items += [*element.get("criteria", []), element.get("satisfaction_item")]
    for dim in spec.get("dimensions", []):
        for sub in dim.get("subdimensions", []):
            items += [ind.get("item") for ind in sub.get("indicators", [])]
    items += [ind.get("item") for ind in spec.get("indicators", [])]
    items.append(spec.get("overall_item"))
    return list(dict.fromkeys(i for i in items if i))


def band_of(share: float, bands: Sequence[Mapping[str, Any]]) -> str | None:
    """Return the id of the one-stop band containing ``share`` (``None`` if none does)."""
    if share is None or not np.isfinite(share):
        return None
    for band in bands:
        lo, hi = float(band["min_share"]), float(band["max_share"])
        upper_ok = share <= hi if band.get("inclusive_max", False) else share < hi
        if share >= lo and upper_ok:
            return str(band["id"])
    return None
