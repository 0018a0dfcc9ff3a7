"""The survey opened from a dossier receipt: context inherited, single use, nothing traceable."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.webapp.survey_helpers import answer_everything, setup_counter, submit
from webapp.administration.apikeys import create_api_key
from webapp.models import DossierToken, Procedure, ProcedureField, Response
from webapp.respond.dossier_tokens import mint_dossier_token


@pytest.fixture
def dossier_path(app: Flask, session: Session) -> str:
    counter = setup_counter(session)
    field = session.scalar(select(ProcedureField).where(ProcedureField.code == "HT"))
    session.add(Procedure(national_code="1.001193", name_vi="Đăng ký khai sinh",
                          field_id=field.id))
    session.commit()
    _, key = create_api_key(session, name="một cửa")
    received = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
    raw, _ = mint_dossier_token(
        session, api_key=key, dossier_code="000.00.27.H12-261102-0001",
        procedure_code="1.001193", counter_code=counter.code, unit_code=None,
        received_at=received, due_at=received + dt.timedelta(days=3),
        returned_at=received + dt.timedelta(days=2), config=app.config)
    return f"/d/{raw}"


def finish(client: FlaskClient, path: str):  # type: ignore[no-untyped-def]
    html = client.get(path).get_data(as_text=True)
    for _ in range(12):
        action = "send" if 'value="send"' in html else "next"
        response = submit(client, path, html, answer_everything(html), action)
        if response.status_code != 200:
            return response, html
        html = response.get_data(as_text=True)
    raise AssertionError("the survey never ended")


def test_dossier_survey__inherits_context__one_use(client: FlaskClient, dossier_path: str,
                                                  session: Session) -> None:
    first = client.get(dossier_path).get_data(as_text=True)
    assert 'name="_field"' not in first  # the receipt already says which procedure it was
    response, _ = finish(client, dossier_path)
    assert response.status_code == 303
    stored = session.scalar(select(Response))
    assert stored.channel == "dossier" and stored.on_time is True
    assert stored.answers["procedure"] == "Hộ tịch"
    assert stored.procedure_id is not None and stored.field_id is not None
    token = session.scalar(select(DossierToken))
    assert token.used_at is not None and token.used_at.day == 1  # coarse: month only
    # A second use of the receipt: a friendly page, nothing stored.
    again = client.get(dossier_path)
    assert again.status_code == 410
    assert "đã được trả lời" in again.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Response)) == 1


def test_dossier_survey__used_while_form_open__second_send_refused(
        client: FlaskClient, dossier_path: str, session: Session) -> None:
    # Two phones open the same receipt; both reach the last page, then both press Send.
    other = client.application.test_client()
    html = other.get(dossier_path).get_data(as_text=True)
    while 'value="send"' not in html:
        html = submit(other, dossier_path, html, answer_everything(html)).get_data(as_text=True)
    response, _ = finish(client, dossier_path)
    assert response.status_code == 303
    late = submit(other, dossier_path, html, answer_everything(html), "send")
    assert late.status_code == 410
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Response)) == 1
