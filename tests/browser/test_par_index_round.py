"""The PAR INDEX round in a real browser, for two communes: each manager self-scores with
evidence and submits, the reviewer of the level above appraises, the commune page shows total,
rank, band, đạt/chưa đạt and lost points with owners, and the báo cáo downloads as DOCX."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from tests.webapp.par_index_helpers import publish_card, write
from tests.webapp.staff_helpers import PASSWORD, USERS, World, build_world
from webapp.administration.users import PASSWORD_METHOD
from webapp.models import Role, Unit, User
from webapp.par_index.official import import_official

pytestmark = pytest.mark.browser
REVIEWER = "reviewer.p@t.vn"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(session: Session, tmp_path: Path) -> World:
    world = build_world(session)
    publish_card(session, tmp_path, 2024)
    province = session.query(Unit).filter_by(code="P").one()
    session.add(User(email=REVIEWER, role=Role.UNIT_MANAGER, unit_id=province.id,
                     password_hash=generate_password_hash(PASSWORD, method=PASSWORD_METHOD)))
    session.commit()
    import_official(session, write(tmp_path, (
        "index,year,unit_code,component,score,maximum,rank,out_of,source\n"
        "PAR_INDEX,2024,P,,83.1,100,62,63,secondary G8\n"
        "SIPAS,2024,A,,82.5,100,3,12,Báo cáo 87/BC-SNV\n"), "official.csv"))
    return world


def _sign_in(page, live_server: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(live_server + "/staff/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/staff/")


def _form(page, action: str):  # type: ignore[no-untyped-def]
    return page.locator(f"form[action$='{action}']")


def _self_assess(page, live_server: str, code: str, values: dict[str, str],  # type: ignore[no-untyped-def]
                 evidence: Path) -> None:
    page.goto(f"{live_server}/staff/parindex/{code}/2024")
    page.click("text=Bắt đầu tự đánh giá")
    expect(page.locator("main")).to_contain_text("đang tự đánh giá")
    for item, value in values.items():
        form = _form(page, f"/items/{item}/score")
        field = form.locator("[name=value]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
        form.locator("textarea[name=explanation]").fill(f"Giải trình tiêu chí {item}")
        if item == "1.1":
            form.locator("input[name=evidence]").set_input_files(str(evidence))
        form.locator("button").click()
        expect(page.locator("main")).to_contain_text("Đã lưu điểm.")
    page.click("text=Gửi thẩm định")
    expect(page.locator("main")).to_contain_text("đã gửi, chờ thẩm định")


def _appraise(page, live_server: str, code: str, adjust: dict[str, tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/staff/parindex/{code}/2024")
    for item in ("1.1", "1.2", "2.1"):
        form = _form(page, f"/items/{item}/appraise")
        if item in adjust:
            form.locator("input[name=score]").fill(adjust[item][0])
            form.locator("input[name=reason]").fill(adjust[item][1])
        form.locator("button").click()
        expect(page.locator("main")).to_contain_text("Đã lưu kết quả thẩm định.")
    expect(page.locator("main")).to_contain_text("Tình trạng: đã thẩm định")


def test_round__two_communes__self_score_appraise_page_and_report(  # type: ignore[no-untyped-def]
        live_server: str, browser, world: World, tmp_path: Path) -> None:
    evidence = tmp_path / "Kế hoạch CCHC 2024.pdf"
    evidence.write_bytes(PDF)
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    _sign_in(page, live_server, USERS["manager"][0])
    _self_assess(page, live_server, "A", {"1.1": "yes", "1.2": "half", "2.1": "0,9"}, evidence)
    _sign_in(page, live_server, USERS["manager_b"][0])
    assert page.goto(f"{live_server}/staff/parindex/A/2024").status == 403
    _self_assess(page, live_server, "B", {"1.1": "yes", "1.2": "full", "2.1": "1"}, evidence)
    _sign_in(page, live_server, REVIEWER)
    _appraise(page, live_server, "A", {"2.1": ("1", "Số liệu đúng hạn chưa khớp hệ thống")})
    _appraise(page, live_server, "B", {})
    _sign_in(page, live_server, USERS["manager"][0])
    page.goto(f"{live_server}/staff/parindex/A/2024")
    main = page.locator("main")
    # A: 2 + 2 + 1 (2.1 adjusted from 2) = 5 of 10; B: 10 of 10, so A ranks 2 of 2.
    expect(main).to_contain_text("Tổng điểm: 5/10")
    expect(main).to_contain_text("50% · xếp thứ 2/2 · Yếu · chưa đạt")
    expect(main).to_contain_text("Số liệu đúng hạn chưa khớp hệ thống")
    lost = page.locator("#lost-points")
    expect(lost.locator("tbody tr").first).to_contain_text("2.1. Hồ sơ đúng hạn")
    expect(lost.locator("tbody tr").first).to_contain_text("3")
    expect(lost.locator("tbody tr").nth(1)).to_contain_text("1.2. Hoàn thành kế hoạch")
    with page.expect_download() as info:
        page.click("text=Tải báo cáo (DOCX)")
    path = tmp_path / "report.docx"
    info.value.save_as(str(path))
    document = docx.Document(str(path))
    assert document.tables[0].cell(0, 1).text.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Tổng điểm năm 2024: 5/10 điểm, đạt 50%, xếp thứ 2/2, xếp loại Yếu." in text
    with page.expect_download() as ev:
        page.click("text=Kế hoạch CCHC 2024.pdf")
    assert Path(ev.value.path()).read_bytes() == PDF
    context.close()
    # The province's reviewer opens the index from the menu on a 360 px phone: both communes
    # with total, band and rank, best first, and no sideways scrolling of the page.
    phone = browser.new_context(viewport={"width": 360, "height": 740})
    page = phone.new_page()
    _sign_in(page, live_server, REVIEWER)
    page.click("text=PAR INDEX")
    page.wait_for_url("**/staff/parindex/")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    expected = (("Xã Bình", "10/10", "1/2"), ("Xã An", "5/10", "2/2"))
    for position, texts in enumerate(expected):
        for text in texts:
            expect(rows.nth(position)).to_contain_text(text)
    expect(rows.nth(1)).to_contain_text("Yếu")
    page.screenshot(path=str(tmp_path / "parindex-index-360.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.click("text=Xã An")
    expect(page.locator("main")).to_contain_text("Tổng điểm: 5/10")
    phone.close()
