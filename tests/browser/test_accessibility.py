"""Automated accessibility check (axe-core) of the survey pages: no serious violations."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from sqlalchemy.orm import Session

from tests.browser.test_survey import answer_page
from tests.webapp.survey_helpers import setup_counter
from webapp.respond.tokens import sign_counter_token

pytestmark = pytest.mark.browser


def serious(page) -> list[str]:  # type: ignore[no-untyped-def]
    violations = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in violations
            if v["impact"] in {"serious", "critical"}]


def test_survey_pages__no_serious_axe_violations(phone, app: Flask, session: Session,  # type: ignore[no-untyped-def]
                                                 live_server: str) -> None:
    counter = setup_counter(session)
    phone.goto(f"{live_server}/s/{sign_counter_token(counter, app.config)}")
    assert serious(phone) == []                     # first page
    phone.click('button[value="next"]')             # nothing answered: errors shown
    assert phone.locator('[aria-invalid="true"]').count() > 0
    assert serious(phone) == []
    answer_page(phone)
    phone.click('button[value="next"]')             # the satisfaction grid
    assert serious(phone) == []
