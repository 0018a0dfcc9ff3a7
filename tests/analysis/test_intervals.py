"""Proportion intervals: agreement with R where R is defined, no collapse at 0 or 1."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis import by, proportion
from analysis.design import SurveyDesign
from analysis.intervals import METHODS, fmm_spline, proportion_ci

ALL_METHODS = [*METHODS, "asin"]


def test_fmm_spline__matches_r_spline() -> None:
    # x <- c(0, 0.3, 1.1, 1.5, 2.7, 3.0, 4.2); y <- sin(x) * x^2; spline(x, y, n = 21)$y
    x = np.array([0, 0.3, 1.1, 1.5, 2.7, 3.0, 4.2])
    got = fmm_spline(x, np.sin(x) * x**2, np.linspace(0, 4.2, 21))
    r = [0.0, 0.00159189729169133, 0.08443203416498557, 0.26106294222885773,
         0.54749654337084108, 0.95984977465506260, 1.50796364932608551, 2.14917194591835070,
         2.81116019573142406, 3.39991997826886294, 3.81324840018600941, 3.94892643728614257,
         3.70473506537253927, 2.97855355230786589, 1.71819353212369874, -0.00428880870108417,
         -2.16220076378566750, -4.76664800765581020, -7.82917005565112412,
         -11.36130642311121619, -15.37459662537569649]  # fmt: skip
    assert_allclose(got, r, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("p", [0.0, 1.0])
def test_proportion_ci__everyone_alike__does_not_collapse(method: str, p: float) -> None:
    lo, hi, used = proportion_ci(p, 0.0, method=method, df=13, level=0.95, n=14)
    assert hi - lo > 0.1
    assert 0.0 <= lo <= p <= hi <= 1.0
    assert used in (method, f"{method}->beta")


def test_proportion_ci__14_of_14__is_clopper_pearson_with_n() -> None:
    # qbeta(0.025, 14, 1) = 0.76836423834988354 (df = 13 = n - 1: no df adjustment)
    lo, hi, used = proportion_ci(1.0, 0.0, method="logit", df=13, level=0.95, n=14)
    assert_allclose((lo, hi), (0.76836423834988354, 1.0), rtol=1e-12)
    assert used == "logit->beta"
    # n_eff <- 14 * (qt(0.025, 13) / qnorm(0.025))^2; qbeta(0.025, n_eff, 1)
    lo, _, _ = proportion_ci(1.0, 0.0, method="beta", df=math.inf, level=0.95, n=14)
    assert_allclose(lo, 0.80503164419097561, rtol=1e-12)
    # qbeta(0.975, 1, 14): upper bound when nobody is satisfied
    _, hi, _ = proportion_ci(0.0, 0.0, method="xlogit", df=13, level=0.95, n=14)
    assert_allclose(hi, 0.23163576165011646, rtol=1e-12)


def test_proportion_ci__wilson_all_alike__uses_n() -> None:
    lo, hi, used = proportion_ci(1.0, 0.0, method="wilson", df=math.inf, level=0.95, n=14)
    z2 = 1.959963984540054**2
    assert_allclose((lo, hi), (14 / (14 + z2), 1.0), rtol=1e-12)
    assert used == "wilson"


def test_proportion_ci__wilson__is_score_interval_with_n_eff() -> None:
    p, n_eff = 0.3, 50.0
    se = math.sqrt(p * (1 - p) / n_eff)
    lo, hi, _ = proportion_ci(p, se, method="wilson", df=math.inf, level=0.95, n=80)
    z = 1.959963984540054
    centre = (p + z * z / (2 * n_eff)) / (1 + z * z / n_eff)
    half = z * math.sqrt(p * (1 - p) / n_eff + z * z / (4 * n_eff**2)) / (1 + z * z / n_eff)
    assert_allclose((lo, hi), (centre - half, centre + half), rtol=1e-12)


def test_proportion_ci__no_degrees_of_freedom__gives_nan() -> None:
    lo, hi, _ = proportion_ci(0.5, 0.1, method="logit", df=0, level=0.95, n=1)
    assert math.isnan(lo) and math.isnan(hi)


def test_proportion_ci__unknown_method__raises() -> None:
    with pytest.raises(ValueError, match="unknown interval method"):
        proportion_ci(0.5, 0.1, method="exact", df=10, level=0.95, n=20)


@pytest.fixture
def small_units() -> SurveyDesign:
    # Two communes, one where all 14 respondents are satisfied, one mixed.
    frame = pd.DataFrame(
        {
            "unit": ["A"] * 14 + ["B"] * 10,
            "satisfied": [1] * 14 + [1, 0] * 5,
            "w": [3.0] * 14 + [2.0, 4.0] * 5,
        }
    )
    return SurveyDesign.from_frame(frame, weight="w")


@pytest.mark.parametrize("method", METHODS)
def test_by_proportion__unit_all_satisfied__interval_not_collapsed(
    small_units: SurveyDesign, method: str
) -> None:
    result = by(small_units, "unit", proportion, "satisfied", method=method)
    est = result.get("A")
    assert est.estimate == 1.0 and est.se == 0.0
    assert est.ci_high == 1.0 and est.ci_low < 0.9
    assert est.df == 13  # the domain's degf, as svyby(..., svyciprop)


def test_proportion__non_binary_column__raises(small_units: SurveyDesign) -> None:
    with pytest.raises(ValueError, match="0/1"):
        proportion(small_units, "w")


@pytest.mark.parametrize("method", METHODS)
def test_by_proportion__tiny_domains__finite_intervals_no_warnings(method: str) -> None:
    frame = pd.DataFrame(
        {
            "u": ["a", "a", "b", "b", "b", "c", "c", "c", "c", "c"],
            "y": [1, 0, 1, 1, 0, 0, 0, 0, 0, 1],
            "w": [1, 2, 1, 1, 3, 1, 1, 1, 1, 5.0],
        }
    )
    design = SurveyDesign.from_frame(frame, weight="w")
    for _, est in by(design, "u", proportion, "y", method=method):
        assert est.ci_low < est.estimate < est.ci_high
        if method != "mean":
            assert 0.0 <= est.ci_low and est.ci_high <= 1.0
