"""Numbers, periods and dates on staff pages in the reader's conventions: Vietnamese writes
80,9%, Quý III/2026 and 31/01/2027; English 80.9%, Q3 2026 and Jan 31, 2027. The API keeps
machine forms."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.staff_helpers import PERIOD, World, build_world, login
from webapp.template_helpers import date_label, pct, period_label, score

URL = "/staff/units/A?survey=sipas&period=" + PERIOD


@pytest.mark.parametrize(("language", "share", "points", "quarter", "month", "day"), [
    ("vi", "80,9%", "51,23", "Quý III/2026", "Tháng 11/2026", "31/01/2027"),
    ("en", "80.9%", "51.23", "Q3 2026", "November 2026", "Jan 31, 2027"),
])
def test_helpers__reader_conventions(language: str, share: str, points: str, quarter: str,
                                     month: str, day: str) -> None:
    assert pct(0.8085011382629477, language=language) == share
    assert score(51.2345, percent=False, language=language) == points
    assert period_label("2026-Q3", language) == quarter
    assert period_label("2026-11", language) == month
    assert date_label(dt.date(2027, 1, 31), language) == day


def test_helpers__thousands_and_missing_values() -> None:
    assert pct(12.345, 0, "vi") == "1.234%"  # Vietnamese groups thousands with a dot
    assert pct(None, language="vi") == "–" and pct(float("nan"), language="en") == "–"
    assert period_label("not a period", "vi") == "not a period" and period_label(None) == ""


def test_helpers__outside_a_request__vietnamese(app: Flask) -> None:
    with app.app_context():
        assert pct(0.5) == "50,0%"
        assert period_label("2026") == "Năm 2026"


@pytest.fixture
def world(session) -> World:  # type: ignore[no-untyped-def]
    return build_world(session, responses_per_unit=40)


def _headline(html: str) -> str:
    return html.split('<p class="big">')[1].split("</p>")[0]


def test_unit_page__vietnamese_forms(client: FlaskClient, world: World) -> None:
    login(client, "viewer")
    html = client.get(URL).get_data(as_text=True)
    assert re.fullmatch(r"\d{1,3},\d%", _headline(html))
    assert "Tháng 5/2026</h2>" in html
    assert '<option value="2026-Q2" >Quý II/2026</option>' in html \
        or '<option value="2026-Q2">Quý II/2026</option>' in html
    body = html.split("<main")[1]
    assert not re.search(r"\d\.\d%", body) and "2026-Q" not in body.split("<form")[0]
    trend = html.split('id="h-trend"')[1].split("</section>")[0]
    assert '<th scope="row">Tháng 4/2026</th>' in trend


def test_unit_page__english_forms(client: FlaskClient, world: World) -> None:
    login(client, "viewer")
    html = client.get(URL + "&lang=en").get_data(as_text=True)
    assert re.fullmatch(r"\d{1,3}\.\d%", _headline(html))
    assert "May 2026</h2>" in html
    assert not re.search(r"\d,\d%", html.split("<main")[1])


def test_api__machine_numbers_unchanged(client: FlaskClient, world: World) -> None:
    login(client, "viewer")
    html = client.get(URL).get_data(as_text=True)
    body = client.get(f"/api/v1/indices?survey=sipas&period={PERIOD}&unit=A").get_json()
    row = next(r for r in body["results"] if r["unit"] == "A" and r["scope"] == "subtree"
               and r["index_id"] == "overall")
    assert isinstance(row["estimate"], float) and row["period"] == PERIOD
    assert _headline(html) == f"{row['estimate'] * 100:.1f}%".replace(".", ",")


def test_comments__period_written_for_people(client: FlaskClient, world: World) -> None:
    login(client, "admin")
    html = client.get("/staff/comments/?unit=A").get_data(as_text=True)
    meta = re.findall(r'<p class="meta">(.*?)</p>', html, flags=re.S)
    assert meta and all("2026-0" not in m for m in meta)
    assert any("Tháng " in m for m in meta)


@pytest.mark.parametrize(("language", "words"), [
    ("vi", ("Khoảng tin cậy 95% là", "Cỡ mẫu hiệu dụng là", "Chia nhóm như PAPI",
            "Dấu gạch (–) nghĩa là có dưới 10 người dân")),
    ("en", ("The 95% interval is", "The effective sample size is", "Groups follow PAPI",
            "A dash (–) means fewer than 10 citizens"))])
def test_unit_page__terms_explained(client: FlaskClient, session, language: str,  # type: ignore[no-untyped-def]
                                    words: tuple[str, ...]) -> None:
    # Two answers a month in A and B: their figures are suppressed on the province's page.
    build_world(session, responses_per_unit=2)
    login(client, "admin")
    html = client.get(f"/staff/units/P?survey=sipas&period={PERIOD}&lang={language}"
                      ).get_data(as_text=True)
    for sentence in words:
        assert sentence in html
    children = html.split('id="h-children"')[1].split("</section>")[0]
    assert "<td class=\"num\">–</td>" in children and 'id="explain-dash"' in children


def test_unit_page__no_suppressed_unit__no_dash_note(client: FlaskClient,
                                                    world: World) -> None:
    login(client, "admin")
    html = client.get(f"/staff/units/P?survey=sipas&period={PERIOD}").get_data(as_text=True)
    assert 'id="explain-interval"' in html and 'id="explain-dash"' not in html
