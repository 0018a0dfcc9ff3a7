"""The landing page shows numbers; the menu offers only pages the role may open; "up one level"
and the counters page stay inside the user's scope."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.units import unit_results
from tests.webapp.staff_helpers import PERIOD, USERS, World, build_world, login
from webapp.models import Unit, User
from webapp.statistics.microdata import load_dossier_counts, load_responses
from webapp.survey_versions import latest_version, load_version
from webapp.unit_tree import subtree_ids, unit_parents


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, responses_per_unit=40)


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%".replace(".", ",")


def _overall(session: Session, code: str) -> dict[str, float]:
    """The unit's overall index straight from analysis/, not through the webapp's services."""
    unit_id = session.scalar(select(Unit.id).where(Unit.code == code))
    ids = subtree_ids(session, unit_id)
    responses = load_responses(session, "sipas", PERIOD, ids)
    spec = load_version(latest_version(session, "sipas")).scoring_spec()
    inside = set(responses["unit"]) | {code}
    parents = {c: p for c, p in unit_parents(session).items() if c in inside and p in inside}
    rows = unit_results(responses, spec, dossiers=load_dossier_counts(session, PERIOD, ids),
                        parents=parents, unmatched="drop")
    row = rows[(rows["unit"] == code) & (rows["scope"] == "subtree")
               & (rows["index_id"] == "overall")].iloc[0]
    return {k: float(row[k]) for k in ("estimate", "ci_low", "ci_high", "n")}


def _row(html: str, name: str) -> str:
    match = re.search(r"<tr>\s*<th scope=\"row\"[^>]*><a [^>]*>" + re.escape(name)
                      + r"</a></th>(.*?)</tr>", html, re.S)
    assert match, f"no landing row for {name}"
    return match.group(1)


def test_landing__each_unit_in_scope_with_headline_interval_n_and_change(
        client: FlaskClient, world: World, session: Session) -> None:
    login(client, "manager")
    html = client.get("/staff/").get_data(as_text=True)
    assert "Tháng 5/2026" in html                    # the default period, in words
    assert "Xã An" in html and "Điểm An Một" in html
    assert "Xã Bình" not in html                     # outside the manager's subtree
    a = _overall(session, "A")
    row = _row(html, "Xã An")
    assert _pct(a["estimate"]) in row
    assert f"{_pct(a['ci_low'])} – {_pct(a['ci_high'])}" in row
    assert f">{int(a['n'])}<" in row
    assert 'href="/staff/units/A?survey=sipas&amp;period=2026-05"' in html
    assert "sipas" not in re.sub(r'(href|value|id|aria-labelledby)="[^"]*"', "", html)


def test_landing__clear_fall_shown_as_clear(client: FlaskClient, world: World) -> None:
    login(client, "manager_b")
    row = _row(client.get("/staff/").get_data(as_text=True), "Xã Bình")
    assert 'class="down"' in row and "-" in row


@pytest.mark.parametrize("who", sorted(USERS))
def test_menu__every_link_opens_for_the_role(client: FlaskClient, world: World,
                                             who: str) -> None:
    login(client, who)
    html = client.get("/staff/").get_data(as_text=True)
    nav = html.split('<nav class="staff"')[1].split("</nav>")[0]
    links = re.findall(r'<a href="([^"]+)"', nav)
    assert any("/staff/parindex/" in link for link in links)
    assert any("/admin/units/" in link for link in links) == (who in ("admin", "manager",
                                                                       "manager_b"))
    assert ("/admin/" in links) == (who == "admin")
    assert ("/staff/exports/" in links) == (who in ("admin", "analyst"))
    for link in links:
        status = client.get(link.replace("&amp;", "&")).status_code
        assert status in (200, 302), (who, link, status)


def test_up_one_level__only_within_scope(client: FlaskClient, world: World) -> None:
    login(client, "manager")
    own = client.get(f"/staff/units/A?survey=sipas&period={PERIOD}").get_data(as_text=True)
    assert "Lên một cấp" not in own                 # P is outside the manager's scope
    below = client.get(f"/staff/units/A1?survey=sipas&period={PERIOD}").get_data(as_text=True)
    assert 'href="/staff/units/A?' in below and "Lên một cấp" in below
    counters = client.get("/admin/units/A/counters").get_data(as_text=True)
    assert "Lên một cấp" not in counters


def test_counters__province_reaches_its_units_counters(client: FlaskClient, world: World,
                                                       session: Session) -> None:
    login(client, "admin")
    html = client.get("/admin/units/P/counters").get_data(as_text=True)
    assert 'href="/admin/units/A/counters"' in html and 'href="/admin/units/B/counters"' in html
    assert "Xã An" in html and "số quầy: 2" in html      # A's own counter and A1's
    child = client.get("/admin/units/A/counters").get_data(as_text=True)
    assert 'href="/admin/units/A1/counters"' in child and "Lên một cấp" in child


def test_menu__fieldwork_only_with_assignments(app, session: Session,  # type: ignore[no-untyped-def]
                                               tmp_path) -> None:
    from tests.webapp.staff_helpers import csrf_token
    from tests.webapp.test_fieldwork import households
    from webapp.administration.users import create_user
    from webapp.fieldwork.frames import import_frame
    from webapp.fieldwork.samples import assign, draw_sample, get_sample

    for email in ("a@example.org", "b@example.org"):
        create_user(session, email=email, role="admin", password="fieldwork pass 17")
    session.commit()
    import_frame(session, households(tmp_path), name="hh")
    drawn = draw_sample(session, frame_name="hh", name="s", method="srs", size=10, seed=1,
                        strata="village")
    first = session.scalar(select(User).where(User.email == "a@example.org"))
    assign(session, get_sample(session, "s"), first, drawn.rows["psu"].tolist()[:2])
    for email, offered in (("a@example.org", True), ("b@example.org", False)):
        client = app.test_client()
        client.post("/auth/login", data={"email": email, "password": "fieldwork pass 17",
                                         "csrf_token": csrf_token(client)})
        html = client.get("/staff/").get_data(as_text=True)
        nav = html.split('<nav class="staff"')[1].split("</nav>")[0]
        assert ('href="/staff/fieldwork/assignments"' in nav) == offered, email


def test_unit_page__jump_links_to_the_comparison(client: FlaskClient, world: World) -> None:
    login(client, "admin")
    html = client.get(f"/staff/units/P?survey=sipas&period={PERIOD}").get_data(as_text=True)
    toc = html.split('<nav class="toc"')[1].split("</nav>")[0]
    assert 'href="#h-children"' in toc and 'href="#h-fix"' in toc
    # Every jump lands on a heading of the page.
    assert all(f'id="{target}"' in html for target in re.findall(r'href="#([^"]+)"', toc))
