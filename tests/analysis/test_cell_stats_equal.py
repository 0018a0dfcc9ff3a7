"""The ``equal`` weighting rule (``weighting: equal`` in a survey definition, the officials'
survey): every answer weighs 1 and the procedure field is ignored. The kept cells give, per unit
and for every roll-up, the estimates and standard errors of R ``survey`` on the raw answers:
``svydesign(ids = ~1, strata = ~unit, weights = ~one)`` (each unit × period a stratum, as the
cells' roll-up sums the units' statistics), ``svyratio`` of the criteria's numerators and
denominators with ``covmat = TRUE`` and the composite's contrasts, on ``subset(design, ...)``
per unit and per subtree. R runs here on data drawn with a fixed seed."""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from analysis.cell_stats import CellSums, results_from_cells, stats_from_cells
from tests.conftest import require_or_skip
from tests.numeric import estimate_floor, variance_floor

SPEC = {
    "method": "sipas",
    "satisfied_codes": [3, 4],
    "excluded_codes": [9],
    "element_method": "criterion_mean",
    "elements": [{"id": "E1", "criteria": ["a", "b"]}, {"id": "E2", "criteria": ["c"]}],
}
CRITERIA = ["a", "b", "c"]
# Contrasts of the criterion shares: each element is the mean of its criteria, the overall
# index the mean of the elements.
CONTRASTS = {"a": {"a": 1.0}, "b": {"b": 1.0}, "c": {"c": 1.0}, "E1": {"a": 0.5, "b": 0.5},
             "E2": {"c": 1.0}, "overall": {"a": 0.25, "b": 0.25, "c": 0.5}}
PARENTS = {"u1": "d1", "u2": "d1", "u3": "d2", "u4": "d2", "d1": "p", "d2": "p"}
SUBTREES = {"d1": ["u1", "u2"], "d2": ["u3", "u4"], "p": ["u1", "u2", "u3", "u4"]}
PERIOD, MONTHS = "2026-Q1", ["2026-01", "2026-02", "2026-03"]
NO_DOSSIERS = pd.DataFrame(columns=["unit", "period", "field", "count"])

R_SCRIPT = r"""
suppressMessages({library(survey); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
df <- read.csv(args[1], stringsAsFactors = FALSE)
contrasts <- fromJSON(args[2])
subtrees <- fromJSON(args[3])
crit <- c("a", "b", "c")
for (cc in crit) {
  df[[paste0("s_", cc)]] <- as.numeric(!is.na(df[[cc]]) & df[[cc]] %in% c(3, 4))
  df[[paste0("v_", cc)]] <- as.numeric(!is.na(df[[cc]]) & df[[cc]] %in% 1:4)
}
df$one <- 1
d <- svydesign(ids = ~1, strata = ~unit, weights = ~one, data = df)
composite <- function(design) {
  r <- svyratio(~s_a + s_b + s_c, ~v_a + v_b + v_c, design, covmat = TRUE)
  cf <- setNames(as.vector(coef(r)), names(coef(r)))
  V <- vcov(r)
  out <- list()
  for (nm in names(contrasts)) {
    a <- setNames(rep(0, length(cf)), names(cf))
    for (cc in names(contrasts[[nm]])) a[paste0("s_", cc, "/v_", cc)] <- contrasts[[nm]][[cc]]
    out[[length(out) + 1]] <- list(index_id = nm, estimate = sum(a * cf),
                                   se = sqrt(as.numeric(t(a) %*% V %*% a)))
  }
  out
}
rows <- list()
keep <- function(scope, unit, res) {
  for (x in res) rows[[length(rows) + 1]] <<- c(list(scope = scope, unit = unit), x)
}
for (u in sort(unique(df$unit))) keep("unit", u, composite(subset(d, unit == u)))
for (s in names(subtrees)) keep("subtree", s, composite(subset(d, unit %in% subtrees[[s]])))
cat(toJSON(rows, auto_unbox = TRUE, digits = NA))
"""


def _answers(seed: int) -> pd.DataFrame:
    """Officials' answers: several procedure fields (ignored by the rule), some with a single
    answer and one with no field at all, months inside and outside the quarter, codes 9
    (excluded) and missing answers."""
    rng = np.random.default_rng(seed)
    parts = []
    for unit, n, good in (("u1", 120, 0.8), ("u2", 45, 0.5), ("u3", 25, 0.65), ("u4", 70, 0.4)):
        p = [(1 - good) / 2, (1 - good) / 2, good / 2, good / 2]
        parts.append(pd.DataFrame({
            "unit": unit,
            "field": rng.choice(["f1", "f2", "?"], n, p=[0.6, 0.3, 0.1]),
            "month": rng.choice([*MONTHS, "2026-04"], n, p=[0.3, 0.3, 0.3, 0.1]),
            **{c: np.where(rng.random(n) < 0.07, 9.0,
                           np.where(rng.random(n) < 0.04, np.nan,
                                    rng.choice([1, 2, 3, 4], n, p=p).astype(float)))
               for c in CRITERIA},
        }))
    frame = pd.concat(parts, ignore_index=True)
    lone = frame.iloc[[0]].assign(unit="u3", field="f9", month="2026-02")  # a one-answer field
    return pd.concat([frame, lone], ignore_index=True)


@pytest.fixture(scope="module")
def r_results(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    if shutil.which("Rscript") is None:
        require_or_skip("Rscript with the survey package is not installed")
    where = tmp_path_factory.mktemp("equal_r")
    rows = _answers(14)
    rows[rows["month"].isin(MONTHS)].to_csv(where / "answers.csv", index=False)
    script = where / "equal.R"
    script.write_text(R_SCRIPT)
    done = subprocess.run(["Rscript", str(script), str(where / "answers.csv"),
                           json.dumps(CONTRASTS), json.dumps(SUBTREES)],
                          check=True, capture_output=True, text=True, timeout=300)
    return pd.DataFrame(json.loads(done.stdout))


def _cells(rows: pd.DataFrame) -> CellSums:
    sums = CellSums(SPEC)
    half = len(rows) // 2
    sums.add(rows.iloc[:half])  # in two steps, as answers arrive
    sums.add(rows.iloc[half:])
    return sums


def test_equal_weights__estimates_and_ses_per_unit_and_roll_up__match_r(
        r_results: pd.DataFrame) -> None:
    got = results_from_cells(_cells(_answers(14)), {PERIOD: MONTHS}, NO_DOSSIERS, PARENTS,
                             weighting="equal", suppress_below=0)
    merged = r_results.merge(got, on=["scope", "unit", "index_id"], suffixes=("_r", ""),
                             validate="one_to_one")
    assert len(merged) == len(r_results) == 7 * len(CONTRASTS)
    n = merged["n_responses"].astype(float).to_numpy()
    assert np.all(n > 0)
    est_gap = np.abs(merged["estimate"].astype(float) - merged["estimate_r"]).to_numpy()
    var_gap = np.abs(merged["se"].astype(float) ** 2 - merged["se_r"] ** 2).to_numpy()
    assert np.all(est_gap <= estimate_floor(n, 1.0)), merged.loc[
        est_gap > estimate_floor(n, 1.0), ["scope", "unit", "index_id", "estimate", "estimate_r"]]
    assert np.all(var_gap <= variance_floor(n, 1.0)), merged.loc[
        var_gap > variance_floor(n, 1.0), ["scope", "unit", "index_id", "se", "se_r"]]
    # Not the dossier-weighted design: the standard errors are those of equal weights only.
    assert merged["se_r"].between(0.01, 0.2).all()


def test_equal_weights__fields_ignored_nothing_dropped_or_collapsed() -> None:
    answers = _answers(14)
    stats = stats_from_cells(_cells(answers), {PERIOD: MONTHS}, NO_DOSSIERS, weighting="equal")
    assert stats is not None
    assert stats.dropped.empty and stats.collapsed.empty
    # One stratum per unit (× period), holding every answer of the quarter, each weighing 1.
    in_quarter = answers[answers["month"].isin(MONTHS)].groupby("unit").size()
    assert list(stats.units) == list(in_quarter.index)
    assert stats.stats.n_rows.tolist() == in_quarter.astype(float).tolist()
    assert stats.stats.sum_w.tolist() == in_quarter.astype(float).tolist()
    # Relabelling every field leaves every figure unchanged.
    same = results_from_cells(_cells(answers.assign(field="x")), {PERIOD: MONTHS},
                              NO_DOSSIERS, PARENTS, weighting="equal")
    base = results_from_cells(_cells(answers), {PERIOD: MONTHS}, NO_DOSSIERS, PARENTS,
                              weighting="equal")
    pd.testing.assert_frame_equal(same, base)


def test_dossier_weights__without_dossier_counts__leave_nothing() -> None:
    """The same cells under the default rule need dossier counts: without them every cell is
    dropped, which is why the officials' survey declares ``equal``."""
    assert stats_from_cells(_cells(_answers(14)), {PERIOD: MONTHS}, NO_DOSSIERS) is None


def test_unknown_weighting_rule__is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown weighting rule 'uniform'.*dossiers, equal"):
        stats_from_cells(_cells(_answers(14)), {PERIOD: MONTHS}, NO_DOSSIERS,
                         weighting="uniform")
