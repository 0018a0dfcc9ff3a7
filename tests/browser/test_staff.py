"""Staff pages in a real browser: every role signs in and walks its pages; nothing leaks."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import PASSWORD, PERIOD, USERS, World, build_world

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("HAILONG_SCREENSHOTS")  # a directory: save screenshots there


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, responses_per_unit=30)


@pytest.fixture
def desktop(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def _sign_in(page, live_server: str, who: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server + "/staff/")
    assert "/auth/login" in page.url
    page.fill("input[name=email]", USERS[who][0])
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/staff/")


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


@pytest.mark.parametrize("who", sorted(USERS))
def test_role__signs_in_and_walks_its_pages(live_server: str, desktop, world: World,  # type: ignore[no-untyped-def]
                                            who: str) -> None:
    _sign_in(desktop, live_server, who)
    home = desktop.locator("main").inner_text()
    assert ("Xã Bình" in home) == (who in ("admin", "manager_b"))
    assert ("Xã An" in home) == (who != "manager_b")
    code = "B" if who == "manager_b" else "A"
    desktop.goto(f"{live_server}/staff/units/{code}?survey=sipas&period={PERIOD}")
    assert desktop.locator("p.big").inner_text().endswith("%")
    assert desktop.locator("#h-fix").is_visible()
    _shot(desktop, f"staff_unit_{who}.png")
    desktop.click("nav.staff >> text=Ý kiến")
    desktop.wait_for_url("**/staff/comments/")
    desktop.wait_for_selector("h1")
    comments = desktop.locator("main").inner_text()
    assert ("Ý kiến về B:" in comments) == (who in ("admin", "manager_b"))
    assert (desktop.locator("details").count() > 0) == (who in ("admin", "manager",
                                                                 "manager_b"))
    other = "A" if code == "B" else "B"
    if who != "admin":
        response = desktop.goto(f"{live_server}/staff/units/{other}?survey=sipas&period={PERIOD}")
        assert response.status == 403
    desktop.goto(live_server + "/staff/")
    desktop.click("nav.staff >> text=Đăng xuất")
    desktop.wait_for_url("**/auth/login")
    assert desktop.goto(live_server + "/staff/").url.endswith("/auth/login?next=/staff/")


def test_manager__records_a_remedy_and_replies(live_server: str, desktop,  # type: ignore[no-untyped-def]
                                               world: World) -> None:
    _sign_in(desktop, live_server, "manager")
    desktop.goto(f"{live_server}/staff/units/A?survey=sipas&period={PERIOD}")
    desktop.locator("text=Thêm giải pháp").first.click()
    desktop.fill("input[name=owner]", "Văn phòng UBND xã")
    desktop.fill("input[name=deadline]", "2026-06-30")
    desktop.fill("textarea[name=description]", "Bố trí thêm ghế chờ")
    desktop.click("input[type=submit][name=submit]")
    # expect() waits for the page the click loads; a plain inner_text() may read it half-way.
    expect(desktop.locator("main")).to_contain_text("Đã ghi nhận giải pháp khắc phục.")
    expect(desktop.locator("table.data").first).to_contain_text("Bố trí thêm ghế chờ")
    desktop.goto(f"{live_server}/staff/comments/?unit=A")
    desktop.locator("details summary").first.click()
    desktop.locator("textarea[name=reply]").first.fill("Đã bố trí thêm ghế.")
    desktop.locator("text=Lưu câu trả lời").first.click()
    expect(desktop.locator("main")).to_contain_text("Đã bố trí thêm ghế.")
    _shot(desktop, "staff_comments_manager.png")


def test_unit_page__phone__no_sideways_scroll_and_english(live_server: str, phone,  # type: ignore[no-untyped-def]
                                                          world: World) -> None:
    _sign_in(phone, live_server, "admin")
    phone.goto(f"{live_server}/staff/units/P?survey=sipas&period={PERIOD}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone.locator("svg.chart").count() >= 4
    _shot(phone, "staff_unit_phone.png")
    phone.click("text=English")
    # expect() waits for the page the click loads; inner_text() could read it half-way.
    expect(phone.locator("main")).to_contain_text("What to fix first")
