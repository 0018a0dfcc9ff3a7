"""Per-unit sufficient statistics and the results computed from them.

:func:`unit_stats` reads responses once into one :class:`~analysis.scoring.grouped.StratumStats`
row per unit × period (variance stratum): weighted totals, the stratum's variance matrix, raw
cross-products and counts (see :mod:`analysis.scoring.grouped`). :func:`results_from_stats`
turns them into the rows of :func:`analysis.units.unit_results` for units and their roll-ups
(a roll-up sums its units' statistics). Because a stratum's statistics depend only on its own
responses and dossier counts, a cache can refresh the strata of the units that received new
responses (:meth:`UnitStats.replace`) and recompute only those units and their ancestors: the
numbers are the same as a full recomputation (tests check it to 1e-9).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.errors import AnalysisError
from analysis.intervals import DEFAULT_CI_METHOD, interval
from analysis.poststrata import ancestors_table, default_weights
from analysis.scoring.composite import LinearComposite, band_of, build_composite
from analysis.scoring.grouped import StratumStats, domain_estimates, long_frame, stratum_stats

MIN_EFFECTIVE_N = 30
SUPPRESS_BELOW = 10

RESULT_COLUMNS = [
    "unit",
    "period",
    "scope",
    "index_id",
    "index_level",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "df",
    "n",
    "n_eff",
    "deff",
    "n_responses",
    "small_sample",
    "suppressed",
    "ci_method",
]


@dataclass(frozen=True)
class UnitStats:
    """Statistics of every unit × period stratum of a survey's responses.

    ``units`` and ``periods`` label the strata; ``shape`` is the scoring composite without rows
    (ids, coefficients, bounds); ``binary`` tells, per ratio, whether every numerator so far was
    0 or 1 (it decides which outputs get the single-share interval). ``collapsed`` and
    ``dropped`` are the weighting reports (:class:`analysis.poststrata.DefaultWeights`).
    """

    stats: StratumStats
    units: np.ndarray
    periods: np.ndarray
    shape: LinearComposite
    binary: np.ndarray
    collapsed: pd.DataFrame = field(default_factory=pd.DataFrame)
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def single(self) -> np.ndarray:
        """Outputs that are a single share of respondents (see ``LinearComposite.single``)."""
        c = self.shape
        one_ratio = (c.coef != 0).sum(axis=1) == 1
        unit_coef = np.isclose(np.abs(c.coef).sum(axis=1), 1.0)
        uses_binary = (c.coef != 0) @ self.binary.astype(float) > 0
        scale01 = (c.lower == 0) & (c.upper == 1) & (c.offset == 0)
        return one_ratio & unit_coef & uses_binary & scale01

    def subset(self, periods: Collection[Any]) -> UnitStats:
        """The strata of some periods only."""
        keep = np.isin(self.periods, list(periods))
        return self._with(np.flatnonzero(keep), None)

    def replace(
        self,
        new: UnitStats,
        units: Collection[Any] | None = None,
        periods: Collection[Any] | None = None,
    ) -> UnitStats:
        """These statistics with the strata of ``units`` × ``periods`` (default: those present
        in ``new``) replaced by the strata of ``new``."""
        units = set(new.units) if units is None else set(units)
        periods = set(new.periods) if periods is None else set(periods)
        gone = np.isin(self.units, list(units)) & np.isin(self.periods, list(periods))
        return self._with(np.flatnonzero(~gone), new, units, periods)

    def _with(
        self,
        keep: np.ndarray,
        new: UnitStats | None,
        units: set[Any] | None = None,
        periods: set[Any] | None = None,
    ) -> UnitStats:
        def report(old: pd.DataFrame, add: pd.DataFrame | None) -> pd.DataFrame:
            if "unit" in old.columns:
                if units is None:  # a subset of periods
                    kept = set(self.periods[keep])
                    old = old[old["period"].isin(kept)]
                else:
                    old = old[~(old["unit"].isin(units) & old["period"].isin(periods))]
            if add is None or add.empty:
                return old.reset_index(drop=True)
            return pd.concat([old, add], ignore_index=True)

        stats = self.stats.take(keep)
        parts_u, parts_p, binary = [self.units[keep]], [self.periods[keep]], self.binary
        if new is not None:
            stats = StratumStats.concat([stats, new.stats])
            parts_u.append(new.units)
            parts_p.append(new.periods)
            binary = binary & new.binary
        return UnitStats(
            stats,
            np.concatenate(parts_u),
            np.concatenate(parts_p),
            self.shape,
            binary,
            report(self.collapsed, None if new is None else new.collapsed),
            report(self.dropped, None if new is None else new.dropped),
        )


def unit_stats(
    responses: pd.DataFrame,
    spec: Mapping[str, Any],
    dossiers: pd.DataFrame | None = None,
    *,
    weight: str | None = None,
    cluster: str | None = None,
    unit: str = "unit",
    period: str = "period",
    field: str = "field",
    unmatched: str = "error",
    small_cell_correction: bool = True,
) -> UnitStats:
    """Read responses into per-stratum statistics (arguments as :func:`unit_results`)."""
    if (dossiers is None) == (weight is None):
        raise AnalysisError("pass exactly one of dossiers= (default weights) or weight=")
    collapsed = dropped = pd.DataFrame()
    if dossiers is not None:
        dw = default_weights(
            responses, dossiers, unit=unit, period=period, field=field, unmatched=unmatched
        )
        collapsed = dw.collapsed.rename(columns={unit: "unit", period: "period"})
        dropped = dw.dropped.rename(columns={unit: "unit", period: "period"})
        frame = dw.frame
        w = frame["weight"].to_numpy(dtype=float)
        post = pd.factorize(frame["poststratum"])[0]
    else:
        frame = responses
        w = pd.to_numeric(frame[weight], errors="coerce").to_numpy(dtype=float)
        if np.any(~np.isfinite(w)) or np.any(w <= 0):
            raise AnalysisError(f"weight column {weight!r} must be positive and finite")
        post = None
    # Rows of one unit × period next to each other: the statistics are read block by block.
    u_codes, u_labels = pd.factorize(frame[unit])
    p_codes, p_labels = pd.factorize(frame[period])
    order = np.lexsort((p_codes, u_codes))
    frame, w, u_codes, p_codes = frame.iloc[order], w[order], u_codes[order], p_codes[order]
    post = None if post is None else post[order]
    comp = build_composite(frame, spec)
    strata = u_codes.astype(np.int64) * max(len(p_labels), 1) + p_codes
    s_codes, s_index = pd.factorize(strata)
    clusters = None if cluster is None else pd.factorize(frame[cluster])[0]
    stats = stratum_stats(
        comp,
        w,
        s_codes,
        len(s_index),
        clusters=clusters,
        poststrata=post,
        small_cell_correction=small_cell_correction,
    )
    s_index = np.asarray(s_index, dtype=np.int64)
    n_p = max(len(p_labels), 1)
    binary = np.all((comp.numerator == 0) | (comp.numerator == 1), axis=0)
    return UnitStats(
        stats,
        np.asarray(u_labels, dtype=object)[s_index // n_p],
        np.asarray(p_labels, dtype=object)[s_index % n_p],
        comp.take(np.zeros(0, dtype=np.int64)),
        binary,
        collapsed,
        dropped,
    )


def ancestors_of(units: Collection[Any], parents: Mapping[Any, Any]) -> set[Any]:
    """Every ancestor of ``units`` in a child → parent map."""
    out: set[Any] = set()
    for node in units:
        parent = parents.get(node)
        while parent is not None and parent not in out:
            out.add(parent)
            parent = parents.get(parent)
    return out


def results_from_stats(
    us: UnitStats,
    spec: Mapping[str, Any],
    parents: Mapping[Any, Any] | None = None,
    *,
    only: Collection[Any] | None = None,
    level: float = 0.95,
    ci_method: str = DEFAULT_CI_METHOD,
    min_effective_n: float = MIN_EFFECTIVE_N,
    suppress_below: int = SUPPRESS_BELOW,
) -> pd.DataFrame:
    """Result rows (:data:`RESULT_COLUMNS`) of units and roll-ups; ``only`` limits the nodes."""
    if us.stats.size == 0:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    wanted = None if only is None else set(only)
    strata = np.arange(us.stats.size)
    mine = strata if wanted is None else strata[np.isin(us.units, list(wanted))]
    parts = [_scope_frame(us, mine, us.units[mine], "unit")]
    if parents:
        pairs = ancestors_table(parents)
        present = set(us.units)
        pairs = pairs[pairs["unit"].isin(present)]
        internal = set(pairs["ancestor"])
        own = [u for u in present if u in internal]
        members = pd.concat([pairs, pd.DataFrame({"unit": own, "ancestor": own})])
        if wanted is not None:
            members = members[members["ancestor"].isin(wanted)]
        by_stratum = pd.DataFrame({"unit": us.units, "stratum": strata})
        members = members.merge(by_stratum, on="unit", how="inner")
        if len(members):
            rows = members["stratum"].to_numpy()
            parts.append(_scope_frame(us, rows, members["ancestor"].to_numpy(), "subtree"))
    out = pd.concat(parts, ignore_index=True)
    return _finish(out, us.shape, level, ci_method, min_effective_n, suppress_below, spec)


def _scope_frame(us: UnitStats, rows: np.ndarray, nodes: np.ndarray, scope: str) -> pd.DataFrame:
    """Estimate the domains (node × period) made of the strata ``rows``."""
    node_codes, node_labels = pd.factorize(pd.Series(nodes, dtype=object), sort=True)
    p_codes, p_labels = pd.factorize(pd.Series(us.periods[rows], dtype=object), sort=True)
    groups = node_codes.astype(np.int64) * max(len(p_labels), 1) + p_codes
    g_codes, g_index = pd.factorize(groups, sort=True)
    membership = sparse.csr_matrix(
        (np.ones(len(g_codes)), (g_codes, np.arange(len(g_codes)))),
        shape=(len(g_index), len(g_codes)),
    )
    res = domain_estimates(us.shape, us.stats.take(rows), membership)
    g_index = np.asarray(g_index)
    n_p = max(len(p_labels), 1)
    labels = pd.DataFrame(
        {
            "unit": np.asarray(node_labels, dtype=object)[g_index // n_p],
            "period": np.asarray(p_labels, dtype=object)[g_index % n_p],
        }
    )
    return long_frame(res, us.shape, labels, scope, "unit", "period", single=us.single)


def _finish(
    out: pd.DataFrame,
    comp: LinearComposite,
    level: float,
    ci_method: str,
    min_eff: float,
    suppress: int,
    spec: Mapping[str, Any],
) -> pd.DataFrame:
    lo, hi = interval(
        out["estimate"].to_numpy(),
        out["se"].to_numpy(),
        out["df"].to_numpy(),
        out["n"].to_numpy(),
        method=ci_method,
        level=level,
        lower=out["_lower"].to_numpy(),
        upper=out["_upper"].to_numpy(),
        single=out["_single"].to_numpy(),
        se_srs=out["_se_srs"].to_numpy(),
    )
    out["ci_low"], out["ci_high"] = lo, hi
    with np.errstate(divide="ignore", invalid="ignore"):
        out["deff"] = out["se"] ** 2 / out["_se_srs"] ** 2
    out["ci_method"] = ci_method
    out["small_sample"] = out["n_eff"] < min_eff
    out["suppressed"] = out["n"] < suppress
    hide = out["suppressed"].to_numpy()
    for col in ("estimate", "se", "ci_low", "ci_high", "deff"):
        out.loc[hide, col] = np.nan
    columns = list(RESULT_COLUMNS)
    if comp.method == "onestop" and spec.get("bands"):
        is_share = out["index_id"] == "points_share"
        out["band"] = None
        shares = out.loc[is_share, "estimate"]
        out.loc[is_share, "band"] = [band_of(v, spec["bands"]) for v in shares]
        columns.append("band")
    return out[columns]
