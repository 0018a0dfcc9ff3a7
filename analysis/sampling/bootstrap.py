"""Bootstrap replicate weights for a field sample, as PAPI publishes them.

Rao and Wu's (1988) rescaling bootstrap (:func:`analysis.replicates.bootstrap_weights`): in each
stratum ``n_h - 1`` of its ``n_h`` PSUs are drawn with replacement and the PSU's weights scaled
by ``n_h/(n_h-1)`` times the times it was drawn; variance ``(1/R) Σ_r (θ_r - θ̄)²`` with
``θ̄`` the mean of the replicates (R ``svrepdesign(type = "bootstrap", scale = 1/R,
rscales = 1, mse = FALSE)``; Stata ``svyset, bsrweight() vce(bootstrap)``).

:func:`adjusted_replicates` redoes the weighting in every replicate, as the full sample's
weights were made (Valliant, Dever & Kreuter 2013, sec. 15.4): the PSU factors scale the base
weights of every eligible sampled unit (respondent or not), the non-response adjustment is
recomputed within each weighting class from the replicate's sampled and answered totals, then
each replicate is raked to the same population margins. The variance then carries the
randomness of the adjustments, which scaling the final weights (:func:`field_bootstrap`) leaves
out. Trimming is not redone: a bound set for full-sample weights would cut most of a
replicate's doubled PSUs; each answer's trimming factor (trimmed / raked weight of the full
sample) is applied to its replicate weights, i.e. trimming is taken as fixed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.design import SurveyDesign
from analysis.errors import AnalysisError
from analysis.replicates import ReplicateWeights, bootstrap_weights, replicate_variance
from analysis.weighting import rake_replicates

__all__ = ["adjusted_replicates", "field_bootstrap", "psu_factors", "replicate_mean"]


def field_bootstrap(weights: np.ndarray, strata: np.ndarray, psus: np.ndarray, *,
                    replicates: int, seed: int) -> ReplicateWeights:
    """``replicates`` Rao-Wu bootstrap replicates of ``weights`` (PSUs nested in strata)."""
    if replicates < 2:
        raise AnalysisError("the bootstrap needs at least 2 replicates")
    return bootstrap_weights(np.asarray(weights, dtype=float), np.asarray(strata),
                             np.asarray(psus), replicates=replicates, seed=seed)


def psu_factors(strata: Sequence[str], psus: Sequence[str], *, replicates: int,
                seed: int) -> pd.DataFrame:
    """Rao-Wu factors, one row per distinct (stratum, PSU), one column per replicate."""
    pairs = pd.DataFrame({"stratum": np.asarray(strata, dtype=str),
                          "psu": np.asarray(psus, dtype=str)}).drop_duplicates()
    pairs = pairs.sort_values(["stratum", "psu"]).reset_index(drop=True)
    rep = field_bootstrap(np.ones(len(pairs)), pairs["stratum"].to_numpy(),
                          pairs["psu"].to_numpy(), replicates=replicates, seed=seed)
    index = pd.MultiIndex.from_frame(pairs)
    return pd.DataFrame(rep.weights, index=index)


def _factors_of(table: pd.DataFrame, factors: pd.DataFrame) -> np.ndarray:
    keys = pd.MultiIndex.from_arrays([table["stratum"].astype(str), table["psu"].astype(str)])
    return factors.reindex(keys).to_numpy()


def adjusted_replicates(units: pd.DataFrame, answers: pd.DataFrame, *,
                        margins: Sequence[pd.DataFrame] | None = None,
                        trim_factor: np.ndarray | None = None, replicates: int, seed: int,
                        ) -> tuple[np.ndarray, ReplicateWeights]:
    """Replicate weights of ``answers`` with the non-response adjustment and the raking redone
    in each replicate (trimming: the full sample's factors, held fixed).

    ``units``: the eligible sampled units (``stratum``, ``psu``, ``base_weight``, ``wclass``);
    ``answers``: the answers (the same columns, and the margins' variables as text). Returns
    the adjusted weights before raking (per replicate, answers × replicates) and the final
    replicate weights (raked, then times ``trim_factor`` when given).
    """
    if replicates < 2:
        raise AnalysisError("the bootstrap needs at least 2 replicates")
    factors = psu_factors(pd.concat([units["stratum"], answers["stratum"]]).astype(str),
                          pd.concat([units["psu"], answers["psu"]]).astype(str),
                          replicates=replicates, seed=seed)
    unit_w = units["base_weight"].to_numpy(dtype=float)[:, None] * _factors_of(units, factors)
    answer_w = (answers["base_weight"].to_numpy(dtype=float)[:, None]
                * _factors_of(answers, factors))
    sampled = pd.DataFrame(unit_w).groupby(units["wclass"].to_numpy()).sum()
    answered = pd.DataFrame(answer_w).groupby(answers["wclass"].to_numpy()).sum()
    sampled = sampled.reindex(answered.index).fillna(0.0)
    lost = (answered.to_numpy() == 0) & (sampled.to_numpy() > 0)
    if lost.any():
        where = np.argwhere(lost)[0]
        raise AnalysisError(f"weighting class {answered.index[where[0]]!r} has no answer in "
                            f"bootstrap replicate {where[1] + 1} (all its answering PSUs were "
                            "left out) though it has sampled units there: merge classes")
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(answered.to_numpy() > 0, sampled.to_numpy() / answered.to_numpy(), 0.0)
    rows = answered.index.get_indexer(answers["wclass"].to_numpy())
    nr = answer_w * ratio[rows]
    final = nr.copy()
    if margins:
        base = SurveyDesign.from_frame(answers.assign(_w=1.0), weight="_w", strata="stratum",
                                       cluster=["psu"])
        final = rake_replicates(base, nr, margins)
    if trim_factor is not None:
        final = final * np.asarray(trim_factor, dtype=float)[:, None]
    return nr, ReplicateWeights(final, np.ones(replicates), 1.0 / replicates, "bootstrap")


def replicate_mean(weights: np.ndarray, rep: ReplicateWeights,
                   values: np.ndarray) -> tuple[float, float]:
    """The weighted mean of ``values`` (NaN = missing, left out) and its replicate SE."""
    y = np.asarray(values, dtype=float)
    seen = ~np.isnan(y)
    if not seen.any():
        raise AnalysisError("no non-missing value to average")
    w = np.asarray(weights, dtype=float)[seen]
    estimate = float(np.sum(w * y[seen]) / np.sum(w))
    reps = rep.weights[seen]
    thetas = (reps * y[seen][:, None]).sum(axis=0) / reps.sum(axis=0)
    variance = replicate_variance(thetas, rep)
    return estimate, float(np.sqrt(variance))
