"""A commune manager reads the unit page in a real browser, on a phone and a desktop:
Vietnamese numbers and periods, survey titles, statistical terms explained."""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import PASSWORD, PERIOD, USERS, World, build_world

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("HAILONG_SCREENSHOTS")  # a directory: save screenshots there


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, responses_per_unit=30)


@pytest.mark.parametrize("width", [360, 1366])
def test_commune_manager__unit_page_in_vietnamese_forms(browser, live_server: str,  # type: ignore[no-untyped-def]
                                                       world: World, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(live_server + "/staff/")
        page.fill("input[name=email]", USERS["manager"][0])
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url("**/staff/")
        page.goto(f"{live_server}/staff/units/A?survey=sipas&period={PERIOD}")
        assert re.fullmatch(r"\d{1,3},\d%", page.locator("p.big").inner_text())
        assert page.locator("#h-headline").inner_text().endswith("Tháng 5/2026")
        survey = page.locator("select[name=survey] option:checked").inner_text()
        assert survey.startswith("Khảo sát sự hài lòng của người dân")
        assert page.locator("select[name=period] option:checked").inner_text() == "Tháng 5/2026"
        assert "Cỡ mẫu hiệu dụng là" in page.locator("#explain-interval").inner_text()
        # The survey's long title must not widen the page (tables scroll inside their box).
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"unit_vi_{width}.png"), full_page=True)
    finally:
        context.close()
