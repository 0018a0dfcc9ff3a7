"""The official's workspace in a real browser, for every instrument the demo has answers for.

A commune manager and a province manager sign in and open the landing page, the unit page,
comments, action plans and the report links at 360 and 1366 pixels. Every page must read in
Vietnamese forms (80,9%; Tháng 11/2026, Quý III/2026), show no item id or survey key, never
scroll sideways, and pass axe with no serious or critical violation. The survey keys come from
the shipped definitions and none is skipped: the demo loads every instrument.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy.orm import Session

import survey_defs
from tests.browser.test_accessibility import serious
from webapp.demo.loader import load_demo
from webapp.statistics.default_period import default_period
from webapp.statistics.unit_report import index_labels
from webapp.survey_versions import latest_version, load_version, survey_keys

pytestmark = pytest.mark.browser

# Every shipped citizen instrument. The officials' PAR INDEX survey is answered by a unit's own
# officials and is not part of the demo; its unit page is tested in
# tests/webapp/test_par_index_officials_survey.py.
OFFICIALS_SURVEYS = {"par_officials"}
SURVEYS = sorted(path.stem for path in survey_defs.shipped_paths()
                 if path.stem not in OFFICIALS_SURVEYS)
WIDTHS = (360, 1366)
WHO = {"commune": ("manager.dakso@demo.hailong", "LD-DS"),
       "province": ("manager.lamdong@demo.hailong", "LD")}
ENGLISH_NUMBER = re.compile(r"\d\.\d+\s?%")                  # 80.9% (Vietnamese: 80,9%)
ISO_PERIOD = re.compile(r"\b\d{4}-(Q[1-4]|\d{2})\b")          # 2026-Q3, 2026-11
VI_PERIOD = re.compile(r"(Tháng \d{1,2}|Quý [IV]{1,3})/\d{4}")


@pytest.fixture
def demo(app: Flask, session: Session) -> str:
    """The demo province; returns the password of its logins."""
    report = load_demo(session, app.config, responses=1500)
    return report.logins[0][2]


def _forbidden_words(session: Session, key: str) -> set[str]:
    """Item and index ids of the survey, and every survey key: none may reach a person."""
    version = latest_version(session, key)
    assert version is not None
    ids = {i for i in index_labels(load_version(version), "vi") if re.search(r"[._\d]", i)}
    return ids | set(survey_keys(session))


def _check_page(page, width: int, forbidden: set[str], *, numbers: bool) -> None:  # type: ignore[no-untyped-def]
    text = page.locator("main").inner_text()
    leaked = sorted(w for w in forbidden
                    if re.search(rf"(?<![\w.]){re.escape(w)}(?![\w.])", text))
    assert leaked == [], f"{page.url}: ids shown to people: {leaked}"
    assert not ENGLISH_NUMBER.search(text), f"{page.url}: {ENGLISH_NUMBER.search(text)}"
    assert not ISO_PERIOD.search(text), f"{page.url}: {ISO_PERIOD.search(text)}"
    if numbers:
        assert re.search(r"\d,\d%|\d+,\d{2}", text), f"{page.url}: no Vietnamese number"
        assert VI_PERIOD.search(text), f"{page.url}: no Vietnamese period"
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url}: {scroll} px wide at {width} px"
    assert serious(page) == [], page.url


@pytest.fixture
def pages(browser) -> Iterator[dict[int, object]]:  # type: ignore[no-untyped-def]
    contexts = [browser.new_context(viewport={"width": w, "height": 800}, locale="vi-VN")
                for w in WIDTHS]
    yield {w: c.new_page() for w, c in zip(WIDTHS, contexts, strict=True)}
    for context in contexts:
        context.close()


@pytest.mark.parametrize("survey", SURVEYS)
@pytest.mark.parametrize("who", sorted(WHO))
def test_staff_pages__readable_at_360_and_1366(live_server: str, demo: str, session: Session,  # type: ignore[no-untyped-def]
                                               pages, survey: str, who: str) -> None:
    # Every shipped instrument must be covered: the demo loads each one (PAPI as field
    # interviews, which have no counter responses), so a missing period is a failure.
    assert default_period(session, survey) is not None, f"the demo has no answers for {survey}"
    email, unit = WHO[who]
    forbidden = _forbidden_words(session, survey)
    for width, page in pages.items():
        page.goto(live_server + "/auth/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", demo)
        page.click("input[type=submit]")
        page.wait_for_url("**/staff/")
        # Landing: a row per unit in scope, linking to the unit page of this survey.
        _check_page(page, width, forbidden, numbers=True)
        link = page.locator(f"a[href^='/staff/units/{unit}?survey={survey}&']").first
        href = link.get_attribute("href")
        assert href, f"no landing link to {unit} for {survey}"
        page.goto(live_server + href)
        _check_page(page, width, forbidden, numbers=True)
        assert page.locator("p.big").is_visible()
        if width < 640:
            # On a phone each chart gives way to the table right below it (same figures).
            for section in page.locator("main section:has(svg.chart)").all():
                assert not section.locator("svg.chart").first.is_visible()
                assert section.locator("table.data").first.is_visible()
        # The report links download real files.
        for fmt, mimetype in (("pdf", "application/pdf"), ("xlsx", "spreadsheetml")):
            report = page.locator(f"a[href*='/report.{fmt}?']").first.get_attribute("href")
            assert report
            answer = page.request.get(live_server + report)
            assert answer.ok and mimetype in answer.headers["content-type"], (fmt, answer.status)
        page.goto(f"{live_server}/staff/units/{unit}/actions?survey={survey}")
        _check_page(page, width, forbidden, numbers=False)
        page.goto(f"{live_server}/staff/comments/?unit={unit}")
        _check_page(page, width, forbidden, numbers=False)
        # The follow-up form of a comment, opened: still no sideways scroll, still axe-clean.
        page.locator("details.followup summary").first.click()
        expect(page.locator("details.followup textarea").first).to_be_visible()
        _check_page(page, width, forbidden, numbers=False)
        page.goto(f"{live_server}/admin/units/{unit}/counters")
        _check_page(page, width, forbidden, numbers=False)
