"""Replicate weights: jackknife and bootstrap, re-post-stratified per replicate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.errors import AnalysisError
from analysis.replicates import (
    bootstrap_weights,
    composite_replicates,
    jackknife_weights,
    poststratify_replicates,
    replicate_variance,
)
from analysis.scoring import build_composite

SPEC = {
    "method": "sipas",
    "satisfied_codes": [1],
    "excluded_codes": [],
    "elements": [{"id": "E", "criteria": ["y"]}],
}


def test_jk1__share_variance_is_srs_formula():
    """For an unweighted share, JK1 gives exactly p(1-p)/(n-1) (Wolter 2007, ch. 4)."""
    y = np.array([1, 0, 1, 1, 0, 1, 1, 1, 0, 1], dtype=float)
    frame = pd.DataFrame({"y": y})
    comp = build_composite(frame, SPEC)
    rep = jackknife_weights(np.ones(len(y)))
    assert rep.kind == "JK1"
    thetas = composite_replicates(comp, rep.weights, np.zeros(len(y), dtype=int), 1)
    var = replicate_variance(
        thetas,
        rep,
        mse=True,
        estimate=composite_replicates(comp, np.ones((len(y), 1)), np.zeros(len(y), dtype=int), 1)[
            0
        ],
    )
    p = y.mean()
    assert var[0, 0] == pytest.approx(p * (1 - p) / (len(y) - 1))


def test_jkn__weights_and_scales():
    rep = jackknife_weights(np.full(5, 2.0), np.array([0, 0, 0, 1, 1]))
    assert rep.kind == "JKn" and rep.weights.shape == (5, 5)
    np.testing.assert_allclose(rep.weights[:, 0], [0, 3, 3, 2, 2])
    np.testing.assert_allclose(rep.rscales, [2 / 3, 2 / 3, 2 / 3, 1 / 2, 1 / 2])
    with pytest.raises(AnalysisError, match="two PSUs"):
        jackknife_weights(np.ones(3), np.array([0, 0, 1]))


def test_bootstrap__reproducible_and_unbiased_for_totals():
    w = np.ones(50)
    strata = np.repeat([0, 1], 25)
    a = bootstrap_weights(w, strata, replicates=300, seed=4)
    b = bootstrap_weights(w, strata, replicates=300, seed=4)
    np.testing.assert_array_equal(a.weights, b.weights)
    # Rao-Wu weights keep each stratum's expected total.
    assert a.weights[:25].sum(axis=0).mean() == pytest.approx(25, rel=0.02)
    assert np.all(a.weights >= 0)


def test_poststratify_replicates__hits_targets_and_collapses_emptied_cells():
    cells = np.array(["u|f1", "u|f1", "u|f2", "v|f1", "v|f1"])
    groups = np.array(["u", "u", "u", "v", "v"])
    targets = pd.Series({"u|f1": 100.0, "u|f2": 50.0, "v|f1": 30.0})
    rep = jackknife_weights(np.ones(5), groups)
    ps = poststratify_replicates(rep, cells, targets, groups)
    # Replicate 2 deletes the only response of u|f2: u's 150 dossiers go to u|f1.
    np.testing.assert_allclose(ps.weights[:, 2], [75, 75, 0, 15, 15])
    np.testing.assert_allclose(ps.weights[:, 0], [0, 100, 50, 15, 15])
    np.testing.assert_allclose(ps.weights.sum(axis=0), 180)
