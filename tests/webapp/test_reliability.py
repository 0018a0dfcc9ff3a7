"""Nothing lost, nothing doubled: submissions through gunicorn with a worker killed mid-load,
and one dossier token raced by 50 clients.

The full-size load (20,000 submissions, 64 clients, a database restart) is
``bench/reliability_bench.py``; this is the same harness at a size ``make test`` can afford.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter as Tally
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from bench.harness import gunicorn, hailong_env, prepare_site
from bench.loadclient import check_stored, run_load
from tests.webapp.survey_helpers import answer_everything, form_of, submit
from webapp import create_app
from webapp.administration.apikeys import create_api_key
from webapp.config import TestConfig as AppConfig
from webapp.models import Counter, DossierToken, Procedure, ProcedureField, Response
from webapp.respond.dossier_tokens import hash_token, mint_dossier_token
from webapp.respond.tokens import sign_counter_token


def test_load__worker_killed__every_acknowledged_stored_once(app: Flask,
                                                             database_url: str) -> None:
    site = prepare_site(database_url, counters=16)
    with gunicorn("wsgi:app", workers=3, env=hailong_env(database_url)) as server:
        report = run_load(server.base, site.tokens, site.form, total=2000, clients=16,
                          faults=[(0.4, "SIGKILL worker", server.kill_worker)])
    check = check_stored(database_url, report)
    assert report.faults and report.sent == 2000 and not report.crashed, report.crashed
    assert report.acknowledged == 2000 and report.gave_up == 0
    assert report.resent == 200 and report.resent_acknowledged == 200
    assert check.stored == 2000 and check.lost == 0 and check.duplicated == 0
    assert check.half_written == 0 and check.foreign == 0 and check.stored_unacknowledged == 0
    # What failed was retryable: the killed worker's broken connections, or a 503 (SQLite busy
    # beyond its timeout on an overloaded machine); never a 500 or a refusal.
    assert all(kind.startswith("connection") or kind == "HTTP 503"
               for kind in report.errors), report.errors


def _mint(session: Session, app: Flask, key, code: str) -> str:  # type: ignore[no-untyped-def]
    received = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
    raw, _ = mint_dossier_token(
        session, api_key=key, dossier_code=code, procedure_code="1.001193",
        counter_code="LT1-Q0", unit_code=None, received_at=received,
        due_at=received + dt.timedelta(days=3), returned_at=None, config=app.config)
    return raw


def _final_fields(app: Flask, path: str) -> list[tuple[str, str]]:
    """Walk a dossier survey to its end; return the fields of the final POST (which stores)."""
    client = app.test_client()
    html = client.get(path).get_data(as_text=True)
    for _ in range(12):
        answers = answer_everything(html)
        action = "send" if 'value="send"' in html else "next"
        reply = submit(client, path, html, answers, action)
        if reply.status_code == 303:
            fields = [(k, v) for k, v in form_of(html).fields if k not in answers]
            fields += [(k, str(v)) for k, v in answers.items()]
            return [*fields, ("action", action)]
        html = reply.get_data(as_text=True)
    raise AssertionError("the survey never ended")


def test_dossier_token__50_clients_at_once__exactly_one_response(app: Flask, session: Session,
                                                                 database_url: str) -> None:
    prepare_site(database_url, counters=1)
    field = session.scalar(select(ProcedureField).where(ProcedureField.code == "HT"))
    session.add(Procedure(national_code="1.001193", name_vi="Đăng ký khai sinh",
                          field_id=field.id))
    session.commit()
    _, key = create_api_key(session, name="một cửa")
    form = _final_fields(app, "/d/" + _mint(session, app, key, "H12-0001"))
    raw = _mint(session, app, key, "H12-0002")
    path = f"/d/{raw}"
    before = session.scalar(select(func.count()).select_from(Response))

    start = threading.Barrier(50)
    statuses: list[int] = []

    # Every citizen opens the page first, one after the other, so nothing that can fail runs
    # before the barrier and the barrier needs no time limit (a slow machine only waits).
    opened = []
    for number in range(50):
        client = app.test_client()
        env = {"REMOTE_ADDR": f"10.9.0.{number}"}
        page = client.get(path, environ_base=env).get_data(as_text=True)
        fields = [(k, v) for k, v in form if k not in {"csrf_token", "submission_id"}]
        fields += [(k, v) for k, v in form_of(page).fields if k == "csrf_token"]
        fields.append(("submission_id", f"race-{number:04d}-0123456789abcdef"))
        opened.append((client, env, fields))

    def citizen(number: int) -> None:
        client, env, fields = opened[number]
        start.wait()
        reply = client.post(path, data=MultiDict(fields), environ_base=env)
        statuses.append(reply.status_code)

    threads = [threading.Thread(target=citizen, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    session.expire_all()
    assert Tally(statuses) == Tally({303: 1, 410: 49})
    assert session.scalar(select(func.count()).select_from(Response)) == before + 1
    token = session.scalar(select(DossierToken).where(DossierToken.token_hash == hash_token(raw)))
    assert token.used_at is not None
    raced = select(Response).where(Response.submission_id.startswith("race-"))
    assert len(session.scalars(raced).all()) == 1



def test_database_unreachable__503_retry_after__in_vietnamese(tmp_path: Path) -> None:
    # A database that cannot be opened stands for one being restarted.
    missing = tmp_path / "no-such-dir" / "hailong.db"
    app = create_app(AppConfig(environ={"DATABASE_URL": f"sqlite:///{missing}"},
                               instance_path=tmp_path))
    # A correctly signed token, so the request gets as far as the database.
    path = "/s/" + sign_counter_token(Counter(id=1, token_generation=0), app.config)
    reply = app.test_client().get(path)
    assert reply.status_code == 503 and reply.headers["Retry-After"] == "5"
    assert "chỉ được tính một lần" in reply.get_data(as_text=True)
    as_json = app.test_client().get(path, headers={"Accept": "application/json"})
    assert as_json.status_code == 503 and as_json.json["error"] == "Service Unavailable"
    app.extensions["hailong.engine"].dispose()
