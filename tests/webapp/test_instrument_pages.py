"""PAPI, one-stop and SIPAS 2017 unit pages read as their official reports do (issue 15).

Each page is opened on the demo (``hailong demo``: all four instruments) as a manager would, and
checked for labels instead of keys, values in their own unit (% for shares, "điểm" for TT 01
points, PAPI scores on 1-10 and 8-80) and figures equal to an independent reference:

* PAPI: R ``survey`` on the demo's field answers (tests/analysis/reference/papi_demo/,
  make_papi_demo.py then make_papi_scores.R), with its own reading of the scoring block;
* one-stop and SIPAS 2017: the raw-row path (``tests/reference_indices``, itself checked against
  R), while the pages read the cells kept in the database (SQL on PostgreSQL).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.units import unit_results
from tests.numeric import estimate_floor, variance_floor
from tests.reference_indices import compute_indices
from tests.webapp.staff_helpers import csrf_token
from webapp.demo.loader import DemoReport, demo_months, load_demo
from webapp.fieldwork.indices import answers_frame, field_periods, field_results
from webapp.models import AuditEntry, OnestopUnitScore, Unit
from webapp.periods import parse_period
from webapp.statistics.expectations import expectation_spec
from webapp.statistics.microdata import load_dossier_counts, load_responses
from webapp.survey_versions import latest_version, load_version
from webapp.template_helpers import number, pct, points
from webapp.unit_tree import unit_parents

REFERENCE = Path(__file__).parents[1] / "analysis" / "reference" / "papi_demo"
SEED = 2025  # make_papi_demo.py loads the demo with this seed
# Keys that must never reach a person: indicator and output ids of the three instruments.
KEYS = re.compile(r"\b(tt01_\d|d\d_[a-z_]+|\d\.\d(:contribution)?|sat_overall|points_share|"
                  r"satisfied|total|overall_item|subdimension|onestop|papi|sipas_2017)\b")


@pytest.fixture
def demo(app: Flask, session: Session) -> DemoReport:
    return load_demo(session, app.config, responses=600, seed=SEED)


def sign_in(client: FlaskClient, demo: DemoReport, email: str) -> None:
    password = next(pw for _, mail, pw, _ in demo.logins if mail == email)
    response = client.post("/auth/login", data={"email": email, "password": password,
                                                "csrf_token": csrf_token(client)})
    assert response.status_code == 302


def visible(html: str) -> str:
    """The text a reader sees (no charts, scripts, attributes or tags)."""
    html = re.sub(r"<(svg|script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<select\b.*?</select>", " ", html, flags=re.S)  # options' values
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", text.replace("&#39;", "'").replace("&quot;", '"'))


def row_of(html: str, label: str) -> str:
    """The visible text of the table row whose header is ``label``."""
    for row in re.findall(r"<tr\b.*?</tr>", html, flags=re.S):
        text = visible(row).strip()
        if text.startswith(label):
            return text
    raise AssertionError(f"no row {label!r}")


def no_keys(text: str) -> None:
    found = sorted({m.group(0) for m in KEYS.finditer(text)})
    assert not found, found


# ---- PAPI -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def papi_refs() -> dict:
    return json.loads((REFERENCE / "papi_demo_refs.json").read_text())


def test_papi_page__dimensions_total_subdimensions_equal_r(client: FlaskClient, demo: DemoReport,
                                                           session: Session,
                                                           papi_refs: dict) -> None:
    year = field_periods(session, "papi")[-1]
    # The demo's answers are the ones R scored.
    spec = json.loads((REFERENCE / "papi_demo_spec.json").read_text())
    committed = pd.read_csv(REFERENCE / "papi_demo_answers.csv")
    mine = answers_frame(session, "papi", year).reindex(columns=committed.columns).sort_values(
        ["unit", "psu", *committed.columns[4:]], kind="stable")  # as make_papi_demo.py writes
    mine = pd.read_csv(io.StringIO(mine.to_csv(index=False)))
    pd.testing.assert_frame_equal(mine, committed)

    sign_in(client, demo, "manager.lamdong@demo.hailong")
    html = client.get(f"/staff/units/LD?survey=papi&period={year}").get_data(as_text=True)
    text = visible(html)
    ref = papi_refs["domains"]["LD"]
    headline = visible(html.split('class="big">')[1].split("</p>")[0]).strip()
    assert headline == number(ref["total"]["estimate"], 2, "vi")
    assert "Điểm PAPI tổng hợp (8-80)" in text and f"Năm {year}" in text
    assert row_of(html, "Tham gia của người dân ở cấp cơ sở").startswith(
        "Tham gia của người dân ở cấp cơ sở " + number(ref["D1"]["estimate"], 2, "vi"))
    # Sub-dimension score, then its contribution (adding up to the dimension).
    civic = row_of(html, "Tri thức công dân")
    assert civic.startswith("Tri thức công dân " + number(ref["1.1"]["estimate"], 2, "vi") + " "
                            + number(ref["1.1:contribution"]["estimate"], 2, "vi"))
    parts = [ref[f"1.{k}:contribution"]["estimate"] for k in range(1, 5)]
    assert sum(parts) == pytest.approx(ref["D1"]["estimate"], rel=1e-12)
    assert "Không phải chi thêm tiền ngoài quy định tại bệnh viện công tuyến huyện" in text
    no_keys(text)
    # Standard errors: the design's strata and PSUs, as R computes them.
    province = session.scalar(select(Unit).where(Unit.code == "LD"))
    rows, answers = field_results(session, "papi", year, spec, [province])
    assert answers == papi_refs["n"]
    rows = rows[rows["scope"] == "subtree"].set_index("index_id")
    for index_id, expected in ref.items():
        if expected["estimate"] is None or index_id not in rows.index:
            continue
        got = rows.loc[index_id]
        assert abs(got["estimate"] - expected["estimate"]) <= estimate_floor(answers, 80.0)
        assert abs(got["se"] ** 2 - expected["se"] ** 2) <= max(
            variance_floor(answers, 80.0), 1e-9 * expected["se"] ** 2), index_id
    assert rows.loc["total", "ci_low"] < ref["total"]["estimate"] < rows.loc["total", "ci_high"]


def test_papi_page__commune__estimate_equals_r_and_says_why_no_interval(
        client: FlaskClient, demo: DemoReport, session: Session, papi_refs: dict) -> None:
    year = field_periods(session, "papi")[-1]
    sign_in(client, demo, "manager.dakso@demo.hailong")
    html = client.get(f"/staff/units/LD-DS?survey=papi&period={year}").get_data(as_text=True)
    text = visible(html)
    ref = papi_refs["domains"]["LD-DS"]
    assert number(ref["total"]["estimate"], 2, "vi") in text
    assert row_of(html, "Quản trị điện tử").startswith(
        "Quản trị điện tử " + number(ref["D8"]["estimate"], 2, "vi"))
    assert "nằm trọn trong một cụm của mẫu" in text  # one PSU: no interval, and why
    assert "Phỏng vấn hộ gia đình" in text
    no_keys(text)


@pytest.mark.needs_r
def test_make_papi_scores_r__reproduces_committed_json(tmp_path: Path, papi_refs: dict) -> None:
    """Re-run make_papi_scores.R on the committed answers; it must give the committed JSON."""
    if shutil.which("Rscript") is None:
        if os.environ.get("HAILONG_REQUIRE_ALL") == "1":
            pytest.fail("Rscript is required (HAILONG_REQUIRE_ALL=1)")
        pytest.skip("Rscript not installed")
    for name in ("make_papi_scores.R", "papi_demo_answers.csv", "papi_demo_spec.json"):
        shutil.copy(REFERENCE / name, tmp_path / name)
    subprocess.run(["Rscript", "make_papi_scores.R"], cwd=tmp_path, check=True,
                   capture_output=True, timeout=300)
    again = json.loads((tmp_path / "papi_demo_refs.json").read_text())
    for domain, outputs in papi_refs["domains"].items():
        for index_id, ref in outputs.items():
            new = again["domains"][domain][index_id]
            if ref["estimate"] is None:
                assert new["estimate"] is None
                continue
            assert new["estimate"] == pytest.approx(ref["estimate"], rel=1e-12, abs=1e-12)
            assert new["se"] == pytest.approx(ref["se"], rel=1e-9, abs=1e-12)


# ---- one-stop ---------------------------------------------------------------------------------
def _reference_rows(session: Session, survey: str, period: str, unit: str) -> pd.DataFrame:
    rows = compute_indices(session, survey, period, unit).results
    rows = rows[rows["unit"] == unit]
    return rows[rows["scope"] == rows["scope"].max()].set_index("index_id")  # subtree if any


def test_onestop_page__points_satisfied_share_and_total_equal_reference(
        client: FlaskClient, demo: DemoReport, session: Session) -> None:
    year = demo_months()[-1][:4]
    ref = _reference_rows(session, "onestop", year, "LD-DS")
    sign_in(client, demo, "manager.dakso@demo.hailong")
    html = client.get(f"/staff/units/LD-DS?survey=onestop&period={year}").get_data(as_text=True)
    text = visible(html)
    assert "Tỷ lệ đánh giá hài lòng" in text
    headline = visible(html.split('class="big">')[1].split("</p>")[0]).strip()
    assert headline == pct(ref.loc["satisfied", "estimate"], 1, "vi")
    # Points, never percentages: "1,5 điểm", and indicator 1 comes from the dossiers.
    for index_id, label in (("tt01_1", "Chỉ số 1: Tổng thời gian giải quyết"),
                            ("tt01_3", "Chỉ số 3: Số lần liên hệ để hoàn thiện hồ sơ")):
        row = row_of(html.split('id="h-tt01"')[1], label)
        assert points(ref.loc[index_id, "estimate"], 1, "vi") in row, row
    assert "hồ sơ (đúng hẹn hay trễ hẹn)" in row_of(html.split('id="h-tt01"')[1], "Chỉ số 1")
    assert not re.search(r"\b1[0-9]{2},\d%", text)  # no 150,0%
    # All nine exist for Đắk Song this year (5, 8, 9 entered: 1 + 2 + 1): total and band.
    total = ref.loc["points", "estimate"] + 4
    band = next(b for lo, b in ((15, "Xuất sắc"), (12, "Tốt"), (9, "Khá"), (6, "Trung bình"),
                                (0, "Yếu")) if total >= lo)
    assert f"{number(total, 1, 'vi')}/18 điểm: {band}" in text
    no_keys(text)


def test_onestop_page__missing_indicators_named__staff_entry_audited(
        client: FlaskClient, demo: DemoReport, session: Session) -> None:
    year = demo_months()[-1][:4]
    sign_in(client, demo, "manager.lamdong@demo.hailong")  # the province enters nothing itself
    url = f"/staff/units/LD?survey=onestop&period={year}"
    text = visible(client.get(url).get_data(as_text=True))
    missing = text.split("Chưa có tổng điểm trên 18")[1].split("Thông tư chỉ xếp loại")[0]
    assert "Chỉ số 5" in missing and "Chỉ số 8" in missing and "Chỉ số 9" in missing
    assert "/18 điểm:" not in text  # no band on a share of fewer indicators
    post = f"/staff/units/LD/onestop-scores?survey=onestop&period={year}"
    token = csrf_token(client, url)
    refused = client.post(post, data={"csrf_token": token, "tt01_5": "3"})
    assert refused.status_code == 302
    assert "0, 1 hoặc 2" in client.get(url).get_data(as_text=True)
    province = session.scalar(select(Unit.id).where(Unit.code == "LD"))
    mine = select(OnestopUnitScore).where(OnestopUnitScore.period == year,
                                          OnestopUnitScore.unit_id == province)
    assert session.scalars(mine).all() == []
    saved = client.post(post, data={"csrf_token": token, "tt01_5": "2", "tt01_8": "2",
                                    "tt01_9": "0"})
    assert saved.status_code == 302
    text = visible(client.get(url).get_data(as_text=True))
    ref = _reference_rows(session, "onestop", year, "LD")
    assert f"{number(ref.loc['points', 'estimate'] + 4, 1, 'vi')}/18 điểm" in text
    audits = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "onestop.unit_score")).all()
    assert {a.detail["indicator"] for a in audits} == {"tt01_5", "tt01_8", "tt01_9"}
    # Twice the same form changes nothing more.
    client.post(post, data={"csrf_token": token, "tt01_5": "2", "tt01_8": "2", "tt01_9": "0"})
    assert len(session.scalars(mine).all()) == 3


def test_onestop_scores__viewer_refused(client: FlaskClient, demo: DemoReport) -> None:
    sign_in(client, demo, "viewer.giangh@demo.hailong")
    token = csrf_token(client, "/staff/")
    response = client.post("/staff/units/LD-GN/onestop-scores?survey=onestop&period=2026",
                           data={"csrf_token": token, "tt01_5": "2"})
    assert response.status_code == 403


# ---- SIPAS 2017 -------------------------------------------------------------------------------
def test_sipas_2017_page__overall_question_and_expectations_equal_reference(
        client: FlaskClient, demo: DemoReport, session: Session) -> None:
    year = str(parse_period(demo_months()[0]).previous().year)
    ref = _reference_rows(session, "sipas_2017", year, "LD-DS")
    sign_in(client, demo, "manager.dakso@demo.hailong")
    html = client.get(f"/staff/units/LD-DS?survey=sipas_2017&period={year}"
                      ).get_data(as_text=True)
    text = visible(html)
    overall = row_of(html, "Tỷ lệ hài lòng chung (câu hỏi chung)")
    assert overall.startswith("Tỷ lệ hài lòng chung (câu hỏi chung) "
                              + pct(ref.loc["sat_overall", "estimate"], 1, "vi"))
    assert row_of(html, "Thủ tục hành chính").startswith(
        "Thủ tục hành chính " + pct(ref.loc["E2", "estimate"], 1, "vi"))
    # The pick-up-to-3 question: share of those who answered it, from the raw rows.
    definition = load_version(latest_version(session, "sipas_2017"))
    unit_id = session.scalar(select(Unit.id).where(Unit.code == "LD-DS"))
    parsed = parse_period(year)
    wishes = unit_results(load_responses(session, "sipas_2017", parsed, {unit_id}),
                          expectation_spec(definition),
                          dossiers=load_dossier_counts(session, parsed, {unit_id}),
                          parents={k: v for k, v in unit_parents(session).items()
                                   if k == "LD-DS"}, unmatched="drop")
    wishes = wishes[(wishes["unit"] == "LD-DS") & (wishes["index_level"] == "criterion")]
    fees = wishes.set_index("index_id").loc["expectations#5", "estimate"]
    assert row_of(html, "Giảm phí/lệ phí").startswith("Giảm phí/lệ phí " + pct(fees, 1, "vi"))
    assert "tối đa ba nội dung" in text
    shares = wishes["estimate"].to_numpy(dtype=float)
    assert np.nansum(shares) > 1.0  # several picks each
    no_keys(text)
