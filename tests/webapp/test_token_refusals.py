"""Forged, replayed, expired and other-unit QR and dossier tokens, refused over HTTP.

tests/webapp/test_tokens.py and test_dossier_tokens_api.py check the verifying functions; here
the same attacks go through the survey URLs with a complete, valid set of answers, so a refusal
that still stored something, or a page that answered 500, would show.
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
from tests.webapp.survey_helpers import answer_everything, form_of, setup_counter, submit
from webapp.administration.apikeys import create_api_key
from webapp.models import Counter, DossierToken, Procedure, ProcedureField, Response, Unit
from webapp.respond.dossier_tokens import mint_dossier_token
from webapp.respond.tokens import sign_counter_token

REFUSED = ("đọc được mã QR", "đã được trả lời", "hết hạn", "không còn được sử dụng")


def last_form(client: FlaskClient, path: str) -> list[tuple[str, str]]:
    """The fields of a complete survey's last page, sent with "send"."""
    html = client.get(path).get_data(as_text=True)
    for _ in range(12):
        answers = answer_everything(html)
        if 'value="send"' in html:
            fields = [(k, v) for k, v in form_of(html).fields if k not in answers]
            fields += [(k, v) for k, value in answers.items()
                       for v in (value if isinstance(value, list) else [value])]
            return [*fields, ("action", "send")]
        html = submit(client, path, html, answers).get_data(as_text=True)
    raise AssertionError("no last page")


def refused(client: FlaskClient, session: Session, path: str,
            fields: list[tuple[str, str]], status: int) -> None:
    """GET and a complete POST on ``path`` are refused with ``status``; nothing stored."""
    before = snapshot(session)
    for response in (client.get(path), client.post(path, data=MultiDict(fields))):
        assert response.status_code == status, (path, response.status_code)
        assert any(t in response.get_data(as_text=True) for t in REFUSED), path
    assert snapshot(session) == before


@pytest.fixture
def counter(session: Session) -> Counter:
    return setup_counter(session)


def _forgeries(app: Flask, counter: Counter) -> dict[str, str]:
    token = sign_counter_token(counter, app.config)
    version, _, generation, mac = token.split(".")
    return {
        "flipped mac": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "other counter": f"{version}.{counter.id + 1:x}.{generation}.{mac}",
        "other secret": sign_counter_token(counter, app.config | {"SECRET_KEY": "y" * 40}),
        "not ours": "eyJhbGciOiJub25lIn0.e30.",
    }


@pytest.mark.parametrize("prefix", ["s", "k"])
def test_forged_counter_tokens__refused_nothing_stored(app: Flask, client: FlaskClient,
                                                       session: Session, counter: Counter,
                                                       prefix: str) -> None:
    fields = last_form(client, f"/{prefix}/{sign_counter_token(counter, app.config)}")
    for name, forged in _forgeries(app, counter).items():
        refused(client, session, f"/{prefix}/{forged}", fields, 404)
        done = client.get(f"/{prefix}/{forged}/done")
        assert done.status_code == 200 and "Xã Đắk Song" not in done.get_data(as_text=True), name


def test_retired_counter_token__410_nothing_stored(app: Flask, client: FlaskClient,
                                                   session: Session, counter: Counter) -> None:
    old = sign_counter_token(counter, app.config)
    fields = last_form(client, f"/s/{old}")
    counter.token_generation += 1  # the poster was reprinted
    session.commit()
    refused(client, session, f"/s/{old}", fields, 410)


def test_posted_unit_or_counter__ignored_token_decides(app: Flask, client: FlaskClient,
                                                       session: Session,
                                                       counter: Counter) -> None:
    other = Unit(code="Y9", name_vi="Xã Khác", unit_type="commune")
    other.counters = [Counter(code="Y9-Q1", name_vi="Quầy 1")]
    session.add(other)
    session.commit()
    path = f"/s/{sign_counter_token(counter, app.config)}"
    fields = last_form(client, path)
    fields += [("unit_id", str(other.id)), ("counter_id", str(other.counters[0].id)),
               ("channel", "dossier"), ("on_time", "1")]
    assert client.post(path, data=MultiDict(fields)).status_code == 303
    stored = session.scalars(select(Response)).one()
    assert (stored.unit_id, stored.counter_id, stored.channel, stored.on_time) == (
        counter.unit_id, counter.id, "counter", None)


@pytest.fixture
def receipt(app: Flask, session: Session, counter: Counter) -> str:
    field = session.scalar(select(ProcedureField).where(ProcedureField.code == "HT"))
    session.add(Procedure(national_code="1.001193", name_vi="Đăng ký khai sinh",
                          field_id=field.id))
    session.commit()
    _, key = create_api_key(session, name="một cửa")
    received = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
    raw, _ = mint_dossier_token(
        session, api_key=key, dossier_code="000.00.27.H12-261102-0009",
        procedure_code="1.001193", counter_code=counter.code, unit_code=None,
        received_at=received, due_at=received + dt.timedelta(days=3), returned_at=None,
        config=app.config)
    return raw


def test_dossier_token__replayed_after_use__410(client: FlaskClient, session: Session,
                                               receipt: str) -> None:
    fields = last_form(client, f"/d/{receipt}")
    assert client.post(f"/d/{receipt}", data=MultiDict(fields)).status_code == 303
    assert len(snapshot(session)["response"]) == 1
    # The very same post again (a double tap) is the same submission: still one response.
    assert client.post(f"/d/{receipt}", data=MultiDict(fields)).status_code in (303, 410)
    replay = [(k, "0" * 32 if k == "submission_id" else v) for k, v in fields]
    refused(client, session, f"/d/{receipt}", replay, 410)
    assert len(snapshot(session)["response"]) == 1


def test_dossier_token__expired__410(client: FlaskClient, session: Session,
                                     receipt: str) -> None:
    fields = last_form(client, f"/d/{receipt}")
    token = session.scalars(select(DossierToken)).one()
    token.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    session.commit()
    refused(client, session, f"/d/{receipt}", fields, 410)


def test_dossier_token__forged_or_swapped__404(app: Flask, client: FlaskClient,
                                               session: Session, counter: Counter,
                                               receipt: str) -> None:
    fields = last_form(client, f"/d/{receipt}")
    qr = sign_counter_token(counter, app.config)
    for path in (f"/d/{receipt[:-1]}{'A' if receipt[-1] != 'A' else 'B'}", f"/d/{qr}",
                 f"/s/{receipt}", "/d/" + "x" * 43):
        refused(client, session, path, fields, 404)


def test_dossier_mint__other_unit__403_nothing_stored(client: FlaskClient, session: Session,
                                                      counter: Counter) -> None:
    other = Unit(code="Y9", name_vi="Xã Khác", unit_type="commune")
    other.counters = [Counter(code="Y9-Q1", name_vi="Quầy 1")]
    field = session.scalar(select(ProcedureField).where(ProcedureField.code == "HT"))
    session.add_all([other, Procedure(national_code="1.001193", name_vi="Khai sinh",
                                      field_id=field.id)])
    session.commit()
    raw, _ = create_api_key(session, name="một cửa X1", unit_code="X1")
    before = snapshot(session)
    response = client.post("/api/v1/dossier-tokens", headers={"Authorization": f"Bearer {raw}"},
                           json={"dossier_code": "HS-9", "procedure_code": "1.001193",
                                 "unit_code": "Y9", "counter_code": "Y9-Q1",
                                 "received_at": "2026-11-02T08:00:00+07:00",
                                 "due_at": "2026-11-05T17:00:00+07:00"})
    assert response.status_code == 403 and response.get_json()["field"] in ("unit_code",
                                                                           "counter_code")
    assert snapshot(session) == before


# Issue 21, finding 11: one spelling per counter token.
def test_counter_token__non_canonical_numerals__refused_nothing_stored(
        app: Flask, session: Session, client: FlaskClient, counter: Counter) -> None:
    counter.id  # noqa: B018 - loaded
    token = sign_counter_token(counter, app.config)
    version, id_text, generation, mac = token.split(".")
    fields = last_form(client, f"/s/{token}")
    spellings = {f"{version}.0{id_text}.{generation}.{mac}",
                 f"{version}.{id_text}.0{generation}.{mac}",
                 f"{version}.00{id_text}.00{generation}.{mac}",
                 f"{version}.{id_text.upper()}.{generation.upper()}.{mac}"} - {token}
    for spelling in spellings:
        for prefix in ("/s/", "/k/"):
            refused(client, session, f"{prefix}{spelling}", fields, 404)
    assert client.get(f"/s/{token}").status_code == 200
