"""A commune manager opens the PAPI, one-stop and SIPAS 2017 pages of the demo in Chromium, on a
desktop (1366 px) and a phone (360 px): labels, not keys; Vietnamese number forms in each value's
own unit; nothing wider than the screen."""

from __future__ import annotations

import os
import re

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from webapp.demo.loader import DemoReport, demo_months, load_demo
from webapp.fieldwork.indices import field_periods
from webapp.periods import parse_period

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("HAILONG_SCREENSHOTS")  # a directory: save screenshots there
MANAGER = "manager.dakso@demo.hailong"
KEYS = re.compile(r"\b(tt01_\d|d\d_[a-z_]+|\d\.\d:contribution|sat_overall|points_share|"
                  r"expectations#\d)\b")


@pytest.fixture
def demo(app: Flask, session: Session) -> DemoReport:
    return load_demo(session, app.config, responses=600, seed=2025)


def _open(browser, live_server: str, demo: DemoReport, path: str, width: int, check,  # type: ignore[no-untyped-def]
          shot: str) -> None:
    from playwright.sync_api import expect

    password = next(pw for _, mail, pw, _ in demo.logins if mail == MANAGER)
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(live_server + "/staff/")
        page.fill("input[name=email]", MANAGER)
        page.fill("input[name=password]", password)
        page.click("input[type=submit]")
        page.wait_for_url("**/staff/")
        page.goto(live_server + path)
        expect(page.locator("p.big").first).to_be_visible()
        check(page)
        body = page.locator("main").inner_text()
        assert not KEYS.search(body), KEYS.findall(body)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"{shot}_{width}.png"), full_page=True)
    finally:
        context.close()


def test_papi_page__labels_and_scores_at_1366_and_360(browser, live_server: str,  # type: ignore[no-untyped-def]
                                                     demo: DemoReport, session: Session) -> None:
    year = field_periods(session, "papi")[-1]

    def check(page) -> None:  # type: ignore[no-untyped-def]
        assert re.fullmatch(r"\d{2},\d{2}", page.locator("p.big").first.inner_text())
        assert page.locator("#h-headline").inner_text() == f"Điểm PAPI tổng hợp (8-80), Năm {year}"
        subdims = page.locator("section[aria-labelledby=h-subdims]").inner_text()
        assert "Tri thức công dân" in subdims and "Quản trị điện tử" in subdims
        assert re.search(r"\b\d,\d{2}\b", subdims)  # 1-10 scores and contributions, comma
        assert "Không phải chi thêm tiền ngoài quy định tại bệnh viện công tuyến huyện" in \
            page.locator("main").inner_text()

    for width in (1366, 360):
        _open(browser, live_server, demo, f"/staff/units/LD-DS?survey=papi&period={year}",
              width, check, "papi")


def test_onestop_page__points_share_and_total_at_1366_and_360(browser, live_server: str,  # type: ignore[no-untyped-def]
                                                             demo: DemoReport) -> None:
    year = demo_months()[-1][:4]

    def check(page) -> None:  # type: ignore[no-untyped-def]
        assert re.fullmatch(r"\d{1,3},\d%", page.locator("p.big").first.inner_text())
        assert page.locator("#h-headline").inner_text() == f"Tỷ lệ đánh giá hài lòng, Năm {year}"
        tt01 = page.locator("section[aria-labelledby=h-tt01]").inner_text()
        assert "Chỉ số 1: Tổng thời gian giải quyết so với thời gian cho phép" in tt01
        assert re.search(r"\b[0-2],\d điểm\b", tt01)
        assert re.search(r"\d{1,2},\d/18 điểm: (Xuất sắc|Tốt|Khá|Trung bình|Yếu)", tt01)
        assert not re.search(r"\b\d{3},\d%", page.locator("main").inner_text())  # no 150,0%

    for width in (1366, 360):
        _open(browser, live_server, demo, f"/staff/units/LD-DS?survey=onestop&period={year}",
              width, check, "onestop")


def test_sipas_2017_page__overall_question_and_expectations_at_1366_and_360(  # type: ignore[no-untyped-def]
        browser, live_server: str, demo: DemoReport) -> None:
    year = str(parse_period(demo_months()[0]).previous().year)

    def check(page) -> None:  # type: ignore[no-untyped-def]
        assert re.fullmatch(r"\d{1,3},\d%", page.locator("p.big").first.inner_text())
        main = page.locator("main").inner_text()
        assert re.search(r"Tỷ lệ hài lòng chung \(câu hỏi chung\)\s+\d{1,3},\d%", main)
        wishes = page.locator("section[aria-labelledby=h-exp]").inner_text()
        assert re.search(r"Giảm phí/lệ phí\s+\d{1,3},\d%", wishes)
        assert "tối đa ba nội dung" in wishes

    for width in (1366, 360):
        _open(browser, live_server, demo, f"/staff/units/LD-DS?survey=sipas_2017&period={year}",
              width, check, "sipas_2017")
