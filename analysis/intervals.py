"""Confidence intervals for proportions (R ``svyciprop`` and more), scalar and vectorised.

Two entry points share the formulas below: :func:`proportion_ci` (one proportion, used by the
estimators and the CLI) and :func:`interval` (arrays of bounded estimates: shares and rescaled
indices of every unit at once, used by the scoring; see its own notes further down).

All methods take the design-based estimate ``p``, its standard error ``se``
and the degrees of freedom ``df`` (``math.inf`` = normal quantile):

``logit`` / ``xlogit``
    ``expit(logit p -/+ q se / (p (1 - p)))`` (delta method on the logit scale;
    R's ``logit`` fits ``svyglm(quasibinomial)`` and agrees to ~1e-9).
``likelihood``
    Rao-Scott scaled profile likelihood (Rao & Scott 1984; Lumley 2010,
    sec. 2.3.1), computed as R's ``confint(svyglm, method = "likelihood")``:
    the signed root of the quasibinomial deviance, profiled on a grid and
    inverted by R's FMM spline, so the numbers agree with R.
``asin``
    ``sin(asin(sqrt p) -/+ q se / (2 sqrt(p (1 - p))))^2``, angle kept in [0, pi/2].
``beta``
    Korn & Graubard (1998): Clopper-Pearson with the effective sample size
    ``n_eff = p (1 - p) / se^2 * (qt(a/2, n - 1) / qt(a/2, df))^2``.
``mean``
    Wald ``p -/+ q se`` (may leave [0, 1], as R).
``wilson``
    Wilson score interval with the effective sample size ``n_eff = p (1 - p) / se^2``
    (Kish design effect) and the t (or normal) quantile ``q``:
    ``(p + q^2/(2 n_eff) -/+ q sqrt(p (1 - p)/n_eff + q^2/(4 n_eff^2))) / (1 + q^2/n_eff)``.

Degenerate samples (everyone answered alike, ``p`` in {0, 1}, so ``se = 0``):
there ``n_eff`` is undefined and the logit, xlogit, likelihood, asin and
mean intervals collapse to a point (R returns NaN or a point). hailong never returns a collapsed
interval: ``beta`` and ``wilson`` use ``n_eff = n`` (the respondents, as for a
simple random sample), and the other methods fall back to that Korn-Graubard
interval; the returned method name then reads e.g. ``"logit->beta"``. The
likelihood interval also falls back to Korn-Graubard (``"likelihood->beta"``)
when its coarse profile does not reach the cut-off (tiny domains, where R stops).
So 14 of 14 satisfied (df = 13) gives [0.768, 1], never [1, 1].

Sample size ``n`` (Korn-Graubard's ``qt(a/2, n - 1)`` and the likelihood's
glm rows) is the number of respondents in the design or domain. R uses the
same for ordinary designs but, in domains of a calibrated design (whose
subsets keep every row), ``nrow`` of the whole sample; hailong deliberately
keeps the domain's respondents so that switching calibration on does not
change this part of the interval (tests/analysis/test_reference_extra.py).

Two further rules: a proportion strictly inside (0, 1) with no sampling variance
(``se`` below ``1e-10 sqrt(p (1 - p))``, e.g. the variable was calibrated to
population counts) is known exactly, and its interval is ``[p, p]``; with no
design degrees of freedom (``df <= 0``, a single PSU) there is no interval
(NaN bounds, as R).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special, stats

from analysis.likelihood import fmm_spline, likelihood_ci, quasibinomial_fit
from analysis.results import critical_value

# The limit helpers work elementwise on arrays and on single numpy numbers alike.
ArrayOrScalar = np.ndarray | np.floating

__all__ = [
    "BOUNDED_METHODS",
    "DEFAULT_CI_METHOD",
    "METHODS",
    "fmm_spline",
    "interval",
    "likelihood_ci",
    "proportion_ci",
    "quasibinomial_fit",
]

METHODS = ("logit", "likelihood", "asin", "beta", "mean", "xlogit", "wilson")


def _quantile(level: float, df: float) -> float:
    q = critical_value(level, df)
    if math.isnan(q):
        raise ValueError(f"degrees of freedom must be positive, got {df!r}")
    return q


def _xlogit(p: float, se: float, q: float) -> tuple[float, float]:
    lo, hi = _xlogit_limits(np.float64(p), np.float64(se), np.float64(q))
    return float(lo), float(hi)


def _asin(p: float, se: float, q: float) -> tuple[float, float]:
    half = q * se / (2 * math.sqrt(p * (1 - p)))
    angle = math.asin(math.sqrt(p))
    lo, hi = max(angle - half, 0.0), min(angle + half, math.pi / 2)
    return math.sin(lo) ** 2, math.sin(hi) ** 2


def _clopper_pearson(p: float, n_eff: float, level: float) -> tuple[float, float]:
    lo, hi = _clopper_pearson_limits(np.float64(p), np.float64(n_eff), 1 - level)
    return float(lo), float(hi)


def korn_graubard_neff(n_eff: float, n: int, df: float, level: float) -> float:
    """Return Korn & Graubard's df-adjusted effective sample size (R ``svyciprop`` beta)."""
    if n <= 1:
        return n_eff
    return float(n_eff * _kg_ratio(np.float64(n), np.float64(df), 1 - level))


def _wilson(p: float, n_eff: float, q: float) -> tuple[float, float]:
    lo, hi = _wilson_limits(np.float64(p), np.float64(n_eff), np.float64(q))
    return float(lo), float(hi)


def is_degenerate(p: float, se: float) -> bool:
    """Return True where everyone answered alike (``p`` in {0, 1}), so ``n_eff`` is undefined."""
    return not (0 < p < 1)


def _no_variance(p: float, se: float) -> bool:
    """Return True where ``0 < p < 1`` has no sampling variance (e.g. a calibration variable)."""
    return se <= 1e-10 * math.sqrt(p * (1 - p))


def proportion_ci(
    p: float,
    se: float,
    *,
    method: str = "logit",
    df: float = math.inf,
    level: float = 0.95,
    n: int,
    glm_fit: tuple[float, float] | None = None,
) -> tuple[float, float, str]:
    """Return a confidence interval for a proportion.

    Parameters
    ----------
    p, se : float
        Weighted proportion and its design-based standard error.
    method : str
        One of :data:`METHODS`.
    df : float
        Degrees of freedom of the quantile (``math.inf``: normal).
    level : float
        Confidence level.
    n : int
        Respondents (rows with nonzero weight); used by Korn-Graubard and by the
        degenerate-case fallback.
    glm_fit : tuple, optional
        ``quasibinomial_fit(y, w)`` of the respondents (likelihood method only; without it
        the fit is taken as converged at ``p``, which differs from R by ~1e-6).

    Returns
    -------
    tuple
        ``(lower, upper, method_used)``.
    """
    if method not in METHODS:
        raise ValueError(f"unknown interval method {method!r}; choose from {', '.join(METHODS)}")
    if n < 1:
        raise ValueError("a proportion needs at least one respondent")
    if math.isnan(se) or math.isnan(p) or not df > 0:
        return math.nan, math.nan, method  # no design degrees of freedom: no interval
    if is_degenerate(p, se):
        lo, hi = _clopper_pearson(min(max(p, 0.0), 1.0), korn_graubard_neff(n, n, df, level), level)
        if method == "wilson":
            lo, hi = _wilson(min(max(p, 0.0), 1.0), float(n), _quantile(level, df))
            return lo, hi, method
        return lo, hi, method if method == "beta" else f"{method}->beta"
    if _no_variance(p, se):
        return p, p, method  # known exactly (calibrated): a point is the honest interval
    q = _quantile(level, df)
    if method in ("logit", "xlogit"):
        return (*_xlogit(p, se, q), method)
    if method == "asin":
        return (*_asin(p, se, q), method)
    if method == "mean":
        return p - q * se, p + q * se, method
    n_eff = p * (1 - p) / se**2
    if method == "wilson":
        return (*_wilson(p, n_eff, q), method)
    if method == "beta":
        return (*_clopper_pearson(p, korn_graubard_neff(n_eff, n, df, level), level), method)
    mu_hat, mean_work = (p, p * (1 - p)) if glm_fit is None else glm_fit
    lo, hi = likelihood_ci(mu_hat, se, df=df, level=level, n=n, mean_work=mean_work, p=p)
    if math.isnan(lo) or math.isnan(hi):  # the profile did not reach the cut-off (R stops)
        kg = korn_graubard_neff(n_eff, n, df, level)
        return (*_clopper_pearson(p, kg, level), "likelihood->beta")
    return lo, hi, method


# ---- vectorised intervals for bounded estimates --------------------------------------------
#
# Confidence intervals for bounded estimates (shares and rescaled scores), vectorised.
#
# Every interval is computed from the estimate, its standard error, the degrees of freedom and the
# number of respondents behind it, so it applies equally to a single criterion share (a ratio of
# weighted totals) and to a composite index (a mean of shares). Estimates bounded in
# ``[lower, upper]`` are mapped to ``[0, 1]`` first and mapped back afterwards. As in
# :mod:`analysis.intervals` (the scalar version used by the estimators), no interval collapses to a
# point: where everyone answered alike (share 0 or 1, or se 0) ``mean`` and ``xlogit`` fall back to
# Korn-Graubard with ``n* = n``.
#
# Methods
# -------
# ``mean``
#     Wald interval ``p ± t·se`` (Lohr 2022). Can leave ``[0, 1]``.
# ``xlogit`` (alias ``logit``)
#     The delta method on the logit scale, ``expit(logit p ± t·se / (p(1-p)))``; R ``svyciprop``'s
#     ``xlogit`` (equal to its ``logit`` whenever that converges).
# ``beta``
#     Korn and Graubard (1998): a Clopper-Pearson interval at the effective sample size
#     ``n* = p(1-p)/se² · (t_{n-1}/t_df)²``, as R ``svyciprop(method = "beta")``. When the
#     variance is zero (``p`` is 0 or 1) ``n*`` is set to ``n``, so the interval never collapses.
# ``beta_nchs``
#     ``beta`` with the design effect taken as at least 1, as in the NCHS Data Presentation
#     Standards for Proportions (Parker et al. 2017): ``n*`` is truncated at the number of
#     respondents ``n`` for a single share, and at ``p(1-p)/se_srs²`` (the SRS variance of the same
#     respondents) for any estimate when ``se_srs`` is given, so composites are covered too.
#     This is the hailong default: see ``docs/statistics.md`` for the coverage study that chose it.
# ``wilson``
#     Wilson's score interval at the effective sample size ``n* = p(1-p)/se²`` (same zero-variance
#     rule as ``beta``), with the t quantile.

BOUNDED_METHODS = ("mean", "xlogit", "logit", "beta", "beta_nchs", "wilson")
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
        One of :data:`BOUNDED_METHODS`.
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
    if method not in BOUNDED_METHODS:
        raise ValueError(
            f"unknown CI method {method!r}; choose one of {', '.join(BOUNDED_METHODS)}"
        )
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
            a, b = _xlogit_limits(p, s, t)
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
            a, b = _wilson_vector(p, s, n, t)
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
    n_minus_1 = np.where(n > 1, n, np.nan)
    ne = np.minimum(effective_n(p, s, n) * _kg_ratio(n_minus_1, df, alpha), cap)
    return _clopper_pearson_limits(p, ne, alpha)


def _wilson_vector(
    p: np.ndarray, s: np.ndarray, n: np.ndarray, t: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    return _wilson_limits(p, effective_n(p, s, n), t)


# ---- formulas shared by the scalar and the vectorised intervals ----------------------------


def _xlogit_limits(p: ArrayOrScalar, s: ArrayOrScalar,
                   t: ArrayOrScalar) -> tuple[np.ndarray, np.ndarray]:
    """``expit(logit p ∓ t·s/(p(1-p)))``."""
    half = t * s / (p * (1.0 - p))
    eta = special.logit(p)
    return special.expit(eta - half), special.expit(eta + half)


def _kg_ratio(n: ArrayOrScalar, df: ArrayOrScalar, alpha: float) -> np.ndarray:
    """Korn and Graubard's ``(t_{n-1} / t_df)²`` (``df = inf``: the normal quantile)."""
    return (stats.t.ppf(alpha / 2.0, n - 1.0) / stats.t.ppf(alpha / 2.0, df)) ** 2


def _clopper_pearson_limits(
    p: ArrayOrScalar, ne: ArrayOrScalar, alpha: float
) -> tuple[np.ndarray, np.ndarray]:
    """Clopper-Pearson limits for ``p`` at the (effective) sample size ``ne``."""
    x = ne * p
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(x <= 0, 0.0, stats.beta.ppf(alpha / 2.0, x, ne - x + 1.0))
        b = np.where(ne - x <= 0, 1.0, stats.beta.ppf(1.0 - alpha / 2.0, x + 1.0, ne - x))
    return a, b


def _wilson_limits(p: ArrayOrScalar, ne: ArrayOrScalar,
                   t: ArrayOrScalar) -> tuple[np.ndarray, np.ndarray]:
    """Wilson's score interval at the (effective) sample size ``ne``, clipped to ``[0, 1]``."""
    t2 = t**2
    centre = (p + t2 / (2.0 * ne)) / (1.0 + t2 / ne)
    half = t / (1.0 + t2 / ne) * np.sqrt(p * (1.0 - p) / ne + t2 / (4.0 * ne**2))
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)
