"""Tolerances that follow from floating-point arithmetic, for two computations of the same
statistics that add the same terms in a different order (kept sums versus raw rows, a subset
of strata versus all, NumPy kernels that differ between processors).

Rounding model (Higham, *Accuracy and Stability of Numerical Algorithms*, §3.1): a sum of
``n`` terms of magnitude at most ``M`` is off by at most about ``n · eps · M``. The results of
a unit are made of such sums:

* an estimate is a ratio of weighted sums of answers of magnitude ``≤ scale`` (the largest
  value the index takes): off by at most ``C · n · eps · scale``;
* a variance is a sum of squared linearised values ``z_i = w_i (y_i - θ) / Σw``, whose squares
  add to at most ``scale²`` (``Σ w_i² ≤ (Σ w_i)²``). One path forms it from raw cross-products,
  ``Σ z z' - n z̄ z̄'``, where the two terms cancel: whatever the true variance, the result is
  off by up to ``C · n · eps · scale²`` in absolute terms. For a unit whose answers are all
  equal the true variance is 0, and one processor returns exactly 0 while another returns
  2.5e-17, whose square root is a standard error of 5e-9 (issue #13). So standard errors are
  compared as variances, within that absolute floor, never as square roots with a relative or
  fixed tolerance;
* ``C = 16`` covers the few sums and products that make one figure (cross-products, the mean
  outer product, the quadratic form ``b' M b``, the ``n/(n-1)`` factor, a ratio), each of which
  adds at most about ``n · eps`` relative to the magnitudes above.

An interval endpoint moves by at most the estimate's error plus ``q · Δse``, with
``Δse ≤ √Δvar`` (as ``|√a - √b| ≤ √|a - b|``) and ``q ≤ t(0.975, 1) < 13``. A design effect is
a ratio of two variances: where the variance is zero within its floor the ratio (0/0 or a
rounding residue over 0) is not determined by the arithmetic and is not compared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

EPS = float(np.finfo(float).eps)
OPERATIONS = 16  # C above: the sums and products that make one figure
Q_MAX = 13.0  # above t(0.975, df=1) = 12.71, the widest 95% multiplier of any interval here


def estimate_floor(n: np.ndarray | float, scale: float) -> np.ndarray | float:
    """Largest rounding difference of an estimate of ``n`` answers of magnitude ≤ ``scale``."""
    return OPERATIONS * np.maximum(n, 1) * EPS * scale


def variance_floor(n: np.ndarray | float, scale: float) -> np.ndarray | float:
    """Largest rounding difference of a variance of ``n`` answers of magnitude ≤ ``scale``,
    whatever the variance itself (it is a difference of sums that may cancel)."""
    return OPERATIONS * np.maximum(n, 1) * EPS * scale**2


def _scale(frame: pd.DataFrame) -> float:
    values = frame[["estimate", "ci_low", "ci_high"]].astype(float).abs().to_numpy()
    finite = values[np.isfinite(values)]
    return max(1.0, float(finite.max())) if finite.size else 1.0


def _check(name: str, got: np.ndarray, want: np.ndarray, tol: np.ndarray | float,
           rows: pd.DataFrame) -> None:
    both_nan = np.isnan(got) & np.isnan(want)
    same_inf = np.isinf(got) & np.isinf(want) & (np.sign(got) == np.sign(want))
    with np.errstate(invalid="ignore"):
        close = np.abs(got - want) <= tol
    bad = ~(both_nan | same_inf | close)
    if bad.any():
        shown = rows.loc[bad].assign(got=got[bad], want=want[bad],
                                     tolerance=np.broadcast_to(tol, got.shape)[bad])
        raise AssertionError(f"{name}: {int(bad.sum())} rows differ beyond rounding\n"
                             f"{shown.head(10).to_string()}")


def assert_results_match(got: pd.DataFrame, want: pd.DataFrame,
                         labels: list[str] | None = None) -> None:
    """Result rows of :data:`analysis.unit_stats.RESULT_COLUMNS` (same order) agree within the
    rounding of their arithmetic (module docstring): counts exactly, estimates within
    :func:`estimate_floor`, standard errors as variances within :func:`variance_floor`."""
    assert len(got) == len(want)
    rows = want[labels or [c for c in ("unit", "period", "scope", "index_id") if c in want]]
    rows = rows.reset_index(drop=True)
    got = got.reset_index(drop=True)
    want = want.reset_index(drop=True)
    scale = max(_scale(got), _scale(want))
    n = np.maximum(want["n_responses"].astype(float).to_numpy(),
                   want["n"].astype(float).to_numpy())
    for col in ("n", "n_responses"):
        assert got[col].astype(float).tolist() == want[col].astype(float).tolist(), col

    def col(frame: pd.DataFrame, name: str) -> np.ndarray:
        return frame[name].astype(float).to_numpy()

    est_tol = estimate_floor(n, scale)
    var_tol = variance_floor(n, scale)
    _check("estimate", col(got, "estimate"), col(want, "estimate"), est_tol, rows)
    _check("variance (se²)", col(got, "se") ** 2, col(want, "se") ** 2, var_tol, rows)
    ci_tol = est_tol + Q_MAX * np.sqrt(var_tol)
    _check("ci_low", col(got, "ci_low"), col(want, "ci_low"), ci_tol, rows)
    _check("ci_high", col(got, "ci_high"), col(want, "ci_high"), ci_tol, rows)
    # Degrees of freedom and the Kish n_eff are made of counts and sums of positive weights:
    # no cancellation, so a relative bound of the sums' rounding.
    for name in ("df", "n_eff"):
        want_v = col(want, name)
        _check(name, col(got, name), want_v, OPERATIONS * n * EPS * np.abs(want_v), rows)
    # deff = var / var_srs. Where the variance is zero within its floor, deff is undefined.
    var_g, var_w = col(got, "se") ** 2, col(want, "se") ** 2
    deff_g, deff_w = col(got, "deff"), col(want, "deff")
    degenerate = (var_w <= var_tol) & (var_g <= var_tol)
    determined = ~degenerate & np.isfinite(deff_w) & (deff_w > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        var_srs = var_w / deff_w
        # A ratio's relative error is the sum of its terms' relative errors.
        deff_tol = np.where(determined, deff_w * (var_tol / var_w + var_tol / var_srs), 0.0)
    keep = ~degenerate
    _check("deff", deff_g[keep], deff_w[keep], deff_tol[keep], rows.loc[keep])
