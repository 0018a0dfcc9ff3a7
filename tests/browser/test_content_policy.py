"""The strict Content-Security-Policy in a real Chromium: pages still styled, no violation."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import PASSWORD, build_world
from tests.webapp.survey_helpers import setup_counter
from webapp.respond.tokens import sign_counter_token

pytestmark = pytest.mark.browser

# A page's violations: Chromium reports each as a securitypolicyviolation event and a console
# error; both are collected, so a violation cannot pass unnoticed.
WATCH = """() => { window.__csp = [];
  document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI)); }"""


def _watch(page) -> list[str]:  # type: ignore[no-untyped-def]
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.add_init_script(f"({WATCH})()")
    return console


def _violations(page, console: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    events = page.evaluate("() => window.__csp")
    return list(events) + [m for m in console if "Content Security Policy" in m]


def test_survey_page__styled_under_the_policy(browser, app: Flask, session: Session,  # type: ignore[no-untyped-def]
                                              live_server: str) -> None:
    token = sign_counter_token(setup_counter(session), app.config)
    page = browser.new_page()
    console = _watch(page)
    response = page.goto(f"{live_server}/s/{token}")
    assert "nonce-" in response.headers["content-security-policy"]
    # survey.css centres main at 40rem and colours the unit name: proof the inline sheet applied.
    width = page.evaluate("() => getComputedStyle(document.querySelector('main')).maxWidth")
    colour = page.evaluate("() => getComputedStyle(document.querySelector('.unit')).color")
    assert width == "640px" and colour == "rgb(11, 79, 138)"
    page.click('button[value="next"]')  # a form post under form-action 'self'
    assert _violations(page, console) == []
    page.close()


def test_injected_inline_style__blocked(browser, app: Flask, session: Session,  # type: ignore[no-untyped-def]
                                        live_server: str) -> None:
    """The policy really bites: a <style> without the nonce is refused and reported."""
    token = sign_counter_token(setup_counter(session), app.config)
    page = browser.new_page()
    console = _watch(page)
    page.goto(f"{live_server}/s/{token}")
    page.evaluate("""() => { const s = document.createElement('style');
        s.textContent = 'body{background:rgb(255,0,0)}'; document.head.append(s); }""")
    # Wait for the violation event itself, not a fixed 200 ms a slow machine may not meet.
    page.wait_for_function("() => window.__csp.some(v => v.startsWith('style-src'))")
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 0, 0)"
    assert any("style-src" in v for v in _violations(page, console))
    page.close()


def test_staff_pages__styled_no_violation(browser, session: Session,  # type: ignore[no-untyped-def]
                                          live_server: str) -> None:
    build_world(session)
    page = browser.new_page()
    console = _watch(page)
    page.goto(f"{live_server}/auth/login")
    page.fill('input[name="email"]', "admin@t.vn")
    page.fill('input[name="password"]', PASSWORD)
    page.click('form.stack [type="submit"]')
    for path in ("/staff/", "/admin/"):
        page.goto(f"{live_server}{path}")
        width = page.evaluate("() => getComputedStyle(document.querySelector('main')).maxWidth")
        assert width == "1024px", path  # staff.css applied
    indent = page.evaluate(
        "() => getComputedStyle(document.querySelector('li.depth-1')).marginLeft")
    assert indent != "0px"  # the unit tree is indented by classes, not style attributes
    assert _violations(page, console) == []
    page.close()
