"""The citizen's path in a real Chromium on a phone: scan the poster, answer, one response."""

from __future__ import annotations

import gzip
import urllib.request
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.webapp.survey_helpers import setup_counter
from webapp.models import Response
from webapp.respond.tokens import sign_counter_token

pytestmark = pytest.mark.browser

PAGE_WEIGHT_LIMIT = 30 * 1024


@pytest.fixture
def survey_url(app: Flask, session: Session, live_server: str) -> str:
    counter = setup_counter(session)
    return f"{live_server}/s/{sign_counter_token(counter, app.config)}"


def stored(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Response)) or 0


def answer_page(page) -> None:  # type: ignore[no-untyped-def]
    """Tap an answer in every group on the page: 'Hài lòng' where offered, else the first."""
    groups = page.evaluate("""() => [...new Set([...document.querySelectorAll(
        'input[type=radio],input[type=checkbox]')].map(i => i.name))]""")
    for name in groups:
        if name == "_contact":
            continue
        satisfied = page.locator(f'input[name="{name}"][value="4"]')
        target = satisfied if satisfied.count() else page.locator(f'input[name="{name}"]').first
        folded = target.locator("xpath=ancestor::details[not(@open)]/summary")
        if folded.count():
            folded.click()  # a long list (the 54 ethnic groups) opens with a tap
        target.locator("xpath=..").click()  # tap the label, as a finger would


def complete(page, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    page.goto(url)
    headings = []
    for _ in range(12):
        headings.append(page.locator(".step").inner_text())
        answer_page(page)
        if page.locator('button[value="send"]').count():
            page.click('button[value="send"]')
            return headings
        page.click('button[value="next"]')
    raise AssertionError("the survey never ended")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_phone__whole_survey__one_response(browser, survey_url: str, session: Session,  # type: ignore[no-untyped-def]
                                           javascript: bool) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True, java_script_enabled=javascript)
    page = context.new_page()
    headings = complete(page, survey_url)
    assert headings[0].startswith("Phần 1/")
    expect(page.locator("h1")).to_contain_text("Xin cảm ơn")
    assert stored(session) == 1
    # Back from the thank-you page and press Send again: still one response.
    page.go_back()
    if page.locator('button[value="send"]').count():
        page.click('button[value="send"]')
    assert stored(session) == 1
    context.close()


def test_phone__fits_360_pixels(phone, survey_url: str) -> None:  # type: ignore[no-untyped-def]
    phone.goto(survey_url)
    answer_page(phone)
    phone.click('button[value="next"]')
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    # Tap targets of the answer options are at least 44 pixels high.
    heights = phone.evaluate("""() => [...document.querySelectorAll('.opts label')]
        .map(l => l.getBoundingClientRect().height)""")
    assert heights and min(heights) >= 44


def test_first_page__under_30kb_compressed_no_third_party(phone, survey_url: str,  # type: ignore[no-untyped-def]
                                                          tmp_path: Path) -> None:
    requests: list[str] = []
    phone.on("request", lambda r: requests.append(r.url))
    phone.goto(survey_url)
    origin = survey_url.split("/s/")[0]
    assert all(url.startswith(origin) for url in requests), requests
    assert len(requests) <= 3, requests
    total = 0
    for url in requests:
        req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})  # noqa: S310
        with urllib.request.urlopen(req) as answer:  # noqa: S310 - loopback test server
            body = answer.read()
            assert answer.headers.get("Content-Encoding") == "gzip"
            total += len(body)
            assert gzip.decompress(body)
    assert total <= PAGE_WEIGHT_LIMIT, f"first page weighs {total} bytes compressed"


def test_officials_survey__phone_walk__one_anonymous_response(  # type: ignore[no-untyped-def]
        browser, survey_url: str, session: Session, tmp_path) -> None:
    """The PAR INDEX sociological survey of officials (par_officials) on a 360 px phone,
    from an entry point (a counter) the administrator set to open it: eight domain grids fit
    the screen; one response, every domain rated, no name, position or contact stored."""
    from webapp.models import Counter
    from webapp.respond.bindings import set_counter_surveys

    counter = session.scalars(select(Counter)).one()
    set_counter_surveys(session, counter, ["par_officials"],
                        published={"sipas", "par_officials"})
    session.commit()
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    url = f"{survey_url}/par_officials"
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(tmp_path / "par-officials-360.png"), full_page=True)
    complete(page, url)
    expect(page.locator("h1")).to_contain_text("Xin cảm ơn")
    assert stored(session) == 1
    response = session.scalars(select(Response)).one()
    answers = response.answers
    assert {f"d{i}.q{j}" for i in range(1, 9) for j in (1, 2)} <= set(answers)
    assert set(answers) <= {f"d{i}.q{j}" for i in range(1, 9) for j in (1, 2)} | {
        "role_group", "comment"}
    context.close()
