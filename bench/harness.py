"""Load-test plumbing: a site with many counters, gunicorn as a child, a private PostgreSQL.

Used by ``bench/submit_bench.py``, ``bench/reliability_bench.py`` and the reliability tests.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import delete

import survey_defs
from tests.webapp.survey_helpers import answer_everything, form_of, submit
from webapp import create_app
from webapp.administration.surveys import publish_definition
from webapp.config import TestConfig
from webapp.db import get_session
from webapp.migrate import upgrade
from webapp.models import Comment, Counter, ProcedureField, Response, Unit
from webapp.respond.tokens import sign_counter_token

ROOT = Path(__file__).resolve().parent.parent
SECRET = TestConfig.SECRET_KEY  # the tests' app signs and checks tokens with the same key
PG_BIN = Path("/usr/lib/postgresql/15/bin")


@dataclass
class Site:
    """A migrated database with one commune, ``len(tokens)`` counters and a filled form."""

    database_url: str
    tokens: list[str]
    form: list[tuple[str, str]]  # a complete SIPAS final page, without csrf/submission id


def site_app(database_url: str) -> Flask:
    """An app (test configuration, same key as the load runs) on ``database_url``."""
    folder = Path(tempfile.mkdtemp(prefix="hailong-load-"))
    return create_app(TestConfig(environ={"DATABASE_URL": database_url,
                                          "SECRET_KEY": SECRET}, instance_path=folder))


def prepare_site(database_url: str, counters: int = 64) -> Site:
    """Migrate ``database_url`` (empty), add a unit with counters, and record the final POST of
    one complete SIPAS response as answered by a browser without JavaScript."""
    upgrade(database_url)
    app = site_app(database_url)
    with app.app_context():
        session = get_session()
        for path in survey_defs.shipped_paths():
            publish_definition(session, Path(path))
        unit = Unit(code="LT1", name_vi="Xã Thử Tải", name_en="Load Test Commune",
                    unit_type="commune")
        unit.counters = [Counter(code=f"LT1-Q{i}", name_vi=f"Quầy {i}") for i in range(counters)]
        session.add_all([unit, ProcedureField(code="HT", name_vi="Hộ tịch"),
                         ProcedureField(code="DD", name_vi="Đất đai")])
        session.commit()
        tokens = [sign_counter_token(c, app.config) for c in unit.counters]
        form = _final_form(app, "/s/" + tokens[0])
        # The walk stored one response; the load starts from none.
        session.execute(delete(Comment))
        session.execute(delete(Response))
        session.commit()
    app.extensions["hailong.engine"].dispose()
    shutil.rmtree(app.config["INSTANCE_PATH"], ignore_errors=True)
    return Site(database_url, tokens, form)


def _final_form(app: Flask, path: str) -> list[tuple[str, str]]:
    client = app.test_client()
    html = client.get(path).get_data(as_text=True)
    for _ in range(12):
        answers = answer_everything(html)
        if 'name="comment"' in html:
            answers["comment"] = "x"
        action = "send" if 'value="send"' in html else "next"
        response = submit(client, path, html, answers, action)
        if response.status_code == 303:
            fields = [(k, v) for k, v in form_of(html).fields if k not in answers]
            fields += [(k, v) for k, v in answers.items() if isinstance(v, str)]
            fields.append(("action", action))
            return [(k, v) for k, v in fields if k not in {"csrf_token", "submission_id"}]
        html = response.get_data(as_text=True)
    raise RuntimeError("the survey never ended")


def free_port(first: int, last: int) -> int:
    """A port in [first, last] nothing listens on, tried in random order (several runs may
    look for one at the same time)."""
    ports = list(range(first, last + 1))
    random.shuffle(ports)
    for port in ports:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"no free port in {first}-{last}")


def wait_for_port(port: int, process: subprocess.Popen[bytes] | None = None,
                  timeout: float = 180.0) -> None:
    """Block until something accepts connections on ``port`` (importing the app can take a
    minute on a loaded machine); fail at once if ``process`` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise PortTaken(f"the server exited ({process.returncode}) before listening")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


class PortTaken(RuntimeError):
    """The server could not start on the port chosen (another run took it)."""


class Gunicorn:
    """A gunicorn master serving ``app_spec`` with sync workers on a loopback port (as
    ``make serve`` does)."""

    def __init__(self, app_spec: str, port: int, workers: int, env: dict[str, str]) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        # --preload: the app is imported once, before the port opens, and a worker that dies
        # is replaced by a fork in milliseconds instead of seconds of imports.
        cmd = [sys.executable, "-m", "gunicorn", "--preload", "--workers", str(workers),
               "--bind", f"127.0.0.1:{port}", "--backlog", "2048", "--log-level", "warning",
               app_spec]
        full_env = {**os.environ, **env}
        self.process = subprocess.Popen(cmd, cwd=ROOT, env=full_env)
        try:
            wait_for_port(port, self.process)
            self.wait_workers(workers)
        except BaseException:
            self.stop()
            raise

    def workers(self) -> list[int]:
        """Process ids of the current workers (children of the master)."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.process.pid:
                found.append(int(entry.name))
        return found

    def wait_workers(self, count: int, timeout: float = 60.0) -> None:
        """Block until ``count`` workers run."""
        deadline = time.monotonic() + timeout
        while len(self.workers()) < count:
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn workers did not start")
            time.sleep(0.1)

    def kill_worker(self) -> int:
        """SIGKILL one worker (the master starts a new one); return its pid."""
        pid = self.workers()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self) -> None:
        """Stop the master and its workers."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def gunicorn(app_spec: str, *, workers: int, env: dict[str, str],
             ports: tuple[int, int] = (8300, 8399)) -> Iterator[Gunicorn]:
    """Run gunicorn for the block."""
    for attempt in range(5):
        try:
            server = Gunicorn(app_spec, free_port(*ports), workers, env)
            break
        except PortTaken:
            if attempt == 4:
                raise
    try:
        yield server
    finally:
        server.stop()


def hailong_env(database_url: str) -> dict[str, str]:
    """Environment for ``wsgi:app`` in production mode behind one (simulated) proxy."""
    return {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "HAILONG_ENV": "production",
            "HAILONG_HTTPS": "0", "HAILONG_PROXY_HOPS": "1", "REDIS_URL": ""}


class PrivatePostgres:
    """A throwaway PostgreSQL 15 cluster this process may stop and restart at will."""

    def __init__(self, port: int) -> None:
        if not (PG_BIN / "initdb").exists():
            raise RuntimeError(f"PostgreSQL 15 binaries not found in {PG_BIN}")
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="hailong-pg-"))
        self.data = self.dir / "data"
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        if os.geteuid() == 0:  # initdb refuses root: run the cluster as the postgres user
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
                  "--auth=trust", "-E", "UTF8", "--no-sync")
        self._ctl("start")

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=self.dir)

    def _ctl(self, action: str) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-m", "fast", "-l",
                  str(self.dir / "log"), "-o", f"-p {self.port} -k {self.dir} -c fsync=on",
                  action)

    def restart(self) -> None:
        """Stop (fast: open connections are cut) and start again."""
        self._ctl("restart")

    def close(self) -> None:
        """Stop the cluster and delete its files."""
        try:
            self._ctl("stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def private_postgres(ports: tuple[int, int] = (55400, 55499)) -> Iterator[PrivatePostgres]:
    """A private PostgreSQL for the block."""
    cluster = PrivatePostgres(free_port(*ports))
    try:
        yield cluster
    finally:
        cluster.close()
