"""Fixtures shared by every test: an app on a migrated database, SQLite and PostgreSQL.

Every database test runs once per database: SQLite always, PostgreSQL when TEST_DATABASE_URL is
set. A test that needs an optional tool skips with its reason, unless HAILONG_REQUIRE_ALL=1
(as in CI), which turns the skip into a failure so CI always runs it.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import settings
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session

from webapp import create_app
from webapp.config import TestConfig, normalise_database_url
from webapp.db import get_engine
from webapp.migrate import upgrade
from webapp.models import Base

REQUIRE_ALL = os.environ.get("HAILONG_REQUIRE_ALL") == "1"

# Property-based tests: a few examples locally, more in CI, and the same examples on every run
# and every machine: ``derandomize`` draws from a seed derived from each test's own code, so a
# failure seen once (on a newcomer's laptop or in CI) is seen again by whoever reruns it, and
# ``print_blob`` prints the ``@reproduce_failure`` line that replays it. No example database on
# disk, so a run leaves no files behind and never depends on what an earlier run found.
# The default profile (no CI variable) is the one a newcomer's ``make test`` runs; CI runs it
# too (.ci/run). ``HYPOTHESIS_PROFILE=explore`` draws afresh each run, to hunt for new bugs by
# hand; whatever it finds becomes an explicit ``@example`` before it is fixed.
_PROFILE = {"database": None, "deadline": None, "print_blob": True}
settings.register_profile("dev", max_examples=40, derandomize=True, **_PROFILE)
settings.register_profile("ci", max_examples=200, derandomize=True, **_PROFILE)
settings.register_profile("explore", max_examples=200, derandomize=False, **_PROFILE)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                      or ("ci" if REQUIRE_ALL or os.environ.get("CI") else "dev"))


def require_or_skip(reason: str) -> None:
    """Skip for a missing optional tool, or fail when CI requires every test to run."""
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (HAILONG_REQUIRE_ALL=1 makes this a failure)")
    pytest.skip(reason)


def postgres_url(suffix: str = "") -> str:
    """TEST_DATABASE_URL (optionally a sibling database ``<name><suffix>``), or skip."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        require_or_skip("TEST_DATABASE_URL is not set: PostgreSQL run skipped")
    url = make_url(normalise_database_url(base))  # type: ignore[arg-type]
    if suffix:
        url = url.set(database=f"{url.database}{suffix}")
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
        admin.dispose()
    return url.render_as_string(hide_password=False)


def reset_postgres(url: str) -> None:
    """Empty a PostgreSQL database so migrations start from nothing."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to head once per session, through Alembic (never create_all)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'hailong.db'}"
    else:
        url = postgres_url()
        reset_postgres(url)
    upgrade(url)
    yield url


def _empty_tables(app: Flask) -> None:
    engine = get_engine()
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    del app


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on the session's database; every table is emptied after the test."""
    config = TestConfig(environ={"DATABASE_URL": database_url}, instance_path=tmp_path)
    application = create_app(config)
    yield application
    with application.app_context():
        _empty_tables(application)
    application.extensions["hailong.engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner bound to the app (as the ``hailong`` command would be)."""
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A database session of the app's engine, outside any app context, so requests made by
    test clients get their own app context (and ``g``) as they do in production."""
    db_session = app.extensions["hailong.sessionmaker"]()
    yield db_session
    db_session.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # HAILONG_TEST_ORDER=reverse runs the selected tests last to first (CI's second pass over
    # the browser and property tests), so a test that passes only after another has warmed a
    # cache, a server or the database shows up as a failure instead of hiding in file order.
    if os.environ.get("HAILONG_TEST_ORDER") == "reverse":
        items.reverse()
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "database_url" in callspec.params:
            item.user_properties.append(("database", callspec.params["database_url"]))


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    counts: Counter[tuple[str, str]] = Counter()
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "call") != "call" and outcome != "skipped":
                continue
            for key, value in getattr(report, "user_properties", []):
                if key == "database":
                    counts[(value, outcome)] += 1
    if counts:
        terminalreporter.section("database tests")
        for db in ("sqlite", "postgresql"):
            parts = [f"{counts[(db, o)]} {o}" for o in ("passed", "failed", "skipped", "error")
                     if counts[(db, o)]]
            terminalreporter.write_line(f"{db}: {', '.join(parts) or 'none'}")
