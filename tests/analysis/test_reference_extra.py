"""Cluster, calibrated, trimmed and lonely-PSU designs against R survey 4.1.1.

The reference numbers are in reference/extra_refs.json, written by
reference/make_refs_extra.R (run ``Rscript make_refs_extra.R`` in that directory); every
record carries the exact R call. Each design below is built the way its R call says.
Tolerance 1e-6 relative (the JSON holds 15 significant digits).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
from collections.abc import Callable

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis import by, mean, proportion, ratio, total
from analysis.design import LonelyPSU, SurveyDesign
from analysis.weighting import poststratify, rake, trim
from tests.analysis.conftest import REFERENCE, read_api
from tests.numeric import variance_floor

RTOL = 1e-6
# The SE of a calibrated variable is 0 in exact arithmetic; both programs return the square
# root of a cancelled variance instead, whose size depends on the processor's kernels. Such
# SEs are compared as variances within the rounding floor of a variance of the largest sample
# here (apistrat, 200 rows) on the estimate's scale (tests/numeric.py), never as square roots
# against a threshold read off one machine's output.
N_MAX = 200


def _noise(ref: dict) -> float:
    """Rounding floor of a variance of this estimate (see N_MAX)."""
    bounds = [abs(v) for v in (ref["estimate"], (ref.get("ci") or {}).get("lower"),
                               (ref.get("ci") or {}).get("upper")) if v is not None]
    return float(variance_floor(N_MAX, max([1.0, *bounds])))


def _pop(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / f"{name}.csv")


def _dclus1(fpc: bool = True) -> SurveyDesign:
    # svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
    return SurveyDesign.from_frame(
        read_api("apiclus1.csv"), weight="pw", cluster="dnum", fpc="fpc" if fpc else None
    )


def _dclus2(fpc: bool = True) -> SurveyDesign:
    # svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, weights = ~pw, data = apiclus2)
    return SurveyDesign.from_frame(
        read_api("apiclus2.csv"),
        weight="pw",
        cluster=["dnum", "snum"],
        fpc=["fpc1", "fpc2"] if fpc else None,
    )


def _dstrat() -> SurveyDesign:
    return SurveyDesign.from_frame(read_api("apistrat.csv"), weight="pw", strata="stype", fpc="fpc")


def _lonely(policy: LonelyPSU) -> Callable[[], SurveyDesign]:
    def build() -> SurveyDesign:
        # svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat_lonely)
        frame = read_api("apistrat_lonely.csv")
        return SurveyDesign.from_frame(frame, weight="pw", strata="stype", lonely_psu=policy)

    return build


BUILDERS: dict[str, Callable[[], SurveyDesign]] = {
    "dclus1": _dclus1,
    "dclus1_nofpc": lambda: _dclus1(fpc=False),
    "dclus2": _dclus2,
    # svydesign(id = ~dnum, strata = ~stype, weights = ~pw, data = apiclus1, nest = TRUE)
    "dstratclus1": lambda: SurveyDesign.from_frame(
        read_api("apiclus1.csv"), weight="pw", strata="stype", cluster="dnum", nest=True
    ),
    "dclus2_nofpc": lambda: _dclus2(fpc=False),
    # postStratify(dclus1, ~stype, pop_stype)
    "ps_clus1": lambda: poststratify(_dclus1(), ["stype"], _pop("pop_stype")),
    # postStratify(dclus1, ~stype + sch.wide, pop_stype_schwide)
    "ps2_clus1": lambda: poststratify(_dclus1(), ["stype", "sch.wide"], _pop("pop_stype_schwide")),
    # postStratify(dclus2, ~stype, pop_stype)
    "ps_clus2": lambda: poststratify(_dclus2(), ["stype"], _pop("pop_stype")),
    # rake(dclus1, list(~stype, ~sch.wide), list(pop_stype, pop_schwide),
    #      control = list(maxit = 100, epsilon = 1e-13))
    "rake_clus1": lambda: rake(_dclus1(), [_pop("pop_stype"), _pop("pop_schwide")], epsilon=1e-13),
    "rake_clus2": lambda: rake(_dclus2(), [_pop("pop_stype"), _pop("pop_schwide")], epsilon=1e-13),
    # trimWeights(dstrat, lower = 16, upper = 40)
    "trim_strat": lambda: trim(_dstrat(), lower=16, upper=40),
    # trimWeights(ps_clus1, upper = 50)
    "trim_ps_clus1": lambda: trim(poststratify(_dclus1(), ["stype"], _pop("pop_stype")), upper=50),
    "lonely_certainty": _lonely(LonelyPSU.CERTAINTY),
    "lonely_adjust": _lonely(LonelyPSU.ADJUST),
    "lonely_average": _lonely(LonelyPSU.AVERAGE),
}
NAMES = sorted(BUILDERS)
_CACHE: dict[str, SurveyDesign] = {}


def design_for(name: str) -> SurveyDesign:
    if name not in _CACHE:
        _CACHE[name] = BUILDERS[name]()
    return _CACHE[name]


def _check(est, ref: dict, deff: bool = True) -> None:
    assert_allclose(est.estimate, ref["estimate"], rtol=RTOL)
    if ref["se"] is None:  # R: NA (lonely PSU averaged over no other stratum)
        assert math.isnan(est.se) and math.isnan(est.ci_low)
        return
    # A calibrated variable has SE 0 up to rounding: compare variances, within their floor.
    noise = _noise(ref)
    assert_allclose(est.se**2, ref["se"] ** 2, rtol=2 * RTOL, atol=noise)
    assert_allclose((est.ci_low, est.ci_high), (ref["ci"]["lower"], ref["ci"]["upper"]), rtol=RTOL)
    if deff and ref.get("deff") is None:
        assert est.deff is None
    elif deff and ref["se"] ** 2 > noise:
        assert_allclose(est.deff, ref["deff"], rtol=RTOL)


@pytest.mark.parametrize("name", NAMES)
def test_design__weights_degf_n__match_r(name: str, extra_refs: dict) -> None:
    ref = extra_refs["designs"][name]["design"]
    design = design_for(name)
    assert design.degf == ref["degf"]
    assert design.n == ref["n"]
    assert_allclose(design.weights, ref["weights"], rtol=RTOL)


@pytest.mark.parametrize("name", NAMES)
def test_mean_total_ratio__match_r(name: str, extra_refs: dict) -> None:
    ref = extra_refs["designs"][name]
    design = design_for(name)
    _check(mean(design, "api00"), ref["mean_api00"])
    _check(total(design, "enroll"), ref["total_enroll"])
    _check(mean(design, "sch.wide==Yes"), ref["mean_schwide"])
    _check(ratio(design, "api.stu", "enroll"), ref["ratio_apistu_enroll"])


@pytest.mark.parametrize("name", NAMES)
def test_subset_mean__matches_r_subset(name: str, extra_refs: dict) -> None:
    design = design_for(name)
    sub = design.subset(design.frame["stype"] == "E")
    _check(mean(sub, "api00"), extra_refs["designs"][name]["mean_api00_subset_E"])


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    ("key", "column", "fn", "var"),
    [
        ("by_api00_stype", "stype", mean, "api00"),
        ("by_api00_awards", "awards", mean, "api00"),
        ("by_total_enroll_stype", "stype", total, "enroll"),
    ],
)
def test_by__matches_svyby(name: str, key: str, column: str, fn, var: str, extra_refs) -> None:
    ref = extra_refs["designs"][name][key]["by"]
    result = by(design_for(name), column, fn, var)
    assert [str(g) for g, _ in result] == [r["group"] for r in ref]
    for (_, est), r in zip(result, ref, strict=True):
        _check(est, r)


METHODS = ["logit", "likelihood", "asin", "beta", "mean", "xlogit"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("method", METHODS)
def test_proportion__matches_svyciprop(name: str, method: str, extra_refs: dict) -> None:
    ref = extra_refs["designs"][name]["ciprop_schwide"][method]
    est = proportion(design_for(name), "sch.wide==Yes", method=method)
    if "error" in ref:  # R stops (e.g. a calibrated variable); hailong still answers
        assert est.ci_low <= est.estimate <= est.ci_high
        return
    assert est.df == ref["ci"]["df"]
    if ref["se"] ** 2 <= _noise(ref):
        # sch.wide is a calibration variable here: the SE is rounding noise in both programs
        assert_allclose(est.estimate, ref["estimate"], rtol=RTOL)
        assert est.se**2 <= _noise(ref)
        return
    _check(est, ref, deff=False)


CALIBRATED = {"ps_clus1", "ps2_clus1", "ps_clus2", "rake_clus1", "rake_clus2", "trim_ps_clus1"}


def _comparable(name: str, method: str, est, r: dict) -> bool:
    """Return False where hailong deliberately differs from R (see analysis/intervals.py)."""
    if r["se"] is None or r["ci"]["lower"] is None or r["se"] ** 2 <= _noise(r):
        return False  # NA, or a calibrated variable (SE is rounding noise)
    if method in ("beta", "likelihood") and name in CALIBRATED:
        # R's domains of a calibrated design keep every row, so svyciprop uses nrow(design)
        # of the whole sample; hailong uses the domain's respondents, as for other designs.
        return False
    if method == "asin":
        half = 2.2 * r["se"] / (2 * math.sqrt(r["estimate"] * (1 - r["estimate"])))
        angle = math.asin(math.sqrt(r["estimate"]))
        if angle + half > math.pi / 2 or angle - half < 0:
            return False  # R's sin^2 folds back past 0 or 1; hailong clamps the angle
    return True


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("method", ["beta", "xlogit", "likelihood", "mean", "asin"])
def test_by_proportion__matches_svyby_svyciprop(name: str, method: str, extra_refs) -> None:
    ref = extra_refs["designs"][name]["by_ciprop_schwide_stype"][method]
    result = by(design_for(name), "stype", proportion, "sch.wide==Yes", method=method)
    if "error" in ref:  # R stops ("zero or negative denominator df": a one-school domain)
        for _, est in result:
            assert (est.df <= 0 and math.isnan(est.ci_low)) or est.ci_low <= est.estimate
        return
    for (group, est), r in zip(result, ref["by"], strict=True):
        assert group == r["group"]
        assert est.df == r["df"]
        assert_allclose(est.estimate, r["estimate"], rtol=RTOL)
        if r["se"] is None:
            assert math.isnan(est.se)
            continue
        assert_allclose(est.se**2, r["se"] ** 2, rtol=2 * RTOL, atol=_noise(r))
        if _comparable(name, method, est, r):
            assert_allclose(
                (est.ci_low, est.ci_high), (r["ci"]["lower"], r["ci"]["upper"]), rtol=RTOL
            )
        if est.df > 0:
            assert est.ci_low <= est.estimate <= est.ci_high
        else:  # a single PSU: no degrees of freedom, no interval (R: NaN)
            assert math.isnan(est.ci_low) and math.isnan(r["ci"]["lower"] or math.nan)


@pytest.mark.needs_r
def test_make_refs_extra_r__reproduces_committed_json(tmp_path, extra_refs: dict) -> None:
    """Re-run make_refs_extra.R in a temporary directory; it must give the committed numbers."""
    if shutil.which("Rscript") is None:
        if os.environ.get("HAILONG_REQUIRE_ALL") == "1":
            pytest.fail("Rscript with the survey package is required (HAILONG_REQUIRE_ALL=1)")
        pytest.skip("Rscript not installed")
    shutil.copy(REFERENCE / "make_refs_extra.R", tmp_path)
    subprocess.run(["Rscript", "make_refs_extra.R"], cwd=tmp_path, check=True,
                   capture_output=True, timeout=600)  # fmt: skip
    fresh = json.loads((tmp_path / "extra_refs.json").read_text())
    assert fresh["designs"] == extra_refs["designs"]
    for name in ("apiclus1.csv", "apiclus2.csv", "pop_stype.csv"):
        assert (tmp_path / name).read_text() == (REFERENCE / name).read_text()
