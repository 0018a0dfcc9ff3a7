"""The R script written beside an export reproduces hailong's unit indices (issue 7, point 4).

hailong's own numbers come from ``analysis.units.unit_results`` with
``small_cell_correction=False`` (its docstring: "False reproduces R survey exactly") and
``suppress_below=0`` (so no estimate is hidden); the published indices use the small-cell
corrected variance, whose point estimates are the same.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from flask import Flask
from sqlalchemy.orm import Session

from analysis.units import unit_results
from tests.numeric import estimate_floor, variance_floor
from tests.webapp.test_export import _rscript_or_skip, export, load
from webapp.statistics.microdata import load_dossier_counts, load_responses, unit_parents
from webapp.survey_versions import latest_version, load_version


def hailong_numbers(session: Session, period: str) -> pd.DataFrame:
    """hailong's unit and subtree indices, R-compatible variance."""
    version = latest_version(session, "sipas")
    assert version is not None
    return unit_results(load_responses(session, "sipas", period),
                        load_version(version).scoring_spec(),
                        dossiers=load_dossier_counts(session, period),
                        parents=unit_parents(session), unmatched="drop",
                        small_cell_correction=False, suppress_below=0)


@pytest.mark.needs_r
@pytest.mark.parametrize("fmt", ["csv", "dta"])
def test_r_script__reproduces_unit_indices_to_1e6(app: Flask, session: Session,
                                                  tmp_path: Path, fmt: str) -> None:
    _rscript_or_skip("survey", "haven")
    period = load(session, app, responses=400)
    result = export(session, tmp_path, fmt)
    script = next(p for p in result.files if p.name.endswith("_indices.R"))
    run = subprocess.run(["Rscript", str(script)], capture_output=True, text=True,
                         check=False, timeout=600)
    assert run.returncode == 0, run.stderr
    r = pd.read_csv(script.with_name(script.name.replace("_indices.R", "_indices_r.csv")),
                    dtype={"unit": str, "period": str})
    ours = hailong_numbers(session, period)
    merged = ours.merge(r, on=["unit", "period", "scope", "index_id"], how="outer",
                        suffixes=("", "_r"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    assert set(merged["scope"]) == {"unit", "subtree"}
    assert len(merged) == len(ours) > 100
    # R's numbers come through a CSV of 15 significant digits. Estimates agree within the
    # rounding of their sums; SEs are compared as variances within the floor of a variance that
    # may cancel (a unit whose answers are all equal: 0 in one program, the square root of a
    # residue in the other; tests/numeric.py), not with a fixed 1e-6 on the square root.
    n = float(merged["n_responses"].max()) if "n_responses" in merged else 400.0
    scale = max(1.0, float(merged[["estimate", "estimate_r"]].abs().max().max()))
    both = merged["estimate"].notna() | merged["estimate_r"].notna()
    np.testing.assert_allclose(merged.loc[both, "estimate_r"], merged.loc[both, "estimate"],
                               rtol=1e-12, atol=float(estimate_floor(n, scale)))
    both = merged["se"].notna() | merged["se_r"].notna()
    np.testing.assert_allclose(merged.loc[both, "se_r"] ** 2, merged.loc[both, "se"] ** 2,
                               rtol=1e-9, atol=float(variance_floor(n, scale)))
    assert (merged["n"] == merged["n_r"]).all()
    assert (merged["df"] == merged["df_r"]).all()
    overall = merged[(merged["index_id"] == "overall") & (merged["scope"] == "unit")]
    assert overall["estimate"].between(0, 1).all() and (overall["se"] > 0).all()
