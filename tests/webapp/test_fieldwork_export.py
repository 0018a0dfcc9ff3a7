"""The field export: design variables and bootstrap replicate weights, and an R script whose
means and standard errors (svydesign, svrepdesign) equal hailong's at 1e-6."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

import survey_defs
from tests.conftest import require_or_skip
from tests.webapp.fieldwork_helpers import PHONE, setup_field
from webapp.cli import main
from webapp.fieldwork.design_export import bootstrap_means, field_export
from webapp.fieldwork.estimates import estimate_mean
from webapp.fieldwork.samples import get_sample

ITEMS = ("d4_denounce_amount", "used_certification")


def _returns(runner: FlaskCliRunner, tmp_path: Path, ids: list[str], village: str) -> None:
    """Answers for all but one respondent per village (a refusal), values spread out."""
    rng = np.random.default_rng(11 if village == "A" else 12)
    rows = [["respondent_id", "disposition", *ITEMS, "KEY"]]
    for i, rid in enumerate(ids):
        if i == len(ids) - 1:
            rows.append([rid, "2.11", "", "", f"{village}{i}"])
        else:
            rows.append([rid, "1.1", str(int(rng.integers(0, 300))),
                         str(int(rng.integers(0, 2))), f"{village}{i}"])
    path = tmp_path / f"odk_{village}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = runner.invoke(main, ["fieldwork", "import", "--sample", "s", str(path)])
    assert result.exit_code == 0, result.output


@pytest.fixture
def exported(runner: FlaskCliRunner, session: Session, tmp_path: Path) -> Path:
    field = setup_field(session, tmp_path, size=7)
    _returns(runner, tmp_path, field.a_ids, "A")
    _returns(runner, tmp_path, field.b_ids, "B")
    out = tmp_path / "export"
    result = runner.invoke(main, ["fieldwork", "export", "--sample", "s", "--out", str(out),
                                  "--classes", "village", "--replicates", "60", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "12 answers" in result.output and "60 replicate weights" in result.output
    return out


def test_export__design_variables_and_replicates__no_person(exported: Path,
                                                             session: Session) -> None:
    data = pd.read_csv(exported / "field_answers.csv", dtype={"stratum": str, "psu": str})
    assert list(data.columns[:6]) == ["answer_id", "stratum", "psu", "base_weight",
                                      "nr_weight", "final_weight"]
    assert data["answer_id"].tolist() == sorted(data["answer_id"])
    reps = data[[f"rep_{r}" for r in range(1, 61)]].to_numpy()
    assert reps.shape == (12, 60)
    # Base weight 10/7 per village; 6 of 7 answered: non-response factor 7/6.
    assert np.allclose(data["base_weight"], 10 / 7, rtol=1e-12)
    assert np.allclose(data["final_weight"], 10 / 7 * 7 / 6, rtol=1e-12)
    # Rao-Wu with the non-response adjustment redone per replicate: in a village the 7
    # sampled PSUs' factors add up to n_h = 7 ((n_h - 1) draws × n_h/(n_h - 1)), so the
    # replicate's sampled total is 10/7 × 7 = 10 and the answers carry all of it, in every
    # replicate, however the refusal's PSU was drawn; a PSU left out weighs 0.
    for village in ("A", "B"):
        part = reps[(data["village"] == village).to_numpy()]
        assert np.allclose(part.sum(axis=0), 10, rtol=1e-12)
    assert (reps == 0).any() and (reps >= 0).all()
    text = (exported / "field_answers.csv").read_text(encoding="utf-8")
    respondents = {m.unit.unit_key for m in get_sample(session, "s").members}
    for value in (PHONE, "Hộ A", "Thôn", *respondents):
        assert value not in text, value
    # Answer ids are random (sequential ones would follow the interview records, which name
    # the person): twelve sequential ids would all be below 10**6; random ones, all above with
    # probability 1 - 12e6/2**53.
    from webapp.models import FieldAnswer

    assert min(session.scalars(select(FieldAnswer.id))) > 10**6
    for name in ("design.R", "design.do", "README.txt"):
        assert (exported / name).exists()
    do = (exported / "design.do").read_text(encoding="utf-8")
    assert "svyset psu_id [pweight = final_weight], strata(stratum_id)" in do
    assert "bsrweight(rep_1-rep_60) vce(bootstrap)" in do


def test_export__r_script__svydesign_and_svrepdesign_equal_hailong(
        exported: Path, session: Session) -> None:
    if shutil.which("Rscript") is None:
        require_or_skip("Rscript with the survey package is not installed")
    out = exported / "design_estimates.csv"
    subprocess.run(["Rscript", str(exported / "design.R")], check=True, capture_output=True,
                   timeout=600)
    r = pd.read_csv(out).set_index("variable")
    sample = get_sample(session, "s")
    definition = survey_defs.load_definition(
        Path(survey_defs.__file__).parent / "papi.yaml").definition
    export = field_export(session, sample, definition, classes=["village"], replicates=60,
                          seed=5)
    boot = bootstrap_means(export).set_index("variable")
    for item in ITEMS:
        ours = estimate_mean(session, sample, item, classes=["village"]).estimate
        assert abs(r.loc[item, "estimate"] - ours.estimate) <= 1e-6, item
        assert abs(r.loc[item, "se_taylor"] - ours.se) <= 1e-6, item
        assert abs(r.loc[item, "se_bootstrap"] - boot.loc[item, "se_bootstrap"]) <= 1e-6, item
        assert abs(boot.loc[item, "estimate"] - ours.estimate) <= 1e-9
        assert r.loc[item, "n"] == 12
    # The bootstrap and the linearisation measure the same thing: within sampling noise.
    ratio = r["se_bootstrap"] / r["se_taylor"]
    assert ((ratio > 0.5) & (ratio < 1.6)).all(), ratio


def test_export__raked_and_trimmed__r_rakes_to_the_same_weights_and_se(
        runner: FlaskCliRunner, session: Session, tmp_path: Path) -> None:
    if shutil.which("Rscript") is None:
        require_or_skip("Rscript with the survey package is not installed")
    field = setup_field(session, tmp_path, size=7)
    _returns(runner, tmp_path, field.a_ids, "A")
    _returns(runner, tmp_path, field.b_ids, "B")
    sample = get_sample(session, "s")
    # Raked by village: a margin on household size would leave some replicate of these 12
    # answers without any respondent of a size (the replicates are raked too).
    margins = tmp_path / "margins.csv"
    with margins.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["variable", "category", "population"])
        writer.writerows([["village", "A", 12], ["village", "B", 9]])
    out = tmp_path / "export"
    args = ["fieldwork", "export", "--sample", "s", "--out", str(out), "--classes", "village",
            "--margins", str(margins), "--trim-upper", "3.5", "--replicates", "20"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    subprocess.run(["Rscript", str(out / "design.R")], check=True, capture_output=True,
                   timeout=600)  # stops if R's raked and trimmed weights differ from ours
    r = pd.read_csv(out / "design_estimates.csv").set_index("variable")
    for item in ITEMS:
        ours = estimate_mean(session, sample, item, classes=["village"], margins=margins,
                             trim_upper=3.5).estimate
        assert abs(r.loc[item, "estimate"] - ours.estimate) <= 1e-6, item
        assert abs(r.loc[item, "se_taylor"] - ours.se) <= 1e-6, item
