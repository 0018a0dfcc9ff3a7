"""Design-based variances of estimated totals by Taylor linearisation.

:func:`total_variance` is the primitive every estimator uses: an estimator
that is a smooth function of weighted totals ``sum_i w_i z_i`` passes the
per-row linearised values (influence values) ``z`` and receives the covariance
matrix of those totals. The computation follows R ``survey``'s ``svyrecvar``
(Lumley 2010, sec. 2.2 and appendix; Wolter 2007, ch. 6; Binder 1983):

1. ``x = w * z``;
2. if the design was calibrated, ``x`` is replaced by its residual from the
   calibration, as ``svyrecvar`` with ``postStrata``: post-stratum means are
   removed (Lumley 2010, sec. 7.2) and, for raking, that is repeated over the
   margins 10 times, exactly as R does;
3. stage 1: PSU totals of ``x`` are centred at their stratum mean and
   ``V = sum_h f_h n_h / (n_h - 1) sum_c d_hc d_hc'`` with ``f_h = 1 - n_h/N_h``
   (1 without fpc): PSUs drawn with replacement within strata;
4. later stages enter only when the previous stage has an fpc (R's default,
   ``survey.ultimate.cluster = FALSE``), each scaled by the product of the
   earlier sampling fractions ``n/N``.

Single-PSU strata follow :class:`~analysis.design.LonelyPSU` as R's
``onestrat``/``onestage``: CERTAINTY gives them no variance; ADJUST does not
centre their PSU total (deviation from the grand mean, the influence values
being centred); AVERAGE leaves them out and scales the stage-1 variance by
(strata present) / (present strata with more than one PSU), per column, where
a stratum is present for a column if one of its rows is nonzero there (R: the
strata of the domain's rows); NaN if no present stratum has two PSUs, as R.
At later stages a lone unit under AVERAGE contributes nothing (R gives NaN).

Rows with zero weight (outside a subset) contribute zero but their PSUs still
count in ``n_h``, so domains keep the whole design, as R's ``subset``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import numpy as np
from scipy import sparse

from analysis.design import LonelyPSU, PostStratum, Raking, Stage
from analysis.errors import DesignError

if TYPE_CHECKING:
    from analysis.design import SurveyDesign

__all__ = ["domain_variances", "residualise", "total_variance"]

RAKING_SWEEPS = 10  # R's svyrecvar repeats the raking residualisation 10 times


Matrix: TypeAlias = np.ndarray | sparse.spmatrix | sparse.sparray


def _indicator(codes: np.ndarray, ngroups: int | None = None) -> sparse.csr_matrix:
    """Return the groups x rows 0/1 matrix of ``codes`` (so ``S @ x`` sums rows by group)."""
    n = len(codes)
    shape = (int(codes.max()) + 1 if ngroups is None else ngroups, n)
    return sparse.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=shape)


def _scale_rows(values: np.ndarray, x: Matrix) -> Matrix:
    if sparse.issparse(x):
        return sparse.csr_matrix(sparse.diags(values) @ x)
    return x * values[:, None]


def _as_matrix(design: SurveyDesign, z: Matrix) -> Matrix:
    if sparse.issparse(z):
        x = sparse.csr_matrix(z, dtype=float)
    else:
        x = np.asarray(z, dtype=float)
        if x.ndim == 1:
            x = x[:, None]
    if x.shape[0] != design.nrow:
        raise DesignError(f"influence values have {x.shape[0]} rows, the design {design.nrow}")
    return x


def _poststratum_residual(record: PostStratum, x: Matrix) -> Matrix:
    psw = np.array(record.weights, dtype=float)
    oldw = record.old_weights
    psw[(psw == 0) & (oldw == 0)] = 1.0
    s = _indicator(record.cell)
    ratio = np.divide(oldw, psw, out=np.zeros_like(psw), where=psw != 0)
    den = np.bincount(record.cell, weights=oldw, minlength=s.shape[0])
    means = _scale_rows(1.0 / np.where(den == 0, 1.0, den), s @ _scale_rows(ratio, x))
    return x - _scale_rows(psw, s.T @ means)


def _raking_residual(record: Raking, x: Matrix) -> Matrix:
    parts = []
    for cell, psw in record.margins:
        s = _indicator(cell)
        count = np.bincount(cell, minlength=s.shape[0]).astype(float)
        inv = np.divide(1.0, psw, out=np.zeros_like(psw, dtype=float), where=psw != 0)
        parts.append((s, 1.0 / np.where(count == 0, 1.0, count), inv, psw))
    for _ in range(RAKING_SWEEPS):
        for s, inv_count, inv_psw, psw in parts:
            ave = s.T @ _scale_rows(inv_count, s @ _scale_rows(inv_psw, x))
            x = x - _scale_rows(psw, ave)
    return x


def residualise(design: SurveyDesign, x: Matrix) -> Matrix:
    """Return weighted values ``x`` with the design's calibrations removed (R ``svyrecvar``)."""
    for record in design.calibration:
        if isinstance(record, PostStratum):
            x = _poststratum_residual(record, x)
        else:
            x = _raking_residual(record, x)
    return x


def _stage_terms(
    design: SurveyDesign, stage: Stage, multiplier: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return per-stratum (coefficient, centre flag) for one stage."""
    n_h = stage.n_psu
    if stage.popsize is None:
        f = np.ones_like(n_h)
    else:
        f = (stage.popsize - n_h) / stage.popsize
    coef = np.where(n_h > 1, f * n_h / np.maximum(n_h - 1, 1), f) * multiplier
    coef = np.where(f < 1e-7, 0.0, coef)
    single = (n_h == 1) & (f >= 1e-7)
    policy = design.lonely_psu
    if single.any() and policy is LonelyPSU.FAIL:
        raise DesignError("a stratum has only one PSU (lonely_psu=FAIL)")
    centre = ~(single & (policy is LonelyPSU.ADJUST))
    if policy is LonelyPSU.AVERAGE:
        coef = np.where(single, 0.0, coef)
    return coef, centre


def _average_factor(stage: Stage, single: np.ndarray, x: Matrix) -> np.ndarray:
    """Return, per column, (strata present) / (present strata with > 1 PSU) (R ``onestage``).

    A stratum is present for a column when one of its rows has a nonzero value there (R
    counts the strata of the domain's rows; a domain whose rows in a stratum are all exactly
    zero is the only case where the two differ).
    """
    nonzero = abs(x) > 0
    present = _indicator(stage.stratum, len(single)) @ (
        nonzero.astype(float) if not sparse.issparse(nonzero) else nonzero.astype(float)
    )
    present = np.asarray(present.toarray() if sparse.issparse(present) else present) > 0
    nstrat = present.sum(axis=0)
    nok = (present & ~single[:, None]).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(nok > 0, nstrat / np.maximum(nok, 1), np.nan)


def _stage_multipliers(design: SurveyDesign) -> list[np.ndarray]:
    """Return, per variance stage, the product of earlier sampling fractions, per stratum."""
    row = np.ones(design.nrow)
    out = []
    for stage in design.variance_stages():
        per_stratum = np.ones(len(stage.n_psu))
        per_stratum[stage.stratum] = row
        out.append(per_stratum)
        if stage.popsize is not None:
            row = row * (stage.n_psu / stage.popsize)[stage.stratum]
    return out


def total_variance(design: SurveyDesign, z: Matrix) -> np.ndarray:
    """Return the design covariance of the totals ``sum_i w_i z_i`` (Taylor linearisation).

    Parameters
    ----------
    design : SurveyDesign
        The design (weights, stages, fpc, lonely-PSU policy, calibration records).
    z : array (n,) or (n, k), or scipy sparse (n, k)
        Per-row linearised values, one row per row of ``design.frame`` (rows outside a subset
        may hold anything: they are multiplied by weight 0).

    Returns
    -------
    numpy.ndarray
        ``k x k`` covariance matrix, as R's ``svyrecvar(w * z, ...)``.
    """
    x = residualise(design, _scale_rows(design.weights, _as_matrix(design, z)))
    k = x.shape[1]
    v = np.zeros((k, k))
    stages = design.variance_stages()
    for number, (stage, mult) in enumerate(zip(stages, _stage_multipliers(design), strict=True)):
        coef, centre = _stage_terms(design, stage, mult)
        totals = _indicator(stage.cluster) @ x
        totals = totals.toarray() if sparse.issparse(totals) else np.asarray(totals)
        cs = stage.cluster_stratum
        means = (_indicator(cs, len(coef)) @ totals) / stage.n_psu[:, None]
        dev = totals - np.where(centre[cs][:, None], means[cs], 0.0)
        part = (dev * coef[cs][:, None]).T @ dev
        if number == 0 and design.lonely_psu is LonelyPSU.AVERAGE:
            union = np.asarray(abs(x).sum(axis=1)).ravel()[:, None]
            part = part * _average_factor(stage, _singles(stage), union)[0]
        v += part
    return v


def _singles(stage: Stage) -> np.ndarray:
    f = np.ones_like(stage.n_psu) if stage.popsize is None else 1 - stage.n_psu / stage.popsize
    return (stage.n_psu == 1) & (f >= 1e-7)


def domain_variances(design: SurveyDesign, z: Matrix) -> np.ndarray:
    """Return only the variances (diagonal) of :func:`total_variance`, for many sparse columns.

    Used for domains: column ``d`` holds ``z_i`` for rows in domain ``d`` and 0 elsewhere, so a
    sparse ``z`` keeps the cost proportional to the number of rows, not rows x domains.

    Parameters
    ----------
    design : SurveyDesign
    z : scipy sparse or array, shape (n, k)

    Returns
    -------
    numpy.ndarray
        ``k`` variances.
    """
    x = residualise(design, _scale_rows(design.weights, _as_matrix(design, z)))
    x = sparse.csr_matrix(x)
    out = np.zeros(x.shape[1])
    stages = design.variance_stages()
    for number, (stage, mult) in enumerate(zip(stages, _stage_multipliers(design), strict=True)):
        coef, centre = _stage_terms(design, stage, mult)
        totals = sparse.csr_matrix(_indicator(stage.cluster) @ x)
        by_stratum = _indicator(stage.cluster_stratum, len(coef))
        sq = np.asarray((by_stratum @ totals.multiply(totals)).toarray())
        sums = np.asarray((by_stratum @ totals).toarray())
        centred = sq - np.where(centre[:, None], sums**2 / stage.n_psu[:, None], 0.0)
        part = coef @ centred
        if number == 0 and design.lonely_psu is LonelyPSU.AVERAGE:
            part = part * _average_factor(stage, _singles(stage), x)
        out += part
    return out
