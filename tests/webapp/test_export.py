"""Microdata export (issue 7): formats read back by other readers, CLI, audit, access."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.units import default_weights
from tests.conftest import require_or_skip
from webapp.administration.users import create_user
from webapp.cli import main
from webapp.demo.loader import demo_months, load_demo
from webapp.export.service import (
    ExportRefused,
    ExportRequest,
    ExportResult,
    can_export,
    run_export,
)
from webapp.models import AuditEntry, Role, Unit, User
from webapp.periods import parse_period
from webapp.statistics.microdata import iter_response_chunks, load_dossier_counts, load_responses

RESPONSES = 400


def demo_period() -> str:
    """The year holding most of the demo's twelve months."""
    return demo_months()[-1][:4]


def load(session: Session, app: Flask, responses: int = RESPONSES) -> str:
    """Load the demo province with ``responses`` synthetic responses; return the period."""
    load_demo(session, app.config, responses=responses, seed=7)
    return demo_period()


def export(session: Session, tmp_path: Path, fmt: str, name: str | None = None,
           **options: object) -> ExportResult:
    """Export the demo's SIPAS responses to ``tmp_path/name`` as the command line would."""
    request = ExportRequest("sipas", demo_period(), fmt, tmp_path / (name or fmt),
                            **options)  # type: ignore[arg-type]
    return run_export(session, request, actor="test")


def read_csv(path: Path) -> pd.DataFrame:
    """Read an exported CSV as Excel-independent pandas would (BOM removed)."""
    return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False,
                       na_values=[""]).sort_values("response_id").reset_index(drop=True)


def _same_values(left: pd.DataFrame, right: pd.DataFrame) -> None:
    left = left.sort_values("response_id").reset_index(drop=True)
    right = right.sort_values("response_id").reset_index(drop=True)
    assert list(left.columns) == list(right.columns)
    for col in left.columns:
        a, b = left[col], right[col]
        if pd.api.types.is_numeric_dtype(b) and not pd.api.types.is_bool_dtype(b):
            pd.testing.assert_series_equal(pd.to_numeric(a).astype(float), b.astype(float),
                                           check_names=False, rtol=1e-12)
        else:
            assert a.fillna("").astype(str).tolist() == b.fillna("").astype(str).tolist(), col


def test_export_dta__read_back_with_pandas__labels_values_vietnamese(
        app: Flask, session: Session, tmp_path: Path) -> None:
    load(session, app)
    csv = read_csv(export(session, tmp_path, "csv").data_file)
    result = export(session, tmp_path, "dta")
    data = pd.read_stata(result.data_file, convert_categoricals=False)
    with pd.io.stata.StataReader(result.data_file) as reader:
        labels, values = reader.variable_labels(), reader.value_labels()
    assert len(data) == len(csv) == result.rows > 0
    strings = [c for c in csv.columns if csv[c].dtype == object]
    _same_values(data.replace({c: {"": None} for c in strings}), csv)
    assert "Phường Bắc Gia Nghĩa" in set(data["unit_name"])
    assert values["gender"] == {1: "Nam", 2: "Nữ"}
    assert values["c9_r15"][9] == "Không có ý kiến"
    assert labels["gender"] == "Giới tính"
    assert labels["c9_r15"].startswith("Thông tin về giải quyết thủ tục hành chính")
    assert all(len(text) <= 80 for text in labels.values())
    assert labels["weight"] == "Trọng số cuối cùng"


def test_export_sav__read_back_with_pyreadstat__labels_missing_measures(
        app: Flask, session: Session, tmp_path: Path) -> None:
    load(session, app)
    csv = read_csv(export(session, tmp_path, "csv").data_file)
    result = export(session, tmp_path, "sav")
    data, meta = pyreadstat.read_sav(str(result.data_file), user_missing=True)
    strings = [c for c in csv.columns if csv[c].dtype == object]
    _same_values(data.replace({c: {"": None} for c in strings}), csv)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["unit_name"] == "Tên đơn vị"
    # The public-use file (default) carries the recoded, wider age bands and their labels.
    assert meta.variable_value_labels["age_band"][1] == "Từ 18 đến 34 tuổi"
    assert meta.missing_ranges["c9_r15"] == [{"lo": 9.0, "hi": 9.0}]
    assert meta.variable_measure["c9_r15"] == "ordinal"
    assert meta.variable_measure["gender"] == "nominal"
    assert meta.variable_measure["weight"] == "scale"


def _rscript_or_skip(*packages: str) -> None:
    if shutil.which("Rscript") is None:
        require_or_skip("Rscript is not installed (Debian: r-base-core)")
    for package in packages:
        probe = subprocess.run(["Rscript", "-e", f"library({package})"], capture_output=True,
                               check=False)
        if probe.returncode != 0:
            require_or_skip(f"R package {package} is missing (Debian: r-cran-{package})")


R_READ_BACK = r"""
args <- commandArgs(trailingOnly = TRUE)
x <- haven::read_sav(args[1], user_na = TRUE)
y <- haven::read_dta(args[2])
f <- suppressWarnings(foreign::read.spss(args[1], to.data.frame = FALSE, reencode = "UTF-8",
                                         use.value.labels = FALSE))
out <- list(
  sav_rows = nrow(x), dta_rows = nrow(y),
  sav_gender_labels = as.list(attr(x$gender, "labels")),
  sav_label_c9 = attr(x$c9_r15, "label"), sav_na_c9 = attr(x$c9_r15, "na_values"),
  dta_gender_labels = as.list(attr(y$gender, "labels")),
  dta_label_unit = attr(y$unit_name, "label"),
  dta_units = sort(unique(y$unit_name)), sav_units = sort(unique(trimws(f$unit_name))),
  foreign_labels = as.list(setNames(as.numeric(attr(f$gender, "value.labels")),
                                    names(attr(f$gender, "value.labels")))),
  sav_weight_sum = sum(x$weight, na.rm = TRUE), dta_weight_sum = sum(y$weight, na.rm = TRUE),
  foreign_weight_sum = sum(f$weight, na.rm = TRUE),
  sav_c9 = as.numeric(table(factor(as.numeric(x$c9_r15), levels = c(1:5, 9))))
)
cat(jsonlite::toJSON(out, auto_unbox = TRUE, digits = NA))
"""


@pytest.mark.needs_r
def test_export_sav_and_dta__read_back_with_r_haven_and_foreign(
        app: Flask, session: Session, tmp_path: Path) -> None:
    _rscript_or_skip("haven", "foreign", "jsonlite")
    load(session, app)
    csv = read_csv(export(session, tmp_path, "csv").data_file)
    sav = export(session, tmp_path, "sav").data_file
    dta = export(session, tmp_path, "dta").data_file
    script = tmp_path / "read_back.R"
    script.write_text(R_READ_BACK, encoding="utf-8")
    run = subprocess.run(["Rscript", str(script), str(sav), str(dta)], capture_output=True,
                         text=True, check=False, timeout=300)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    assert got["sav_rows"] == got["dta_rows"] == len(csv)
    assert got["sav_gender_labels"] == got["dta_gender_labels"] == {"Nam": 1, "Nữ": 2}
    assert got["foreign_labels"] == {"Nam": 1, "Nữ": 2}
    assert got["sav_label_c9"].startswith("Thông tin về giải quyết")
    assert got["sav_na_c9"] == 9
    assert got["dta_label_unit"] == "Tên đơn vị"
    units = sorted(set(csv["unit_name"]))
    assert sorted(got["dta_units"]) == units and sorted(got["sav_units"]) == units
    total = csv["weight"].sum()
    for key in ("sav_weight_sum", "dta_weight_sum", "foreign_weight_sum"):
        assert got[key] == pytest.approx(total, rel=1e-12)
    counts = csv["c9_r15"].value_counts()
    assert got["sav_c9"] == [int(counts.get(c, 0)) for c in (1, 2, 3, 4, 5, 9)]


def test_export_csv__utf8_bom__parquet_labels(app: Flask, session: Session,
                                              tmp_path: Path) -> None:
    load(session, app)
    result = export(session, tmp_path, "csv")
    raw = result.data_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "Phường Bắc Gia Nghĩa".encode() in raw
    csv = read_csv(result.data_file)
    parquet = export(session, tmp_path, "parquet")
    table = pq.read_table(parquet.data_file)
    _same_values(table.to_pandas(), csv)
    meta = table.schema.field("gender").metadata
    assert json.loads(meta[b"value_labels"])["2"] == {"vi": "Nữ", "en": "Female"}


def test_export_variables__ids_units_derived_scores_and_weights(
        app: Flask, session: Session, tmp_path: Path) -> None:
    period = load(session, app)
    data = read_csv(export(session, tmp_path, "csv").data_file)
    assert data["response_id"].str.fullmatch(r"[0-9a-f]{32}").all()
    assert {"unit_level1_code", "unit_level2_name", "survey_version", "counter", "field_name",
            "month", "channel", "on_time", "stratum", "poststratum", "weight"} <= set(data)
    assert (data["unit_level1_code"] == "LD").all()
    # Units too small to publish are pooled under their parent, with renumbered strata.
    plain = ~data["unit"].str.endswith("~pooled")
    assert (data.loc[plain, "stratum"] == data.loc[plain, "unit"] + "|" + period).all()
    code = data["c9_r15"]
    valid = code.notna() & (code != 9)
    assert (data.loc[valid, "sat_c9_r15"] == code[valid].isin([4, 5]).astype(int)).all()
    assert data.loc[~valid, "sat_c9_r15"].isna().all()
    e1 = data[["sat_c9_r15", "sat_c9_r16", "sat_c9_r17", "sat_c9_r18"]].mean(axis=1)
    pd.testing.assert_series_equal(data["score_e1"], e1, check_names=False)
    responses = load_responses(session, "sipas", period)
    expected = default_weights(responses, load_dossier_counts(session, period),
                               unmatched="drop").frame.set_index("response_id")["weight"]
    got = data.set_index("response_id")["weight"]
    pd.testing.assert_series_equal(got.loc[expected.index], expected, check_names=False,
                                   rtol=1e-12)
    cells = data.groupby("poststratum")["weight"].agg(["sum", "first"])
    ps_total = data.groupby("poststratum")["ps_total"].first()
    pd.testing.assert_series_equal(cells["sum"], ps_total, check_names=False, rtol=1e-12)


def test_cli_export__writes_files_with_progress_and_audit(
        app: Flask, session: Session, runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    period = load(session, app, responses=150)
    out = tmp_path / "cli"
    result = runner.invoke(main, ["export", "--survey", "sipas", "--period", period,
                                  "--format", "csv", "--out", str(out), "--k", "3"])
    assert result.exit_code == 0, result.output
    rows = len(load_responses(session, "sipas", period))
    assert f"{rows} responses" in result.output
    stem = f"hailong_sipas_{period}"
    for suffix in (".csv", "_codebook.xml", "_codebook.md", "_indices.R", "_indices.do",
                   "_composite.csv", "_disclosure.md", "_disclosure.json"):
        assert (out / f"{stem}{suffix}").exists(), suffix
    assert not list(out.glob(".*staging*"))
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "export.microdata"))
    assert entry is not None and entry.detail is not None
    assert entry.detail["rows"] == rows and entry.detail["format"] == "csv"
    assert entry.detail["by"].startswith("cli") and entry.detail["k"] == 3
    assert entry.target == f"sipas {period}"


@pytest.mark.parametrize(("role", "allowed"), [
    (Role.ADMIN, True), (Role.ANALYST, True), (Role.UNIT_MANAGER, False), (Role.VIEWER, False),
])
def test_can_export__admin_and_analyst_only(role: Role, allowed: bool) -> None:
    user = User(email="x@example.org", password_hash="-", role=role, active=True)
    assert can_export(user) is allowed
    user.active = False
    assert can_export(user) is False
    assert can_export(None) is False


def test_export_as_viewer__refused_by_service_and_cli(
        app: Flask, session: Session, runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    period = load(session, app, responses=60)
    viewer = session.scalar(select(User).where(User.role == Role.VIEWER))
    assert viewer is not None
    request = ExportRequest("sipas", period, "csv", tmp_path / "v")
    with pytest.raises(ExportRefused, match="administrators and analysts only"):
        run_export(session, request, user=viewer)
    result = runner.invoke(main, ["export", "--survey", "sipas", "--period", period,
                                  "--format", "csv", "--out", str(tmp_path / "c"),
                                  "--user", viewer.email])
    assert result.exit_code == 1 and "may not export" in result.output
    assert not (tmp_path / "v").exists() and not (tmp_path / "c").exists()
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "export.microdata")) \
        is None


def test_export_as_scoped_analyst__own_subtree_only(
        app: Flask, session: Session, tmp_path: Path) -> None:
    period = load(session, app, responses=120)
    analyst, _ = create_user(session, email="a.ds@example.org", role=Role.ANALYST,
                             unit_code="LD-DS", password="a-long-password-1")
    result = run_export(session, ExportRequest("sipas", period, "csv", tmp_path / "own"),
                        user=analyst)
    data = read_csv(result.data_file)
    assert set(data["unit"]) == {"LD-DS"}
    other = session.scalar(select(Unit.code).where(Unit.code != "LD-DS", Unit.parent_id != None))  # noqa: E711
    with pytest.raises(ExportRefused, match="outside"):
        run_export(session, ExportRequest("sipas", period, "csv", tmp_path / "x",
                                          unit_code=other), user=analyst)


def test_iter_response_chunks__chunked_rows_equal_stored_responses(
        app: Flask, session: Session) -> None:
    from webapp.models import Response, SurveyVersion

    period = parse_period(load(session, app, responses=120))
    chunks = list(iter_response_chunks(session, "sipas", period, chunk=50))
    # Exports list rows by the random public id, never the internal one (issue 21, finding 1).
    # (The demo also holds one-stop ratings: only SIPAS responses are exported here.)
    stored = session.scalars(select(Response).join(SurveyVersion).where(
        Response.period.in_(period.months()), SurveyVersion.survey_key == "sipas")
                             .order_by(Response.public_id)).all()
    sizes = [len(f) for f in chunks]
    assert len(stored) > 100 and sum(sizes) == len(stored)
    assert sizes[:-1] == [50] * (len(sizes) - 1) and 0 < sizes[-1] <= 50
    frame = pd.concat(chunks, ignore_index=True)
    assert list(frame["response_id"]) == [r.public_id for r in stored]
    units = dict(session.execute(select(Unit.id, Unit.code)).all())
    assert list(frame["unit"]) == [units[r.unit_id] for r in stored]
    first = stored[0]
    for answer_id, value in first.answers.items():
        assert frame.loc[0, answer_id] == value
    assert set(frame["period"]) == {str(period)}


def test_codebooks_and_scripts__weights_flagged_frequencies_design(
        app: Flask, session: Session, tmp_path: Path) -> None:
    load(session, app, responses=200)
    result = export(session, tmp_path, "dta")
    data = pd.read_stata(result.data_file, convert_categoricals=False)
    by_suffix = {p.name.split("_", 3)[-1]: p for p in result.files}
    ns = {"d": "ddi:codebook:2_5"}
    root = ET.parse(by_suffix["codebook.xml"]).getroot()  # noqa: S314 - written by this test
    variables = {v.get("name"): v for v in root.iterfind(".//d:dataDscr/d:var", ns)}
    assert list(variables) == list(data.columns)
    weight = variables["weight"]
    assert weight.get("wgt") == "wgt" and weight.get("wgt-var") is None
    assert all(v.get("wgt-var") == weight.get("ID") for n, v in variables.items()
               if n != "weight")
    gender = variables["gender"]
    assert {lab.text for lab in gender.iterfind("d:labl", ns)} == {"Giới tính", "Gender"}
    cats = {c.findtext("d:catValu", namespaces=ns): c for c in gender.iterfind("d:catgry", ns)}
    counts = data["gender"].value_counts()
    for code, cat in cats.items():
        stats = cat.findall("d:catStat", ns)
        assert int(stats[0].text or 0) == counts.get(int(code), 0)
        weighted = data.loc[data["gender"] == int(code), "weight"].sum()
        assert stats[1].get("wgtd") == "wgtd"
        # The codebook rounds weighted counts to 6 decimals (codebook.py): off by ≤ 5e-7, plus
        # the rounding of a sum of a few hundred weights (≤ 1e-8 at these totals).
        assert float(stats[1].text or 0) == pytest.approx(weighted, abs=1e-6)
    c9 = variables["c9_r15"]
    assert [i.get("VALUE") for i in c9.iterfind("d:invalrng/d:item", ns)] == ["9"]
    markdown = by_suffix["codebook.md"].read_text(encoding="utf-8")
    assert "| 2 | Nữ | Female |" in markdown and "Không có ý kiến" in markdown
    do = by_suffix["indices.do"].read_text(encoding="utf-8")
    assert 'if `"`data\'"\' == "" local data "hailong_sipas_' in do
    assert 'use "`data\'", clear' in do and "mata: hl_domain(" in do
    r = by_suffix["indices.R"].read_text(encoding="utf-8")
    assert "postStratify(svydesign(" in r and "haven::read_dta" in r


@pytest.mark.parametrize("fmt", ["csv", "dta", "sav", "parquet"])
def test_export__no_responses__header_only_files(app: Flask, session: Session, tmp_path: Path,
                                                 fmt: str) -> None:
    load(session, app, responses=20)
    # The demo answers SIPAS only: a PAPI export is empty but complete and labelled.
    result = run_export(session, ExportRequest("papi", demo_period(), fmt, tmp_path / fmt),
                        actor="test")
    assert result.rows == 0 and result.data_file.exists()
    if fmt == "csv":
        assert read_csv(result.data_file).empty
        assert "response_id" in result.data_file.read_text(encoding="utf-8-sig")
    elif fmt == "dta":
        assert pd.read_stata(result.data_file).empty
    assert all(p.exists() for p in result.files)
