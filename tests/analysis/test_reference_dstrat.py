# ruff: noqa: E501  -- reference numbers are kept whole, one R result per line
"""Reference values from R survey 4.1.1 on apistrat (shared/reference/api_dstrat.json).

The numbers below are copied from api_dstrat.json (also kept in reference/); each block
quotes the R call that produced it. Tolerance 1e-6 relative, as the issue requires.
Tuples are (estimate, se, ci lower, ci upper, deff) unless noted.
"""

from __future__ import annotations

import json
import math

import pytest
from numpy.testing import assert_allclose

from analysis import by, mean, proportion, total
from analysis.design import SurveyDesign
from tests.analysis.conftest import REFERENCE

RTOL = 1e-6

# fmt: off
# dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
DSTRAT = {
    # svymean(~api00, dstrat, deff = TRUE)
    "mean_api00": (662.2873631593208, 9.40894080278458, 643.8461780531936, 680.7285482654479, 1.2044572685377168),
    # svytotal(~enroll, dstrat, na.rm = TRUE, deff = TRUE)
    "total_enroll": (3687177.532438278, 114641.7161007803, 3462483.8977548834, 3911871.167121673, 0.36201812236340364),
    # svymean(~I(sch.wide == "Yes"), dstrat, deff = TRUE)
    "mean_schwide": (0.8279480114158234, 0.024344780113074775, 0.7802331191826499, 0.8756629036489969, 0.8555718509750656),
    # confint(svymean(~api00, dstrat, deff = TRUE), level = 0.95, df = degf(dstrat))
    "mean_api00_t": (643.7321882720862, 680.8425380465553),
    # svyby(~api00, ~stype, dstrat, svymean, deff = TRUE)  (estimate, se, ci lower, ci upper, deff; ci_t_degf lower, upper)
    "by_api00_stype": {
        "E": (674.43, 12.382479793907287, 650.1607855646467, 698.6992144353532, 1.0000000004792549, 650.0107712122494, 698.8492287877505),
        "H": (625.8199999999999, 14.93712918539308, 596.5437647642074, 655.0962352357925, 0.9999999982083051, 596.3628007086453, 655.2771992913546),
        "M": (636.6, 16.214707308184522, 604.8197576560999, 668.3802423439001, 0.9999999984515511, 604.6233156786743, 668.5766843213257),
    },
    # svyciprop(~I(sch.wide == "Yes"), DESIGN, method = m): (estimate, se, ci lower, ci upper), df = 197
    "ciprop": {
        "logit": (0.8279480110019575, 0.024344780113074775, 0.7745396543515681, 0.8708148545445087),
        "likelihood": (0.8279480110019575, 0.024344780113074775, 0.7764118534284913, 0.8724158660515278),
        "asin": (0.8279480114158234, 0.024344780113074775, 0.7774179082343196, 0.8731788341499026),
        "beta": (0.8279480114158234, 0.024344780113074775, 0.7741713285973125, 0.8734315926207352),
        "mean": (0.8279480114158234, 0.024344780113074775, 0.7799381809728808, 0.875957841858766),
        "xlogit": (0.8279480114158234, 0.024344780113074775, 0.7745396547467682, 0.8708148549435987),
    },
}

# dstrat_nofpc <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat)
DSTRAT_NOFPC = {
    # svymean(~api00, dstrat_nofpc, deff = TRUE)
    "mean_api00": (662.2873631593208, 9.536132296925159, 643.5968873055382, 680.9778390131033, 1.2372414450216322),
    # svytotal(~enroll, dstrat_nofpc, na.rm = TRUE, deff = TRUE)
    "total_enroll": (3687177.532438278, 117319.08596896476, 3457236.349239949, 3917118.7156366073, 0.37912488887292745),
    # svymean(~I(sch.wide == "Yes"), dstrat_nofpc, deff = TRUE)
    "mean_schwide": (0.8279480114158234, 0.024756802875456112, 0.7794255694075718, 0.876470453424075, 0.8847771379502991),
    # confint(svymean(~api00, dstrat_nofpc, deff = TRUE), level = 0.95, df = degf(dstrat_nofpc))
    "mean_api00_t": (643.4813565932167, 681.0933697254249),
    # svyby(~api00, ~stype, dstrat_nofpc, svymean, deff = TRUE)  (estimate, se, ci lower, ci upper, deff; ci_t_degf lower, upper)
    "by_api00_stype": {
        "E": (674.43, 12.524942831378233, 649.8815631420755, 698.9784368579244, 1.0231427915109435, 649.7298228429646, 699.1301771570353),
        "H": (625.8199999999999, 15.457742000534944, 595.5233823966394, 656.1166176033605, 1.0709219838968378, 595.3361110911876, 656.3038889088123),
        "M": (636.6, 16.628203235982625, 604.0093205298617, 669.1906794701383, 1.0516528909335534, 603.8078690289109, 669.3921309710892),
    },
    # svyciprop(~I(sch.wide == "Yes"), DESIGN, method = m): (estimate, se, ci lower, ci upper), df = 197
    "ciprop": {
        "logit": (0.8279480110019575, 0.024756802875456112, 0.7735420093311586, 0.8714551823599082),
        "likelihood": (0.8279480110019575, 0.024756802875456112, 0.7754843696475539, 0.8731040552198702),
        "asin": (0.8279480114158234, 0.024756802875456112, 0.7765217228773861, 0.8738943787558227),
        "beta": (0.8279480114158234, 0.024756802875456112, 0.7731574613160372, 0.8741566940397106),
        "mean": (0.8279480114158234, 0.024756802875456112, 0.7791256395217491, 0.8767703833098978),
        "xlogit": (0.8279480114158234, 0.024756802875456112, 0.773542009725692, 0.8714551827585296),
    },
}
# fmt: on

CASES = [("dstrat", DSTRAT), ("dstrat_nofpc", DSTRAT_NOFPC)]


def _check(est, ref: tuple[float, ...]) -> None:
    got = (est.estimate, est.se, est.ci_low, est.ci_high, est.deff)
    assert_allclose(got[: len(ref)], ref, rtol=RTOL)


@pytest.mark.parametrize(("fixture", "ref"), CASES)
def test_design__degf_n_sum_weights__match_r(fixture: str, ref: dict, request) -> None:
    design: SurveyDesign = request.getfixturevalue(fixture)
    assert design.degf == 197  # degf(dstrat)
    assert design.n == 200
    assert_allclose(design.sum_weights, 6193.99995803833, rtol=RTOL)


@pytest.mark.parametrize(("fixture", "ref"), CASES)
def test_mean__api00__matches_svymean(fixture: str, ref: dict, request) -> None:
    design = request.getfixturevalue(fixture)
    est = mean(design, "api00")
    _check(est, ref["mean_api00"])
    assert est.df == math.inf and est.n == 200


@pytest.mark.parametrize(("fixture", "ref"), CASES)
def test_mean__df_design__matches_confint_t_degf(fixture: str, ref: dict, request) -> None:
    est = mean(request.getfixturevalue(fixture), "api00", df="design")
    assert est.df == 197
    assert_allclose((est.ci_low, est.ci_high), ref["mean_api00_t"], rtol=RTOL)


@pytest.mark.parametrize(("fixture", "ref"), CASES)
def test_total__enroll__matches_svytotal(fixture: str, ref: dict, request) -> None:
    _check(total(request.getfixturevalue(fixture), "enroll"), ref["total_enroll"])


@pytest.mark.parametrize(("fixture", "ref"), CASES)
def test_mean__indicator__matches_svymean(fixture: str, ref: dict, request) -> None:
    design = request.getfixturevalue(fixture)
    _check(mean(design, "sch.wide==Yes"), ref["mean_schwide"])


@pytest.mark.parametrize(("fixture", "ref"), CASES)
def test_by__api00_stype__matches_svyby(fixture: str, ref: dict, request) -> None:
    design = request.getfixturevalue(fixture)
    result = by(design, "stype", mean, "api00")
    assert [g for g, _ in result] == ["E", "H", "M"]
    for group, est in result:
        _check(est, ref["by_api00_stype"][group][:5])
    for group, est in by(design, "stype", mean, "api00", df="design"):
        assert est.df == 197  # svyby: the t interval uses degf of the full design
        assert_allclose((est.ci_low, est.ci_high), ref["by_api00_stype"][group][5:], rtol=RTOL)


@pytest.mark.parametrize(("fixture", "ref"), CASES)
@pytest.mark.parametrize("method", ["logit", "likelihood", "asin", "beta", "mean", "xlogit"])
def test_proportion__each_method__matches_svyciprop(
    fixture: str, ref: dict, method: str, request
) -> None:
    est = proportion(request.getfixturevalue(fixture), "sch.wide==Yes", method=method)
    assert est.df == 197 and est.method == method
    assert_allclose(
        (est.estimate, est.se, est.ci_low, est.ci_high), ref["ciprop"][method], rtol=RTOL
    )


def test_constants__equal_the_shared_json() -> None:
    data = json.loads((REFERENCE / "api_dstrat.json").read_text())["designs"]
    for name, ref in CASES:
        r = data[name]
        assert ref["mean_api00"][1] == r["svymean_api00"]["se"]
        assert ref["ciprop"]["beta"][2] == r["svyciprop_schwide_yes"]["beta"]["ci"]["lower"]
