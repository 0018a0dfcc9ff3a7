"""An interviewer on a tablet (768 px) and a phone (360 px): signs in, lands on the
assignments, opens a respondent, answers on the survey pages, sends; the paper entry screen
fits too. No page scrolls sideways."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.webapp.fieldwork_helpers import PASSWORD, Field, setup_field
from webapp.models import FieldAnswer

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("HAILONG_SCREENSHOTS")  # a directory: save screenshots there


def _fits(page, width: int) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.mark.parametrize("width", [768, 360])
def test_interviewer__tablet_and_phone__interview_stored(browser, live_server: str,  # type: ignore[no-untyped-def]
                                                         session: Session, tmp_path,
                                                         width: int) -> None:
    from playwright.sync_api import expect

    field: Field = setup_field(session, tmp_path)
    context = browser.new_context(viewport={"width": width, "height": 1000},
                                  has_touch=True, is_mobile=width < 400)
    page = context.new_page()
    try:
        page.goto(live_server + "/auth/login")
        page.fill("input[name=email]", "iv.a@t.vn")
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url("**/staff/fieldwork/assignments")
        expect(page.locator("h1")).to_have_text("Danh sách phỏng vấn được phân công cho tôi")
        _fits(page, width)
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"assignments_{width}.png"))
        page.locator("ol.people > li").first.get_by_text("Bắt đầu phỏng vấn").click()
        expect(page.locator("p.step")).to_contain_text("Phần 1")
        _fits(page, width)
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"interview_{width}.png"))
        for _ in range(40):
            radios = page.locator("input[type=radio][value='1']")
            for i in range(radios.count()):
                radios.nth(i).check()
            send = page.locator("button[value=send]")
            if send.count():
                send.click()
                break
            current = page.locator("p.step").inner_text()
            page.locator("button[value=next]").click()
            expect(page.locator("p.step")).not_to_have_text(current)
            _fits(page, width)
        page.wait_for_url("**/staff/fieldwork/assignments")
        expect(page.locator("p.flash")).to_contain_text(field.a_ids[0])
        assert session.scalar(select(func.count()).select_from(FieldAnswer)) == 1
        page.goto(live_server + "/staff/fieldwork/entry/")
        _fits(page, width)
    finally:
        context.close()


def test_supervisor__phone__selects_and_records_back_checks(browser, live_server: str,  # type: ignore[no-untyped-def]
                                                            session: Session,
                                                            tmp_path) -> None:
    from playwright.sync_api import expect

    from webapp.administration.users import create_user
    from webapp.fieldwork.returns import record_return
    from webapp.fieldwork.samples import get_sample
    from webapp.models import BackCheck, SampleMember

    field: Field = setup_field(session, tmp_path, size=5)
    sample = get_sample(session, "s")
    for n, member_id in enumerate(sorted(field.members.values())):
        member = session.get(SampleMember, member_id)
        record_return(session, sample, member, key=f"k{n}", code="1.1",  # type: ignore[arg-type]
                      answers={"used_certification": str(n % 2)}, source="interviewer")
    create_user(session, email="sup@t.vn", role="analyst", unit_code="FW", password=PASSWORD)
    context = browser.new_context(viewport={"width": 360, "height": 900}, has_touch=True,
                                  is_mobile=True)
    page = context.new_page()
    try:
        page.goto(live_server + "/auth/login")
        page.fill("input[name=email]", "sup@t.vn")
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit]")
        page.goto(live_server + "/staff/fieldwork/monitoring")
        page.get_by_role("link", name="s", exact=True).click()
        expect(page.locator("h1")).to_contain_text("Giám sát điều tra thực địa")
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, "monitoring_360_before.png"),
                            full_page=True)
        page.fill("#share_percent", "20")
        page.get_by_role("button", name="Chọn để kiểm tra lại").click()
        expect(page.locator("p.flash")).to_contain_text("2")  # 1 of 5 for each interviewer
        card = page.locator("ul.cards > li").first
        card.get_by_label("Không xác nhận", exact=True).check()
        card.locator("input[name=note]").fill("Hộ không nhớ có người đến")
        card.get_by_role("button", name="Lưu kết quả").click()
        expect(page.locator("p.flash")).to_contain_text("Đã lưu kết quả kiểm tra lại")
        page.select_option("#variable", index=0)
        page.get_by_label("Lặp lại bootstrap").check()
        page.get_by_role("button", name="Ước lượng", exact=True).click()
        expect(page.locator("p.method")).to_contain_text("bootstrap")
        _fits(page, 360)
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, "monitoring_360.png"), full_page=True)
        checks = session.scalars(select(BackCheck)).all()
        assert len(checks) == 2 and sum(c.outcome == "not_confirmed" for c in checks) == 1
    finally:
        context.close()
