"""Confidence intervals for proportions (R ``svyciprop`` and more).

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

from analysis.results import critical_value

__all__ = ["METHODS", "proportion_ci"]

METHODS = ("logit", "likelihood", "asin", "beta", "mean", "xlogit", "wilson")


def _quantile(level: float, df: float) -> float:
    q = critical_value(level, df)
    if math.isnan(q):
        raise ValueError(f"degrees of freedom must be positive, got {df!r}")
    return q


def _xlogit(p: float, se: float, q: float) -> tuple[float, float]:
    half = q * se / (p * (1 - p))
    eta = special.logit(p)
    return float(special.expit(eta - half)), float(special.expit(eta + half))


def _asin(p: float, se: float, q: float) -> tuple[float, float]:
    half = q * se / (2 * math.sqrt(p * (1 - p)))
    angle = math.asin(math.sqrt(p))
    lo, hi = max(angle - half, 0.0), min(angle + half, math.pi / 2)
    return math.sin(lo) ** 2, math.sin(hi) ** 2


def _clopper_pearson(p: float, n_eff: float, level: float) -> tuple[float, float]:
    alpha = 1 - level
    x = n_eff * p
    lo = 0.0 if x <= 0 else float(stats.beta.ppf(alpha / 2, x, n_eff - x + 1))
    hi = 1.0 if x >= n_eff else float(stats.beta.ppf(1 - alpha / 2, x + 1, n_eff - x))
    return lo, hi


def korn_graubard_neff(n_eff: float, n: int, df: float, level: float) -> float:
    """Return Korn & Graubard's df-adjusted effective sample size (R ``svyciprop`` beta)."""
    alpha = 1 - level
    if n <= 1:
        return n_eff
    inner = stats.t.ppf(alpha / 2, n - 1)
    outer = stats.norm.ppf(alpha / 2) if math.isinf(df) else stats.t.ppf(alpha / 2, df)
    return float(n_eff * (inner / outer) ** 2)


def _wilson(p: float, n_eff: float, q: float) -> tuple[float, float]:
    q2n = q * q / n_eff
    centre = p + q2n / 2
    half = q * math.sqrt(p * (1 - p) / n_eff + q2n / (4 * n_eff))
    return max((centre - half) / (1 + q2n), 0.0), min((centre + half) / (1 + q2n), 1.0)


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


def fmm_spline(x: np.ndarray, y: np.ndarray, xout: np.ndarray) -> np.ndarray:
    """Evaluate R's ``spline(method = "fmm")`` (Forsythe, Malcolm & Moler 1977) at ``xout``.

    End conditions match the third derivative of the cubic through the four end points,
    exactly as R's ``splines.c``; used to reproduce R's profile-likelihood intervals.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = len(x)
    b, c, d = np.zeros(n), np.zeros(n), np.zeros(n)
    nm1 = n - 1
    d[0] = x[1] - x[0]
    c[1] = (y[1] - y[0]) / d[0]
    for i in range(1, nm1):
        d[i] = x[i + 1] - x[i]
        b[i] = 2.0 * (d[i - 1] + d[i])
        c[i + 1] = (y[i + 1] - y[i]) / d[i]
        c[i] = c[i + 1] - c[i]
    b[0], b[nm1] = -d[0], -d[n - 2]
    c[0] = c[nm1] = 0.0
    if n > 3:
        c[0] = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0])
        c[nm1] = c[n - 2] / (x[nm1] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4])
        c[0] = c[0] * d[0] * d[0] / (x[3] - x[0])
        c[nm1] = -c[nm1] * d[n - 2] * d[n - 2] / (x[nm1] - x[n - 4])
    for i in range(1, n):
        t = d[i - 1] / b[i - 1]
        b[i] = b[i] - t * d[i - 1]
        c[i] = c[i] - t * c[i - 1]
    c[nm1] = c[nm1] / b[nm1]
    for i in range(n - 2, -1, -1):
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
    b[nm1] = (y[nm1] - y[n - 2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2.0 * c[nm1])
    for i in range(nm1):
        b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i])
        d[i] = (c[i + 1] - c[i]) / d[i]
        c[i] = 3.0 * c[i]
    c[nm1] = 3.0 * c[nm1]
    d[nm1] = d[n - 2]
    idx = np.clip(np.searchsorted(x, xout, side="right") - 1, 0, nm1)
    dx = xout - x[idx]
    return y[idx] + dx * (b[idx] + dx * (c[idx] + dx * d[idx]))


def _signed_root(theta: float, p: float, n: int, dispersion: float) -> float:
    """Return the signed root of the scaled quasibinomial deviance at logit ``theta``."""
    if not math.isfinite(theta):
        return math.nan
    log_mu, log_1mu = special.log_expit(theta), special.log_expit(-theta)
    dev = 2 * n * (p * (math.log(p) - log_mu) + (1 - p) * (math.log(1 - p) - log_1mu))
    return math.copysign(math.sqrt(max(dev / dispersion, 0.0)), theta - special.logit(p))


def likelihood_ci(
    mu_hat: float,
    se: float,
    *,
    df: float,
    level: float,
    n: int,
    mean_work: float,
    p: float | None = None,
) -> tuple[float, float]:
    """Return the Rao-Scott scaled profile-likelihood interval, as R's ``svyciprop``.

    Reproduces ``confint(svyglm(y ~ 1, family = quasibinomial), method = "likelihood",
    ddf = df)``: the deviance is profiled at steps of ``zmax / 5`` logit standard errors
    (at most 9 per side), interpolated with R's FMM spline on ``3 * points`` equally spaced
    values, and inverted linearly at ``-/+ q * sqrt(lambda)``, where ``lambda`` is the design
    effect of the logit, ``var(logit) / naive var`` (Rao & Scott 1984).

    Parameters
    ----------
    mu_hat : float
        Fitted proportion of the quasibinomial fit, in (0, 1).
    se : float
        Design-based standard error of the proportion.
    df, level : float
        Degrees of freedom (inf: normal) and confidence level.
    n : int
        Rows in the fit (R's ``NROW(Y)``).
    mean_work : float
        Mean IRLS working weight of the last iteration (see :func:`quasibinomial_fit`).
    p : float, optional
        Weighted proportion (for the dispersion); default ``mu_hat``.

    Returns
    -------
    tuple of float
    """
    p = mu_hat if p is None else p
    var_mu = mu_hat * (1 - mu_hat)
    se_logit = se / var_mu
    lam = n * se_logit**2 * mean_work
    dispersion = n / (n - 1) * p * (1 - p) / var_mu
    half = (1 - level) / 2
    quant = stats.norm.ppf(half) if math.isinf(df) else stats.t.ppf(half, df)
    alpha = stats.norm.cdf(quant * math.sqrt(lam)) / 2
    if n < 3:
        return math.nan, math.nan
    zmax = math.sqrt(stats.f.isf(alpha, 1, n - 1))
    step_size = zmax / 5 * se_logit
    theta0 = float(special.logit(mu_hat))
    thetas, zs = [theta0], [0.0]
    for sign in (-1, 1):
        z, step = 0.0, 1
        while step < 10 and abs(z) < zmax:
            theta = theta0 + sign * step * step_size
            z = _signed_root(theta, mu_hat, n, dispersion)
            thetas.append(theta)
            zs.append(z)
            step += 1
    order = np.argsort(zs, kind="stable")
    tx, tz = np.asarray(thetas)[order], np.asarray(zs)[order]
    if not (np.all(np.isfinite(tx)) and np.all(np.isfinite(tz))) or len(np.unique(tx)) < 4:
        return math.nan, math.nan  # the profile ran off the scale (tiny domains)
    grid = np.linspace(tx.min(), tx.max(), 3 * len(tx))
    gz = fmm_spline(tx, tz, grid)
    cutoff = stats.norm.ppf(2 * alpha)
    rank = np.argsort(gz, kind="stable")
    bounds = np.interp([cutoff, -cutoff], gz[rank], grid[rank], left=np.nan, right=np.nan)
    return float(special.expit(bounds[0])), float(special.expit(bounds[1]))


def quasibinomial_fit(y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Return ``(mu_hat, mu_last)`` of R's ``glm.fit`` for ``y ~ 1``, quasibinomial.

    Weights are rescaled to mean 1 (``svyglm``). ``mu_last`` is the mean at which the final
    IRLS working weights were computed: R's ``naive.cov`` (hence the Rao-Scott ``lambda`` of
    the likelihood interval) uses it, so the iteration is reproduced step by step
    (start ``(W y + 0.5) / (W + 1)``, stop when the relative deviance change < 1e-8).
    """
    big_w = w / w.mean()
    mu = (big_w * y + 0.5) / (big_w + 1)
    eta = special.logit(mu)
    dev_old = _binomial_deviance(y, mu, big_w)
    mu_last = mu
    for _ in range(25):
        var = mu * (1 - mu)
        work = big_w * var
        theta = float(np.sum(work * (eta + (y - mu) / var)) / np.sum(work))
        mu_last = mu
        eta = np.full_like(y, theta)
        mu = special.expit(eta)
        dev = _binomial_deviance(y, mu, big_w)
        if abs(dev - dev_old) / (abs(dev) + 0.1) < 1e-8:
            break
        dev_old = dev
    weights_last = big_w * mu_last * (1 - mu_last)
    return float(mu[0]), float(np.sum(weights_last) / np.sum(big_w))


def _binomial_deviance(y: np.ndarray, mu: np.ndarray, w: np.ndarray) -> float:
    terms = special.xlogy(y, y / mu) + special.xlogy(1 - y, (1 - y) / (1 - mu))
    return float(2 * np.sum(w * terms))
