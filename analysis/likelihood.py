"""Rao-Scott profile-likelihood intervals for proportions, computed as R computes them.

``likelihood_ci`` profiles the scaled quasibinomial deviance on a grid and inverts it with R's
FMM spline (:func:`fmm_spline`), so the limits agree with R's
``confint(svyglm(..., family = quasibinomial), method = "likelihood")`` (Rao and Scott 1984;
Lumley 2010, sec. 2.3.1). Used by :func:`analysis.intervals.proportion_ci`.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special, stats

__all__ = ["fmm_spline", "likelihood_ci", "quasibinomial_fit"]


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
