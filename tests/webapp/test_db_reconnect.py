"""Without a connection pre-ping, a pooled PostgreSQL connection cut by the server (a restart,
a failover, an idle timeout) costs one 503 that the citizen may retry, never a lost or doubled
response, and the next request works on a fresh connection (issue 18, write path)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from tests.webapp.survey_helpers import answer_everything, form_of, setup_counter, submit
from webapp.models import Response
from webapp.respond.tokens import sign_counter_token


def _cut_connections(database_url: str) -> int:
    """End every other server process of this database, as a restart does."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            cut = conn.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one()
    finally:
        engine.dispose()
    return int(cut)


def test_connection_cut__one_503_then_the_retry_stores_once(app: Flask, session: Session,
                                                            database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("cutting server connections is a PostgreSQL matter")
    counter = setup_counter(session)
    path = f"/s/{sign_counter_token(counter, app.config)}"
    session.close()
    client = app.test_client()
    html = client.get(path).get_data(as_text=True)
    final: list[tuple[str, str]] = []
    for _ in range(12):
        answers = answer_everything(html)
        action = "send" if 'value="send"' in html else "next"
        if action == "send":
            final = [(k, v) for k, v in form_of(html).fields if k not in answers]
            final += [(k, v) for k, value in answers.items()
                      for v in (value if isinstance(value, list) else [value])]
            final.append(("action", action))
            break
        html = submit(client, path, html, answers, action).get_data(as_text=True)
    assert final, "the survey never reached its last page"
    submission_id = dict(final)["submission_id"]

    assert _cut_connections(database_url) >= 1  # the app's pooled connection among them
    first = client.post(path, data=MultiDict(final))
    if first.status_code == 503:  # the cut connection was the one taken from the pool
        assert first.headers["Retry-After"] == "5"
        assert "chỉ được tính một lần" in first.get_data(as_text=True)
    else:  # the pool had already noticed it and opened a fresh one
        assert first.status_code == 303
    again = client.post(path, data=MultiDict(final))  # the citizen presses again
    assert again.status_code == 303
    assert client.get(path).status_code == 200
    with app.extensions["hailong.sessionmaker"]() as check:
        stored = check.scalar(select(func.count()).select_from(Response)
                              .where(Response.submission_id == submission_id))
    assert stored == 1
