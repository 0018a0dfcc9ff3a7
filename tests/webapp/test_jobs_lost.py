"""A queued job whose queue message is lost (Redis restarted without persistence, the SQLite
queue file deleted) is sent again by the reaper, and runs exactly once even when two messages
for it end up on the queue (issue 18)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import update
from sqlalchemy.orm import Session

from tests.conftest import require_or_skip
from webapp import create_app
from webapp.config import TestConfig as AppConfig
from webapp.jobs import store
from webapp.jobs.queue import enqueue, queue_of, tidy
from webapp.jobs.runner import JobRun, register
from webapp.models import Job, JobStatus
from webapp.models.base import utcnow

# A database number of its own: the scale-out tests use 5, and a worker of theirs listening
# on the same queue would take these messages.
REDIS_URL = "redis://127.0.0.1:6379/7"
RUNS: list[int] = []


@register("test-lost")
def _counted(run: JobRun) -> dict[str, object]:
    RUNS.append(run.job.id)
    run.tick(1)
    return {"ran": True}


@pytest.fixture(params=["redis", "sqlite-queue"])
def queued_app(request: pytest.FixtureRequest, database_url: str, app: Flask,
               tmp_path: Path) -> Iterator[Flask]:
    """The app with a real queue that is not run in-process: Redis, or the SQLite file."""
    environ = {"DATABASE_URL": database_url, "HAILONG_JOBS_IMMEDIATE": "0"}
    if request.param == "redis":
        redis = pytest.importorskip("redis")
        client = redis.Redis.from_url(REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
        try:
            client.ping()
        except redis.RedisError:
            require_or_skip(f"no Redis at {REDIS_URL}")
        client.close()
        environ["REDIS_URL"] = REDIS_URL
    queued = create_app(AppConfig(environ=environ, instance_path=tmp_path / "q"))
    queue_of(queued).flush()
    yield queued
    queue_of(queued).flush()
    queued.extensions["hailong.engine"].dispose()


def _drain(app: Flask) -> int:
    """Run every message on the queue as ``hailong worker`` would; return how many there were."""
    huey, count = queue_of(app), 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        count += 1
    return count


def test_lost_message__reaper_sends_it_again__job_runs_once(queued_app: Flask,
                                                           session: Session) -> None:
    RUNS.clear()
    job = store.create(session, "test-lost", None, {"n": 1}, total=1)
    fresh = store.create(session, "test-lost", None, {"n": 2}, total=1)
    session.commit()
    enqueue(queued_app, job.id)
    enqueue(queued_app, fresh.id)
    huey = queue_of(queued_app)
    assert huey.pending_count() == 2
    huey.flush()  # the messages are lost: what a Redis restart without persistence does
    assert huey.pending_count() == 0
    # Within the limit nothing is sent again (a backlog is not a loss).
    assert tidy(queued_app).resent == []
    # Ten minutes later the older job is still queued and untaken.
    session.execute(update(Job).where(Job.id == job.id)
                    .values(created_at=utcnow() - dt.timedelta(minutes=10)))
    session.commit()
    assert tidy(queued_app).resent == [job.id]
    assert huey.pending_count() == 1
    # Another reaper right after (another worker, or `hailong jobs reap`) finds it sent.
    assert tidy(queued_app).resent == []
    # And even if a second message for it does reach the queue, only one claim wins.
    enqueue(queued_app, job.id)
    assert _drain(queued_app) == 2
    assert RUNS == [job.id]
    session.refresh(job)
    session.refresh(fresh)
    assert (job.status, job.attempts, job.progress_done) == (JobStatus.DONE, 1, 1)
    assert fresh.status == JobStatus.QUEUED  # its message was lost too; its turn comes later
    # Its time comes: sent again, run once.
    later = utcnow() + dt.timedelta(seconds=store.DEFAULT_REQUEUE_SECONDS + 1)
    assert store.lost_queued(session, store.DEFAULT_REQUEUE_SECONDS, now=later) == [fresh.id]
    enqueue(queued_app, fresh.id)
    assert _drain(queued_app) == 1
    assert RUNS == [job.id, fresh.id]

