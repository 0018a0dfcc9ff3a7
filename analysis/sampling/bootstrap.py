"""Bootstrap replicate weights for a field sample, as PAPI publishes them.

Rao and Wu's (1988) rescaling bootstrap (:func:`analysis.replicates.bootstrap_weights`): in each
stratum ``n_h - 1`` of its ``n_h`` PSUs are drawn with replacement and the PSU's weights scaled
by ``n_h/(n_h-1)`` times the times it was drawn; variance ``(1/R) Σ_r (θ_r - θ̄)²`` with
``θ̄`` the mean of the replicates (R ``svrepdesign(type = "bootstrap", scale = 1/R,
rscales = 1, mse = FALSE)``; Stata ``svyset, bsrweight() vce(bootstrap)``). The replicates
scale the final weights (after non-response adjustment, raking and trimming); they do not
repeat those adjustments within each replicate, so the variance they give is that of the
final weights taken as fixed, like the linearised variance without calibration.
"""

from __future__ import annotations

import numpy as np

from analysis.errors import AnalysisError
from analysis.replicates import ReplicateWeights, bootstrap_weights, replicate_variance

__all__ = ["field_bootstrap", "replicate_mean"]


def field_bootstrap(weights: np.ndarray, strata: np.ndarray, psus: np.ndarray, *,
                    replicates: int, seed: int) -> ReplicateWeights:
    """``replicates`` Rao-Wu bootstrap replicates of ``weights`` (PSUs nested in strata)."""
    if replicates < 2:
        raise AnalysisError("the bootstrap needs at least 2 replicates")
    return bootstrap_weights(np.asarray(weights, dtype=float), np.asarray(strata),
                             np.asarray(psus), replicates=replicates, seed=seed)


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
