"""Replicate-weight variances for composite indices (jackknife and bootstrap).

Replicate weights re-run the *whole* estimator, post-stratification included, once per replicate,
so they need no derivative of the composite (Wolter 2007, ch. 4-5; Lumley 2010;
Rust and Rao 1996). Two schemes:

* ``JKn`` (stratified delete-one-PSU jackknife; ``JK1`` when there is a single stratum): replicate
  ``(h, j)`` drops PSU ``j`` of stratum ``h`` and multiplies the other PSUs of ``h`` by
  ``n_h/(n_h-1)``; ``rscale = (n_h-1)/n_h``, ``scale = 1`` (``(n-1)/n`` for JK1).
* ``bootstrap``: Rao and Wu (1988) rescaling bootstrap with ``n_h - 1`` PSUs drawn with
  replacement in each stratum; weights ``w · n_h/(n_h-1) · r_hj``; ``scale = 1/R``.

The variance is ``scale · Σ_r rscale_r (θ_r - θ̄)²`` with ``θ̄`` the mean of the replicates
(R survey's default ``mse = FALSE``) or the full-sample estimate (``mse=True``).

When the weights are hailong's default weights, :func:`poststratify_replicates` recomputes them
for every replicate, with the same rule for cells that a replicate leaves empty (their dossiers are
spread over the unit's remaining cells).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.errors import AnalysisError
from analysis.scoring.composite import LinearComposite


@dataclass(frozen=True)
class ReplicateWeights:
    """``n × R`` replicate weights with their variance multipliers."""

    weights: np.ndarray
    rscales: np.ndarray
    scale: float
    kind: str


def _summer(codes: np.ndarray, size: int) -> sparse.csr_matrix:
    m = len(codes)
    return sparse.csr_matrix((np.ones(m), (codes, np.arange(m))), shape=(size, m))


def _psus(strata: np.ndarray, clusters: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Return (PSU code per row, stratum code per PSU)."""
    s = pd.factorize(np.asarray(strata))[0]
    if clusters is None:
        psu = np.arange(len(s))
    else:
        psu = pd.factorize(pd.MultiIndex.from_arrays([s, np.asarray(clusters)]))[0]
    h_of_psu = np.zeros(psu.max() + 1, dtype=np.int64)
    h_of_psu[psu] = s
    return psu, h_of_psu


def jackknife_weights(
    weights: np.ndarray, strata: np.ndarray | None = None, clusters: np.ndarray | None = None
) -> ReplicateWeights:
    """Return delete-one-PSU jackknife weights (JKn with strata, JK1 without).

    Parameters
    ----------
    weights : numpy.ndarray
        Full-sample weights.
    strata, clusters : numpy.ndarray, optional
        Stratum and PSU labels per row (default: one stratum, each row a PSU).

    Returns
    -------
    ReplicateWeights
        One replicate per PSU (so ``n × n`` without clusters: meant for small and moderate data).
    """
    w = np.asarray(weights, dtype=float)
    one_stratum = strata is None
    psu, h_of_psu = _psus(np.zeros(len(w)) if strata is None else strata, clusters)
    n_h = np.bincount(h_of_psu).astype(float)
    if np.any(n_h < 2):
        raise AnalysisError("the jackknife needs at least two PSUs in every stratum")
    n_psu = len(h_of_psu)
    row_h = h_of_psu[psu]
    factor = np.where(row_h[:, None] == h_of_psu[None, :], (n_h / (n_h - 1.0))[row_h][:, None], 1.0)
    factor[np.arange(len(w)), psu] = 0.0
    rscales = (n_h - 1.0)[h_of_psu] / n_h[h_of_psu]
    if one_stratum:
        return ReplicateWeights(w[:, None] * factor, np.ones(n_psu), (n_psu - 1.0) / n_psu, "JK1")
    return ReplicateWeights(w[:, None] * factor, rscales, 1.0, "JKn")


def bootstrap_weights(
    weights: np.ndarray,
    strata: np.ndarray | None = None,
    clusters: np.ndarray | None = None,
    *,
    replicates: int = 200,
    seed: int | None = None,
) -> ReplicateWeights:
    """Return Rao-Wu rescaling bootstrap weights (``n_h - 1`` PSUs drawn per stratum).

    Strata with a single PSU keep their weights in every replicate (they add no variance).
    """
    w = np.asarray(weights, dtype=float)
    psu, h_of_psu = _psus(np.zeros(len(w)) if strata is None else strata, clusters)
    rng = np.random.default_rng(seed)
    n_h = np.bincount(h_of_psu)
    mult = np.ones((len(h_of_psu), replicates))
    order = np.argsort(h_of_psu, kind="stable")
    starts = np.concatenate([[0], np.cumsum(n_h)])
    for h, nh in enumerate(n_h):
        if nh < 2:
            continue
        members = order[starts[h] : starts[h + 1]]
        draws = rng.integers(0, nh, size=(nh - 1, replicates))
        counts = np.zeros((nh, replicates))
        np.add.at(counts, (draws, np.arange(replicates)[None, :]), 1.0)
        mult[members] = counts * nh / (nh - 1.0)
    return ReplicateWeights(
        w[:, None] * mult[psu], np.ones(replicates), 1.0 / replicates, "bootstrap"
    )


def poststratify_replicates(
    rep: ReplicateWeights, cells: np.ndarray, cell_totals: pd.Series, collapse: np.ndarray
) -> ReplicateWeights:
    """Post-stratify every replicate to ``cell_totals`` (hailong's rule for emptied cells).

    Parameters
    ----------
    rep : ReplicateWeights
    cells : numpy.ndarray
        Post-stratum label per row.
    cell_totals : pandas.Series
        Population count per post-stratum label.
    collapse : numpy.ndarray
        Collapse-group label per row (unit × period): a cell emptied by a replicate has its count
        spread over the other cells of its group in proportion to their counts.
    """
    c_codes, c_labels = pd.factorize(np.asarray(cells))
    big_n = cell_totals.reindex(c_labels).to_numpy(dtype=float)
    if np.any(np.isnan(big_n)):
        raise AnalysisError("a post-stratum of the data has no population count")
    g_of_c = np.zeros(len(c_labels), dtype=np.int64)
    g_of_c[c_codes] = pd.factorize(np.asarray(collapse))[0]
    sc = _summer(c_codes, len(c_labels))
    sg = _summer(g_of_c, int(g_of_c.max()) + 1)
    totals = sc @ rep.weights
    present = totals > 0
    group_n = sg @ big_n
    observed_n = sg @ (present * big_n[:, None])
    with np.errstate(divide="ignore", invalid="ignore"):
        target = big_n[:, None] * (group_n[:, None] / observed_n)[g_of_c]
        factor = np.where(present, target / totals, 0.0)
    return ReplicateWeights(rep.weights * factor[c_codes], rep.rscales, rep.scale, rep.kind)


def composite_replicates(
    comp: LinearComposite, repweights: np.ndarray, groups: np.ndarray, n_groups: int
) -> np.ndarray:
    """Return the composite's outputs per replicate: array ``R × G × k``.

    ``repweights`` may be the full-sample weights as an ``n × 1`` array.
    """
    sg = _summer(np.asarray(groups, dtype=np.int64), n_groups)
    out = np.empty((repweights.shape[1], n_groups, len(comp.output_ids)))
    needed = comp.coef != 0
    for r in range(repweights.shape[1]):
        w = repweights[:, r][:, None]
        ty, tx = sg @ (w * comp.numerator), sg @ (w * comp.denominator)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(tx > 0, ty / tx, 0.0)
        est = comp.offset + ratio @ comp.coef.T
        est[(tx <= 0).astype(float) @ needed.T.astype(float) > 0] = np.nan
        out[r] = est
    return out


def replicate_variance(
    thetas: np.ndarray,
    rep: ReplicateWeights,
    estimate: np.ndarray | None = None,
    *,
    mse: bool = False,
) -> np.ndarray:
    """Return ``scale · Σ_r rscale_r (θ_r - centre)²`` over the first axis of ``thetas``.

    The centre is the mean of the replicates (``mse=False``, R's default) or ``estimate``.
    """
    centre = estimate if mse else np.nanmean(thetas, axis=0)
    if centre is None:
        raise AnalysisError("mse=True needs the full-sample estimate")
    dev = thetas - centre
    shape = (-1,) + (1,) * (thetas.ndim - 1)
    return rep.scale * np.sum(rep.rscales.reshape(shape) * dev * dev, axis=0)
