"""Engine and session handling: one session per request, SQLite tuned for several workers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000


def _tune_sqlite(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets readers and one writer work at once across gunicorn workers; the busy timeout
    # makes a second writer wait instead of failing; SQLite leaves foreign keys off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite connections get WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    # No pre-ping: it costs a round trip on every request. A connection cut by a database
    # restart fails its first statement instead; SQLAlchemy then discards every pooled
    # connection of that age, the request answers 503 with Retry-After (errors.py), nothing
    # half-stored, and the next request opens a fresh connection.
    return create_engine(url)


def init_app(app: Flask) -> None:
    """Bind an engine and a session factory to the app and close sessions after requests."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["hailong.engine"] = engine
    app.extensions["hailong.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def get_engine() -> Engine:
    """Return the engine of the current app."""
    return current_app.extensions["hailong.engine"]


def get_session() -> Session:
    """Return the session of the current request or CLI command, opening it on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["hailong.sessionmaker"]()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def transaction() -> Iterator[Session]:
    """Run a block in one transaction of the current session: commit, or roll back on error."""
    session = get_session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
