"""Anonymity checked, not assumed: nothing that identifies a citizen reaches the database or logs.

Responses are submitted through the app (behind one trusted proxy, as in production) from a
distinctive address, with a distinctive user agent, from a dossier receipt with a distinctive
dossier code. Then every table, every column of the database is dumped as text, together with
every log record the application wrote, and none of the three appears in clear.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, select, text

from tests.conftest import postgres_url
from tests.webapp.survey_helpers import answer_everything, setup_counter, submit
from webapp import config as app_config
from webapp import create_app
from webapp.migrate import upgrade
from webapp.models import Base, Comment, CommentContact, Procedure, ProcedureField, Response
from webapp.respond.tokens import sign_counter_token

ADDRESS = "198.51.100.237"
USER_AGENT = "ProbeBrowser/7.3 (hailong-anonymity-ua-5b1e)"
DOSSIER = "000.00.27.H12-261128-4242"
PHONE = "0912345678"


def dump(url: str) -> str:
    """Every row of every table as text (SQLite: iterdump; PostgreSQL: rows as JSON)."""
    if url.startswith("sqlite"):
        connection = sqlite3.connect(make_url(url).database or "")
        try:
            return "\n".join(connection.iterdump())
        finally:
            connection.close()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = conn.scalars(text("SELECT tablename FROM pg_tables "
                                      "WHERE schemaname = 'public'")).all()
            return "\n".join(
                json.dumps(row, ensure_ascii=False, default=str) for name in names
                # Table names come from the catalogue, not from input.
                for row in conn.scalars(text(f'SELECT row_to_json(t) FROM "{name}" t')))  # noqa: S608
    finally:
        engine.dispose()


def finish(client, path: str, extra: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    html = client.get(path).get_data(as_text=True)
    for _ in range(12):
        answers = answer_everything(html)
        if 'name="comment"' in html:
            answers.update(extra or {})
        response = submit(client, path, html, answers,
                          "send" if 'value="send"' in html else "next")
        if response.status_code == 303:
            return response
        html = response.get_data(as_text=True)
    raise AssertionError("the survey never ended")


def test_no_address_user_agent_or_dossier_code_stored_or_logged(
        database_url: str, session, tmp_path: Path,  # type: ignore[no-untyped-def]
        caplog: pytest.LogCaptureFixture) -> None:
    config = app_config.TestConfig(environ={"DATABASE_URL": database_url,
                                            "HAILONG_PROXY_HOPS": "1"}, instance_path=tmp_path)
    app = create_app(config)
    try:
        counter = setup_counter(session)
        field = session.scalar(select(ProcedureField).where(ProcedureField.code == "HT"))
        session.add(Procedure(national_code="1.001193", name_vi="Khai sinh",
                              field_id=field.id))
        session.commit()
        from webapp.administration.apikeys import create_api_key

        key, _ = create_api_key(session, name="một cửa")
        client = app.test_client()
        headers = {"X-Forwarded-For": ADDRESS, "User-Agent": USER_AGENT}
        client.environ_base.update({"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": USER_AGENT,
                                    "HTTP_X_FORWARDED_FOR": ADDRESS})
        caplog.set_level(logging.DEBUG)
        minted = client.post("/api/v1/dossier-tokens", headers={
            "Authorization": f"Bearer {key}", **headers}, json={
            "dossier_code": DOSSIER, "procedure_code": "1.001193", "counter_code": counter.code,
            "received_at": "2026-11-20T08:00:00+07:00", "due_at": "2026-11-25T17:00:00+07:00"})
        assert minted.status_code == 201
        finish(client, "/d/" + minted.get_json()["token"],
               {"comment": "Cần thêm ghế chờ.", "_contact": "1", "_phone": PHONE})
        finish(client, f"/s/{sign_counter_token(counter, app.config)}",
               {"comment": "Nhanh gọn."})
        session.expire_all()
        assert len(session.scalars(select(Response)).all()) == 2
        with app.app_context():
            app.logger.info("request handled")  # the app's own logger is captured too
    finally:
        app.extensions["hailong.engine"].dispose()
    everything = dump(database_url) + "\n" + "\n".join(
        f"{r.name} {r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "request handled" in everything  # the logs were really captured
    for secret in (ADDRESS, USER_AGENT, "hailong-anonymity-ua", DOSSIER, DOSSIER.replace(".", "")):
        assert secret not in everything, secret
    # The phone is kept (for follow-up), but only in comment_contact, never with answers.
    assert PHONE in everything


def test_contact__cannot_be_joined_to_answers(app, session, client) -> None:  # type: ignore[no-untyped-def]
    counter = setup_counter(session)
    path = f"/s/{sign_counter_token(counter, app.config)}"
    finish(client, path, {"comment": "Xin gọi lại giúp.", "_contact": "1", "_phone": PHONE})
    finish(client, path, {"comment": "Không cần gọi."})
    session.expire_all()
    contact = session.scalars(select(CommentContact)).one()
    with_phone = session.get(Comment, contact.comment_id)
    assert with_phone.response_id is None and with_phone.field_id is not None
    bodies = {r.id: r.answers.get("comment") for r in session.scalars(select(Response))}
    assert "Xin gọi lại giúp." not in bodies.values()  # no join by identical text either
    assert "Không cần gọi." in bodies.values()  # without a phone the comment stays analysable
    linked = session.scalars(select(Comment).where(Comment.response_id.is_not(None))).one()
    assert linked.body == "Không cần gọi."


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migration_0005__unlinks_existing_contacts(kind: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}" if kind == "sqlite" else postgres_url("_anon")
    upgrade(url, "0004")
    engine = create_engine(url)
    answers = {"c9.r15": 4, "comment": "Gọi tôi nhé", "other": "Gọi tôi nhé!"}
    tables = Base.metadata.tables
    try:
        with engine.begin() as conn:
            conn.execute(tables["unit"].insert().values(id=1, code="U", name_vi="U",
                                                        unit_type="commune"))
            conn.execute(tables["procedure_field"].insert().values(id=3, code="HT",
                                                                   name_vi="Hộ tịch"))
            conn.execute(tables["survey_version"].insert().values(
                id=1, survey_key="s", version=1, definition_text="x", content_hash="h"))
            for rid, sub in ((1, "a" * 20), (2, "b" * 20)):
                conn.execute(tables["response"].insert().values(
                    id=rid, public_id=f"p{rid}", submission_id=sub, survey_version_id=1,
                    unit_id=1, field_id=3, period="2026-11", channel="counter",
                    language="vi", answers=answers))
                conn.execute(tables["comment"].insert().values(
                    id=rid, response_id=rid, unit_id=1, period="2026-11", body="Gọi tôi nhé",
                    status="open"))
            conn.execute(tables["comment_contact"].insert().values(
                comment_id=1, phone=PHONE, delete_after=dt.datetime.now(dt.UTC)))
        upgrade(url)
        with engine.connect() as conn:
            comments = {r.id: r for r in conn.execute(text(
                "SELECT id, response_id, field_id FROM comment"))}
            stored = {r.id: r.answers for r in conn.execute(text(
                "SELECT id, answers FROM response"))}
            contacts = conn.scalar(text("SELECT count(*) FROM comment_contact"))
    finally:
        engine.dispose()
    assert contacts == 1  # the phone itself survives the migration
    assert comments[1].response_id is None and comments[2].response_id == 2
    assert comments[1].field_id == comments[2].field_id == 3
    first = stored[1] if isinstance(stored[1], dict) else json.loads(stored[1])
    second = stored[2] if isinstance(stored[2], dict) else json.loads(stored[2])
    assert first == {"c9.r15": 4, "other": "Gọi tôi nhé!"} and second == answers
