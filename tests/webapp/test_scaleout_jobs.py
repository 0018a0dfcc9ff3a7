"""Scale-out: two application instances and one ``hailong worker``, separate processes sharing
only PostgreSQL and Redis (issue 18).

An export started on instance A is followed and downloaded on instance B; the worker is
SIGKILLed in the middle of a second export, which a restarted worker then completes (the stale
job is reaped and retried); an administrator renames a unit on A and B shows the new name on
its very next request. Skipped without TEST_DATABASE_URL or Redis, unless HAILONG_REQUIRE_ALL=1.
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from bench.harness import ROOT, Gunicorn, PortTaken, free_port
from tests.conftest import postgres_url, require_or_skip
from tests.webapp.staff_helpers import PASSWORD, PERIOD, USERS, build_world, token_in
from webapp import create_app
from webapp.config import TestConfig as AppConfig
from webapp.migrate import upgrade
from webapp.models import Job, JobFile, JobStatus

REDIS_URL = "redis://127.0.0.1:6379/5"
HAILONG = str(Path(sys.executable).with_name("hailong"))
SECRET = "scale-out-test-secret-0123456789abcdef"  # noqa: S105 - a test key
STALE_SECONDS = 2
DEADLINE = 45.0  # seconds any one wait may take before the test fails


def _until(what: str, check: Callable[[], Any], deadline: float = DEADLINE) -> Any:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not within {deadline} s: {what}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """A person's browser: one cookie jar, pointed at whichever instance a request goes to."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def get(self, url: str) -> tuple[int, dict[str, str], bytes]:
        return self._open(urllib.request.Request(url))  # noqa: S310 - http://127.0.0.1 only

    def post(self, url: str, form: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """Send a form from the page at the same address (its CSRF token included)."""
        page = self.get(url)[2].decode()
        data = urllib.parse.urlencode(form | {"csrf_token": token_in(page)}).encode()
        return self._open(urllib.request.Request(url, data=data,  # noqa: S310
                                                 method="POST"))

    def _open(self, request: urllib.request.Request) -> tuple[int, dict[str, str], bytes]:
        try:
            with self.opener.open(request, timeout=60) as reply:
                return reply.status, dict(reply.headers), reply.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def login(self, base: str, who: str) -> None:
        status, headers, _ = self.post(f"{base}/auth/login",
                                       {"email": USERS[who][0], "password": PASSWORD})
        assert status == 302, (who, status)


@pytest.fixture
def redis_db() -> Iterator[None]:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        require_or_skip(f"no Redis at {REDIS_URL}: the scale-out test needs one")
    client.flushdb()  # this test's own database number: an old queue must not feed it
    yield
    client.flushdb()
    client.close()


class Worker:
    """``hailong worker`` as its own process."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen([HAILONG, "worker"], cwd=ROOT, env=env,
                                            stdout=out, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _gunicorn(env: dict[str, str]) -> Gunicorn:
    for _attempt in range(5):
        try:
            return Gunicorn("wsgi:app", free_port(8400, 8499), 1, env)
        except PortTaken:
            continue
    raise RuntimeError("no port for gunicorn")


def _export(browser: Browser, base: str, fmt: str) -> str:
    status, headers, body = browser.post(f"{base}/staff/exports/", {
        "survey": "sipas", "period": PERIOD, "format": fmt, "k": "3"})
    assert status == 302, body[:500]
    assert "/staff/exports/" in headers["Location"]
    return headers["Location"].rstrip("/").rsplit("/", 1)[1]


def _finished_page(browser: Browser, base: str, job: str) -> str:
    def done() -> str | None:
        status, headers, body = browser.get(f"{base}/staff/exports/{job}")
        assert status == 200
        page = body.decode()
        if "Refresh" in headers:
            assert "Tải lại trang" in page  # a reload link, no JavaScript
            return None
        return page
    page: str = _until(f"export {job} finished on {base}", done)
    return page


def test_two_instances_and_a_worker__share_jobs_files_and_names(
        tmp_path: Path, redis_db: None) -> None:
    began = time.monotonic()
    database_url = postgres_url("_scale")
    upgrade(database_url)
    print(f"migrated in {time.monotonic() - began:.1f} s")
    setup = create_app(AppConfig(environ={"DATABASE_URL": database_url},
                                  instance_path=tmp_path / "setup"))
    with setup.app_context():
        session = setup.extensions["hailong.sessionmaker"]()
        build_world(session, responses_per_unit=30)
        session.close()
    setup.extensions["hailong.engine"].dispose()
    env = {k: v for k, v in os.environ.items()
           if k not in {"HAILONG_BASE_URL", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "SECRET_KEY"}}
    shared = env | {"DATABASE_URL": database_url, "REDIS_URL": REDIS_URL,
                    "SECRET_KEY": SECRET, "HAILONG_ENV": "production", "HAILONG_HTTPS": "0",
                    "HAILONG_JOB_STALE_SECONDS": str(STALE_SECONDS)}
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    servers: list[Gunicorn] = []
    workers: list[Worker] = []
    log = tmp_path / "worker.log"
    started = time.monotonic()

    def step(what: str) -> None:  # shown when the test fails: where the time went
        print(f"{time.monotonic() - started:6.1f} s  {what}")

    try:
        worker_env = shared | {"HAILONG_INSTANCE": str(tmp_path / "worker")}
        workers.append(Worker(worker_env, log))  # imports while the instances start
        with ThreadPoolExecutor(2) as pool:
            servers.extend(pool.map(_gunicorn, [shared | {"HAILONG_INSTANCE": str(tmp_path / n)}
                                                for n in ("a", "b")]))
        a, b = (s.base for s in servers)
        step("two instances and a worker started")
        analyst = Browser()
        analyst.login(a, "analyst")

        # 1. Started on A, followed and downloaded on B (the files are rows, not A's disk).
        job = _export(analyst, a, "csv")
        page = _finished_page(analyst, b, job)
        step("first export done")
        names = re.findall(rf'/staff/exports/{job}/([^"]+)"', page)
        data_name = next(n for n in names if n.endswith(".csv") and "composite" not in n)
        status, headers, body = analyst.get(f"{b}/staff/exports/{job}/{data_name}")
        assert status == 200 and b"," in body[:500]
        with engine.connect() as conn:
            row = conn.execute(select(JobFile.sha256, JobFile.size).where(
                JobFile.name == data_name)).one()
        assert (hashlib.sha256(body).hexdigest(), len(body)) == tuple(row)
        assert not (tmp_path / "a" / "exports").exists()  # nothing on an instance's disk
        # Another user, on either instance, is not shown it.
        admin = Browser()
        admin.login(b, "admin")
        assert admin.get(f"{a}/staff/exports/{job}/{data_name}")[0] == 404

        # 2. The worker is SIGKILLed in the middle of an export. It is held mid-run by a lock on
        # a table the export reads after its first pass (dossier counts, for the weights), so
        # the kill lands while the job is running, whatever the machine's speed.
        with engine.connect() as holder:
            holder.execute(text("LOCK TABLE dossier_count IN ACCESS EXCLUSIVE MODE"))
            second = _export(analyst, a, "dta")

            def running() -> Any:
                with engine.connect() as conn:
                    return conn.execute(select(Job.status, Job.worker, Job.progress_done).where(
                        Job.public_id == second)).one_or_none()
            state = _until("the second export running", lambda: (
                (r := running()) is not None and r[0] == JobStatus.RUNNING and r[2] > 0 and r))
            step("second export running")
            workers[0].kill()
            holder.rollback()
        killed_worker = state[1]
        step("worker killed")
        # A new worker (or the next look at the page on B) finds the job's heartbeat stale,
        # puts it back on the queue with the reason, and runs it again.
        workers.append(Worker(worker_env, log))
        page = _finished_page(analyst, b, second)
        step("second export done after a restart")
        status_, attempts, error = _job(engine, second)
        assert (status_, attempts) == (JobStatus.DONE, 2), log.read_text()[-2000:]
        assert f"the worker {killed_worker} stopped answering" in (error or "")
        dta = next(n for n in re.findall(rf'/staff/exports/{second}/([^"]+)"', page)
                   if n.endswith(".dta"))
        status, _, body = analyst.get(f"{a}/staff/exports/{second}/{dta}")
        assert status == 200 and body.startswith(b"<stata_dta>")

        # 3. An administrator renames a unit on A; B shows the new name on its next request.
        view = f"/staff/units/P?survey=sipas&period={PERIOD}"
        before = admin.get(b + view)[2].decode()
        assert "Xã Bình" in before and "Xã Bình Mới" not in before
        status, _, _ = admin.post(f"{a}/admin/units/B/edit", {
            "name_vi": "Xã Bình Mới", "name_en": "New Binh Commune", "unit_type": "commune",
            "parent": "P", "successor": "", "valid_from": "", "valid_to": ""})
        assert status == 302
        after = admin.get(b + view)[2].decode()
        assert "Xã Bình Mới" in after
        step("rename seen")
    finally:
        for server in servers:  # a quick shutdown (SIGINT) of both at once
            if server.process.poll() is None:
                server.process.send_signal(signal.SIGINT)
        for worker in workers:
            worker.stop()
        step("worker stopped")
        for server in servers:
            try:
                server.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.stop()
        engine.dispose()
        step("stopped")


def _job(engine: Any, public_id: str) -> tuple[str, int, str | None]:
    with engine.connect() as conn:
        status, attempts, error = conn.execute(select(Job.status, Job.attempts, Job.error).where(
            Job.public_id == public_id)).one()
    return status, attempts, error
