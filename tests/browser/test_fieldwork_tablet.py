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
