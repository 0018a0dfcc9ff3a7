"""First-order inclusion probabilities of PPS without replacement, with certainty units.

For a sample of ``n`` units drawn with probability proportional to size ``x``, a unit's
inclusion probability is ``n * x_i / X`` (Cochran 1977, sec. 9A; Sarndal, Swensson & Wretman
1992, sec. 3.6). A unit whose ``n * x_i / X`` reaches 1 cannot be drawn "more than surely": it is
taken with certainty and the remaining ``n - 1`` units are spread over the remaining size. This
is repeated until no remaining unit reaches 1. Units forced by design (the provincial capital,
the commune seat) are certainty units from the start.
"""

from __future__ import annotations

import numpy as np

from analysis.errors import AnalysisError

__all__ = ["as_flags", "as_sizes", "pps_inclusion_probabilities"]

_TRUE = {"1", "true", "yes"}
_FALSE = {"0", "false", "no", ""}


def as_flags(values, column: str) -> np.ndarray:
    """A forced-unit column as booleans: True/False, 1/0, or the words true/false, yes/no."""
    out = []
    for value in values:
        if isinstance(value, (bool, np.bool_)):
            out.append(bool(value))
            continue
        text = str(value).strip().lower()
        if text.endswith(".0"):
            text = text[:-2]
        if text not in _TRUE | _FALSE:
            raise AnalysisError(f"column {column!r}: {value!r} is not 1/0, true/false or yes/no")
        out.append(text in _TRUE)
    return np.array(out, dtype=bool)


def as_sizes(values, column: str) -> np.ndarray:
    """A size-measure column as non-negative floats."""
    import pandas as pd

    numbers = pd.to_numeric(pd.Series(list(values)), errors="coerce")
    if numbers.isna().any() or (numbers < 0).any():
        bad = list(values)[int(np.flatnonzero(numbers.isna() | (numbers < 0))[0])]
        raise AnalysisError(f"size measure {column!r}: {bad!r} is not a non-negative number")
    return numbers.to_numpy(dtype=float)


def pps_inclusion_probabilities(
    sizes: np.ndarray, n: int, forced: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(prob, certain)`` for a PPS sample of ``n`` units from ``sizes``.

    ``forced`` marks units taken with certainty whatever their size. ``certain`` marks forced
    units and units whose size makes ``n' * x_i / X'`` reach 1 (found iteratively).
    """
    x = np.asarray(sizes, dtype=float)
    if x.ndim != 1 or len(x) == 0:
        raise AnalysisError("PPS needs a non-empty list of sizes")
    if np.any(~np.isfinite(x)) or np.any(x < 0):
        raise AnalysisError("size measures must be finite and non-negative")
    certain = np.zeros(len(x), dtype=bool) if forced is None else np.asarray(forced, bool).copy()
    if n < int(certain.sum()):
        raise AnalysisError(
            f"the sample size {n} is smaller than the {int(certain.sum())} forced units")
    if n > len(x):
        raise AnalysisError(f"cannot draw {n} units from {len(x)}")
    while True:
        rest = ~certain
        n_rest = n - int(certain.sum())
        total = float(x[rest].sum())
        prob = np.ones(len(x))
        if n_rest == 0:
            prob[rest] = 0.0
            return prob, certain
        if total <= 0:
            raise AnalysisError(
                f"{n_rest} units must be drawn by size but the remaining units have size 0")
        prob[rest] = n_rest * x[rest] / total
        over = rest & (prob >= 1.0 - 1e-12)
        if not over.any():
            if np.count_nonzero(prob[rest] > 0) < n_rest:
                raise AnalysisError(
                    f"only {np.count_nonzero(prob[rest] > 0)} units have a positive size; "
                    f"{n_rest} are needed")
            return prob, certain
        certain |= over
