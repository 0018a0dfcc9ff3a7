"""Confidence intervals for bounded estimates (shares and rescaled scores), vectorised.

Every interval is computed from the estimate, its standard error, the degrees of freedom and the
number of respondents behind it, so it applies equally to a single criterion share (a ratio of
weighted totals) and to a composite index (a mean of shares). Estimates bounded in
``[lower, upper]`` are mapped to ``[0, 1]`` first and mapped back afterwards. As in
:mod:`analysis.intervals` (the scalar version used by the estimators), no interval collapses to a
point: where everyone answered alike (share 0 or 1, or se 0) ``mean`` and ``xlogit`` fall back to
Korn-Graubard with ``n* = n``.

Methods
-------
``mean``
    Wald interval ``p ± t·se`` (Lohr 2022). Can leave ``[0, 1]``.
``xlogit`` (alias ``logit``)
    The delta method on the logit scale, ``expit(logit p ± t·se / (p(1-p)))``; R ``svyciprop``'s
    ``xlogit`` (equal to its ``logit`` whenever that converges).
``beta``
    Korn and Graubard (1998): a Clopper-Pearson interval at the effective sample size
    ``n* = p(1-p)/se² · (t_{n-1}/t_df)²``, as R ``svyciprop(method = "beta")``. When the
    variance is zero (``p`` is 0 or 1) ``n*`` is set to ``n``, so the interval never collapses.
``beta_nchs``
    ``beta`` with the design effect taken as at least 1, as in the NCHS Data Presentation
    Standards for Proportions (Parker et al. 2017): ``n*`` is truncated at the number of
    respondents ``n`` for a single share, and at ``p(1-p)/se_srs²`` (the SRS variance of the same
    respondents) for any estimate when ``se_srs`` is given, so composites are covered too.
    This is the hailong default: see ``docs/statistics.md`` for the coverage study that chose it.
``wilson``
    Wilson's score interval at the effective sample size ``n* = p(1-p)/se²`` (same zero-variance
    rule as ``beta``), with the t quantile.
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

METHODS = ("mean", "xlogit", "logit", "beta", "beta_nchs", "wilson")
DEFAULT_CI_METHOD = "beta_nchs"


def interval(
    estimate: np.ndarray | float,
    se: np.ndarray | float,
    df: np.ndarray | float,
    n: np.ndarray | float,
    *,
    method: str = DEFAULT_CI_METHOD,
    level: float = 0.95,
    lower: np.ndarray | float = 0.0,
    upper: np.ndarray | float = 1.0,
    single: np.ndarray | bool = True,
    se_srs: np.ndarray | float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return confidence limits for bounded estimates.

    Parameters
    ----------
    estimate, se : array_like
        Point estimates and their standard errors (same shape, or broadcastable).
    df : array_like
        Degrees of freedom for the t quantile; ``np.inf`` gives the normal quantile.
    n : array_like
        Number of respondents behind each estimate (used by ``beta``, ``beta_nchs``, ``wilson``).
    method : str
        One of :data:`METHODS`.
    level : float
        Confidence level, e.g. 0.95.
    lower, upper : array_like
        Bounds of the estimate's scale (0 and 1 for shares; e.g. 1 and 10 for a PAPI dimension).
    single : array_like of bool
        True where the estimate is a single proportion (a share of respondents). Without
        ``se_srs``, ``beta_nchs`` truncates ``n*`` at ``n`` only there.
    se_srs : array_like, optional
        Standard error the estimate would have under simple random sampling of the same
        respondents (:attr:`GroupedResult.variance_srs`). ``beta_nchs`` then truncates ``n*`` at
        ``p(1-p)/se_srs²`` for every estimate: the design effect is taken as at least 1. For a
        single share that is about ``n``; a composite (a mean of several shares) legitimately has
        less variance than one yes/no answer per respondent, and keeps it.

    Returns
    -------
    (ci_low, ci_high) : tuple of numpy.ndarray
        NaN wherever the estimate or the standard error is NaN.
    """
    if method not in METHODS:
        raise ValueError(f"unknown CI method {method!r}; choose one of {', '.join(METHODS)}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    srs = np.nan if se_srs is None else se_srs
    est, se, df, n, lo, hi, one, srs = np.broadcast_arrays(
        *(np.asarray(a, dtype=float) for a in (estimate, se, df, n, lower, upper, single, srs))
    )
    width = hi - lo
    p = np.clip((est - lo) / width, 0.0, 1.0)
    s = se / width
    alpha = 1.0 - level
    df_ok = np.where(np.isnan(df) | (df <= 0), np.nan, df)
    t = stats.t.ppf(1.0 - alpha / 2.0, df_ok)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "mean":
            a, b = p - t * s, p + t * s
        elif method in ("xlogit", "logit"):
            half = t * s / (p * (1.0 - p))
            a, b = special.expit(special.logit(p) - half), special.expit(special.logit(p) + half)
            degenerate = (p <= 0.0) | (p >= 1.0)
            a, b = np.where(degenerate, p, a), np.where(degenerate, p, b)
        elif method in ("beta", "beta_nchs"):
            if method == "beta_nchs":
                s_srs = srs / width
                with np.errstate(divide="ignore", invalid="ignore"):
                    n_srs = p * (1.0 - p) / s_srs**2
                ok = np.isfinite(n_srs) & (n_srs > 0)
                cap = np.where(ok, n_srs, np.where(one > 0, n, np.inf))
            else:
                cap = np.full(p.shape, np.inf)
            a, b = _korn_graubard(p, s, df_ok, n, alpha, cap=cap)
        else:
            a, b = _wilson(p, s, n, t)
        if method in ("mean", "xlogit", "logit"):
            # Never return a collapsed interval: where everyone answered alike (p at 0 or 1, or
            # se = 0) use Korn-Graubard with n* = n, as analysis.intervals does.
            degenerate = (p <= 0.0) | (p >= 1.0) | (s <= 0.0)
            ka, kb = _korn_graubard(p, s, df_ok, n, alpha, cap=np.full(p.shape, np.inf))
            a, b = np.where(degenerate, ka, a), np.where(degenerate, kb, b)
    bad = np.isnan(est) | np.isnan(se) | np.isnan(t)
    a = np.where(bad, np.nan, lo + width * a)
    b = np.where(bad, np.nan, lo + width * b)
    return a, b


def effective_n(p: np.ndarray, s: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Return ``p(1-p)/s²``, or ``n`` where that is undefined (zero variance or ``p`` at 0 or 1)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ne = p * (1.0 - p) / s**2
    undefined = ~np.isfinite(ne) | (ne <= 0)
    return np.where(undefined, n, ne)


def _korn_graubard(
    p: np.ndarray,
    s: np.ndarray,
    df: np.ndarray,
    n: np.ndarray,
    alpha: float,
    *,
    cap: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    ne = effective_n(p, s, n)
    n_minus_1 = np.where(n > 1, n - 1.0, np.nan)
    ne = ne * (stats.t.ppf(alpha / 2.0, n_minus_1) / stats.t.ppf(alpha / 2.0, df)) ** 2
    ne = np.minimum(ne, cap)
    x = ne * p
    a = np.where(x <= 0, 0.0, stats.beta.ppf(alpha / 2.0, x, ne - x + 1.0))
    b = np.where(ne - x <= 0, 1.0, stats.beta.ppf(1.0 - alpha / 2.0, x + 1.0, ne - x))
    return a, b


def _wilson(
    p: np.ndarray, s: np.ndarray, n: np.ndarray, t: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    ne = effective_n(p, s, n)
    t2 = t**2
    centre = (p + t2 / (2.0 * ne)) / (1.0 + t2 / ne)
    half = t / (1.0 + t2 / ne) * np.sqrt(p * (1.0 - p) / ne + t2 / (4.0 * ne**2))
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)
