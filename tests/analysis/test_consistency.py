"""Consistency across methods, in the style of R survey's tests/domain.R.

A domain estimate computed via ``by``, via subsetting the design and via a ratio must
agree (estimate and SE), on stratified, cluster, two-stage and calibrated designs; the
dense and sparse variance paths must agree; ``total_variance`` of several totals must
reproduce the ratio estimator by the delta method.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import sparse

from analysis import AnalysisError, by, mean, proportion, ratio, total, total_variance
from analysis.variance import domain_variances
from tests.analysis.test_reference_extra import design_for
from tests.numeric import estimate_floor, variance_floor

DESIGNS = ["dclus1", "dclus2", "ps_clus1", "rake_clus2", "trim_strat", "lonely_adjust"]


@pytest.mark.parametrize("name", DESIGNS)
def test_domain_mean__by_subset_ratio__agree(name: str) -> None:
    design = design_for(name)
    domains = by(design, "stype", mean, "api00")
    for group, est in domains:
        inside = (design.frame["stype"] == group).to_numpy()
        via_subset = mean(design.subset(inside), "api00")
        y = design.frame["api00"].to_numpy(dtype=float)
        via_ratio = ratio(design, y * inside, inside.astype(float))
        assert_allclose(via_subset.estimate, est.estimate, rtol=1e-12)
        assert_allclose(via_ratio.estimate, est.estimate, rtol=1e-12)
        assert_allclose(via_subset.se, est.se, rtol=1e-9)
        assert_allclose(via_ratio.se, est.se, rtol=1e-9)


@pytest.mark.parametrize("name", DESIGNS)
def test_domain_total__by_equals_subset(name: str) -> None:
    design = design_for(name)
    for group, est in by(design, "awards", total, "enroll"):
        sub = design.subset(design.frame["awards"] == group)
        assert_allclose(total(sub, "enroll").se, est.se, rtol=1e-9)


@pytest.mark.parametrize("name", DESIGNS)
def test_by__custom_function__equals_fast_path(name: str) -> None:
    design = design_for(name)
    fast = by(design, "stype", proportion, "sch.wide==Yes", method="beta")
    slow = by(design, "stype", lambda d: proportion(d, "sch.wide==Yes", method="beta"))
    for (g1, a), (g2, b) in zip(fast, slow, strict=True):
        assert g1 == g2
        assert_allclose((a.estimate, a.se, a.ci_low), (b.estimate, b.se, b.ci_low), rtol=1e-9)


@pytest.mark.parametrize("name", DESIGNS)
def test_domain_variances__sparse_equals_dense(name: str) -> None:
    design = design_for(name)
    rng = np.random.default_rng(5)
    codes = rng.integers(0, 7, design.nrow)
    z = rng.normal(size=design.nrow)
    dense = np.zeros((design.nrow, 7))
    dense[np.arange(design.nrow), codes] = z
    matrix = sparse.csr_matrix(dense)
    assert_allclose(
        domain_variances(design, matrix), np.diag(total_variance(design, dense)), rtol=1e-9
    )


@pytest.mark.parametrize("name", DESIGNS)
def test_total_variance__delta_method_on_two_totals__equals_ratio(name: str) -> None:
    design = design_for(name)
    y = design.frame["api00"].to_numpy(dtype=float)
    x = design.frame["api99"].to_numpy(dtype=float)
    ty, tx = np.sum(design.weights * y), np.sum(design.weights * x)
    cov = total_variance(design, np.column_stack([y, x]))
    grad = np.array([1 / tx, -ty / tx**2])
    assert_allclose(np.sqrt(grad @ cov @ grad), ratio(design, "api00", "api99").se, rtol=1e-9)


def test_proportion__equals_mean_of_indicator() -> None:
    design = design_for("dclus2")
    p = proportion(design, "sch.wide==Yes", method="beta")
    m = mean(design, "sch.wide==Yes")
    assert_allclose((p.estimate, p.se), (m.estimate, m.se), rtol=1e-12)


def test_mean__missing_values__equal_subset_of_observed() -> None:
    design = design_for("dclus2")  # apiclus2 has 6 schools without enroll
    observed = design.frame["enroll"].notna()
    assert (~observed).sum() == 6
    full = mean(design, "enroll")
    sub = mean(design.subset(observed), "enroll")
    # The two paths add the same terms over arrays of different lengths (NumPy's pairwise
    # sums then group them differently), and the variance is a difference of sums: compare
    # within the rounding of that arithmetic (tests/numeric.py), not a relative 1e-12.
    n, scale = design.nrow, float(design.frame["enroll"].abs().max())
    assert abs(full.estimate - sub.estimate) <= estimate_floor(n, scale)
    assert abs(full.se**2 - sub.se**2) <= variance_floor(n, scale)
    assert full.n == int(observed.sum())


def test_mean__empty_domain__raises() -> None:
    design = design_for("dclus1")
    empty = design.subset(design.frame["stype"] == "X")
    with pytest.raises(AnalysisError, match="no respondents with a value of 'api00'"):
        mean(empty, "api00")


def test_mean__text_column__raises_naming_row() -> None:
    with pytest.raises(AnalysisError, match="column 'stype' is not numeric: row 0 holds 'H'"):
        mean(design_for("dclus1"), "stype")


def test_mean__unknown_column__raises() -> None:
    with pytest.raises(AnalysisError, match="column 'nope' is not in the data"):
        mean(design_for("dclus1"), "nope")
