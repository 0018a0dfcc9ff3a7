"""Single-stage draws within strata: simple random, systematic, and PPS with certainty units.

* SRS: a random permutation; the first ``n`` units are the sample (prob ``n/N``), the next
  ``r`` the ordered replacement list.
* Systematic: a random start ``u`` in ``[0, k)`` with interval ``k = N/n`` (fractional, so
  every unit has probability exactly ``n/N``); units ``floor(u + j*k)`` in frame order.
* PPS: certainty units first (:func:`pps_inclusion_probabilities`), then systematic PPS on the
  rest: cumulated sizes, interval ``X'/n'``, a random start; unit ``i`` is hit with probability
  ``n' x_i / X'`` exactly, as no remaining unit is larger than the interval. Frame order acts as
  implicit stratification; joint probabilities depend on it (use a replicate-weight or
  with-replacement variance, as R does with ``probs=`` only).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError
from analysis.sampling.probabilities import as_flags, as_sizes, pps_inclusion_probabilities

__all__ = ["draw_stratified", "pps_systematic_indices", "srs_indices", "systematic_indices"]

METHODS = ("srs", "systematic", "pps")


def srs_indices(rng: np.random.Generator, population: int, n: int, replacements: int = 0
                ) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` of ``population`` positions without replacement, plus a replacement list."""
    if n > population:
        raise AnalysisError(f"cannot draw {n} units from {population}")
    extra = min(replacements, population - n)
    order = rng.permutation(population)
    return np.sort(order[:n]), order[n:n + extra]


def systematic_indices(rng: np.random.Generator, population: int, n: int) -> np.ndarray:
    """Systematic sample with fractional interval ``population / n``: each unit has ``n/N``."""
    if n > population:
        raise AnalysisError(f"cannot draw {n} units from {population}")
    if n == 0:
        return np.empty(0, dtype=np.int64)
    step = population / n
    start = rng.uniform(0.0, step)
    points = start + step * np.arange(n)
    return np.minimum(np.floor(points).astype(np.int64), population - 1)


def pps_systematic_indices(rng: np.random.Generator, sizes: np.ndarray, n: int) -> np.ndarray:
    """Systematic PPS of ``n`` units; every size must be at most ``sum(sizes) / n``."""
    x = np.asarray(sizes, dtype=float)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    total = float(x.sum())
    step = total / n
    if np.any(x > step * (1 + 1e-12)):
        raise AnalysisError("a unit is larger than the sampling interval: take it with certainty")
    start = rng.uniform(0.0, step)
    points = start + step * np.arange(n)
    cumulative = np.cumsum(x)
    hits = np.searchsorted(cumulative, points, side="right")
    return np.minimum(hits, len(x) - 1)


def _stratum_sizes(strata: pd.Series, size: int | Mapping[str, int]) -> dict[str, int]:
    labels = sorted(strata.unique().tolist(), key=str)
    if isinstance(size, Mapping):
        missing = [s for s in labels if s not in size]
        if missing:
            raise AnalysisError(f"no sample size given for stratum {missing[0]!r}")
        return {s: int(size[s]) for s in labels}
    return {s: int(size) for s in labels}


def draw_stratified(
    frame: pd.DataFrame,
    *,
    size: int | Mapping[str, int],
    method: str,
    rng: np.random.Generator,
    strata: str | None = None,
    unit_id: str | None = None,
    size_measure: str | None = None,
    certainty: str | None = None,
    replacements: int = 0,
) -> pd.DataFrame:
    """Draw a stratified sample from ``frame`` (one row per unit); return the sampled rows.

    ``size`` is per stratum. Added columns: ``stratum``, ``psu`` (the ``unit_id`` column or the
    frame's row position), ``prob``, ``base_weight``, ``certainty`` (taken surely), ``role``
    (``sample`` or ``replacement``) and ``replacement_rank`` (0 for the sample, 1, 2, ... in the
    order replacements are to be used). Replacements are only drawn with SRS.
    """
    if method not in METHODS:
        raise AnalysisError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if method == "pps" and size_measure is None:
        raise AnalysisError("PPS needs a size measure column")
    if replacements and method != "srs":
        raise AnalysisError("replacement lists are drawn with method 'srs' only")
    for column in (strata, unit_id, size_measure, certainty):
        if column is not None and column not in frame.columns:
            raise AnalysisError(f"column {column!r} is not in the frame")
    frame = frame.reset_index(drop=True)
    labels = frame[strata].astype(str) if strata else pd.Series("all", index=frame.index)
    sizes = _stratum_sizes(labels, size)
    pieces = []
    for label, n in sizes.items():
        part = frame[labels == label]
        positions = part.index.to_numpy()
        population = len(part)
        certain = np.zeros(population, dtype=bool)
        rank = np.zeros(0, dtype=np.int64)
        if n > population:
            raise AnalysisError(f"stratum {label!r}: cannot draw {n} units from {population}")
        if method == "srs":
            chosen, rank = srs_indices(rng, population, n, replacements)
            prob = np.full(population, n / population)
        elif method == "systematic":
            chosen = systematic_indices(rng, population, n)
            prob = np.full(population, n / population)
        else:
            assert size_measure is not None
            x = as_sizes(part[size_measure], size_measure)
            forced = as_flags(part[certainty], certainty) if certainty else None
            prob, certain = pps_inclusion_probabilities(x, n, forced)
            rest = np.flatnonzero(~certain)
            drawn = rest[pps_systematic_indices(rng, x[rest], n - int(certain.sum()))]
            chosen = np.sort(np.concatenate([np.flatnonzero(certain), drawn]))
        rows = np.concatenate([chosen, rank])
        picked = frame.loc[positions[rows]].copy()
        picked["stratum"] = label
        picked["psu"] = (picked[unit_id].astype(str).to_numpy() if unit_id
                         else positions[rows].astype(str))
        picked["prob"] = np.concatenate([prob[chosen], np.full(len(rank), n / population)])
        picked["base_weight"] = 1.0 / picked["prob"]
        picked["certainty"] = np.concatenate([certain[chosen], np.zeros(len(rank), bool)])
        picked["role"] = ["sample"] * len(chosen) + ["replacement"] * len(rank)
        picked["replacement_rank"] = np.concatenate(
            [np.zeros(len(chosen), np.int64), np.arange(1, len(rank) + 1)])
        pieces.append(picked)
    return pd.concat(pieces, ignore_index=True)
