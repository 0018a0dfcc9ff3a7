"""The báo cáo: generated through the CLI, read back with python-docx."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from decimal import Decimal
from pathlib import Path

import docx
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy.orm import Session

from tests.webapp.par_index_helpers import add_units, add_user, publish_card, write
from webapp.models import Role
from webapp.par_index.assessment import (
    appraise,
    assign,
    finish_appraisal,
    open_assessment,
    self_score,
    submit,
)
from webapp.par_index.official import import_official
from webapp.par_index.report_content import vi_date, vi_number
from webapp.par_index.targets import add_remedy, set_cause, set_target


def _round(session: Session, unit, version, manager, reviewer, values, adjust=None):  # type: ignore[no-untyped-def]
    a = open_assessment(session, unit, version, manager)
    for code, value in values.items():
        self_score(session, a, code, value=value, explanation="giải trình", user=manager)
    submit(session, a, manager)
    for code in values:
        if adjust and code in adjust:
            appraise(session, a, code, reviewer=reviewer, score=adjust[code][0],
                     reason=adjust[code][1])
        else:
            appraise(session, a, code, reviewer=reviewer)
    finish_appraisal(session, a, reviewer)
    return a


def test_vi_formats() -> None:
    assert vi_number(Decimal("84.660")) == "84,66"
    assert vi_number(Decimal("5.000")) == "5"
    assert vi_date(dt.date(2027, 1, 5)) == "ngày 05 tháng 01 năm 2027"
    assert vi_date(dt.date(2026, 12, 4)) == "ngày 04 tháng 12 năm 2026"


def _two_years(session: Session, tmp_path: Path) -> None:
    """XA1 appraised in 2023 and 2024 (2.1 adjusted down, with owner, cause and remedy), XA2
    in 2024, a 90% target for XA1 and an official SIPAS result."""
    units = add_units(session, tmp_path)
    m1 = add_user(session, "m1@xa1.vn", Role.UNIT_MANAGER, units["XA1"])
    o1 = add_user(session, "o1@xa1.vn", Role.ANALYST, units["XA1"])
    m2 = add_user(session, "m2@xa2.vn", Role.UNIT_MANAGER, units["XA2"])
    rev = add_user(session, "rev@dso.vn", Role.UNIT_MANAGER, units["DSO"])
    v2023, v2024 = publish_card(session, tmp_path, 2023), publish_card(session, tmp_path, 2024)
    _round(session, units["XA1"], v2023, m1, rev, {"1.1": "yes", "1.2": "full", "2.1": "0.9"})
    a = open_assessment(session, units["XA1"], v2024, m1)
    assign(session, a, "2.1", responsible_unit=units["XA1"], account=o1, by=m1)
    _round(session, units["XA1"], v2024, m1, rev, {"1.1": "yes", "1.2": "full", "2.1": "0.9"},
           adjust={"2.1": (Decimal("0.5"), "Số liệu trễ hạn chưa khớp hệ thống")})
    _round(session, units["XA2"], v2024, m2, rev, {"1.1": "yes", "1.2": "full", "2.1": "1"})
    set_target(session, a, "", "level", by=rev, value=Decimal(90))
    set_cause(session, a, "2.1", "Thiếu công chức tại Bộ phận Một cửa", m1)
    add_remedy(session, a, "2.1", owner=o1, deadline=dt.date(2025, 6, 30),
               description="Rà soát, nhắc hạn hồ sơ hằng tuần", by=m1)
    import_official(session, write(tmp_path, (
        "index,year,unit_code,component,score,maximum,rank,out_of,source\n"
        "SIPAS,2024,XA1,,82.5,100,3,12,Báo cáo 87/BC-SNV\n"), "o.csv"))


def test_report_docx__heading_results_lost_points_remedies(runner: FlaskCliRunner,
                                                           session: Session,
                                                           tmp_path: Path) -> None:
    from webapp.cli import main

    _two_years(session, tmp_path)
    out = tmp_path / "bao-cao.docx"
    result = runner.invoke(main, ["report", "--unit", "XA1", "--year", "2024", "--format",
                                  "docx", "--out", str(out), "--place", "Đắk Song"])
    assert result.exit_code == 0, result.output
    doc = docx.Document(str(out))
    section = doc.sections[0]
    # Word stores lengths in twips (1/1440 inch): 210 mm is 11906 twips, 0.01 mm off.
    sizes = (section.page_width, section.page_height, section.left_margin,
             section.right_margin, section.top_margin)
    assert [round(s.mm, 1) for s in sizes] == [210, 297, 30, 15, 20]
    head = doc.tables[0]
    assert head.cell(0, 0).text == "HUYỆN ĐẮK SONG\nXÃ NÂM N'JANG"
    assert head.cell(0, 1).text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    assert head.cell(1, 0).text.startswith("Số:") and "/BC-" in head.cell(1, 0).text
    assert head.cell(1, 1).text.startswith("Đắk Song, ngày ")
    body = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in body
    # 2 + 4 + 2.5 (2.1: 4 x 0.5 = 2, adjusted to 0.5) = 6.5 of 10; XA2 has 10: rank 2 of 2.
    assert "Tổng điểm năm 2024: 6,5/10 điểm, đạt 65%, xếp thứ 2/2, xếp loại Yếu." in body
    assert "So với năm 2023 (8 điểm, 80%): giảm 1,5 điểm; thứ hạng giảm 1 bậc." in body
    assert "Mục tiêu chung (mức 90): chưa đạt." in body
    tables = {t.rows[0].cells[0].text: t for t in doc.tables[1:]}
    official = tables["Chỉ số"]
    assert [c.text for c in official.rows[1].cells] == [
        "SIPAS", "2024", "Toàn chỉ số", "82,5", "100", "3/12", "Báo cáo 87/BC-SNV"]
    achieved, not_achieved, lost, domains = [t for t in doc.tables
                                             if t.rows[0].cells[0].text == "Mã"]
    # Rank per domain among the peers: 2024 XA1 and XA2 (domain 1 tied at 6, domain 2: 0,5
    # against 4); 2023 XA1 alone.
    assert [[c.text for c in r.cells] for r in domains.rows[1:]] == [
        ["1", "Chỉ đạo, điều hành", "6/6", "1/2", "1/1", "không đổi"],
        ["2", "Thủ tục hành chính", "0,5/4", "2/2", "1/1", "giảm 1 bậc"]]
    assert [r.cells[0].text for r in achieved.rows[1:]] == ["1.1", "1.2"]
    assert [c.text for c in not_achieved.rows[1].cells] == [
        "2.1", "Hồ sơ đúng hạn", "0,5", "4", "điểm tối đa", "2/2"]
    assert [c.text for c in lost.rows[1].cells] == [
        "2.1", "Hồ sơ đúng hạn", "3,5", "-1,5", "Xã Nâm N'Jang", "o1@xa1.vn"]
    assert ("- Tiêu chí 2.1 (Hồ sơ đúng hạn): Thiếu công chức tại Bộ phận Một cửa" in body)
    assert ("- Tiêu chí 2.1: Rà soát, nhắc hạn hồ sơ hằng tuần (người thực hiện: o1@xa1.vn; "
            "hạn: 30/06/2025; đang thực hiện)." in body)
    assert doc.tables[-1].cell(0, 0).text.startswith("Nơi nhận:")

    # The PDF is drawn from the same document model: the same words, the same numbers.
    pdf_out = tmp_path / "bao-cao.pdf"
    result = runner.invoke(main, ["report", "--unit", "XA1", "--year", "2024", "--format",
                                  "pdf", "--out", str(pdf_out), "--place", "Đắk Song"])
    assert result.exit_code == 0, result.output
    pages = pdf_pages(pdf_out.read_bytes())
    pdf_text = "\n".join(pages)
    assert unicodedata.is_normalized("NFC", pdf_text)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pages[0]
    assert "Độc lập - Tự do - Hạnh phúc" in pages[0]
    docx_words = Counter(docx_text(doc).split())
    # Page numbers (from page 2) are the only words the PDF adds.
    numbers = Counter(str(n) for n in range(2, len(pages) + 1))
    assert Counter(pdf_text.split()) == docx_words + numbers
    flat = " ".join(pdf_text.split())
    for heading in ("I. KẾT QUẢ ĐẠT ĐƯỢC", "II. TỒN TẠI, HẠN CHẾ", "III. NGUYÊN NHÂN",
                    "IV. GIẢI PHÁP KHẮC PHỤC",
                    "Tổng điểm năm 2024: 6,5/10 điểm, đạt 65%, xếp thứ 2/2, xếp loại Yếu.",
                    "So với năm 2023 (8 điểm, 80%): giảm 1,5 điểm; thứ hạng giảm 1 bậc."):
        assert heading in flat
    assert flat.index("I. KẾT QUẢ") < flat.index("II. TỒN TẠI") < flat.index("IV. GIẢI PHÁP")


def _cells(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[c.text for c in row.cells] for row in table.rows]


def test_report_docx__english_copy_from_the_same_model(runner: FlaskCliRunner,
                                                        session: Session,
                                                        tmp_path: Path) -> None:
    from webapp.cli import main

    _two_years(session, tmp_path)
    read = {}
    for lang in ("vi", "en"):
        out = tmp_path / f"bao-cao-{lang}.docx"
        result = runner.invoke(main, ["report", "--unit", "XA1", "--year", "2024", "--out",
                                      str(out), "--place", "Đắk Song", "--lang", lang])
        assert result.exit_code == 0, result.output
        read[lang] = docx.Document(str(out))
    vi, en = read["vi"], read["en"]
    head = en.tables[0]
    # The national heading stays in Vietnamese, with its translation underneath.
    assert head.cell(0, 1).text == (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "SOCIALIST REPUBLIC OF VIET NAM\nIndependence - Freedom - Happiness")
    assert head.cell(1, 0).text.startswith("No.:")
    # The date in English words ("5 December 2026"), not "ngày 05 tháng 12".
    place, day = head.cell(1, 1).text.split(", ")
    assert place == "Đắk Song" and day[0].isdigit() and "tháng" not in day
    body = [p.text for p in en.paragraphs]
    assert "REPORT" in body
    for line in ("I. RESULTS ACHIEVED", "II. SHORTCOMINGS AND LIMITATIONS", "III. CAUSES",
                 "IV. REMEDIES",
                 "Total for 2024: 6.5/10 points, 65%, ranked 2/2, classified Weak.",
                 "Compared with 2023 (8 points, 80%): down 1.5 points; rank down 1 place(s).",
                 "Overall target (level 90): not achieved.",
                 "- Criterion 2.1 (Dossiers on time): Thiếu công chức tại Bộ phận Một cửa",
                 "- Criterion 2.1: Rà soát, nhắc hạn hồ sơ hằng tuần (owner: o1@xa1.vn; "
                 "deadline: 30 June 2025; in progress)."):
        assert line in body, line
    assert not any("Tổng điểm" in p or "Tiêu chí" in p for p in body)
    # The same tables in both languages: headers translated, numbers the same with the
    # reader's decimal mark, criterion names from the scorecard's English labels.
    vi_tables = [_cells(t) for t in vi.tables[1:-1]]
    en_tables = [_cells(t) for t in en.tables[1:-1]]
    assert len(vi_tables) == len(en_tables) == 5  # official, achieved, not, lost, domains
    assert en_tables[0][0] == ["Index", "Year", "Component", "Score", "Maximum", "Rank",
                               "Source"]
    assert en_tables[0][1] == ["SIPAS", "2024", "Whole index", "82.5", "100", "3/12",
                               "Báo cáo 87/BC-SNV"]
    lost_vi, lost_en = vi_tables[3], en_tables[3]
    assert lost_en[0] == ["Code", "Criterion", "Points lost", "Change on last year",
                          "Responsible unit", "Responsible person"]
    assert lost_en[1] == ["2.1", "Dossiers on time", "3.5", "-1.5", "Xã Nâm N'Jang",
                          "o1@xa1.vn"]
    assert [c.replace(",", ".") for c in lost_vi[1][2:4]] == lost_en[1][2:4]
    assert en_tables[4][1:] == [["1", "Direction", "6/6", "1/2", "1/1", "unchanged"],
                                ["2", "Procedures", "0.5/4", "2/2", "1/1", "down 1 place(s)"]]
    assert en.tables[-1].cell(0, 0).text.startswith("Recipients:")


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF, read back with pypdfium2."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def docx_text(document) -> str:  # type: ignore[no-untyped-def]
    """Every paragraph and table cell of a DOCX (header table included), in order."""
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_report_cli__unit_without_assessment__exit_1(runner: FlaskCliRunner, session: Session,
                                                    tmp_path: Path) -> None:
    from webapp.cli import main

    add_units(session, tmp_path)
    result = runner.invoke(main, ["report", "--unit", "XA1", "--year", "2024", "--out",
                                  str(tmp_path / "x.docx")])
    assert result.exit_code == 1
    assert "XA1 has no scorecard assessment for 2024" in result.output
    assert not (tmp_path / "x.docx").exists()


def test_report__citizens_lowest_rated_and_most_wanted(app: Flask, session: Session,
                                                      tmp_path: Path) -> None:
    from tests.reference_indices import compute_indices
    from tests.webapp.staff_helpers import build_world
    from webapp.models import Unit, User
    from webapp.par_index.report_content import build_report
    from webapp.par_index.report_document import write_docx
    from webapp.statistics import indices_cache
    from webapp.statistics.unit_report import unit_rows

    indices_cache.clear()
    build_world(session, responses_per_unit=60)
    admin = session.query(User).filter_by(role=Role.ADMIN).one()
    unit = session.query(Unit).filter_by(code="A").one()
    version = publish_card(session, tmp_path, 2026)
    a = open_assessment(session, unit, version, admin)
    for code, value in {"1.1": "yes", "1.2": "full", "2.1": "1"}.items():
        self_score(session, a, code, value=value, explanation="x", user=admin)
    # The second path: the uncached SIPAS computation of the unit.
    rows = unit_rows(compute_indices(session, "sipas", "2026", "A").results, "A")
    criteria = rows[rows["index_level"] == "criterion"].dropna(subset=["estimate"])
    lowest = sorted(float(v) for v in criteria["estimate"])[:3]
    # The báo cáo's words come from the interface catalogue, which needs the app.
    with app.app_context():
        content = build_report(session, unit, 2026, date=dt.date(2027, 1, 15))
        assert len(content.citizens_worst) == 3
        shown = [line.split(": ")[-1].split("%")[0] for line in content.citizens_worst]
        assert shown == [vi_number(Decimal(str(round(v * 100, 2)))) for v in lowest]
        assert content.citizens_wanted, "the SIPAS grid of wishes has answers"
        out = tmp_path / "r.docx"
        write_docx(content, out)
    text = [p.text for p in docx.Document(str(out)).paragraphs]
    assert "Những nội dung người dân đánh giá thấp nhất (khảo sát SIPAS tại Bộ phận Một cửa):" \
        in text
    assert f"- {content.citizens_worst[0]};" in text
    assert f"- {content.citizens_wanted[0]};" in text
