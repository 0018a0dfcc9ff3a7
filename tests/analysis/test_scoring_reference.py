"""Composite indices against R survey (tests/analysis/reference/composites/).

Taken from R 4.2.2 / survey 4.1.1 by ``make_composites.R`` (committed next to the JSON):
``svyratio(num, den, design, covmat = TRUE)`` on ``postStratify(svydesign(id = ~1,
strata = ~unit, weights = ~one), ~cell, pop)``, then ``a' coef`` and ``sqrt(a' V a)`` for each
criterion, element and overall contrast; ``subset(design, ...)`` for units and provinces; the same
on ``postStratify(as.svrepdesign(d0, type = "JKn"), ~cell, pop)`` for the jackknife.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.replicates import (
    composite_replicates,
    jackknife_weights,
    poststratify_replicates,
    replicate_variance,
)
from analysis.scoring import build_composite, interval, score
from analysis.units import default_design, default_weights, unit_results

HERE = Path(__file__).parent / "reference"
REF = json.loads((HERE / "composites" / "composites.json").read_text())
SPEC = {
    "method": "sipas",
    "scale": "sat5",
    "satisfied_codes": [4, 5],
    "excluded_codes": [9],
    "element_method": "criterion_mean",
    "overall_method": "mean_of_elements",
    "elements": [
        {"id": "E1", "label": {"en": "a"}, "criteria": ["C1", "C2"], "satisfaction_item": None},
        {"id": "E2", "label": {"en": "b"}, "criteria": ["C3", "C4", "C5"]},
    ],
}
PARENTS = {**REF["meta"]["parents"], "P1": "all", "P2": "all"}


def _records(kind: str) -> list[dict]:
    return [r for r in REF["results"] if r["variance"] == kind]


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, pd.DataFrame]:
    responses = pd.read_csv(HERE / "composites" / "sipas_synth.csv")
    dossiers = pd.read_csv(HERE / "composites" / "sipas_dossiers.csv")
    return responses, dossiers


def test_default_weights__match_r_poststrata(data):
    responses, dossiers = data
    dw = default_weights(responses, dossiers)
    freq = {p["cell"]: p["Freq"] for p in REF["meta"]["poststrata"]}
    cell = dw.frame["unit"] + ":" + dw.frame["field"]
    got = dw.frame.groupby(cell)["weight"].sum()
    np.testing.assert_allclose(got.to_numpy(), [freq[c] for c in got.index], rtol=1e-12)
    totals = dw.frame.groupby("unit")["weight"].sum()
    for unit, total in REF["meta"]["weight_totals"].items():
        assert totals[unit] == pytest.approx(total, rel=1e-12)
    assert dw.collapsed[["unit", "field"]].values.tolist() == [["U3", "F4"]]


def test_unit_results__linearised__match_r(data):
    responses, dossiers = data
    res = unit_results(
        responses, SPEC, dossiers, parents=PARENTS, small_cell_correction=False, suppress_below=0
    )
    for rec in _records("linearised"):
        scope = "subtree" if rec["domain"] in ("P1", "P2", "all") else "unit"
        row = res[
            (res["unit"] == rec["domain"])
            & (res["scope"] == scope)
            & (res["index_id"] == rec["statistic"])
        ]
        assert len(row) == 1, rec
        assert row["estimate"].iloc[0] == pytest.approx(rec["estimate"], rel=1e-6)
        assert row["se"].iloc[0] == pytest.approx(rec["se"], rel=1e-6)


def _domain_mask(frame: pd.DataFrame, domain: str) -> np.ndarray:
    if domain == "all":
        return np.ones(len(frame), dtype=bool)
    if domain.startswith("U"):
        return (frame["unit"] == domain).to_numpy()
    return (frame["unit"].map(REF["meta"]["parents"]) == domain).to_numpy()


def test_score_design__linearised_via_total_variance__match_r(data):
    responses, dossiers = data
    design = default_design(default_weights(responses, dossiers))
    estimates = {}
    for rec in _records("linearised"):
        dom = rec["domain"]
        if dom not in estimates:
            estimates[dom] = score(design.subset(_domain_mask(design.frame, dom)), SPEC)
        got = estimates[dom][rec["statistic"]]
        assert got.estimate == pytest.approx(rec["estimate"], rel=1e-6)
        assert got.se == pytest.approx(rec["se"], rel=1e-6)


def test_jackknife_with_repostratification__match_r_jkn(data):
    responses, dossiers = data
    frame = default_weights(responses, dossiers).frame.reset_index(drop=True)
    comp = build_composite(frame, SPEC)
    rep = jackknife_weights(np.ones(len(frame)), frame["unit"].to_numpy())
    targets = frame.groupby("poststratum")["weight"].sum()
    rep = poststratify_replicates(
        rep, frame["poststratum"].to_numpy(), targets, (frame["unit"] + frame["period"]).to_numpy()
    )
    cache = {}
    for rec in _records("jkn"):
        dom = rec["domain"]
        if dom not in cache:
            mask = _domain_mask(frame, dom)
            sub = comp.take(np.flatnonzero(mask))
            zeros = np.zeros(mask.sum(), dtype=int)
            thetas = composite_replicates(sub, rep.weights[mask], zeros, 1)
            full = composite_replicates(sub, frame["weight"].to_numpy()[mask][:, None], zeros, 1)
            cache[dom] = (full[0, 0], np.sqrt(replicate_variance(thetas, rep))[0])
        full, se = cache[dom]
        k = comp.output_ids.index(rec["statistic"])
        assert full[k] == pytest.approx(rec["estimate"], rel=1e-6)
        assert se[k] == pytest.approx(rec["se"], rel=1e-6)


def test_default_linearised_and_r_jackknife__agree_within_15_percent(data):
    """hailong's default (small-cell corrected) linearisation vs R's JKn on the same data.

    R's own linearisation is up to 20% below JKn here (cells of 5-11 responses); the correction
    brings every SE within 15% of the jackknife (mean ratio about 0.95).
    """
    responses, dossiers = data
    res = unit_results(responses, SPEC, dossiers, parents=PARENTS, suppress_below=0)
    ratios = []
    for rec in _records("jkn"):
        row = res[(res["unit"] == rec["domain"]) & (res["index_id"] == rec["statistic"])]
        ratios.append(row["se"].iloc[0] / rec["se"])
    assert np.all(np.abs(np.array(ratios) - 1) < 0.15)
    assert abs(np.mean(ratios) - 1) < 0.07


def test_interval__matches_svyciprop_reference():
    """Quoted from shared/reference/README.md (api_dstrat.json, R survey 4.1.1):

    svyciprop(~I(sch.wide == "Yes"), dstrat, method = "xlogit" / "beta"), df = 197, n = 200.
    """
    p, se, df, n = 0.8279480, 0.02434478, 197, 200
    lo, hi = interval(p, se, df, n, method="xlogit")
    assert (float(lo), float(hi)) == pytest.approx((0.7745397, 0.8708149), abs=2e-7)
    lo, hi = interval(p, se, df, n, method="beta")
    assert (float(lo), float(hi)) == pytest.approx((0.7741713, 0.8734316), abs=2e-7)


@pytest.mark.needs_r
def test_make_composites_r__reproduces_committed_json(tmp_path):
    """Re-run make_composites.R in a temporary copy and compare with the committed JSON."""
    import os
    import shutil
    import subprocess

    if shutil.which("Rscript") is None:
        if os.environ.get("HAILONG_REQUIRE_ALL") == "1":
            pytest.fail("Rscript is required (HAILONG_REQUIRE_ALL=1)")
        pytest.skip("Rscript not installed")
    script = tmp_path / "make_composites.R"
    shutil.copy(HERE / "composites" / "make_composites.R", script)
    subprocess.run(["Rscript", str(script)], check=True, capture_output=True, timeout=300)
    fresh = json.loads((tmp_path / "composites.json").read_text())
    for a, b in zip(fresh["results"], REF["results"], strict=True):
        assert (a["domain"], a["statistic"], a["variance"]) == (
            b["domain"],
            b["statistic"],
            b["variance"],
        )
        assert a["estimate"] == pytest.approx(b["estimate"], rel=1e-12)
        assert a["se"] == pytest.approx(b["se"], rel=1e-12)
