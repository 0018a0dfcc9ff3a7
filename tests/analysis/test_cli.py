"""``python -m analysis estimate`` as a subprocess, on the reference CSVs.

Numbers are compared with R (api_dstrat.json and extra_refs.json, see those files for the
R calls); bad input must give a message on stderr, exit status 2 and nothing on stdout.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.cli import main
from tests.analysis.conftest import REFERENCE

ROOT = Path(__file__).resolve().parents[2]
APISTRAT = str(REFERENCE / "apistrat.csv")
APICLUS1 = str(REFERENCE / "apiclus1.csv")
APICLUS2 = str(REFERENCE / "apiclus2.csv")
KEYS = ["group", "estimate", "se", "ci_low", "ci_high", "df", "n", "deff"]


def run_subprocess(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analysis", "estimate", *args],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=300,
    )  # fmt: skip


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the command in-process (same code path as ``python -m analysis``, faster)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["estimate", *args])
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def ok(*args: str) -> list[dict]:
    proc = run(*args)
    assert proc.returncode == 0, proc.stderr
    records = json.loads(proc.stdout)
    assert all(list(r) == KEYS for r in records)
    return records


def test_mean__apistrat__matches_svymean() -> None:
    # svymean(~api00, dstrat, deff = TRUE); confint(...) with df = Inf
    (rec,) = ok(APISTRAT, "--weight", "pw", "--strata", "stype", "--fpc", "fpc", "--mean", "api00")
    assert rec["group"] is None and rec["df"] == "Inf" and rec["n"] == 200
    got = [rec[k] for k in ("estimate", "se", "ci_low", "ci_high", "deff")]
    ref = [662.2873631593208, 9.40894080278458, 643.8461780531936, 680.7285482654479,
           1.2044572685377168]  # fmt: skip
    assert_allclose(got, ref, rtol=1e-6)


def test_mean__df_design__uses_t_with_degf() -> None:
    # confint(svymean(~api00, dstrat), df = degf(dstrat))
    (rec,) = ok(APISTRAT, "--weight", "pw", "--strata", "stype", "--fpc", "fpc",
                "--mean", "api00", "--df", "design")  # fmt: skip
    assert rec["df"] == 197
    assert_allclose([rec["ci_low"], rec["ci_high"]], [643.7321882720862, 680.8425380465553],
                    rtol=1e-6)  # fmt: skip


def test_prop__default_logit__matches_svyciprop() -> None:
    # svyciprop(~I(sch.wide == "Yes"), dstrat, method = "logit"), df = degf = 197
    (rec,) = ok(APISTRAT, "--weight", "pw", "--strata", "stype", "--fpc", "fpc",
                "--prop", "sch.wide==Yes")  # fmt: skip
    assert rec["df"] == 197
    assert_allclose([rec["ci_low"], rec["ci_high"]], [0.7745396543515681, 0.8708148545445087],
                    rtol=1e-6)  # fmt: skip


def test_prop_by_beta__cluster_design__matches_svyby(extra_refs: dict) -> None:
    ref = extra_refs["designs"]["dclus1"]["by_ciprop_schwide_stype"]["beta"]
    records = ok(APICLUS1, "--weight", "pw", "--psu", "dnum", "--fpc", "fpc",
                 "--prop", "sch.wide==Yes", "--by", "stype", "--ci-method", "beta")  # fmt: skip
    assert [r["group"] for r in records] == ["E", "H", "M"]
    for rec, r in zip(records, ref["by"], strict=True):
        assert rec["df"] == r["df"]
        got = [rec["estimate"], rec["se"], rec["ci_low"], rec["ci_high"]]
        want = [r["estimate"], r["se"], r["ci"]["lower"], r["ci"]["upper"]]
        assert_allclose(got, want, rtol=1e-6)


def test_ratio__two_stage__matches_svyratio(extra_refs: dict) -> None:
    ref = extra_refs["designs"]["dclus2"]["ratio_apistu_enroll"]
    (rec,) = ok(APICLUS2, "--weight", "pw", "--psu", "dnum,snum", "--fpc", "fpc1,fpc2",
                "--ratio", "api.stu/enroll")  # fmt: skip
    assert_allclose([rec["estimate"], rec["se"], rec["deff"]],
                    [ref["estimate"], ref["se"], ref["deff"]], rtol=1e-6)  # fmt: skip


def test_poststratify__matches_poststratify(extra_refs: dict) -> None:
    ref = extra_refs["designs"]["ps_clus1"]["by_api00_awards"]["by"]
    pop = f"stype={REFERENCE / 'pop_stype.csv'}"
    records = ok(APICLUS1, "--weight", "pw", "--psu", "dnum", "--fpc", "fpc", "--mean", "api00",
                 "--by", "awards", "--poststratify", pop)  # fmt: skip
    for rec, r in zip(records, ref, strict=True):
        assert rec["group"] == r["group"]
        assert_allclose([rec["estimate"], rec["se"]], [r["estimate"], r["se"]], rtol=1e-6)


def test_rake__matches_rake(extra_refs: dict) -> None:
    ref = extra_refs["designs"]["rake_clus1"]["total_enroll"]
    (rec,) = ok(APICLUS1, "--weight", "pw", "--psu", "dnum", "--fpc", "fpc", "--total", "enroll",
                "--rake", f"stype={REFERENCE / 'pop_stype.csv'}",
                "--rake", f"sch.wide={REFERENCE / 'pop_schwide.csv'}")  # fmt: skip
    assert_allclose([rec["estimate"], rec["se"]], [ref["estimate"], ref["se"]], rtol=1e-6)


@pytest.fixture
def bad_csv(tmp_path: Path, apistrat: pd.DataFrame):
    def write(**changes) -> str:
        frame = apistrat.copy()
        for column, (row, value) in changes.items():
            frame[column] = frame[column].astype(object)
            frame.loc[row, column] = value
        path = tmp_path / "bad.csv"
        frame.to_csv(path, index=False)
        return str(path)

    return write


def fails(*args: str, match: str) -> str:
    proc = run(*args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert match in proc.stderr, proc.stderr
    return proc.stderr


def test_error__unknown_column() -> None:
    err = fails(APISTRAT, "--weight", "pw", "--mean", "nope", match="'nope' is not in the data")
    assert "apistrat.csv" in err


def test_error__text_in_numeric_column(bad_csv) -> None:
    path = bad_csv(api00=(3, "abc"))
    fails(path, "--weight", "pw", "--mean", "api00", match="'api00' is not numeric: row 3")


def test_error__negative_weight(bad_csv) -> None:
    path = bad_csv(pw=(7, -2.0))
    fails(path, "--weight", "pw", "--mean", "api00", match="must be positive")


def test_error__empty_domain(bad_csv, apistrat: pd.DataFrame) -> None:
    rows = apistrat.index[apistrat["stype"] == "H"]
    path = bad_csv(**{"stype": (rows, "H")})
    frame = pd.read_csv(path)
    frame.loc[frame["stype"] == "H", "api00"] = None
    frame.to_csv(path, index=False)
    fails(path, "--weight", "pw", "--mean", "api00", "--by", "stype",
          match="domain 'H' has no respondents")  # fmt: skip


def test_error__missing_file() -> None:
    fails("nowhere.csv", "--weight", "pw", "--mean", "api00", match="file not found")


def test_error__bad_prop_expression() -> None:
    fails(APISTRAT, "--weight", "pw", "--prop", "sch.wide", match="COL==VALUE")


def test_error__ci_method_with_mean() -> None:
    fails(APISTRAT, "--weight", "pw", "--mean", "api00", "--ci-method", "beta",
          match="--prop only")  # fmt: skip


def test_error__population_file_without_freq(tmp_path: Path) -> None:
    pop = tmp_path / "pop.csv"
    pop.write_text("stype,N\nE,1\n")
    fails(APISTRAT, "--weight", "pw", "--mean", "api00", "--poststratify", f"stype={pop}",
          match="Freq")  # fmt: skip


def test_error__lonely_psu_stratum_names_it() -> None:
    fails(str(REFERENCE / "apistrat_lonely.csv"), "--weight", "pw", "--strata", "stype",
          "--mean", "api00", match="stratum 'H' has only one PSU")  # fmt: skip


def test_error__missing_required_option() -> None:
    proc = run(APISTRAT, "--mean", "api00")
    assert proc.returncode == 2 and proc.stdout == "" and "--weight" in proc.stderr


def test_subprocess__json_on_stdout() -> None:
    proc = run_subprocess(APISTRAT, "--weight", "pw", "--strata", "stype", "--mean", "api00")
    assert proc.returncode == 0, proc.stderr
    (rec,) = json.loads(proc.stdout)
    assert_allclose(rec["se"], 9.536132296925159, rtol=1e-6)  # svymean(~api00, dstrat_nofpc)


def test_subprocess__error__exit_2_stderr_only() -> None:
    proc = run_subprocess(APISTRAT, "--weight", "nope", "--mean", "api00")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "weight column 'nope' is not in the data" in proc.stderr


def test_poststratify__empty_cell__error_then_collapse(tmp_path: Path) -> None:
    pop = tmp_path / "pop.csv"
    pop.write_text("stype,sch.wide,Freq\nE,No,472\nE,Yes,3949\nH,No,334\nH,Yes,421\n"
                   "M,No,266\nM,Yes,752\nX,Yes,10\nX,No,0\n")  # fmt: skip
    args = [APICLUS1, "--weight", "pw", "--psu", "dnum", "--fpc", "fpc", "--mean", "api00",
            "--poststratify", f"stype,sch.wide={pop}"]  # fmt: skip
    fails(*args, match="population but no respondents")
    fails(*args, "--empty-cells", "collapse", "--collapse-within", "stype",
          match="stype='X' has no respondents")  # fmt: skip
    pop.write_text("stype,sch.wide,Freq\nE,No,472\nE,Yes,3949\nH,No,334\nH,Yes,421\n"
                   "M,No,266\nM,Yes,752\n")  # fmt: skip
    (rec,) = ok(*args)
    assert rec["n"] == 183
