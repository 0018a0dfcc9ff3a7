"""Administrators edit units, counters and survey versions; bad input changes nothing."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import World, build_world, login, token_in
from webapp.counters.service import counter_url
from webapp.models import Counter, SurveyVersion, Unit
from webapp.survey_versions import latest_version


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def _unit(session: Session, code: str) -> Unit:
    session.expire_all()
    unit = session.scalar(select(Unit).where(Unit.code == code))
    assert unit is not None
    return unit


def _unit_form(**changes: str) -> dict[str, str]:
    data = {"name_vi": "Xã Bình", "name_en": "Binh Commune", "unit_type": "commune",
            "parent": "P", "successor": "", "valid_from": "", "valid_to": ""}
    return data | changes


def _post(client: FlaskClient, path: str, data: dict[str, str], page: str | None = None):  # type: ignore[no-untyped-def]
    token = token_in(client.get(page or path).get_data(as_text=True))
    return client.post(path, data=data | {"csrf_token": token})


# ---- units ------------------------------------------------------------------------------------

def test_edit_unit__rename_and_move__saved(client: FlaskClient, world: World,
                                           session: Session) -> None:
    login(client, "admin")
    response = _post(client, "/admin/units/B/edit",
                     _unit_form(name_vi="Xã Bình Mới", parent="A", valid_from="2025-07-01"))
    assert response.status_code == 302
    unit = _unit(session, "B")
    assert unit.name_vi == "Xã Bình Mới" and unit.parent_id == world.units["A"]
    assert unit.valid_from is not None and unit.valid_from.isoformat() == "2025-07-01"


@pytest.mark.parametrize(("changes", "message"), [
    ({"parent": "B"}, "cannot be placed under itself"),
    ({"successor": "B"}, "a unit cannot succeed itself"),
    ({"valid_from": "2026-01-01", "valid_to": "2025-01-01"}, "is before valid_from"),
])
def test_edit_unit__bad_input__refused_nothing_changed(client: FlaskClient, world: World,
                                                       session: Session,
                                                       changes: dict[str, str],
                                                       message: str) -> None:
    login(client, "admin")
    response = _post(client, "/admin/units/B/edit", _unit_form(name_vi="Đổi tên", **changes))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    unit = _unit(session, "B")
    assert unit.name_vi == "Xã Bình" and unit.parent_id == world.units["P"]
    assert unit.successor_id is None and unit.valid_to is None


def test_edit_unit__under_own_descendant__cycle_refused(client: FlaskClient, world: World,
                                                        session: Session) -> None:
    login(client, "admin")
    data = _unit_form(name_vi="Tỉnh Thử", name_en="Test Province", unit_type="province",
                      parent="A1")
    response = _post(client, "/admin/units/P/edit", data)
    assert response.status_code == 400
    assert "its own descendant &#39;A1&#39;" in response.get_data(as_text=True)
    assert _unit(session, "P").parent_id is None


def test_edit_unit__unknown_parent__refused(client: FlaskClient, world: World,
                                            session: Session) -> None:
    login(client, "admin")
    response = _post(client, "/admin/units/B/edit", _unit_form(parent="ZZZ"))
    assert response.status_code == 400  # not among the choices: the form refuses it
    assert _unit(session, "B").parent_id == world.units["P"]


@pytest.mark.parametrize("who", ["manager", "manager_b", "analyst", "viewer"])
def test_edit_pages__not_admin__forbidden(client: FlaskClient, world: World, session: Session,
                                          who: str) -> None:
    login(client, who)
    token = token_in(client.get("/staff/").get_data(as_text=True))
    version = latest_version(session, "sipas")
    assert version is not None
    for path in ("/admin/units/B/edit", f"/admin/counters/{world.counters['B']}/edit",
                 f"/admin/surveys/{version.id}"):
        assert client.get(path).status_code == 403, path
    posts = {"/admin/units/B/edit": _unit_form(name_vi="X"),
             "/admin/units/B/counters": {"new-code": "Q9", "new-name_vi": "Quầy 9"},
             f"/admin/counters/{world.counters['B']}/edit": {"name_vi": "X"},
             f"/admin/counters/{world.counters['B']}/retire-codes": {},
             f"/admin/surveys/{version.id}": {"text": version.definition_text + "\n#"},
             f"/admin/surveys/{version.id}/retire": {}}
    for path, data in posts.items():
        assert client.post(path, data=data | {"csrf_token": token,
                                              "new-csrf_token": token}).status_code == 403
    assert _unit(session, "B").name_vi == "Xã Bình"
    assert session.scalar(select(func.count()).select_from(Counter)) == len(world.counters)
    assert session.scalar(select(func.count()).select_from(SurveyVersion)) == 1


# ---- counters ---------------------------------------------------------------------------------

def test_add_counter__created_duplicate_and_bad_code_refused(client: FlaskClient, world: World,
                                                             session: Session) -> None:
    login(client, "admin")
    page = "/admin/units/B/counters"
    token = token_in(client.get(page).get_data(as_text=True))
    ok = client.post(page, data={"new-csrf_token": token, "new-code": "B-Q2",
                                 "new-name_vi": "Quầy số 2"}, follow_redirects=True)
    assert "B-Q2" in ok.get_data(as_text=True)
    for code, message in (("B-Q2", "already has a counter"), ("q 2!", "must be 1-40 letters")):
        html = client.post(page, data={"new-csrf_token": token, "new-code": code,
                                       "new-name_vi": "Quầy"},
                           follow_redirects=True).get_data(as_text=True)
        assert message in html
    names = session.scalars(select(Counter.code).where(Counter.unit_id == world.units["B"]))
    assert sorted(names) == ["B-Q1", "B-Q2"]


def test_edit_counter__deactivated__its_poster_stops_opening(client: FlaskClient, app,  # type: ignore[no-untyped-def]
                                                             world: World,
                                                             session: Session) -> None:
    counter = session.get(Counter, world.counters["B"])
    url = counter_url(counter, app.config).split("/s/", 1)[1]
    assert client.get(f"/s/{url}").status_code == 200
    login(client, "admin")
    path = f"/admin/counters/{world.counters['B']}/edit"
    response = _post(client, path, {"name_vi": "Quầy tiếp dân", "name_en": ""})
    assert response.status_code == 302
    session.expire_all()
    counter = session.get(Counter, world.counters["B"])
    assert counter.name_vi == "Quầy tiếp dân" and counter.active is False
    assert client.get(f"/s/{url}").status_code != 200
    refused = _post(client, path, {"name_vi": "", "active": "y"})
    assert refused.status_code == 400
    session.expire_all()
    assert session.get(Counter, world.counters["B"]).name_vi == "Quầy tiếp dân"


def test_retire_codes__generation_bumped(client: FlaskClient, world: World,
                                         session: Session) -> None:
    login(client, "admin")
    before = session.get(Counter, world.counters["A"]).token_generation
    path = f"/admin/counters/{world.counters['A']}/retire-codes"
    response = _post(client, path, {}, page=f"/admin/counters/{world.counters['A']}/edit")
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Counter, world.counters["A"]).token_generation == before + 1


# ---- survey versions --------------------------------------------------------------------------

def _versions(session: Session) -> list[SurveyVersion]:
    session.expire_all()
    return list(session.scalars(select(SurveyVersion).order_by(SurveyVersion.version)))


def test_version_page__shows_frozen_text(client: FlaskClient, world: World,
                                         session: Session) -> None:
    login(client, "admin")
    version = _versions(session)[0]
    html = client.get(f"/admin/surveys/{version.id}").get_data(as_text=True)
    assert "key: sipas" in html and version.content_hash in html
    assert "Đang áp dụng" in html


def test_edited_text__new_version__frozen_one_unchanged(client: FlaskClient, world: World,
                                                        session: Session) -> None:
    login(client, "admin")
    v1 = _versions(session)[0]
    text, digest = v1.definition_text, v1.content_hash
    edited = text.replace("Phiếu ngắn cho người dân", "Phiếu rất ngắn cho người dân", 1)
    assert edited != text
    path = f"/admin/surveys/{v1.id}"
    # The browser sends the textarea's lines with CRLF; the text is the same otherwise.
    same = _post(client, path, {"text": text.replace("\n", "\r\n")})
    assert same.status_code == 302 and len(_versions(session)) == 1
    response = _post(client, path, {"text": edited})
    assert response.status_code == 302
    first, second = _versions(session)
    assert first.definition_text == text and first.content_hash == digest
    assert second.version == 2 and "Phiếu rất ngắn" in second.definition_text
    assert latest_version(session, "sipas").id == second.id  # type: ignore[union-attr]


@pytest.mark.parametrize(("text", "message"), [
    ("key: sipas\nquestions: [", "was not published"),
    ("key: other\n", "was not published"),
])
def test_edited_text__invalid__refused_no_version(client: FlaskClient, world: World,
                                                   session: Session, text: str,
                                                   message: str) -> None:
    login(client, "admin")
    v1 = _versions(session)[0]
    response = _post(client, f"/admin/surveys/{v1.id}", {"text": text})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert len(_versions(session)) == 1


def test_edited_text__other_key__refused(client: FlaskClient, world: World,
                                         session: Session) -> None:
    login(client, "admin")
    v1 = _versions(session)[0]
    other = v1.definition_text.replace("key: sipas", "key: sipas_copy", 1)
    response = _post(client, f"/admin/surveys/{v1.id}", {"text": other})
    assert response.status_code == 400
    assert "defines survey &#39;sipas_copy&#39;" in response.get_data(as_text=True)
    assert len(_versions(session)) == 1


def test_retire_and_activate__version_in_force_follows(client: FlaskClient, world: World,
                                                       session: Session) -> None:
    login(client, "admin")
    v1 = _versions(session)[0]
    only = _post(client, f"/admin/surveys/{v1.id}/retire", {}, page=f"/admin/surveys/{v1.id}")
    assert only.status_code == 400 and "only version in force" in only.get_data(as_text=True)
    assert _versions(session)[0].retired_at is None
    edited = v1.definition_text.replace("Phiếu ngắn", "Phiếu gọn", 1)
    _post(client, f"/admin/surveys/{v1.id}", {"text": edited})
    v2 = _versions(session)[1]
    _post(client, f"/admin/surveys/{v2.id}/retire", {}, page=f"/admin/surveys/{v2.id}")
    assert latest_version(session, "sipas").id == v1.id  # type: ignore[union-attr]
    assert "đã ngừng áp dụng" in client.get("/admin/").get_data(as_text=True)
    _post(client, f"/admin/surveys/{v2.id}/activate", {}, page=f"/admin/surveys/{v2.id}")
    assert latest_version(session, "sipas").id == v2.id  # type: ignore[union-attr]
    # A third version is numbered after every earlier one, retired or not.
    _post(client, f"/admin/surveys/{v2.id}/retire", {}, page=f"/admin/surveys/{v2.id}")
    _post(client, f"/admin/surveys/{v1.id}", {"text": edited.replace("Phiếu gọn", "Phiếu ba")})
    assert [v.version for v in _versions(session)] == [1, 2, 3]


def test_edit_unit__rename__province_page_shows_new_name_at_once(client: FlaskClient,
                                                                 session: Session) -> None:
    """Reports are memoised on a data stamp that holds the unit names: a rename shows at once
    (in every worker, no cache cleared by hand)."""
    build_world(session, responses_per_unit=12)
    login(client, "admin")
    page = "/staff/units/P?survey=sipas&period=2026-05"
    assert "Xã Bình" in client.get(page).get_data(as_text=True)
    response = _post(client, "/admin/units/B/edit", _unit_form(name_vi="Xã Bình Minh"))
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "Xã Bình Minh" in html
