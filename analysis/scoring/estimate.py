"""Score one survey design: every output of a scoring block as an :class:`Estimate`.

This is the design-object path (any strata, clusters, fpc and calibration that
:class:`analysis.design.SurveyDesign` supports); :func:`analysis.units.unit_results` is the
vectorised path for many units at once. Both use the same influence values (see
:mod:`analysis.scoring.composite`); the variance here comes from
:func:`analysis.variance.total_variance`, so calibration (post-stratification, raking) and
lonely-PSU policies are handled as for every other estimator.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from analysis.design import SurveyDesign
from analysis.intervals import DEFAULT_CI_METHOD, interval
from analysis.results import Estimate
from analysis.scoring.composite import LinearComposite, build_composite
from analysis.variance import total_variance


def influence_values(comp: LinearComposite, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(estimates, influence)`` of a composite for one domain.

    Parameters
    ----------
    comp : LinearComposite
    weights : numpy.ndarray
        Weights, 0 outside the domain.

    Returns
    -------
    estimates : numpy.ndarray
        ``k`` outputs (NaN where a needed ratio has no valid answer).
    influence : numpy.ndarray
        ``n × k`` values ``u_ik = Σ_c A_kc (y_ic - m_c x_ic) / X_c``; the estimated total
        ``Σ w_i u_ik`` linearises ``θ_k - θ_k(true)``.
    """
    w = np.asarray(weights, dtype=float)
    ty, tx = w @ comp.numerator, w @ comp.denominator
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(tx > 0, ty / tx, 0.0)
        inv = np.where(tx > 0, 1.0 / tx, 0.0)
    est = comp.offset + comp.coef @ ratio
    est[(comp.coef != 0) @ (tx <= 0)] = np.nan
    u = (comp.numerator - ratio * comp.denominator) * inv
    return est, u @ comp.coef.T


def score(
    design: SurveyDesign,
    spec: Mapping[str, Any],
    *,
    level: float = 0.95,
    ci_method: str = DEFAULT_CI_METHOD,
    df: float | None = None,
) -> dict[str, Estimate]:
    """Estimate every output of a scoring block on a design (or a subset of one).

    Parameters
    ----------
    design : SurveyDesign
        Use ``design.subset(mask)`` for a domain: the full design is kept for the variance.
    spec : mapping
        Scoring block (``definition.scoring_spec()``).
    level : float
        Confidence level.
    ci_method : str
        Interval method (:func:`analysis.intervals.interval`).
    df : float, optional
        Degrees of freedom for the interval; default ``design.degf`` (``math.inf`` for normal).

    Returns
    -------
    dict of str to Estimate
        Keyed by output id (criterion columns, element ids and ``overall`` for SIPAS;
        ``<indicator>:mean``, indicator ids, sub-dimension and dimension ids and ``total`` for
        PAPI; indicator ids, ``points``, ``points_share`` and ``satisfied`` for one-stop).
        ``n`` counts respondents with a valid answer to at least one component; ``deff`` is the
        variance over that of a simple random sample of the same respondents (None if undefined).
    """
    comp = build_composite(design.frame, spec)
    est, infl = influence_values(comp, design.weights)
    var = np.diag(total_variance(design, infl)).copy()
    var[np.isnan(est)] = np.nan
    se = np.sqrt(np.maximum(var, 0.0))
    inset = design.weights != 0
    contributes = (
        (comp.denominator[inset] != 0).astype(float) @ (comp.coef != 0).T.astype(float)
    ) > 0
    n = contributes.sum(axis=0)
    n_in = inset.sum()
    wbar = design.weights[inset].mean() if n_in else np.nan
    dev = infl[inset] - infl[inset].mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        se_srs = np.sqrt(wbar**2 * n_in / (n_in - 1.0) * (dev * dev).sum(axis=0))
    dfree = float(design.degf) if df is None else float(df)
    lo, hi = interval(
        est,
        se,
        dfree,
        n,
        method=ci_method,
        level=level,
        lower=comp.lower,
        upper=comp.upper,
        single=comp.single,
        se_srs=se_srs,
    )
    out = {}
    for k, oid in enumerate(comp.output_ids):
        out[oid] = Estimate(
            estimate=float(est[k]),
            se=float(se[k]),
            df=dfree if math.isfinite(dfree) else math.inf,
            n=int(n[k]),
            deff=float(se[k] ** 2 / se_srs[k] ** 2) if se_srs[k] > 0 else None,
            ci_low=float(lo[k]),
            ci_high=float(hi[k]),
            level=level,
            method=ci_method,
        )
    return out
