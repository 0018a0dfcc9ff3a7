"""The unit report (PDF and XLSX) of PAPI and one-stop reads as their pages do (issue 15).

The files are read back (pypdfium2, openpyxl) and compared with independent references: PAPI
with R ``survey`` on the demo's field answers (tests/analysis/reference/papi_demo/), one-stop
with the raw-row path of ``tests/reference_indices``.
"""

from __future__ import annotations

import io
import json
import re

import pypdfium2
import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from tests.webapp.test_instrument_pages import REFERENCE, SEED, _reference_rows, sign_in
from webapp.demo.loader import DemoReport, demo_months, load_demo
from webapp.fieldwork.indices import field_periods
from webapp.survey_versions import latest_version, load_version
from webapp.template_helpers import number, pct, points


@pytest.fixture
def demo(app: Flask, session: Session) -> DemoReport:
    return load_demo(session, app.config, responses=600, seed=SEED)


def _every_word_of(labels: list[str], text: str) -> None:
    """Each label in full: its words all in the text (a table cell wraps a long label)."""
    words = set(text.split())
    for label in labels:
        missing = [w for w in label.split() if w not in words]
        assert not missing, (label, missing)


def _spec(session: Session, key: str) -> dict:
    return load_version(latest_version(session, key)).scoring_spec()


def _pdf_text(data: bytes) -> str:
    pdf = pypdfium2.PdfDocument(data)
    try:
        return " ".join(" ".join(pdf[i].get_textpage().get_text_range().split())
                        for i in range(len(pdf)))
    finally:
        pdf.close()


def test_papi_report__subdimensions_with_contributions_equal_r(
        client: FlaskClient, demo: DemoReport, session: Session) -> None:
    year = field_periods(session, "papi")[-1]
    ref = json.loads((REFERENCE / "papi_demo_refs.json").read_text())["domains"]["LD"]
    sign_in(client, demo, "manager.lamdong@demo.hailong")
    query = f"survey=papi&period={year}"
    text = _pdf_text(client.get(f"/staff/units/LD/report.pdf?{query}").data)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert number(ref["total"]["estimate"], 2, "vi") in text
    assert "Các nội dung và nội dung thành phần" in text
    # A sub-dimension row: its score (1-10), then its contribution to the dimension.
    assert (f"Tri thức công dân {number(ref['1.1']['estimate'], 2, 'vi')} "
            f"{number(ref['1.1:contribution']['estimate'], 2, 'vi')}") in text
    # Every indicator's full wording, from the definition (those with a label of their own).
    labels = [ind["label"]["vi"] for dim in _spec(session, "papi")["dimensions"]
              for sub in dim["subdimensions"] for ind in sub["indicators"]
              if (ind.get("label") or {}).get("vi")]
    assert len(labels) >= 20
    _every_word_of(labels, text)
    overall = text.split("I. KẾT QUẢ CHUNG")[1].split("II. ")[0]
    assert not re.search(r"\d%", overall.replace("95%", ""))  # scores, never shares

    book = load_workbook(io.BytesIO(client.get(f"/staff/units/LD/report.xlsx?{query}").data))
    rows = {str(r[0]).strip(): r for r in book["Nội dung thành phần"].iter_rows(
        min_row=2, values_only=True)}
    civic = rows["Tri thức công dân"]
    assert civic[1] == pytest.approx(ref["1.1"]["estimate"], rel=1e-9)
    assert civic[2] == pytest.approx(ref["1.1:contribution"]["estimate"], rel=1e-9)
    dimension = rows["Tham gia của người dân ở cấp cơ sở"]
    assert dimension[1] == pytest.approx(ref["D1"]["estimate"], rel=1e-9)
    assert sum(rows[k][2] for k in ("Tri thức công dân", "Cơ hội tham gia",
                                    "Chất lượng bầu cử", "Đóng góp tự nguyện")
               ) == pytest.approx(ref["D1"]["estimate"], rel=1e-9)
    # Headline sheet: the total and dimensions, not the sub-dimension rows twice.
    heads = [r[0] for r in book["Chỉ số chung"].iter_rows(min_row=2, values_only=True)]
    assert "Tri thức công dân" not in heads and len(heads) == 9


def test_onestop_report__tt01_points_total_band_and_satisfied_share(
        client: FlaskClient, demo: DemoReport, session: Session) -> None:
    year = demo_months()[-1][:4]
    ref = _reference_rows(session, "onestop", year, "LD-DS")
    sign_in(client, demo, "manager.dakso@demo.hailong")
    query = f"survey=onestop&period={year}"
    text = _pdf_text(client.get(f"/staff/units/LD-DS/report.pdf?{query}").data)
    assert pct(ref.loc["satisfied", "estimate"], 1, "vi") in text
    assert "Chín chỉ số theo Thông tư 01/2018/TT-VPCP" in text
    spec = _spec(session, "onestop")
    labels = [i["label"]["vi"] for i in [*spec["indicators"], *spec["unit_indicators"]]]
    assert len(labels) == 9
    _every_word_of(labels, text)
    for index_id, label in (("tt01_1", "Chỉ số 1: Tổng thời gian giải quyết"),
                            ("tt01_3", "Chỉ số 3: Số lần liên hệ để hoàn thiện hồ sơ")):
        assert label in text
        assert points(ref.loc[index_id, "estimate"], 1, "vi") in text
    # All nine exist for Đắk Song (5, 8, 9 entered by the demo: 1 + 2 + 1): total and band.
    total = ref.loc["points", "estimate"] + 4
    band = next(b for lo, b in ((15, "Xuất sắc"), (12, "Tốt"), (9, "Khá"), (6, "Trung bình"),
                                (0, "Yếu")) if total >= lo)
    assert f"Tổng điểm: {number(total, 1, 'vi')}/18 điểm; xếp loại: {band}." in text
    # Indicator points are never printed as percentages (1.5 as 150,0%).
    assert points(ref.loc["tt01_3", "estimate"], 1, "vi") in text
    assert pct(ref.loc["tt01_3", "estimate"], 1, "vi") not in text

    book = load_workbook(io.BytesIO(client.get(f"/staff/units/LD-DS/report.xlsx?{query}").data))
    sheet = book["Thông tư 01"]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    first = rows["Chỉ số 1: Tổng thời gian giải quyết so với thời gian cho phép"]
    assert first[1].value == pytest.approx(ref.loc["tt01_1", "estimate"], rel=1e-9)
    assert "điểm" in first[1].number_format and "%" not in first[1].number_format
    assert first[4].value == "hồ sơ (đúng hẹn hay trễ hẹn)"
    assert rows["Tổng điểm chín chỉ số (0 đến 18 điểm)"][1].value == pytest.approx(total,
                                                                                  rel=1e-9)
    assert rows["Xếp loại (Thông tư 01/2018/TT-VPCP)"][1].value == band
    # The criteria sheet holds indicator points in points, the headline share in %.
    criteria = {r[0].value: r for r in book["Tiêu chí"].iter_rows(min_row=2)}
    assert "điểm" in criteria["Chỉ số 3: Số lần liên hệ để hoàn thiện hồ sơ"][1].number_format
    assert book["Chỉ số chung"]["B2"].number_format == "0.0%"
