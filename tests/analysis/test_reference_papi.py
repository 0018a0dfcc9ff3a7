"""Field-survey weights on the synthetic PAPI-like sample against R ``survey`` (1e-6).

References: reference/make_refs_papi.R (``Rscript make_refs_papi.R`` in that directory) on
reference/papi_synthetic.csv and papi_margins.csv (written by make_papi_synthetic.py). R builds
``svydesign(ids = ~psu + ssu, strata = ~stratum, probs = ~prob)``, adjusts for non-response
with its own arithmetic, rakes with ``rake`` and trims with ``trimWeights``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.design import SurveyDesign
from analysis.errors import AnalysisError
from analysis.estimators import mean, total
from analysis.sampling.weights import field_design, nonresponse_adjust, read_margins

REFERENCE = Path(__file__).parent / "reference"
RTOL = 1e-6


@pytest.fixture(scope="module")
def refs() -> dict:
    return json.loads((REFERENCE / "papi_refs.json").read_text())


def _sample() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "papi_synthetic.csv", dtype={"psu": str, "ssu": str})


def _designs(trim_upper: float) -> dict[str, SurveyDesign]:
    sample = _sample()
    sample["w_nr"] = nonresponse_adjust(sample, weight="base_weight", responded="responded",
                                        classes=["sex", "age_group"])
    respondents = sample[sample["responded"] == 1].reset_index(drop=True)
    margins = read_margins(REFERENCE / "papi_margins.csv")
    return {
        "base": field_design(respondents, weight="base_weight"),
        "nonresponse": field_design(respondents, weight="w_nr"),
        "raked": field_design(respondents, weight="w_nr", margins=margins),
        "trimmed": field_design(respondents, weight="w_nr", margins=margins,
                                trim_upper=trim_upper),
    }


@pytest.fixture(scope="module")
def designs(refs: dict) -> dict[str, SurveyDesign]:
    return _designs(refs["trim_upper"])


def _check(est, ref: dict) -> None:
    assert_allclose(est.estimate, ref["estimate"], rtol=RTOL)
    assert_allclose(est.se, ref["se"], rtol=RTOL)
    assert_allclose((est.ci_low, est.ci_high), (ref["ci"]["lower"], ref["ci"]["upper"]),
                    rtol=RTOL)


@pytest.mark.parametrize("name", ["base", "nonresponse", "raked", "trimmed"])
def test_weights_and_estimates__match_r_survey(name: str, designs, refs: dict) -> None:
    design, ref = designs[name], refs["designs"][name]
    assert design.n == ref["n"] and design.degf == ref["degf"]
    assert_allclose(design.weights, ref["weights"], rtol=RTOL)
    _check(mean(design, "participation"), ref["mean_participation"])
    _check(mean(design, "trust"), ref["mean_trust"])
    _check(total(design, "trust"), ref["total_trust"])


def test_base_weights__are_inverse_overall_probabilities() -> None:
    sample = _sample()
    assert_allclose(sample["base_weight"], 1 / sample["prob"], rtol=1e-15)


def test_nonresponse__keeps_each_class_total_and_zeroes_nonrespondents() -> None:
    sample = _sample()
    adjusted = nonresponse_adjust(sample, weight="base_weight", responded="responded",
                                  classes=["sex", "age_group"])
    assert (adjusted[sample["responded"] == 0] == 0).all()
    before = sample.groupby(["sex", "age_group"])["base_weight"].sum()
    after = adjusted.groupby([sample["sex"], sample["age_group"]]).sum()
    assert_allclose(after.sort_index().to_numpy(), before.sort_index().to_numpy(), rtol=1e-12)


def test_nonresponse__class_without_respondents__named() -> None:
    sample = pd.DataFrame({"w": [1.0, 2.0, 3.0], "r": [0, 0, 1], "c": ["a", "a", "b"]})
    with pytest.raises(AnalysisError, match="weighting class 'a' has no respondents"):
        nonresponse_adjust(sample, weight="w", responded="r", classes=["c"])


def test_raked_weights__meet_every_margin(designs) -> None:
    design = designs["raked"]
    margins = pd.read_csv(REFERENCE / "papi_margins.csv")
    for row in margins.itertuples():
        got = design.weights[design.frame[row.variable].astype(str) == row.category].sum()
        assert got == pytest.approx(row.population, rel=1e-9)


def test_read_margins__unequal_totals__rejected(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("variable,category,population\nsex,male,10\nsex,female,10\n"
                    "urban,urban,5\nurban,rural,x\n")
    with pytest.raises(AnalysisError, match="m.csv:5: column 'population'"):
        read_margins(path)
    path.write_text("variable,category,population\nsex,male,10\nsex,female,10\nurban,urban,5\n")
    with pytest.raises(AnalysisError, match="different totals"):
        read_margins(path)


def test_certainty_districts__are_their_own_strata() -> None:
    sample = _sample()
    capital = sample[sample["district"].str.endswith("D0")]
    assert (capital["stratum"] == capital["province"] + "/" + capital["district"]).all()
    assert (capital["psu"] == capital["commune"]).all()
    other = sample[~sample["district"].str.endswith("D0")]
    assert (other["psu"] == other["district"]).all()
    assert np.isin(other["stratum"], ["P1", "P2"]).all()


def test_synthetic_sample__regenerates_identically(tmp_path: Path) -> None:
    """The shipped sample is what make_papi_synthetic.py draws (PAPI design file, fixed seed)."""
    from tests.analysis.reference.make_papi_synthetic import main as make

    make(tmp_path)
    for name in ("papi_synthetic.csv", "papi_margins.csv"):
        assert (tmp_path / name).read_text() == (REFERENCE / name).read_text(), name


@pytest.mark.needs_r
def test_make_refs_papi_r__reproduces_committed_json(tmp_path: Path, refs: dict) -> None:
    """Re-run make_refs_papi.R in a temporary directory; it must give the committed numbers."""
    if shutil.which("Rscript") is None:
        if os.environ.get("HAILONG_REQUIRE_ALL") == "1":
            pytest.fail("Rscript with the survey package is required (HAILONG_REQUIRE_ALL=1)")
        pytest.skip("Rscript not installed")
    for name in ("make_refs_papi.R", "papi_synthetic.csv", "papi_margins.csv"):
        shutil.copy(REFERENCE / name, tmp_path)
    subprocess.run(["Rscript", "make_refs_papi.R"], cwd=tmp_path, check=True,
                   capture_output=True, timeout=600)  # fmt: skip
    fresh = json.loads((tmp_path / "papi_refs.json").read_text())
    assert fresh == refs
