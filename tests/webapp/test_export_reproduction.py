"""The R script written beside an export reproduces what hailong publishes (issues 7 and 19).

The reference is what a reviewer would compare with: ``hailong indices --format csv`` (the
pages' and the API's path, default ``beta_nchs`` intervals, small post-stratum correction,
suppression below 10 answers). Other interval methods are compared with
``analysis.units.unit_results(ci_method=...)`` on the same responses. The R script computes
everything in base R from the exported file (and checks the weights with the survey package).
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from flask import Flask
from sqlalchemy.orm import Session

from analysis.units import unit_results
from tests.numeric import variance_floor
from tests.webapp.test_export import _rscript_or_skip
from tests.webapp.test_export_sdc import demo  # noqa: F401 - fixture
from webapp.cli import main
from webapp.export.service import ExportRequest, ExportResult, run_export
from webapp.statistics.microdata import load_dossier_counts, load_responses
from webapp.survey_versions import latest_version, load_version
from webapp.unit_tree import unit_parents

KEYS = ["unit", "period", "scope", "index_id"]
COLUMNS = ["estimate", "se", "ci_low", "ci_high", "df", "n"]


def run_r(result: ExportResult, method: str | None = None) -> pd.DataFrame:
    """Run the export's R script; return its reproduced.csv."""
    script = next(p for p in result.files if p.name.endswith("_indices.R"))
    out = script.with_name(f"reproduced_{method or 'default'}.csv")
    args = ["Rscript", str(script), str(result.data_file), str(out)] + ([method] if method else [])
    run = subprocess.run(args, capture_output=True, text=True, check=False, timeout=600)
    assert run.returncode == 0, run.stderr
    return pd.read_csv(out, dtype={"unit": str, "period": str}).rename(
        columns={"index": "index_id"})


def compare(ours: pd.DataFrame, r: pd.DataFrame) -> float:
    """Assert every published row is reproduced at 1e-6; return the largest difference."""
    merged = ours.merge(r, on=KEYS, how="left", suffixes=("", "_r"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    assert set(merged["scope"]) == {"unit", "subtree"}
    worst = 0.0
    for col in COLUMNS:
        a, b = merged[col].to_numpy(float), merged[f"{col}_r"].to_numpy(float)
        assert (np.isnan(a) == np.isnan(b)).all(), col
        both = ~np.isnan(a)
        if col == "se":
            # A unit whose answers are all alike has a variance of 0 in one program and a
            # cancelled residue in the other: SEs are compared as variances within the rounding
            # floor of their arithmetic (tests/numeric.py), never as square roots.
            floor = float(variance_floor(float(merged["n"].max()), 1.0))
            np.testing.assert_allclose(b[both] ** 2, a[both] ** 2, rtol=1e-9,
                                       atol=max(floor, 1e-12), err_msg=col)
            continue
        np.testing.assert_allclose(b[both], a[both], rtol=0, atol=1e-6, err_msg=col)
        worst = max(worst, float(np.abs(a[both] - b[both]).max(initial=0.0)))
    return worst


@pytest.mark.needs_r
@pytest.mark.parametrize("fmt", ["csv", "dta"])
def test_r_script__reproduced_csv_equals_hailong_indices(
        app: Flask, session: Session, tmp_path: Path, demo: str, fmt: str) -> None:  # noqa: F811
    _rscript_or_skip("survey", "haven")
    result = run_export(session, ExportRequest("sipas", demo, fmt, tmp_path), actor="test")
    cli = app.test_cli_runner().invoke(main, ["indices", "--survey", "sipas", "--period", demo,
                                              "--format", "csv"])
    assert cli.exit_code == 0, cli.output
    published = pd.read_csv(io.StringIO(cli.output), dtype={"unit": str, "period": str})
    assert len(published) > 200 and published["estimate"].notna().sum() > 200
    r = run_r(result)
    assert len(r) == len(published)
    assert compare(published, r) < 1e-6
    assert (r["method"] == "beta_nchs").all()


@pytest.mark.needs_r
def test_r_script__every_interval_method(app: Flask, session: Session, tmp_path: Path,
                                         demo: str) -> None:  # noqa: F811
    _rscript_or_skip("survey")
    result = run_export(session, ExportRequest("sipas", demo, "csv", tmp_path), actor="test")
    version = latest_version(session, "sipas")
    assert version is not None
    responses = load_responses(session, "sipas", demo)
    for method in ["beta", "mean", "xlogit", "wilson"]:
        ours = unit_results(responses, load_version(version).scoring_spec(),
                            dossiers=load_dossier_counts(session, demo),
                            parents=unit_parents(session), unmatched="drop", ci_method=method)
        r = run_r(result, method)
        assert compare(ours, r) < 1e-6
        assert (r["method"] == method).all()


# ---- the Stata do-file (no Stata here) ---------------------------------------------------
# No Stata-compatible parser exists on PyPI or in Debian (pygments' StataLexer accepts any
# text), so this checks what Stata itself would reject first: unbalanced macro quotes, braces
# and parentheses, a Stata block brace not ending its line, a mata block without its end, and
# commands or Mata functions that do not exist. The numbers are checked by reading the do-file
# against the R script (docs/export.md says so).
STATA_COMMANDS = {"version", "clear", "set", "local", "if", "use", "import", "destring",
                  "generate", "drop", "sort", "bysort", "foreach", "egen", "mata", "mata:",
                  "end", "levelsof", "quietly", "display", "exit", "}"}
MATA_BUILTINS = {"invttail", "invibeta", "min", "max", "sqrt", "invlogit", "logit", "strtrim",
                 "strofreal", "st_local", "selectindex", "st_data", "subinstr", "rows", "cols",
                 "sum", "colsum", "rowsum", "abs", "any", "mean", "fileexists", "unlink",
                 "fopen", "fput", "fclose", "J", "colmin", "return", "if", "for", "else"}


def check_stata_syntax(text: str) -> list[str]:
    """Problems Stata would report before running anything (empty when none)."""
    import re

    problems: list[str] = []
    in_mata, mata_depth, defined = False, 0, set()
    mata_text: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.strip()
        if not code or code.startswith("*"):
            continue
        if code.count("`") > code.count("'"):
            problems.append(f"line {number}: unbalanced macro quote")
        if code.count('`"') != code.count('"\''):
            problems.append(f"line {number}: unbalanced compound quote")
        if in_mata:
            if code == "end" and mata_depth == 0:
                in_mata = False
                continue
            mata_text.append(code)
            mata_depth += code.count("{") - code.count("}")
            head = re.match(r"(?:real|string|void)\s+(?:scalar\s+|rowvector\s+|colvector\s+"
                            r"|matrix\s+|vector\s+)?(\w+)\(", code)
            if head:
                defined.add(head.group(1))
            continue
        word = code.split()[0]
        if word == "mata:" and code != "mata:":
            mata_text.append(code[len("mata:"):])  # a one-line Mata call
        if word not in STATA_COMMANDS and not re.match(r"^\w+:$", word):
            problems.append(f"line {number}: unknown command {word!r}")
        if code.endswith("{") and code.count("{") != 1:
            problems.append(f"line {number}: block brace must end the line")
        if "{" in code and not code.endswith("{"):
            problems.append(f"line {number}: block brace must end the line")
        if code.count("(") != code.count(")"):
            problems.append(f"line {number}: unbalanced parentheses")
        if word in ("mata", "mata:") and code in ("mata", "mata:"):
            in_mata = True
    if in_mata:
        problems.append("mata block without end")
    mata = "\n".join(mata_text)
    if mata.count("(") != mata.count(")") or mata.count("{") != mata.count("}"):
        problems.append("unbalanced parentheses or braces in Mata")
    stripped = re.sub(r'"[^"]*"', '""', mata)
    for name in set(re.findall(r"\b([A-Za-z_]\w*)\s*\(", stripped)):
        if name not in defined | MATA_BUILTINS:
            problems.append(f"Mata function {name!r} is not defined")
    return problems


def test_stata_do__syntax_check_catches_mistakes_and_passes_the_do_file(
        session: Session, tmp_path: Path, demo: str) -> None:  # noqa: F811
    for fmt in ("dta", "csv"):
        result = run_export(session, ExportRequest("sipas", demo, fmt, tmp_path / fmt),
                            actor="test")
        do = next(p for p in result.files if p.name.endswith(".do")).read_text("utf-8")
        assert check_stata_syntax(do) == [], fmt
        assert "mata: hl_domain(" in do and "hl_write(st_local(\"out\"))" in do
        broken = [do.replace("if (n < 10) {", "if (n < 10) {{", 1),
                  do.replace("mata: hl_write(", "mata: hl_writ(", 1),
                  do.replace("egen byte _tagst = tag(stratum)", "egen byte _tagst = tag(stratum",
                             1),
                  do.replace('local out `"`2\'"\'', 'local out `"`2"\'', 1),
                  do.replace("generate byte _in = 0", "genrate byte _in = 0", 1)]
        for text in broken:
            assert text != do and check_stata_syntax(text), text[:80]
