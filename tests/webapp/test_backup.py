"""``hailong backup`` while submissions keep arriving: the copy opens, is at the migrations'
head, and holds every response acknowledged before the backup began."""

from __future__ import annotations

import re
import subprocess
import threading
import uuid
from pathlib import Path

import pytest
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import create_engine, make_url, select
from werkzeug.datastructures import MultiDict

from bench.harness import prepare_site
from tests.conftest import postgres_url
from webapp.administration.backup import pg_dump_command
from webapp.cli import main
from webapp.migrate import alembic_config, upgrade
from webapp.models import Response


class Submitter(threading.Thread):
    """Posts complete responses back to back until told to stop; keeps the acknowledged ids."""

    def __init__(self, app: Flask, token: str, form: list[tuple[str, str]]) -> None:
        super().__init__(daemon=True)
        self.client = app.test_client()
        self.path = "/s/" + token
        html = self.client.get(self.path).get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert csrf is not None
        self.form = [*form, ("csrf_token", csrf.group(1))]
        self.acknowledged: list[str] = []
        self.stop = threading.Event()
        self.failures: list[int] = []

    def run(self) -> None:
        while not self.stop.is_set():
            sid = uuid.uuid4().hex
            reply = self.client.post(self.path, data=MultiDict([*self.form,
                                                                ("submission_id", sid)]))
            if reply.status_code == 303:
                self.acknowledged.append(sid)
            else:
                self.failures.append(reply.status_code)

    def wait_for(self, count: int) -> None:
        while len(self.acknowledged) < count:
            assert self.is_alive() and not self.failures, self.failures
            self.stop.wait(0.02)


def _stored_ids(url: str) -> set[str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        ids = set(conn.scalars(select(Response.submission_id)))
        revision = MigrationContext.configure(conn).get_current_revision()
    engine.dispose()
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert revision == head
    upgrade(url)  # the copy is a working database: migrations find nothing to do
    return ids


def _backup_during_load(app: Flask, runner: FlaskCliRunner, database_url: str,
                        out: Path) -> tuple[set[str], str]:
    site = prepare_site(database_url, counters=1)
    submitter = Submitter(app, site.tokens[0], site.form)
    submitter.start()
    try:
        submitter.wait_for(20)
        before = set(submitter.acknowledged)
        result = runner.invoke(main, ["backup", "--out", str(out)])
        submitter.wait_for(len(before) + 5)  # the site kept taking submissions
    finally:
        submitter.stop.set()
        submitter.join()
    assert result.exit_code == 0, result.output
    assert not submitter.failures
    return before, result.output


def test_backup__sqlite_during_submissions__copy_holds_every_acknowledged(
        app: Flask, runner: FlaskCliRunner, database_url: str, tmp_path: Path) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the PostgreSQL backup is pg_dump: see the test below")
    out = tmp_path / "copy.db"
    before, output = _backup_during_load(app, runner, database_url, out)
    assert "SQLite backup written" in output
    stored = _stored_ids(f"sqlite:///{out}")
    assert before <= stored
    assert len(stored) >= len(before)


def test_backup__postgresql_during_submissions__pg_restore_finds_every_acknowledged(
        app: Flask, runner: FlaskCliRunner, database_url: str, tmp_path: Path) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("the SQLite backup is tested above")
    out = tmp_path / "copy.dump"
    before, output = _backup_during_load(app, runner, database_url, out)
    assert "pg_restore" in output
    target = postgres_url("_restore")
    plain = make_url(target).set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(["pg_restore", "--no-owner", "--dbname", plain, str(out)], check=True)
    assert before <= _stored_ids(target)


def test_backup__refuses_existing_file_and_keeps_it(runner: FlaskCliRunner,
                                                    tmp_path: Path) -> None:
    out = tmp_path / "old.db"
    out.write_bytes(b"keep me")
    result = runner.invoke(main, ["backup", "--out", str(out)])
    assert result.exit_code == 1 and "never overwrites" in result.output
    assert out.read_bytes() == b"keep me"


def test_pg_dump_command__password_kept_out_of_arguments() -> None:
    cmd, env = pg_dump_command("postgresql+psycopg://u:s3cret@db.example:5432/hailong",
                               Path("/tmp/x.dump"))
    assert cmd[:3] == ["pg_dump", "--format=custom", "--no-owner"]
    assert cmd[-1] == "postgresql://u@db.example:5432/hailong"
    assert "s3cret" not in " ".join(cmd) and env == {"PGPASSWORD": "s3cret"}
