"""hailong's default weights and per-unit results, with roll-ups up the unit tree.

Default weights (issue 5, point 5)
---------------------------------
Within each unit and period, the responses of procedure field ``f`` are post-stratified to the
number of dossiers ``N_uf`` the unit handled in that field: every response in cell ``(u, p, f)``
gets weight ``N*_upf / n_upf``. A field with dossiers but no responses cannot be represented by
anyone, so its dossiers are spread over the unit's observed fields in proportion to their counts
(``N*_upf = N_upf · N_up / Σ_{observed f} N_upf``): the unit's total is kept, and the field's
citizens are assumed to resemble the unit's other citizens. Such fields are reported in
:attr:`DefaultWeights.collapsed`. Responses in a cell with no dossier count are an error by
default (``unmatched="drop"`` removes them and reports them instead). Variance strata are
unit × period; post-strata are unit × period × field (Holt and Smith 1979; Lumley 2010, ch. 7).

Small-sample rules
------------------
``small_sample`` is set when the Kish effective sample size ``(Σw)²/Σw²`` of the respondents
behind a number is below ``min_effective_n`` (default :data:`MIN_EFFECTIVE_N`); a number is
suppressed (estimate and interval set to NaN, counts kept) when fewer than ``suppress_below``
respondents (default :data:`SUPPRESS_BELOW`) gave a valid answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from analysis.intervals import DEFAULT_CI_METHOD
from analysis.poststrata import DefaultWeights, ancestors_table, cell_weights, default_weights
from analysis.unit_stats import (
    MIN_EFFECTIVE_N,
    RESULT_COLUMNS,
    SUPPRESS_BELOW,
    results_from_stats,
    unit_stats,
)

__all__ = [
    "MIN_EFFECTIVE_N",
    "RESULT_COLUMNS",
    "SUPPRESS_BELOW",
    "DefaultWeights",
    "cell_weights",
    "ancestors_table",
    "default_design",
    "default_weights",
    "raked_design",
    "unit_results",
]


def unit_results(
    responses: pd.DataFrame,
    spec: Mapping[str, Any],
    dossiers: pd.DataFrame | None = None,
    *,
    weight: str | None = None,
    parents: Mapping[Any, Any] | None = None,
    cluster: str | None = None,
    unit: str = "unit",
    period: str = "period",
    field: str = "field",
    level: float = 0.95,
    ci_method: str = DEFAULT_CI_METHOD,
    min_effective_n: float = MIN_EFFECTIVE_N,
    suppress_below: int = SUPPRESS_BELOW,
    unmatched: str = "error",
    small_cell_correction: bool = True,
) -> pd.DataFrame:
    """Score every unit and period (and every ancestor in the unit tree) in one pass.

    Parameters
    ----------
    responses : pandas.DataFrame
        One row per response: answer columns plus ``unit``, ``period`` and ``field``.
    spec : mapping
        Scoring block (``definition.scoring_spec()``): SIPAS, PAPI or one-stop.
    dossiers : pandas.DataFrame, optional
        Dossier counts (``unit, period, field, count``): hailong's default weights
        (:func:`default_weights`). Exactly one of ``dossiers`` and ``weight`` is needed.
    weight : str, optional
        Use this existing weight column instead (no post-stratification adjustment of variances).
    parents : mapping, optional
        Child → parent unit codes. Adds ``scope="subtree"`` rows for every ancestor: its estimate
        from all responses of its descendants (and its own), with their weights.
    cluster : str, optional
        PSU column nested in units (e.g. counter); default: each response is a PSU.
    unit, period, field : str
        Column names.
    level : float
        Confidence level.
    ci_method : str
        Interval method (see :func:`analysis.intervals.interval`); df = PSUs - strata in the domain.
    min_effective_n : float
        ``small_sample`` is set below this Kish effective sample size.
    suppress_below : int
        Numbers with fewer valid respondents are suppressed (NaN estimate and interval).
    unmatched : {"error", "drop"}
        Passed to :func:`default_weights`.
    small_cell_correction : bool
        With default weights, correct the linearised variance for small post-strata (see
        :func:`analysis.scoring.grouped.stratum_stats`); False reproduces R survey exactly.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RESULT_COLUMNS`: ``unit, period, scope`` (``"unit"`` = the unit's own
        responses, ``"subtree"`` = roll-up), ``index_id`` and ``index_level`` (e.g. ``overall`` /
        ``overall``, ``E1`` / ``element``), ``estimate, se, ci_low, ci_high, df``, ``n`` (valid
        respondents), ``n_eff`` (Kish), ``deff`` (variance over the variance of a simple random
        sample of the same respondents), ``n_responses`` (rows in the domain), ``small_sample``,
        ``suppressed``, ``ci_method``. One-stop results also carry ``band`` on ``points_share``.
        With ``dossiers``, ``result.attrs["collapsed"]`` and ``result.attrs["dropped"]`` hold the
        reports of :class:`DefaultWeights` as lists of records (fields collapsed into their unit,
        cells dropped).
    """
    us = unit_stats(
        responses,
        spec,
        dossiers,
        weight=weight,
        cluster=cluster,
        unit=unit,
        period=period,
        field=field,
        unmatched=unmatched,
        small_cell_correction=small_cell_correction,
    )
    out = results_from_stats(
        us,
        spec,
        parents,
        level=level,
        ci_method=ci_method,
        min_effective_n=min_effective_n,
        suppress_below=suppress_below,
    )
    if dossiers is not None:
        back = {"unit": unit, "period": period}
        out.attrs["collapsed"] = us.collapsed.rename(columns=back).to_dict("records")
        out.attrs["dropped"] = us.dropped.rename(columns=back).to_dict("records")
    return out


def default_design(
    weights: DefaultWeights,
    *,
    unit: str = "unit",
    period: str = "period",
    lonely_psu: Any = None,
) -> Any:
    """Return a :class:`~analysis.design.SurveyDesign` for hailong's default weights.

    Strata are unit × period, each response is a PSU, and the post-stratification is recorded so
    that :func:`analysis.variance.total_variance` takes residuals within post-strata. Units with a
    single response get ``LonelyPSU.CERTAINTY`` by default (their post-stratified residual is zero).
    """
    from analysis.design import LonelyPSU, PostStratum, SurveyDesign

    frame = weights.frame.reset_index(drop=True)
    frame = frame.assign(_stratum=frame[unit].astype(str) + "|" + frame[period].astype(str))
    policy = LonelyPSU.CERTAINTY if lonely_psu is None else lonely_psu
    design = SurveyDesign.from_frame(frame, weight="weight", strata="_stratum", lonely_psu=policy)
    cell = pd.factorize(frame["poststratum"])[0].astype(np.int64)
    record = PostStratum(
        cell=cell, weights=frame["weight"].to_numpy(dtype=float), old_weights=np.ones(len(frame))
    )
    return design.with_weights(frame["weight"].to_numpy(dtype=float), record)


def raked_design(
    weights: DefaultWeights,
    margins: list[pd.DataFrame],
    *,
    unit: str = "unit",
    period: str = "period",
    field: str = "field",
) -> Any:
    """Return hailong's default design raked to demographic margins as well.

    The dossier counts per unit × period × field (after the collapse rule) are one margin; each of
    ``margins`` is another, with columns ``unit, period, <variable>..., Freq`` (e.g. the sex or age
    distribution of the unit's clients; every unit that provides margins must provide them for all
    its responses). Raking uses :func:`analysis.weighting.rake`, whose calibration record makes
    :func:`analysis.scoring.score` account for it in the variance. Score units with
    ``score(design.subset(design.frame[unit] == code), spec)``.
    """
    from analysis.weighting import rake

    design = default_design(weights, unit=unit, period=period)
    frame = design.frame
    cells = frame.groupby([unit, period, field], sort=False)["weight"].sum()
    dossier_margin = cells.rename("Freq").reset_index()
    base = design.with_weights(np.ones(len(frame)))
    return rake(base, [dossier_margin, *margins], max_iter=100, epsilon=1e-12)
