"""Bootstrap replicates that redo the weighting: the non-response adjustment recomputed per
replicate (checked by a plain loop here), and raking per replicate as R ``survey`` does when
``rake()`` is applied to an ``svrepdesign`` (SEs equal at 1e-6)."""

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
from analysis.sampling.bootstrap import psu_factors, replicate_mean
from tests.conftest import require_or_skip
from webapp.administration.surveys import publish_definition
from webapp.cli import main
from webapp.fieldwork.estimates import estimate_mean, weighted_sample
from webapp.fieldwork.frames import import_frame
from webapp.fieldwork.samples import draw_sample, get_sample
from webapp.models import FieldInterview, FrameUnit, SampleMember

ITEM = "d4_denounce_amount"
REPLICATES = 40


def _field(session: Session, runner: FlaskCliRunner, tmp_path: Path) -> None:
    """4 villages of 30 households (sex, age group), 12 drawn per village, about 3 in 4
    answer; the rest refuse or were not met."""
    publish_definition(session, Path(survey_defs.__file__).parent / "papi.yaml")
    rng = np.random.default_rng(17)
    frame = tmp_path / "hh.csv"
    with frame.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit_id", "village", "sex", "age"])
        for v in "ABCD":
            for i in range(30):
                writer.writerow([f"{v}-{i:02d}", v, "F" if i % 2 else "M",
                                 ("18-34", "35-54", "55-70")[i % 3]])
    import_frame(session, frame, name="hh")
    drawn = draw_sample(session, frame_name="hh", name="s", method="srs", size=12, seed=4,
                        strata="village")
    rows = [["respondent_id", "disposition", ITEM, "KEY"]]
    for n, rid in enumerate(drawn.rows["unit_id"]):
        if rng.random() < 0.25:
            rows.append([rid, "2.11" if n % 2 else "2.20", "", f"k{n}"])
        else:
            rows.append([rid, "1.1", str(int(rng.integers(0, 500))), f"k{n}"])
    returns = tmp_path / "odk.csv"
    with returns.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = runner.invoke(main, ["fieldwork", "import", "--sample", "s", str(returns)])
    assert result.exit_code == 0, result.output


def _margins(tmp_path: Path) -> Path:
    path = tmp_path / "margins.csv"
    path.write_text("variable,category,population\nsex,F,620\nsex,M,580\n"
                    "age,18-34,500\nage,35-54,420\nage,55-70,280\n", encoding="utf-8")
    return path


def test_replicates__nonresponse_redone_in_each_replicate(
        runner: FlaskCliRunner, session: Session, tmp_path: Path) -> None:
    _field(session, runner, tmp_path)
    sample = get_sample(session, "s")
    weighted = weighted_sample(session, sample, classes=["village"], replicates=REPLICATES,
                               seed=9)
    assert weighted.replicates is not None and weighted.nr_replicates is not None
    # The second path, in plain loops: every sampled unit is eligible (2.11 and 2.20 are not
    # 4.x); single-stage, so each is its own PSU, and an answer carries a random PSU label in
    # place of the respondent's (the answer is the unit's stand-in). Per replicate and
    # village the answered weight is scaled up to the sampled weight.
    frame = weighted.frame
    answered = {m for m, code in session.execute(
        select(FieldInterview.sample_member_id, FieldInterview.disposition))
        if code == "1.1"}
    assert len(answered) == len(frame)
    members = [(s, p, w, a["village"]) for i, s, p, w, a in session.execute(
        select(SampleMember.id, SampleMember.stratum, SampleMember.psu,
               SampleMember.base_weight, FrameUnit.attributes)
        .join(FrameUnit, FrameUnit.id == SampleMember.frame_unit_id)) if i not in answered]
    members += list(zip(frame["stratum"], frame["psu"], frame["base_weight"],
                        frame["village"], strict=True))
    factors = psu_factors([m[0] for m in members], [m[1] for m in members],
                          replicates=REPLICATES, seed=9)
    for r in range(REPLICATES):
        sampled: dict[str, float] = {}
        for stratum, psu, weight, village in members:
            sampled[village] = sampled.get(village, 0.0) + weight * factors.loc[(stratum, psu), r]
        scaled = [w * factors.loc[(s, p), r] for s, p, w in
                  zip(frame["stratum"], frame["psu"], frame["base_weight"], strict=True)]
        answered: dict[str, float] = {}
        for village, w in zip(frame["village"], scaled, strict=True):
            answered[village] = answered.get(village, 0.0) + w
        expected = [w * sampled[v] / answered[v]
                    for v, w in zip(frame["village"], scaled, strict=True)]
        assert np.allclose(weighted.replicates.weights[:, r], expected, rtol=1e-12, atol=0)
    # Redoing the adjustment is not the same as scaling the final weight: within a village
    # the replicate total equals the village's replicate sampled total, not a multiple of
    # the full-sample total.
    ratio = weighted.replicates.weights / weighted.design.weights[:, None]
    assert not np.allclose(ratio * 11 / 12, np.round(ratio * 11 / 12), atol=1e-9)


def test_replicates__raked_per_replicate__equal_r_rake_on_svrepdesign(
        runner: FlaskCliRunner, session: Session, tmp_path: Path) -> None:
    if shutil.which("Rscript") is None:
        require_or_skip("Rscript with the survey package is not installed")
    _field(session, runner, tmp_path)
    sample = get_sample(session, "s")
    margins = _margins(tmp_path)
    weighted = weighted_sample(session, sample, classes=["village"], margins=margins,
                               replicates=REPLICATES, seed=3, numeric=[ITEM])
    assert weighted.replicates is not None and weighted.nr_replicates is not None
    frame = weighted.frame
    data = pd.DataFrame({"sex": frame["sex"], "age": frame["age"], "y": frame[ITEM],
                         "nr_weight": frame["weight"]})
    for r in range(REPLICATES):
        data[f"nr_{r + 1}"] = weighted.nr_replicates[:, r]
    data.to_csv(tmp_path / "nr.csv", index=False)
    script = tmp_path / "rake.R"
    script.write_text(f"""
suppressMessages(library(survey))
d <- read.csv("{tmp_path / 'nr.csv'}", stringsAsFactors = FALSE)
reps <- grep("^nr_[0-9]+$", names(d), value = TRUE)
b <- svrepdesign(data = d, weights = ~nr_weight, repweights = d[, reps], type = "bootstrap",
                 scale = 1 / length(reps), rscales = rep(1, length(reps)),
                 combined.weights = TRUE, mse = FALSE)
r <- rake(b, list(~sex, ~age),
          list(data.frame(sex = c("F", "M"), Freq = c(620, 580)),
               data.frame(age = c("18-34", "35-54", "55-70"), Freq = c(500, 420, 280))),
          control = list(maxit = 1000, epsilon = -1))
m <- svymean(~y, r, na.rm = TRUE)
write.csv(data.frame(estimate = coef(m)[1], se = SE(m)[1]), "{tmp_path / 'r_out.csv'}",
          row.names = FALSE)
write.csv(weights(r, "analysis"), "{tmp_path / 'r_reps.csv'}", row.names = FALSE)
""", encoding="utf-8")
    subprocess.run(["Rscript", str(script)], check=True, capture_output=True, timeout=600)
    r = pd.read_csv(tmp_path / "r_out.csv").iloc[0]
    r_reps = pd.read_csv(tmp_path / "r_reps.csv").to_numpy()
    # R stops raking every replicate when the full sample has converged, ours when each
    # replicate has (to 1e-12 of the total); a negative epsilon makes R run all its 1000
    # passes (with a warning).
    gap = np.abs(r_reps - weighted.replicates.weights).max() / r_reps.max()
    assert gap < 1e-8, gap
    estimate, se = replicate_mean(weighted.design.weights, weighted.replicates,
                                  frame[ITEM].to_numpy(dtype=float))
    assert abs(estimate - r["estimate"]) <= 1e-6
    assert abs(se - r["se"]) <= 1e-6
    # The command line gives the same figure and says how its variance was computed.
    ours = estimate_mean(session, sample, ITEM, classes=["village"], margins=margins,
                         variance="bootstrap", replicates=REPLICATES, seed=3)
    assert ours.method == "bootstrap" and abs(ours.estimate.se - r["se"]) <= 1e-6
    result = runner.invoke(main, ["fieldwork", "estimate", "--sample", "s", "--variable", ITEM,
                                  "--classes", "village", "--margins", str(margins),
                                  "--variance", "bootstrap", "--replicates", str(REPLICATES),
                                  "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert f"SE {r['se']:.4f}" in result.output
    assert f"bootstrap, {REPLICATES} replicates" in result.output


def test_estimate__taylor_and_bootstrap__agree_within_noise_and_say_which(
        runner: FlaskCliRunner, session: Session, tmp_path: Path) -> None:
    _field(session, runner, tmp_path)
    sample = get_sample(session, "s")
    taylor = estimate_mean(session, sample, ITEM, classes=["village"])
    boot = estimate_mean(session, sample, ITEM, classes=["village"], variance="bootstrap",
                         replicates=200, seed=1)
    assert taylor.method == "taylor" and boot.method == "bootstrap"
    assert boot.estimate.estimate == pytest.approx(taylor.estimate.estimate, rel=1e-12)
    # 200 replicates estimate the SE within about 10 % (relative SE ~ 1/sqrt(2R) = 5 %).
    assert 0.75 < boot.estimate.se / taylor.estimate.se < 1.33
    result = runner.invoke(main, ["fieldwork", "estimate", "--sample", "s", "--variable", ITEM,
                                  "--classes", "village", "--variance", "taylor"])
    assert result.exit_code == 0 and "Taylor linearisation" in result.output, result.output
    bad = runner.invoke(main, ["fieldwork", "estimate", "--sample", "s", "--variable", ITEM,
                               "--variance", "jackknife"])
    assert bad.exit_code != 0 and "jackknife" in bad.output
