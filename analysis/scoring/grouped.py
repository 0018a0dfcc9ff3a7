"""Vectorised linearised estimation of a :class:`LinearComposite` in many domains at once.

For domain ``g`` the ratios are ``m_gc = Σ_{i∈g} w_i y_ic / X_gc`` with ``X_gc = Σ_{i∈g} w_i x_ic``
and output ``θ_gk = a_k + Σ_c A_kc m_gc``. The influence value of response ``i`` (zero outside
``g``) is ``u_ik = Σ_c A_kc (y_ic - m_gc x_ic) / X_gc``. Its variance is the stratified
with-replacement variance of the estimated total ``Σ w_i u_ik`` (Wolter 2007, ch. 6;
Lohr 2022, ch. 9):

    V_g = Σ_h n_h/(n_h-1) Σ_j (t_hj - t̄_h)²,   t_hj = Σ_{i∈PSU j} w_i ũ_ik,

where ``ũ`` is ``u`` minus its mean in the response's post-stratum when the weights were
post-stratified (R survey's ``svyrecvar``; Lumley 2010, ch. 7). A stratum with a single PSU in
the domain contributes zero (after post-stratification its residual is zero anyway). Everything is
done with sparse group-sum matrices, with no Python loop over domains.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.scoring.composite import LinearComposite


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


def _summer(codes: np.ndarray, size: int) -> sparse.csr_matrix:
    """Sparse ``size × len(codes)`` matrix that sums rows into groups."""
    m = len(codes)
    return sparse.csr_matrix((np.ones(m), (codes, np.arange(m))), shape=(size, m))


def _combine(*codes: np.ndarray) -> tuple[np.ndarray, int]:
    """Factorise tuples of integer codes into ``0..K-1``."""
    key = np.zeros(len(codes[0]), dtype=np.int64)
    for c in codes:
        c = np.asarray(c, dtype=np.int64)
        key = key * (int(c.max(initial=0)) + 1) + c
    uniq, inv = np.unique(key, return_inverse=True)
    return inv.astype(np.int64), len(uniq)


def grouped_estimates(
    comp: LinearComposite,
    weights: np.ndarray,
    groups: np.ndarray,
    n_groups: int,
    strata: np.ndarray,
    *,
    clusters: np.ndarray | None = None,
    poststrata: np.ndarray | None = None,
    small_cell_correction: bool = False,
) -> GroupedResult:
    """Estimate every output of ``comp`` in every domain, with linearised variances.

    Parameters
    ----------
    comp : LinearComposite
        Rows aligned with ``weights`` (use :meth:`LinearComposite.take` to duplicate rows that
        belong to several domains, e.g. for roll-ups).
    weights : numpy.ndarray
        Final (e.g. post-stratified) weights, one per row.
    groups : numpy.ndarray
        Domain code ``0..n_groups-1`` per row.
    n_groups : int
        Number of domains.
    strata : numpy.ndarray
        Variance stratum code per row (hailong: unit × period).
    clusters : numpy.ndarray, optional
        PSU code per row (nested in strata); default: each response is its own PSU.
    poststrata : numpy.ndarray, optional
        Post-stratum code per row; residuals are taken within post-strata.
    small_cell_correction : bool
        Only with ``poststrata`` and without ``clusters``. False gives R survey's estimator.
        True (hailong's default in :func:`analysis.units.unit_results`) removes its downward bias
        in small post-strata: residuals in a cell of ``n_c > 1`` responses are multiplied by
        ``sqrt(n_c/(n_c-1))`` (the unbiased within-cell variance of stratified sampling, Cochran
        1977, ch. 5, applied to post-strata; Holt and Smith 1979), a single-response cell is
        centred at its stratum's mean instead of its own value (it is collapsed into its unit
        for the variance), the ``n_h/(n_h-1)`` factor is dropped, and the degrees of freedom are
        responses minus post-strata.

    Returns
    -------
    GroupedResult
    """
    w = np.asarray(weights, dtype=float)
    groups = np.asarray(groups, dtype=np.int64)
    y, x, coef = comp.numerator, comp.denominator, comp.coef
    sg = _summer(groups, n_groups)
    ty = sg @ (w[:, None] * y)
    tx = sg @ (w[:, None] * x)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(tx > 0, ty / tx, 0.0)
        inv_tx = np.where(tx > 0, 1.0 / tx, 0.0)
    needed = coef != 0
    missing = (tx <= 0).astype(float) @ needed.T.astype(float) > 0
    estimate = comp.offset + ratio @ coef.T
    estimate[missing] = np.nan

    u = (y - ratio[groups] * x) * inv_tx[groups]
    infl = u @ coef.T
    n_rows = np.bincount(groups, minlength=n_groups).astype(float)
    sum_w = np.bincount(groups, weights=w, minlength=n_groups)
    variance_srs = _srs_variance(sg, infl, n_rows, sum_w)
    h, n_h_codes = _combine(groups, strata)
    corrected = small_cell_correction and poststrata is not None and clusters is None
    cells_h = None
    if poststrata is not None:
        cell, n_cell = _combine(groups, poststrata)
        sc = _summer(cell, n_cell)
        counts = np.asarray(sc.sum(axis=1)).ravel()
        resid = infl - (sc @ infl / counts[:, None])[cell]
        if corrected:
            single = counts[cell] == 1
            sh0 = _summer(h, n_h_codes)
            h_mean = sh0 @ infl / np.asarray(sh0.sum(axis=1)).ravel()[:, None]
            resid[single] = (infl - h_mean[h])[single]
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(counts > 1, np.sqrt(counts / (counts - 1.0)), 1.0)
            resid *= factor[cell][:, None]
            h_of_cell = np.zeros(n_cell, dtype=np.int64)
            h_of_cell[cell] = h
            cells_h = np.bincount(h_of_cell, minlength=n_h_codes).astype(float)
        infl = resid
    t = w[:, None] * infl
    if clusters is not None:
        psu, n_psu = _combine(groups, strata, clusters)
        t = _summer(psu, n_psu) @ t
        h = np.zeros(n_psu, dtype=np.int64)
        h[psu] = np.asarray(_combine(groups, strata)[0])
        g_of_psu = np.zeros(n_psu, dtype=np.int64)
        g_of_psu[psu] = groups
    else:
        g_of_psu = groups
    sh = _summer(h, n_h_codes)
    n_h = np.asarray(sh.sum(axis=1)).ravel()
    s1, s2 = sh @ t, sh @ (t * t)
    if corrected:
        contrib = s2
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            nh = n_h[:, None]
            contrib = np.where(nh > 1, nh / (nh - 1.0) * (s2 - s1 * s1 / nh), 0.0)
    g_of_h = np.zeros(n_h_codes, dtype=np.int64)
    g_of_h[h] = g_of_psu
    sgh = _summer(g_of_h, n_groups)
    variance = np.maximum(sgh @ contrib, 0.0)
    variance[missing] = np.nan
    lost = n_h - 1.0 if cells_h is None else np.maximum(n_h - cells_h, 0.0)
    df = np.maximum(np.asarray(sgh @ lost).ravel(), 1.0)

    contributes = ((x != 0).astype(float) @ needed.T.astype(float)) > 0
    cw = contributes * w[:, None]
    n = sg @ contributes.astype(float)
    sw, sw2 = sg @ cw, sg @ (cw * w[:, None])
    with np.errstate(divide="ignore", invalid="ignore"):
        n_eff = np.where(sw2 > 0, sw * sw / sw2, 0.0)
    variance_srs[missing] = np.nan
    return GroupedResult(estimate, variance, n, n_eff, df, n_rows, sum_w, variance_srs)


def _srs_variance(
    sg: sparse.csr_matrix, infl: np.ndarray, n_rows: np.ndarray, sum_w: np.ndarray
) -> np.ndarray:
    """Variance if the domain's responses were a simple random sample (equal weights).

    With every weight equal to the domain's mean weight ``w̄``, the linearised variance is
    ``w̄² n/(n-1) Σ (u_i - ū)²``; for a share this is about ``p(1-p)/n``. It is the denominator
    of the design effect, used by the ``beta_nchs`` interval (design effect at least 1).
    """
    s1, s2 = sg @ infl, sg @ (infl * infl)
    n = n_rows[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        wbar = (sum_w / n_rows)[:, None]
        v = np.where(n > 1, wbar**2 * n / (n - 1.0) * (s2 - s1 * s1 / n), np.nan)
    return np.maximum(v, 0.0)


def long_frame(
    res: GroupedResult,
    comp: LinearComposite,
    labels: pd.DataFrame,
    scope: str,
    unit: str,
    period: str,
) -> pd.DataFrame:
    """Return one row per domain and output (``labels`` has one row per domain)."""
    g, k = res.estimate.shape
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
            "_single": np.tile(comp.single, g),
            "_se_srs": np.sqrt(res.variance_srs).ravel(),
        }
    )
