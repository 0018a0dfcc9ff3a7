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
                id=1, comment_id=1, phone=PHONE, delete_after=dt.datetime.now(dt.UTC)))
        upgrade(url, "0005_sec")  # 0008 renumbers comments: tested on its own below
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


class _SeededSecrets:
    """Stands in for ``secrets`` where ids are drawn, so the test is reproducible."""

    def __init__(self, seed: int) -> None:
        import random

        self._rng = random.Random(seed)

    def randbelow(self, n: int) -> int:
        return self._rng.randrange(n)

    def token_hex(self, nbytes: int) -> str:
        return self._rng.randbytes(nbytes).hex()


def _brackets(order: list[dict], rank: dict[int, int], free: set[int]) -> dict[int, set[int]]:
    """For each contact comment in ``order``, the responses without a linked comment that lie
    between the responses of its nearest linked neighbours, as ``rank`` orders responses."""
    found: dict[int, set[int]] = {}
    for position, comment in enumerate(order):
        if comment["response_id"] is not None:
            continue
        before = [c for c in order[:position] if c["response_id"] is not None]
        after = [c for c in order[position + 1:] if c["response_id"] is not None]
        low = rank[before[-1]["response_id"]] if before else -1
        high = rank[after[0]["response_id"]] if after else len(rank)
        found[comment["id"]] = {r for r in free if low < rank[r] < high}
    return found


def test_linkage_attack__pairs_no_contact_with_a_response(
        app, session, client, tmp_path: Path,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The probe's attack and its variants, given the whole database and every export.

    24 citizens answer at one counter in one month, as the probe saw it: a comment, a
    comment with a phone number, a comment, then two who write nothing, and so on. The
    attacker reads every table and a microdata export with the free text, orders the comments
    every way the data allows (id, stored time, contact id, deletion time) and the responses
    every way (id, export row), and brackets
    each contact comment between the responses of its linked neighbours. Singling out the
    right response once can be luck (a random order brackets something); a strategy that
    does it for two of the five contacts uses an order that leaks. Before the fix, comment ids
    alone paired all five. Ids are drawn from seeded generators so the run is reproducible.
    """
    import webapp.models.anonymity as anonymity
    import webapp.respond.responses as responses_service
    from webapp.export.service import ExportRequest, run_export
    from webapp.respond.responses import current_period

    monkeypatch.setattr(anonymity, "secrets", _SeededSecrets(21))
    monkeypatch.setattr(responses_service, "secrets", _SeededSecrets(2126))
    counter = setup_counter(session)
    path = f"/s/{sign_counter_token(counter, app.config)}"
    truth: dict[int, int] = {}  # contact comment id -> the response of that citizen
    for i in range(24):
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{i + 1}"  # below the per-client limit
        extra = {"comment": ""}
        if i % 5 == 1:
            extra = {"comment": f"Xin gọi lại, việc số {i}.", "_contact": "1",
                     "_phone": f"09123456{i:02d}"}
        elif i % 5 in (0, 2):
            extra = {"comment": f"Góp ý số {i}: cần thêm ghế."}
        finish(client, path, extra)
        session.expire_all()
        if i % 5 == 1:
            newest = session.scalar(select(Response).order_by(Response.id.desc()).limit(1))
            contact_comment = session.scalars(select(Comment).where(
                Comment.body == extra["comment"])).one()
            truth[contact_comment.id] = newest.id
    assert len(truth) == 5

    comments = [{"id": c.id, "response_id": c.response_id, "body": c.body,
                 "updated_at": c.updated_at} for c in session.scalars(select(Comment))]
    contacts = {c.comment_id: c for c in session.scalars(select(CommentContact))}
    responses = list(session.scalars(select(Response)))
    linked = {c["response_id"] for c in comments if c["response_id"] is not None}
    free = {r.id for r in responses} - linked  # responses no comment names
    result = run_export(session, ExportRequest(
        survey="sipas", period=current_period(), fmt="csv", out_dir=tmp_path / "export",
        include_text=True, k=1))
    import pandas as pd

    rows = pd.read_csv(result.data_file, encoding="utf-8-sig", dtype=str)
    by_public = {r.public_id: r.id for r in responses}
    export_rank = {by_public[p]: i for i, p in enumerate(rows["response_id"])}

    comment_orders = {
        "comment id": sorted(comments, key=lambda c: c["id"]),
        "stored time, then id": sorted(comments, key=lambda c: (c["updated_at"], c["id"])),
        # contacts ordered by their own id or deletion time, placed among linked comments
        "contact id": sorted(comments, key=lambda c: (
            contacts[c["id"]].id if c["id"] in contacts else c["id"])),
        "deletion time": sorted(comments, key=lambda c: (
            contacts[c["id"]].delete_after.timestamp() if c["id"] in contacts else 0, c["id"])),
    }
    response_orders = {
        "response id": {r.id: r.id for r in responses},
        "export row": export_rank,
    }
    paired = {}
    for comment_name, order in comment_orders.items():
        for response_name, rank in response_orders.items():
            hits = [contact_id for contact_id, candidates in _brackets(order, rank, free).items()
                    if candidates == {truth[contact_id]}]
            if len(hits) >= 2:
                paired[(comment_name, response_name)] = len(hits)
    assert paired == {}, f"contacts paired with their answers: {paired}"
    # No stored time of a comment or contact is finer than the month.
    for c in comments:
        moment = c["updated_at"]
        assert (moment.day, moment.hour, moment.minute, moment.second,
                moment.microsecond) == (1, 0, 0, 0, 0), moment
    for contact in contacts.values():
        moment = contact.delete_after
        assert (moment.day, moment.hour, moment.minute, moment.second,
                moment.microsecond) == (1, 0, 0, 0, 0), moment

    # And no text joins them: the contact's comment is in no exported text column.
    texts = set(rows["comment"].dropna()) if "comment" in rows else set()
    for c in comments:
        if c["id"] in truth:
            assert c["body"] not in texts


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migration_0008__renumbers_comments_and_cuts_times_to_the_month(
        kind: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}" if kind == "sqlite" else postgres_url("_anon8")
    upgrade(url, "0007_ws")
    engine = create_engine(url)
    submitted = dt.datetime(2026, 11, 17, 9, 41, 27, 123456, tzinfo=dt.UTC)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO unit (id, code, name_vi, unit_type) "
                              "VALUES (1, 'U', 'U', 'commune')"))
            for cid in (41, 42, 43):
                conn.execute(text("INSERT INTO comment (id, unit_id, period, body, status, "
                                  "updated_at) VALUES (:i, 1, '2026-11', :b, 'open', :t)"),
                             {"i": cid, "b": f"body {cid}", "t": submitted})
            conn.execute(text("INSERT INTO comment_contact (id, comment_id, phone, delete_after)"
                              " VALUES (7, 42, :p, :t)"),
                         {"p": PHONE, "t": submitted + dt.timedelta(days=90)})
            conn.execute(text("INSERT INTO audit_entry (action, target, at) "
                              "VALUES ('comments.assign', 'comment:42', :t)"), {"t": submitted})
        upgrade(url)
        with engine.connect() as conn:
            comments = {r.body: r for r in conn.execute(text(
                "SELECT id, body, updated_at FROM comment"))}
            contact = conn.execute(text(
                "SELECT id, comment_id, phone, delete_after FROM comment_contact")).one()
            target = conn.scalar(text("SELECT target FROM audit_entry"))
    finally:
        engine.dispose()
    assert sorted(comments) == ["body 41", "body 42", "body 43"]
    assert not {r.id for r in comments.values()} & {41, 42, 43}
    assert contact.phone == PHONE and contact.comment_id == comments["body 42"].id
    assert contact.id != 7 and target == f"comment:{comments['body 42'].id}"
    for row in comments.values():
        moment = row.updated_at if isinstance(row.updated_at, dt.datetime) else \
            dt.datetime.fromisoformat(row.updated_at)
        assert (moment.year, moment.month, moment.day, moment.hour, moment.microsecond) == \
            (2026, 11, 1, 0, 0)
    deleted = contact.delete_after if isinstance(contact.delete_after, dt.datetime) else \
        dt.datetime.fromisoformat(contact.delete_after)
    # 90 days after 17 November is 15 February: kept until 1 March, never less than promised.
    assert (deleted.year, deleted.month, deleted.day, deleted.hour) == (2027, 3, 1, 0)
