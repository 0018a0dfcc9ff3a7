"""Linearised estimation of a :class:`LinearComposite` in many domains, from stratum statistics.

For domain ``g`` the ratios are ``m_gc = Σ_{i∈g} w_i y_ic / X_gc`` with ``X_gc = Σ_{i∈g} w_i x_ic``
and output ``θ_gk = a_k + Σ_c A_kc m_gc``. With ``z_i = (y_i, x_i)`` the influence value of
response ``i`` is the linear form ``u_ik = b_gk · z_i`` where ``b_gk = (A_k / X_g, -A_k m_g / X_g)``
(Woodruff 1971). Its variance is the stratified with-replacement variance of ``Σ w_i u_ik``
(Wolter 2007, ch. 6; Lohr 2022, ch. 9):

    V_g = Σ_h n_h/(n_h-1) Σ_j (t_hj - t̄_h)²,   t_hj = Σ_{i∈PSU j} w_i ũ_ik,

where ``ũ`` is ``u`` minus its mean in the response's post-stratum when the weights were
post-stratified (R survey's ``svyrecvar``; Lumley 2010, ch. 7). Since ``ũ`` is linear in ``z``,
``V_g = b_gk' (Σ_{h∈g} M_h) b_gk`` with one matrix ``M_h`` per variance stratum that does not
depend on the domain. So the rows are read once into :class:`StratumStats` (weighted totals,
``M_h``, the raw cross-products for the design effect, counts), and any union of strata (a unit,
a roll-up of a province) is estimated from sums of those, without touching the rows again. The
same statistics, kept per stratum and refreshed only for strata with new responses, serve the
dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from threadpoolctl import threadpool_limits

from analysis.scoring.composite import LinearComposite

CHUNK_ROWS = 65_536  # rows per block while building statistics (bounds temporary memory)


@dataclass(frozen=True)
class GroupedResult:
    """Estimates for ``G`` domains and ``k`` outputs (arrays ``G × k`` unless noted)."""

    estimate: np.ndarray
    variance: np.ndarray
    n: np.ndarray  # responses contributing a valid answer to the output
    n_eff: np.ndarray  # Kish effective sample size of those responses
    df: np.ndarray  # G: PSUs minus strata in the domain
    n_rows: np.ndarray  # G: responses in the domain
    sum_weights: np.ndarray  # G
    variance_srs: np.ndarray  # variance under simple random sampling of the same responses


@dataclass(frozen=True)
class StratumStats:
    """Sufficient statistics of ``S`` variance strata for one composite (``p = 2r`` columns).

    ``total`` Σ w z (S × p); ``design`` M_h (S × p × p); ``raw_sum`` Σ z and ``raw_cross``
    Σ z z' (for the equal-weight variance); ``n_rows``, ``sum_w`` and ``degf`` (the stratum's
    share of the degrees of freedom) per stratum; ``n_contrib``, ``w_contrib`` and
    ``w2_contrib`` (S × k): count, Σw and Σw² of responses with a valid answer for each output.
    """

    total: np.ndarray
    design: np.ndarray
    raw_sum: np.ndarray
    raw_cross: np.ndarray
    n_rows: np.ndarray
    sum_w: np.ndarray
    degf: np.ndarray
    n_contrib: np.ndarray
    w_contrib: np.ndarray
    w2_contrib: np.ndarray

    @property
    def size(self) -> int:
        return len(self.n_rows)

    def take(self, strata: np.ndarray) -> StratumStats:
        """The statistics of some strata (integer positions), in that order."""
        return StratumStats(*(getattr(self, f)[strata] for f in _FIELDS))

    @staticmethod
    def concat(parts: list[StratumStats]) -> StratumStats:
        return StratumStats(*(np.concatenate([getattr(p, f) for p in parts]) for f in _FIELDS))


_FIELDS = (
    "total",
    "design",
    "raw_sum",
    "raw_cross",
    "n_rows",
    "sum_w",
    "degf",
    "n_contrib",
    "w_contrib",
    "w2_contrib",
)


def cross_by_block(t: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Σ t t' over each block of consecutive rows (``starts`` = first row of each block)."""
    p = t.shape[1]
    ends = np.append(starts[1:], len(t))
    out = np.zeros((len(starts), p, p))
    sizes = ends - starts
    # One BLAS product per block: forming every row's outer product costs ten times more. The
    # products are small, so BLAS threads only add start-up cost (20x slower on a busy machine).
    with threadpool_limits(1, user_api="blas"):
        for b in np.flatnonzero(sizes > 1):
            block = t[starts[b] : ends[b]]
            np.matmul(block.T, block, out=out[b])
    one = np.flatnonzero(sizes == 1)
    if len(one):
        row = t[starts[one]]
        out[one] = row[:, :, None] * row[:, None, :]
    return out


def _block_sum(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    if len(values) == 0:
        return np.zeros((len(starts), *values.shape[1:]))
    return np.add.reduceat(values, starts, axis=0)


def stratum_stats(
    comp: LinearComposite,
    weights: np.ndarray,
    strata: np.ndarray,
    n_strata: int,
    *,
    clusters: np.ndarray | None = None,
    poststrata: np.ndarray | None = None,
    small_cell_correction: bool = False,
) -> StratumStats:
    """Read the rows once into per-stratum statistics (see the module docstring).

    ``strata`` codes ``0..n_strata-1``; ``clusters`` (PSUs) and ``poststrata`` must be nested in
    strata. ``small_cell_correction`` (only with ``poststrata`` and without ``clusters``; False
    gives R survey's estimator) removes the downward bias of R's formula in small post-strata:
    residuals in a cell of ``n_c > 1`` responses are multiplied by ``sqrt(n_c/(n_c-1))``
    (Cochran 1977, ch. 5; Holt and Smith 1979), a single-response cell is centred at its
    stratum's mean (collapsed into its unit for the variance), the ``n_h/(n_h-1)`` factor is
    dropped, and the degrees of freedom are responses minus post-strata.
    """
    w = np.asarray(weights, dtype=float)
    strata = np.asarray(strata, dtype=np.int64)
    sorting = np.argsort(strata, kind="stable")
    # None when already grouped by stratum: avoid copying the answers
    order = None if np.all(sorting[1:] > sorting[:-1]) else sorting
    y, x = comp.numerator, comp.denominator
    r, k = y.shape[1], len(comp.output_ids)
    needed = (comp.coef != 0).T.astype(float)
    corrected = small_cell_correction and poststrata is not None and clusters is None
    sorted_strata = strata if order is None else strata[order]
    bounds = np.flatnonzero(np.diff(sorted_strata)) + 1
    starts_all = np.concatenate([[0], bounds]) if len(strata) else np.zeros(0, dtype=np.int64)
    parts: list[StratumStats] = []
    present: list[np.ndarray] = []
    i = 0
    while i < len(starts_all):
        j = int(np.searchsorted(starts_all, starts_all[i] + CHUNK_ROWS, side="left"))
        j = max(j, i + 1)
        a = int(starts_all[i])
        b = int(starts_all[j]) if j < len(starts_all) else len(strata)
        idx = slice(a, b) if order is None else order[a:b]
        starts = starts_all[i:j] - a
        present.append(sorted_strata[starts_all[i:j]])
        parts.append(
            _chunk_stats(
                y[idx],
                x[idx],
                w[idx],
                starts,
                needed,
                None if poststrata is None else np.asarray(poststrata)[idx],
                None if clusters is None else np.asarray(clusters)[idx],
                corrected,
                r,
                k,
            )
        )
        i = j
    out = _empty(n_strata, 2 * r, k)
    if parts:
        stats = StratumStats.concat(parts)
        where = np.concatenate(present)
        for f in _FIELDS:
            getattr(out, f)[where] = getattr(stats, f)
    return out


def _empty(n: int, p: int, k: int) -> StratumStats:
    return StratumStats(
        np.zeros((n, p)),
        np.zeros((n, p, p)),
        np.zeros((n, p)),
        np.zeros((n, p, p)),
        np.zeros(n),
        np.zeros(n),
        np.zeros(n),
        np.zeros((n, k)),
        np.zeros((n, k)),
        np.zeros((n, k)),
    )


def _chunk_stats(
    y: np.ndarray,
    x: np.ndarray,
    w: np.ndarray,
    starts: np.ndarray,
    needed: np.ndarray,
    post: np.ndarray | None,
    clusters: np.ndarray | None,
    corrected: bool,
    r: int,
    k: int,
) -> StratumStats:
    z = np.hstack([y, x])
    s_of_row = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(z))))
    n_rows = np.diff(np.append(starts, len(z))).astype(float)
    total = _block_sum(w[:, None] * z, starts)
    raw_sum = _block_sum(z, starts)
    raw_cross = cross_by_block(z, starts)
    d = z
    cells_h = None
    if post is not None:
        cell, cell_index = pd.factorize(pd.Series(s_of_row * (int(post.max()) + 1) + post))
        counts = np.bincount(cell).astype(float)
        cell_sum = (
            sparse.csr_matrix(
                (np.ones(len(cell)), (cell, np.arange(len(cell)))), shape=(len(counts), len(cell))
            )
            @ z
        )
        d = z - (cell_sum / counts[:, None])[cell]
        if corrected:
            single = counts[cell] == 1
            if single.any():
                s_mean = raw_sum / n_rows[:, None]
                d[single] = (z - s_mean[s_of_row])[single]
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(counts > 1, np.sqrt(counts / (counts - 1.0)), 1.0)
            d *= factor[cell][:, None]
            cells_h = np.bincount(
                np.asarray(cell_index) // (int(post.max()) + 1), minlength=len(starts)
            ).astype(float)
    t = w[:, None] * d
    if clusters is not None:
        psu, _ = pd.factorize(
            pd.Series(s_of_row.astype(np.int64) * (int(clusters.max()) + 1) + clusters)
        )
        psu_total = np.zeros((int(psu.max()) + 1, t.shape[1]))
        np.add.at(psu_total, psu, t)
        psu_stratum = np.zeros(len(psu_total), dtype=np.int64)
        psu_stratum[psu] = s_of_row
        keep = np.argsort(psu_stratum, kind="stable")
        t, t_strata = psu_total[keep], psu_stratum[keep]
        t_starts = np.searchsorted(t_strata, np.arange(len(starts)))
    else:
        t_starts = starts
    n_h = np.diff(np.append(t_starts, len(t))).astype(float)
    s2 = cross_by_block(t, t_starts)
    if corrected:
        design = s2
        degf = np.maximum(n_h - cells_h, 0.0)
    else:
        s1 = _block_sum(t, t_starts)
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(n_h > 1, n_h / (n_h - 1.0), 0.0)
            centred = s2 - s1[:, :, None] * s1[:, None, :] / n_h[:, None, None]
        design = factor[:, None, None] * np.where(n_h[:, None, None] > 1, centred, 0.0)
        degf = n_h - 1.0
    contributes = (x != 0).astype(float) @ needed > 0
    cw = contributes * w[:, None]
    return StratumStats(
        total,
        design,
        raw_sum,
        raw_cross,
        n_rows,
        _block_sum(w, starts),
        degf,
        _block_sum(contributes.astype(float), starts),
        _block_sum(cw, starts),
        _block_sum(cw * w[:, None], starts),
    )


def domain_estimates(
    comp: LinearComposite, stats: StratumStats, membership: sparse.spmatrix
) -> GroupedResult:
    """Estimate every output in every domain; ``membership`` is ``G × S`` (1 = stratum in g)."""
    m = sparse.csr_matrix(membership, dtype=float)
    g, p, r = m.shape[0], stats.total.shape[1], stats.total.shape[1] // 2
    coef, needed = comp.coef, comp.coef != 0
    total = m @ stats.total
    ty, tx = total[:, :r], total[:, r:]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(tx > 0, ty / tx, 0.0)
        inv_tx = np.where(tx > 0, 1.0 / tx, 0.0)
    missing = (tx <= 0).astype(float) @ needed.T.astype(float) > 0
    estimate = comp.offset + ratio @ coef.T
    estimate[missing] = np.nan
    b = np.concatenate(
        [coef[None, :, :] * inv_tx[:, None, :], -coef[None, :, :] * (ratio * inv_tx)[:, None, :]],
        axis=2,
    )
    design = (m @ stats.design.reshape(stats.size, p * p)).reshape(g, p, p)
    variance = np.maximum(np.einsum("gki,gki->gk", b @ design, b), 0.0)
    variance[missing] = np.nan
    n_rows = m @ stats.n_rows
    sum_w = m @ stats.sum_w
    raw_sum = m @ stats.raw_sum
    raw_cross = (m @ stats.raw_cross.reshape(stats.size, p * p)).reshape(g, p, p)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = raw_cross - raw_sum[:, :, None] * raw_sum[:, None, :] / n_rows[:, None, None]
        n = n_rows[:, None]
        wbar = (sum_w / n_rows)[:, None]
        srs = wbar**2 * n / (n - 1.0) * np.einsum("gki,gki->gk", b @ spread, b)
        srs = np.where(n > 1, srs, np.nan)
    variance_srs = np.maximum(srs, 0.0)
    variance_srs[missing] = np.nan
    df = np.maximum(m @ stats.degf, 1.0)
    sw, sw2 = m @ stats.w_contrib, m @ stats.w2_contrib
    with np.errstate(divide="ignore", invalid="ignore"):
        n_eff = np.where(sw2 > 0, sw * sw / sw2, 0.0)
    return GroupedResult(
        estimate, variance, m @ stats.n_contrib, n_eff, df, n_rows, sum_w, variance_srs
    )


def long_frame(
    res: GroupedResult,
    comp: LinearComposite,
    labels: pd.DataFrame,
    scope: str,
    unit: str,
    period: str,
    single: np.ndarray | None = None,
) -> pd.DataFrame:
    """Return one row per domain and output (``labels`` has one row per domain)."""
    g, k = res.estimate.shape
    single = comp.single if single is None else single
    return pd.DataFrame(
        {
            unit: np.repeat(labels[unit].to_numpy(), k),
            period: np.repeat(labels[period].to_numpy(), k),
            "scope": scope,
            "index_id": np.tile(np.asarray(comp.output_ids, dtype=object), g),
            "index_level": np.tile(np.asarray(comp.output_levels, dtype=object), g),
            "estimate": res.estimate.ravel(),
            "se": np.sqrt(res.variance).ravel(),
            "df": np.repeat(res.df, k),
            "n": res.n.ravel().astype(np.int64),
            "n_eff": res.n_eff.ravel(),
            "n_responses": np.repeat(res.n_rows, k).astype(np.int64),
            "_lower": np.tile(comp.lower, g),
            "_upper": np.tile(comp.upper, g),
            "_single": np.tile(single, g),
            "_se_srs": np.sqrt(res.variance_srs).ravel(),
        }
    )
