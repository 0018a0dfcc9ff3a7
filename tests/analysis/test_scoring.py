"""Scoring blocks: hand-computed SIPAS, PAPI and one-stop numbers, and interval behaviour."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.design import SurveyDesign
from analysis.errors import AnalysisError
from analysis.replicates import bootstrap_weights, composite_replicates, replicate_variance
from analysis.scoring import band_of, build_composite, influence_values, interval, score

SIPAS = {
    "method": "sipas",
    "scale": "sat5",
    "satisfied_codes": [4, 5],
    "excluded_codes": [9],
    "element_method": "criterion_mean",
    "overall_method": "mean_of_elements",
    "elements": [
        {"id": "E1", "criteria": ["a", "b"], "satisfaction_item": "s1"},
        {"id": "E2", "criteria": ["c"], "satisfaction_item": "s2"},
    ],
}
FRAME = pd.DataFrame(
    {
        "a": [5, 4, 1, 9, np.nan, 3],
        "b": [4, 4, 4, 2, 2, 5],
        "c": [1, 2, 5, 5, 5, 9],
        "s1": [5, 5, 1, 1, 4, np.nan],
        "s2": [4, 4, 4, 4, 1, 1],
        "w": [1.0, 1.0, 2.0, 2.0, 1.0, 1.0],
    }
)


def _design(frame: pd.DataFrame = FRAME) -> SurveyDesign:
    return SurveyDesign.from_frame(frame, weight="w")


def test_sipas_criterion_mean__hand_computed():
    est = score(_design(), SIPAS)
    # a: valid rows 0,1,2,5 (9 and NaN excluded); satisfied weight 1+1 of 1+1+2+1.
    assert est["a"].estimate == pytest.approx(2 / 5)
    assert est["b"].estimate == pytest.approx((1 + 1 + 2 + 1) / 8)
    assert est["c"].estimate == pytest.approx((2 + 2 + 1) / 7)
    assert est["E1"].estimate == pytest.approx((2 / 5 + 5 / 8) / 2)
    assert est["E2"].estimate == pytest.approx(5 / 7)
    assert est["overall"].estimate == pytest.approx(((2 / 5 + 5 / 8) / 2 + 5 / 7) / 2)
    assert est["a"].n == 4 and est["E1"].n == 6


def test_sipas_element_question__uses_satisfaction_items():
    est = score(_design(), {**SIPAS, "element_method": "element_question"})
    assert est["E1"].estimate == pytest.approx((1 + 1 + 1) / 7)
    assert est["E2"].estimate == pytest.approx((1 + 1 + 2 + 2) / 8)
    assert est["overall"].estimate == pytest.approx((3 / 7 + 6 / 8) / 2)


def test_influence_values__match_numerical_derivative():
    """The linearisation is the derivative of the estimator in each row's weight."""
    comp = build_composite(FRAME, SIPAS)
    w = FRAME["w"].to_numpy()
    est, infl = influence_values(comp, w)
    eps = 1e-7
    for i in range(len(w)):
        bumped = w.copy()
        bumped[i] += eps
        np.testing.assert_allclose(
            (influence_values(comp, bumped)[0] - est) / eps, infl[i], atol=1e-5
        )


PAPI = {
    "method": "papi",
    "dimension_range": [1, 10],
    "total_range": [2, 20],
    "dimensions": [
        {
            "id": "D1",
            "subdimensions": [
                {
                    "id": "1.1",
                    "indicators": [
                        {
                            "id": "i1",
                            "item": "q1",
                            "values": {"1": 1.0, "2": 0.0},
                            "direction": "higher_better",
                            "bounds": [0, 1],
                        },
                        {
                            "id": "i2",
                            "item": "q2",
                            "values": {"1": 1.0, "2": 0.0},
                            "direction": "lower_better",
                            "bounds": [0, 1],
                        },
                    ],
                },
                {
                    "id": "1.2",
                    "indicators": [
                        {
                            "id": "i3",
                            "item": "q3",
                            "values": {"1": 1, "2": 2, "3": 3, "4": 4},
                            "direction": "higher_better",
                            "bounds": [1, 4],
                        },
                    ],
                },
            ],
        },
        {
            "id": "D2",
            "subdimensions": [
                {
                    "id": "2.1",
                    "indicators": [
                        {
                            "id": "i4",
                            "item": "q1",
                            "values": {"1": 0.0, "2": 1.0},
                            "direction": "higher_better",
                            "bounds": [0, 1],
                        }
                    ],
                },
            ],
        },
    ],
}


def test_papi__rescale_direction_bounds_and_sums():
    frame = pd.DataFrame(
        {"q1": [1, 1, 2, 99], "q2": [1, 2, 2, 2], "q3": [4, 2, np.nan, 3], "w": 1.0}
    )
    est = score(_design(frame), PAPI)
    m1, m2, m3 = 2 / 3, 1 / 4, 3.0  # 99 is not listed: excluded like "don't know"
    s1, s2, s3 = 1 + 9 * m1, 1 + 9 * (1 - m2), 1 + 9 * (m3 - 1) / 3
    assert est["i1:mean"].estimate == pytest.approx(m1)
    assert est["i1"].estimate == pytest.approx(s1)
    assert est["i2"].estimate == pytest.approx(s2)
    assert est["1.1"].estimate == pytest.approx((s1 + s2) / 2)
    assert est["D1"].estimate == pytest.approx(((s1 + s2) / 2 + s3) / 2)
    s4 = 1 + 9 * (1 / 3)
    assert est["D2"].estimate == pytest.approx(s4)
    assert est["total"].estimate == pytest.approx(((s1 + s2) / 2 + s3) / 2 + s4)
    assert 2 <= est["total"].ci_low <= est["total"].ci_high <= 20


def test_papi__total_range_must_match_dimensions():
    with pytest.raises(AnalysisError, match="total_range"):
        build_composite(
            pd.DataFrame({"q1": [1], "q2": [1], "q3": [1]}), {**PAPI, "total_range": [8, 80]}
        )


ONESTOP = {
    "method": "onestop",
    "overall_item": "ov",
    "satisfied_codes": [1, 2],
    "indicators": [
        {"id": "t3", "item": "x3", "points": {"1": 2, "2": 1, "3": 0}},
        {"id": "t4", "item": "x4", "points": {"1": 2, "2": 1, "3": 0}},
    ],
    "max_points_per_indicator": 2,
    "bands": [
        {"id": "excellent", "min_share": 15 / 18, "max_share": 1.0, "inclusive_max": True},
        {"id": "good", "min_share": 12 / 18, "max_share": 15 / 18, "inclusive_max": False},
        {"id": "weak", "min_share": 0.0, "max_share": 12 / 18, "inclusive_max": False},
    ],
    "band_basis": "points_share",
}


def test_onestop__points_share_and_bands():
    frame = pd.DataFrame(
        {"x3": [1, 1, 2, 3], "x4": [1, 2, np.nan, 1], "ov": [2, 1, 0, 2], "w": 1.0}
    )
    est = score(_design(frame), ONESTOP)
    t3, t4 = (2 + 2 + 1 + 0) / 4, (2 + 1 + 2) / 3
    assert est["t3"].estimate == pytest.approx(t3)
    assert est["points"].estimate == pytest.approx(t3 + t4)
    assert est["points_share"].estimate == pytest.approx((t3 + t4) / 4)
    assert est["satisfied"].estimate == pytest.approx(3 / 4)
    assert band_of(15 / 18, ONESTOP["bands"]) == "excellent"
    assert band_of(1.0, ONESTOP["bands"]) == "excellent"
    assert band_of(0.7, ONESTOP["bands"]) == "good"
    assert band_of(float("nan"), ONESTOP["bands"]) is None


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"method": "pci"}, "unknown scoring method"),
        ({**SIPAS, "elements": [{"id": "E", "criteria": ["zz"]}]}, "'zz'"),
        ({**SIPAS, "element_method": "median"}, "element_method"),
    ],
)
def test_build_composite__bad_spec__raises(spec, message):
    with pytest.raises(AnalysisError, match=message):
        build_composite(FRAME, spec)


def test_criterion_without_valid_answers__is_nan_not_zero():
    frame = FRAME.assign(c=9)
    est = score(_design(frame), SIPAS)
    assert np.isnan(est["c"].estimate) and np.isnan(est["E2"].estimate)
    assert np.isnan(est["overall"].estimate) and not np.isnan(est["E1"].estimate)


@pytest.mark.parametrize("method", ["beta", "beta_nchs", "wilson", "xlogit", "mean"])
def test_interval__never_collapses_at_zero_or_one(method):
    lo, hi = interval([0.0, 1.0], [0.0, 0.0], 9, 10, method=method)
    assert lo[0] == 0.0 and hi[0] > 0.2
    assert hi[1] == 1.0 and lo[1] < 0.8


def test_interval__bounded_scale_maps_back():
    lo, hi = interval(5.5, 0.5, np.inf, 100, method="xlogit", lower=1, upper=10)
    assert 1 < lo < 5.5 < hi < 10
    assert (hi - 5.5) == pytest.approx(5.5 - lo)  # symmetric at the middle of the scale


def test_interval__unknown_method__raises():
    with pytest.raises(ValueError, match="unknown CI method"):
        interval(0.5, 0.1, 10, 20, method="bogus")


def test_linearised_and_bootstrap__agree_on_large_cells():
    """Composite SEs by influence functions and by 400 bootstrap replicates agree within 10%."""
    rng = np.random.default_rng(3)
    n = 3000
    frame = pd.DataFrame(
        {
            c: rng.choice([1, 2, 3, 4, 5, 9], n, p=[0.1, 0.1, 0.1, 0.3, 0.35, 0.05])
            for c in ("a", "b", "c")
        }
    )
    frame["s1"] = frame["a"]
    frame["s2"] = frame["b"]
    frame["stratum"] = rng.integers(0, 4, n)
    frame["w"] = rng.uniform(1, 3, n)
    design = SurveyDesign.from_frame(frame, weight="w", strata="stratum")
    lin = score(design, SIPAS, df=np.inf)
    comp = build_composite(frame, SIPAS)
    rep = bootstrap_weights(
        frame["w"].to_numpy(), frame["stratum"].to_numpy(), replicates=400, seed=11
    )
    thetas = composite_replicates(comp, rep.weights, np.zeros(n, dtype=int), 1)
    se = np.sqrt(replicate_variance(thetas, rep))[0]
    for k, oid in enumerate(comp.output_ids):
        assert se[k] == pytest.approx(lin[oid].se, rel=0.1), oid
