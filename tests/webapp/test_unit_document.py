"""The unit report as an official document (Nghị định 30/2020): the PDF read back with pypdfium2
holds the national heading, every criterion's full wording with its interval, plans and a
digest of comments without contact data, in Vietnamese and English; the spreadsheet read back
with openpyxl has Vietnamese sheets and headers and numbers formatted as percentages."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pypdfium2
import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import PERIOD, World, build_world, login
from webapp.models import Comment, Unit
from webapp.survey_versions import latest_version, load_version

Q = f"survey=sipas&period={PERIOD}"
PHONE = "0912 345 678"


@pytest.fixture
def world(session: Session) -> World:
    world = build_world(session, responses_per_unit=40)
    a = session.scalar(select(Unit).where(Unit.code == "A"))
    session.add(Comment(unit_id=a.id, period=PERIOD, body=f"Gọi tôi theo số {PHONE} nhé, "
                        "cán bộ tiếp nhận rất nhiệt tình", criterion=None))
    session.commit()
    return world


def _pages(data: bytes) -> list[str]:
    pdf = pypdfium2.PdfDocument(data)
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def _flat(text: str) -> str:
    return " ".join(text.split())


def _criteria_labels(session: Session, language: str) -> list[str]:
    """Every SIPAS criterion's full wording, read from the definition (not from the report)."""
    definition = load_version(latest_version(session, "sipas"))
    spec = definition.scoring_spec()
    rows = {f"{q.id}.{r.id}": r.label for q in definition.questions for r in q.rows}
    return [rows[c].get(language) or rows[c]["vi"] for e in spec["elements"]
            for c in e["criteria"]]


def _plan(client: FlaskClient, code: str = "A") -> None:
    page = client.get(f"/staff/units/{code}/actions?{Q}").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(f"/staff/units/{code}/actions?{Q}", data={
        "csrf_token": token, "index_id": "c9.r17", "owner": "Chị Lan, Bộ phận Một cửa",
        "deadline": "2026-07-31", "description": "Bố trí thêm ghế chờ ở Bộ phận Một cửa"})
    assert response.status_code == 302


@pytest.mark.parametrize("language", ["vi", "en"])
def test_unit_pdf__national_heading_full_criteria_plans_comments(
        client: FlaskClient, world: World, session: Session, language: str) -> None:
    login(client, "manager")
    _plan(client)
    if language == "en":
        client.get("/lang/en?next=/staff/")
    response = client.get(f"/staff/units/A/report.pdf?{Q}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = _pages(response.data)
    text = "\n".join(pages)
    # Diacritics intact and composed (NFC), as a Vietnamese reader's software expects.
    assert unicodedata.is_normalized("NFC", text)
    # Compared with line breaks flattened: where a heading wraps depends on the font's metrics.
    first = _flat(pages[0])
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
    assert "Độc lập - Tự do - Hạnh phúc" in first
    flat = _flat(text)
    # Every criterion's full wording, never cut off (a table cell wraps; words keep order
    # inside the cell, so each label's words appear in the text).
    labels = _criteria_labels(session, language)
    assert len(labels) == 19
    words = flat.split()
    for label in labels:
        for word in label.split():
            assert word in words, (label, word)
    if language == "vi":
        assert "XÃ AN" in first and "TỈNH THỬ" in first
        assert "BÁO CÁO" in first and "Số:" in first
        for heading in ("I. KẾT QUẢ CHUNG", "II. KẾT QUẢ THEO TỪNG TIÊU CHÍ",
                        "IV. THAY ĐỔI SO VỚI KỲ TRƯỚC", "V. CÁC ĐƠN VỊ TRỰC THUỘC",
                        "VI. KẾ HOẠCH KHẮC PHỤC", "VII. Ý KIẾN CỦA NGƯỜI DÂN"):
            assert heading in flat, heading
        assert "Bố trí thêm ghế chờ ở Bộ phận Một cửa" in flat
        assert "Đang thực hiện" in flat or "Quá hạn" in flat
        assert "Nơi nhận:" in flat
        # Vietnamese numbers: a decimal comma.
        interval = flat.split("Khoảng tin cậy 95%: từ ")[1]
        assert "," in interval[:5] and "%" in interval[:6]
    else:
        assert "SOCIALIST REPUBLIC OF VIET NAM" in first
        assert "REPORT" in first and "AN COMMUNE" in first
        for heading in ("I. OVERALL RESULT", "VI. ACTION PLANS", "VII. CITIZENS' COMMENTS"):
            assert heading in flat, heading
    # The comments' digest: the text, without the phone number the citizen typed.
    assert "cán bộ tiếp nhận rất nhiệt tình" in flat
    assert "".join(PHONE.split()) not in "".join(text.split())


def test_unit_pdf__headline_in_its_own_size_and_the_numbers_of_the_page(
        client: FlaskClient, world: World) -> None:
    login(client, "viewer")
    html = client.get(f"/staff/units/A?{Q}").get_data(as_text=True)
    headline = html.split('<p class="big">')[1].split("</p>")[0]
    pdf = pypdfium2.PdfDocument(client.get(f"/staff/units/A/report.pdf?{Q}").data)
    try:
        page = pdf[0].get_textpage()
        text = page.get_text_range()
        assert headline in text
        headline_size = pypdfium2.raw.FPDFText_GetFontSize(page.raw, text.index(headline))
        body_size = pypdfium2.raw.FPDFText_GetFontSize(page.raw, text.index("Khoảng tin cậy"))
    finally:
        pdf.close()
    assert headline_size > 1.4 * body_size
    assert 13 <= body_size <= 14


def test_unit_pdf__trend_axis_is_not_flat_0_to_100(world: World, session: Session,
                                                  app) -> None:  # type: ignore[no-untyped-def]
    from webapp.documents.model import Picture
    from webapp.documents.unit_document import unit_document
    from webapp.statistics.unit_report import build_unit_report

    unit = session.scalar(select(Unit).where(Unit.code == "A"))
    report = build_unit_report(session, "sipas", PERIOD, unit, "vi")
    with app.test_request_context():
        doc = unit_document(session, report, unit, "vi", today=dt.date(2026, 6, 4))
    pictures = [b for b in doc.blocks if isinstance(b, Picture)]
    assert len(pictures) == 1
    assert "trục dọc không bắt đầu từ 0" in pictures[0].caption
    assert doc.place_date == "An, ngày 04 tháng 6 năm 2026"
    from webapp.statistics.unit_charts import bar_of, scale_of, zoomed

    bars = [bar_of(p, f) for p, f in report.trend]
    scale = zoomed(bars, scale_of(report))
    assert (scale.lo, scale.hi) != (0.0, 1.0)
    assert scale.hi - scale.lo <= 0.6


def test_xlsx__vietnamese_sheets_headers_formatted_numbers(client: FlaskClient,
                                                           world: World) -> None:
    login(client, "viewer")
    response = client.get(f"/staff/units/A/report.xlsx?{Q}")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Thông tin", "Chỉ số chung", "Tiêu chí", "Mong muốn cải thiện",
                               "Đơn vị trực thuộc", "Xu hướng"]
    criteria = book["Tiêu chí"]
    header = [c.value for c in criteria[1]]
    assert header[:5] == ["Tiêu chí", "Giá trị", "Cận dưới (KTC 95%)", "Cận trên (KTC 95%)",
                          "Số người trả lời"]
    rows = list(criteria.iter_rows(min_row=2))
    assert len(rows) == 19
    for row in rows:
        label, value, low, high, n = row[:5]
        # Labels, not ids such as c9.r17.
        assert isinstance(label.value, str) and "." not in label.value.split()[0][:4]
        for cell in (value, low, high):
            assert isinstance(cell.value, float) and 0 <= cell.value <= 1
            assert "%" in cell.number_format
        assert isinstance(n.value, int)
    # No value cell is left to show a raw float: every float has a number format.
    for sheet in book:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, float):
                    assert cell.number_format != "General", (sheet.title, cell.coordinate)
    about = {r[0].value: r[1] for r in book["Thông tin"].iter_rows(min_row=2)}
    assert about["Kỳ báo cáo"].value == "Tháng 5/2026"
    assert about["Tỷ lệ phản hồi"].number_format == "0.0%"
    assert isinstance(about["Tỷ lệ phản hồi"].value, float)
    assert about["Khảo sát"].value != "sipas"
    trend = [r[0] for r in book["Xu hướng"].iter_rows(min_row=2, values_only=True)]
    assert trend[-1] == "Tháng 5/2026"


def test_font_missing__named_with_its_debian_package(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path) -> None:  # type: ignore[no-untyped-def]
    from webapp.documents import pdf

    assert pdf.font_dir().is_dir()  # installed here (CI installs fonts-liberation2)
    monkeypatch.setattr(pdf, "FONT_DIRS", (tmp_path,))
    with pytest.raises(pdf.FontMissing, match="fonts-liberation"):
        pdf.font_dir()


@pytest.mark.parametrize(("name", "place"), [
    ("Xã Đắk Song", "Đắk Song"), ("Thành phố Gia Nghĩa", "Gia Nghĩa"),
    ("Thị trấn Đức An", "Đức An"), ("Tỉnh Lâm Đồng", "Lâm Đồng"), ("Xã", "Xã"),
    ("Xãhội", "Xãhội"), ("Ban Quản lý", "Ban Quản lý")])
def test_place_name__without_the_administrative_kind(name: str, place: str) -> None:
    from webapp.documents.model import place_name

    assert place_name(name) == place


def test_xlsx__english_interface__english_sheets(client: FlaskClient, world: World) -> None:
    login(client, "viewer")
    client.get("/lang/en?next=/staff/")
    book = load_workbook(io.BytesIO(client.get(f"/staff/units/A/report.xlsx?{Q}").data))
    assert book.sheetnames == ["About", "Headline", "Criteria", "Wished improvements",
                               "Units below", "Trend"]
    assert book["Headline"]["A2"].value == "Overall index"
    assert book["Headline"]["B2"].number_format == "0.0%"
    about = {r[0].value: r[1].value for r in book["About"].iter_rows(min_row=2)}
    assert about["Unit"] == "An Commune" and about["Reporting period"] == "May 2026"
