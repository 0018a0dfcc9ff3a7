"""Every 500 is logged with its traceback, without respondent data (issue 21, finding 4)."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import build_world, login
from webapp.errors import _handle_unexpected
from webapp.models import Unit

PHONE = "0912345678"


def _boom(comment: str) -> None:
    raise ValueError(f"could not store comment {comment!r} from {PHONE[:4]}{PHONE[4:]}")


def test_unexpected_error__traceback_logged_without_message_or_path(
        app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="webapp.errors")
    token = "0.1.1.SECRETTOKENabc"
    comment = "".join(["Gọi tôi", " nhé"])  # data, not a source line of the traceback
    with app.test_request_context(f"/s/{token}", method="POST"):
        try:
            _boom(comment)
        except ValueError as exc:
            body, status = _handle_unexpected(exc)
    assert status == 500
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Traceback" in logged and "_boom" in logged and "ValueError" in logged
    for secret in (PHONE, "Gọi tôi nhé", "SECRETTOKEN"):
        assert secret not in logged


def test_parent_unit_page__child_named_with_dollar__answers_200(
        client: FlaskClient, session: Session) -> None:
    build_world(session, responses_per_unit=12)
    child = session.query(Unit).filter_by(code="A").one()
    child.name_vi = "$\\frac{a$"
    session.commit()
    login(client, "admin")
    for language in ("vi", "en"):
        client.set_cookie("lang", language)
        page = client.get("/staff/units/P")
        assert page.status_code == 200, language
