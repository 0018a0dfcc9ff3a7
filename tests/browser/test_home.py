"""The home page in a real browser on a phone-sized screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_home__phone__vietnamese_then_english(live_server: str, phone) -> None:  # type: ignore[no-untyped-def]
    phone.goto(live_server + "/")
    assert phone.locator("html").get_attribute("lang") == "vi"
    assert "Sự hài lòng của người dân" in phone.locator("h1").inner_text()
    # Nothing overflows a 360-pixel screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.click("text=English")
    expect(phone.locator("h1")).to_have_text("Citizen satisfaction with public administration")
