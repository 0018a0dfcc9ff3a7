"""The staff guide's pictures: a province's unit manager walks the demo in a real browser.

The walk checks what the guide says (sections present, a remedy recorded, comments listed). With
HAILONG_SCREENSHOTS=docs/img (``make screenshots``) it also saves the guide's screenshots, in
Vietnamese and English, 1000 pixels wide and reduced to a small palette; without the variable
nothing is written, so running the tests never dirties the tree.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy.orm import Session

from tests.browser.test_accessibility import serious
from webapp.demo.loader import demo_months, load_demo
from webapp.fieldwork.indices import field_periods
from webapp.statistics.stat_cells import latest_month

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("HAILONG_SCREENSHOTS")
MANAGER = "manager.lamdong@demo.hailong"
WIDTH = 1000


@pytest.fixture
def demo(app: Flask, session: Session, database_url: str) -> tuple[str, str]:
    """The demo province, as ``hailong demo`` loads it: the manager's password and the latest
    SIPAS month."""
    if SHOTS and not database_url.startswith("sqlite"):
        pytest.skip("screenshots are taken once, on SQLite")
    report = load_demo(session, app.config)
    password = next(p for _, email, p, _unit in report.logins if email == MANAGER)
    period = latest_month(session, "sipas")
    assert period is not None
    return password, period


@pytest.fixture
def wide(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": WIDTH, "height": 800},
                                  device_scale_factor=1, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


def _save(png: bytes, name: str, language: str) -> None:
    if not SHOTS:
        return
    folder = Path(SHOTS) / language
    folder.mkdir(parents=True, exist_ok=True)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    # A small palette keeps text and charts crisp at a fraction of the size.
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(
        folder / name, optimize=True)


def _section(page, heading_id: str) -> bytes:  # type: ignore[no-untyped-def]
    """The section whose heading has ``heading_id``: heading, chart and table."""
    return page.locator(f"section[aria-labelledby={heading_id}]").screenshot()


def _heading_and_chart(page, heading_id: str) -> bytes:  # type: ignore[no-untyped-def]
    section = page.locator(f"section[aria-labelledby={heading_id}]")
    section.scroll_into_view_if_needed()
    top = page.locator(f"#{heading_id}").bounding_box()
    chart = section.locator("svg.chart").bounding_box()
    assert top and chart
    # Boxes are relative to the viewport; a full-page clip is in page coordinates.
    scrolled = page.evaluate("window.scrollY")
    return page.screenshot(full_page=True, clip={
        "x": 0, "y": top["y"] + scrolled - 8, "width": WIDTH,
        "height": chart["y"] + chart["height"] - top["y"] + 16})


def _walk(page, base: str, period: str,  # type: ignore[no-untyped-def]
          years: tuple[str, str]) -> None:
    """The Vietnamese walk: every screen the guide describes, checked and photographed."""
    language = "vi"
    # The landing page: every unit of the province with its headline, for the default period.
    page.goto(f"{base}/staff/")
    landing = page.locator("table.landing").first
    assert landing.locator("tbody tr").count() >= 10
    assert "Xã Đắk Song" in landing.inner_text()
    assert serious(page) == []
    _save(page.screenshot(clip={"x": 0, "y": 0, "width": WIDTH, "height": 820}),
          "landing.png", language)
    unit = f"{base}/staff/units/LD?survey=sipas&period={period}"
    page.goto(unit)
    main = page.locator("main").inner_text()
    assert "%" in page.locator("p.big").inner_text()
    assert page.locator("svg.chart").count() >= 4
    assert serious(page) == []  # charts carry a name; tables have headers
    _save(page.screenshot(clip={"x": 0, "y": 0, "width": WIDTH, "height": 760}),
          "unit-page.png", language)
    _save(_heading_and_chart(page, "h-fix"), "weakest-criteria.png", language)
    _save(_heading_and_chart(page, "h-trend"), "trend.png", language)
    assert "Xã Đắk Song" in main
    _phone(page, unit)
    # Communes compared over a quarter: a month leaves the small ones without a figure.
    page.select_option("select[name=period]", _quarter(period))
    page.locator("form.picker button[type=submit]").click()
    page.wait_for_url(f"**period={_quarter(period)}**")
    assert page.locator("section[aria-labelledby=h-children] svg.chart").count() == 1
    _save(_section(page, "h-children"), "comparison.png", language)

    # A remedy for the weakest criterion, recorded three months ago, judged now.
    link = page.locator("section[aria-labelledby=h-fix] tbody tr").first.locator("a").last
    criterion = parse_qs(urlparse(link.get_attribute("href") or "").query)["criterion"][0]
    page.goto(f"{base}/staff/units/LD/actions?survey=sipas&criterion={criterion}"
              f"&period={_months_before(period, 3)}")
    page.fill("input[name=owner]", "Văn phòng HĐND-UBND tỉnh")
    page.fill("input[name=deadline]", f"{period[:4]}-12-31")
    page.fill("textarea[name=description]",
              "Bố trí thêm ghế chờ và màn hình gọi số; niêm yết lại bảng phí, lệ phí.")
    page.click("input[type=submit][name=submit]")
    page.goto(f"{base}/staff/units/LD/actions?survey=sipas&period={period}")
    assert page.locator("table.data tbody tr").count() == 1
    assert page.locator("svg.chart").count() == 1
    assert serious(page) == []
    _save(page.screenshot(full_page=True), "action-plan.png", language)

    page.goto(f"{base}/staff/comments/?unit=LD")
    assert page.locator("li.comment").count() > 0
    assert serious(page) == []
    _save(page.screenshot(clip={"x": 0, "y": 0, "width": WIDTH, "height": 900}),
          "comments.png", language)

    page.goto(f"{base}/admin/units/LD-DS/counters")
    assert page.locator("a[download]").count() >= 6  # two counters, three formats each
    page.wait_for_load_state("networkidle")
    assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    _save(page.screenshot(full_page=True), "posters.png", language)
    _walk_instruments(page, base, language, years)


def _walk_instruments(page, base: str, language: str,  # type: ignore[no-untyped-def]
                      years: tuple[str, str]) -> None:
    """PAPI (the province's household survey) and one-stop (TT 01 points of a commune), for
    ``years``: PAPI's survey year and the one-stop ratings' latest year."""
    papi, onestop = years
    suffix = "&lang=en" if language == "en" else ""
    page.goto(f"{base}/staff/units/LD?survey=papi&period={papi}{suffix}")
    assert page.locator("section[aria-labelledby=h-subdims] tbody tr").count() >= 30
    assert serious(page) == []
    _save(page.screenshot(clip={"x": 0, "y": 0, "width": WIDTH, "height": 760}),
          "papi-page.png", language)
    _save(_section(page, "h-subdims"), "papi-subdimensions.png", language)
    page.goto(f"{base}/staff/units/LD-DS?survey=onestop&period={onestop}{suffix}")
    # All nine indicators exist for this commune: the total out of 18 is shown.
    assert "18" in page.locator("section[aria-labelledby=h-tt01] p.big").inner_text()
    assert serious(page) == []
    _save(page.screenshot(clip={"x": 0, "y": 0, "width": WIDTH, "height": 760}),
          "onestop-page.png", language)
    _save(_section(page, "h-tt01"), "onestop-tt01.png", language)


def _phone(page, url: str) -> None:  # type: ignore[no-untyped-def]
    """The same unit page on a 360-pixel phone: charts give way to their tables."""
    context = page.context.browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=1, locale="vi-VN",
        storage_state=page.context.storage_state())
    phone = context.new_page()
    try:
        phone.goto(url)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        fix = phone.locator("section[aria-labelledby=h-fix]")
        assert not fix.locator("svg.chart").is_visible()
        assert fix.locator("table.data").is_visible()
        phone.locator("#h-fix").evaluate("e => e.scrollIntoView()")
        _save(phone.screenshot(), "phone.png", "vi")
    finally:
        context.close()


def _quarter(period: str) -> str:
    return f"{period[:4]}-Q{(int(period[5:7]) + 2) // 3}"


def _months_before(period: str, count: int) -> str:
    year, month = int(period[:4]), int(period[5:7]) - count
    while month < 1:
        year, month = year - 1, month + 12
    return f"{year:04d}-{month:02d}"


def test_guide__province_manager_walks_the_demo(live_server: str, wide, demo,  # type: ignore[no-untyped-def]
                                                 session: Session) -> None:
    password, period = demo
    years = (field_periods(session, "papi")[-1], demo_months()[-1][:4])
    wide.goto(live_server + "/auth/login")
    wide.fill("input[name=email]", MANAGER)
    wide.fill("input[name=password]", password)
    wide.click("input[type=submit]")
    wide.wait_for_url("**/staff/")
    _walk(wide, live_server, period, years)
    _walk_english(wide, live_server, period, years)


def _walk_english(page, base: str, period: str,  # type: ignore[no-untyped-def]
                  years: tuple[str, str]) -> None:
    """The same screens in English (the remedy recorded above is listed)."""
    page.goto(f"{base}/staff/?lang=en")
    _save(page.screenshot(clip={"x": 0, "y": 0, "width": WIDTH, "height": 820}),
          "landing.png", "en")
    page.goto(f"{base}/staff/units/LD?survey=sipas&period={period}&lang=en")
    assert "What to fix first" in page.locator("main").inner_text()
    for name, shot in (("unit-page.png", lambda: page.screenshot(
            clip={"x": 0, "y": 0, "width": WIDTH, "height": 760})),
            ("weakest-criteria.png", lambda: _heading_and_chart(page, "h-fix")),
            ("trend.png", lambda: _heading_and_chart(page, "h-trend"))):
        _save(shot(), name, "en")
    page.goto(f"{base}/staff/units/LD?survey=sipas&period={_quarter(period)}&lang=en")
    _save(_section(page, "h-children"), "comparison.png", "en")
    page.goto(f"{base}/staff/units/LD/actions?survey=sipas&period={period}&lang=en")
    assert "Action plans" in page.locator("h1").inner_text()
    _save(page.screenshot(full_page=True), "action-plan.png", "en")
    page.goto(f"{base}/staff/comments/?unit=LD&lang=en")
    _save(page.screenshot(clip={"x": 0, "y": 0, "width": WIDTH, "height": 900}),
          "comments.png", "en")
    page.goto(f"{base}/admin/units/LD-DS/counters?lang=en")
    _save(page.screenshot(full_page=True), "posters.png", "en")
    _walk_instruments(page, base, "en", years)
