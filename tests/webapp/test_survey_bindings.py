"""Survey keys bound to what a token may open (issue 21, finding 3).

The probe answered PAPI, the one-stop rating and SIPAS 2017 at a counter's and a dossier's URL
and had them stored with channel ``counter``, feeding indices the poster was never meant for.
Every key a token may not open now answers 404 to a GET and to a complete POST, and nothing is
stored; an administrator sets each counter's surveys; PAPI never opens through a token.
"""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from tests.webapp.db_snapshot import snapshot
from tests.webapp.staff_helpers import _password_hash, login, token_in
from tests.webapp.survey_helpers import setup_counter
from tests.webapp.test_token_refusals import last_form
from webapp.administration.apikeys import create_api_key
from webapp.models import AuditEntry, Counter, Procedure, ProcedureField, Role, User
from webapp.respond.dossier_tokens import mint_dossier_token
from webapp.respond.tokens import sign_counter_token

OTHER_KEYS = ["papi", "onestop", "sipas_2017", "nope", "SIPAS", "sipas%20", "..", "sipas.yaml"]


@pytest.fixture
def counter(session: Session) -> Counter:
    return setup_counter(session)


def _dossier(app: Flask, session: Session, counter: Counter) -> str:
    field = session.scalar(select(ProcedureField).where(ProcedureField.code == "HT"))
    session.add(Procedure(national_code="1.001193", name_vi="Khai sinh", field_id=field.id))
    session.commit()
    _, key = create_api_key(session, name="một cửa")
    received = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
    raw, _ = mint_dossier_token(
        session, api_key=key, dossier_code="000.00.27.H12-261102-0021",
        procedure_code="1.001193", counter_code=counter.code, unit_code=None,
        received_at=received, due_at=received + dt.timedelta(days=3),
        returned_at=received + dt.timedelta(days=2), config=app.config)
    return f"/d/{raw}"


def _refused(client: FlaskClient, session: Session, path: str,
             fields: list[tuple[str, str]]) -> None:
    before = snapshot(session)
    for response in (client.get(path), client.post(path, data=MultiDict(fields))):
        assert response.status_code == 404, (path, response.status_code)
    assert snapshot(session) == before


@pytest.mark.parametrize("key", OTHER_KEYS)
def test_counter_and_kiosk__other_survey_keys__404_nothing_stored(
        app: Flask, session: Session, client: FlaskClient, counter: Counter, key: str) -> None:
    token = sign_counter_token(counter, app.config)
    fields = last_form(client, f"/s/{token}")  # a complete, valid SIPAS last page
    for prefix in ("/s/", "/k/"):
        _refused(client, session, f"{prefix}{token}/{key}", fields)


@pytest.mark.parametrize("key", ["papi", "onestop", "sipas_2017", "nope"])
def test_dossier__other_survey_keys__404_nothing_stored(
        app: Flask, session: Session, client: FlaskClient, counter: Counter, key: str) -> None:
    path = _dossier(app, session, counter)
    fields = last_form(client, path)
    _refused(client, session, f"{path}/{key}", fields)
    # The token was not used up by the refused posts: SIPAS still opens.
    assert client.get(path).status_code == 200


def test_default__sipas_opens(app: Flask, client: FlaskClient, counter: Counter) -> None:
    token = sign_counter_token(counter, app.config)
    for path in (f"/s/{token}", f"/s/{token}/sipas", f"/k/{token}/sipas"):
        assert client.get(path).status_code == 200, path


def test_admin_allows_onestop__opens_there_only__papi_refused(
        app: Flask, session: Session, client: FlaskClient, counter: Counter) -> None:
    other = Counter(unit_id=counter.unit_id, code="X1-Q2", name_vi="Quầy 2")
    session.add(other)
    session.commit()
    session.add(User(email="admin@t.vn", password_hash=_password_hash(), role=Role.ADMIN))
    session.commit()
    login(client, "admin")
    page = client.get(f"/admin/counters/{counter.id}/edit").get_data(as_text=True)
    assert 'value="onestop"' in page and 'value="papi"' not in page
    form = {"csrf_token": token_in(page), "name_vi": "Quầy 1", "active": "y"}
    before = snapshot(session)
    refused = client.post(f"/admin/counters/{counter.id}/edit",
                          data=MultiDict([*form.items(), ("surveys", "sipas"),
                                          ("surveys", "papi")]))
    assert refused.status_code == 400
    assert snapshot(session) == before
    saved = client.post(f"/admin/counters/{counter.id}/edit",
                        data=MultiDict([*form.items(), ("surveys", "sipas"),
                                        ("surveys", "onestop")]))
    assert saved.status_code == 302
    session.expire_all()
    assert session.get(Counter, counter.id).survey_keys == "onestop sipas"
    assert session.scalars(select(AuditEntry).where(
        AuditEntry.action == "counters.surveys")).one().detail == {"surveys": ["onestop",
                                                                               "sipas"]}
    assert client.get(f"/s/{sign_counter_token(counter, app.config)}/onestop").status_code == 200
    assert client.get(f"/s/{sign_counter_token(other, app.config)}/onestop").status_code == 404


def test_papi_set_in_the_database__still_never_opens(
        app: Flask, session: Session, client: FlaskClient, counter: Counter) -> None:
    counter.survey_keys = "sipas papi"
    session.commit()
    token = sign_counter_token(counter, app.config)
    _refused(client, session, f"/s/{token}/papi", last_form(client, f"/s/{token}"))


# Issue 21, finding 12: the "you said, we did" note after the unit withdrew its public page.
# /d/done opens with any unit's code and no token: the note shows there only while published.
# The counter's and kiosk's thank-you pages need the counter's token and keep showing it to
# the citizens who answered (tests/webapp/test_respond.py).
def test_dossier_thanks__note_shown_only_while_published(
        app: Flask, session: Session, client: FlaskClient, counter: Counter) -> None:
    from webapp.followup.publication import save_publication

    unit = counter.unit
    token = sign_counter_token(counter, app.config)
    save_publication(session, unit, published=True, note_vi="Đã thêm ghế chờ.", note_en=None)
    assert "Đã thêm ghế chờ." in client.get(f"/d/done?u={unit.code}").get_data(as_text=True)
    save_publication(session, unit, published=False, note_vi="Đã thêm ghế chờ.", note_en=None)
    page = client.get(f"/d/done?u={unit.code}")
    assert page.status_code == 200 and "Đã thêm ghế chờ." not in page.get_data(as_text=True)
    assert "Đã thêm ghế chờ." in client.get(f"/s/{token}/done").get_data(as_text=True)
