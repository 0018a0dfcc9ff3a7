"""Running one job in a worker: claim it, beat while it works, keep its files, finish or fail.

Each kind of job registers a function with :func:`register`; it receives a :class:`JobRun` and
returns the job's result (JSON). It raises :class:`JobFailed` with the reason a person reads.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from ..models import Job, JobFile
from ..models.base import utcnow
from . import blobs, store

log = logging.getLogger(__name__)

DEFAULT_FILE_TTL_HOURS = 7 * 24


class JobFailed(Exception):
    """The job cannot be done; the message says why, to the person who asked."""


@dataclass
class JobRun:
    """What a job's function works with."""

    session: Session  # for the work itself (committed after the function returns)
    job: Job
    workdir: Path  # a private temporary folder, deleted afterwards
    control: Session  # progress and heartbeat, committed at once
    worker: str

    def tick(self, rows: int) -> None:
        """Progress: ``rows`` more of the job's ``progress_total`` are done."""
        store.advance(self.control, self.job.id, self.worker, rows)

    def keep(self, path: Path) -> JobFile:
        """Store a produced file where every instance can serve it (committed at once: on
        SQLite an open write would hold off the heartbeat)."""
        record = blobs.store_path(self.session, self.job.id, path)
        self.session.commit()
        return record


Runner = Callable[[JobRun], dict[str, Any]]
KINDS: dict[str, Runner] = {}


def register(kind: str) -> Callable[[Runner], Runner]:
    """Declare the function that runs jobs of ``kind``."""
    def decorate(function: Runner) -> Runner:
        KINDS[kind] = function
        return function
    return decorate


def stale_seconds(app: Flask) -> float:
    """How long a running job may go without a heartbeat before it is reaped."""
    return float(app.config.get("HAILONG_JOB_STALE_SECONDS") or store.DEFAULT_STALE_SECONDS)


def _beat(app: Flask, job_id: int, worker: str, stop: threading.Event) -> None:
    interval = max(stale_seconds(app) / 4, 0.2)
    with app.extensions["hailong.sessionmaker"]() as session:
        while not stop.wait(interval):
            try:
                if not store.heartbeat(session, job_id, worker):
                    return
            except Exception:  # a lost connection: the next beat tries again
                log.exception("heartbeat of job %s failed", job_id)
                session.rollback()


def run_job(app: Flask, job_id: int, worker: str | None = None) -> str | None:
    """Run job ``job_id`` if it is still queued; return its final status (None: not run)."""
    worker = worker or f"{store.worker_name()}:{threading.get_ident()}"
    maker = app.extensions["hailong.sessionmaker"]
    with app.app_context(), maker() as control:
        if not store.claim(control, job_id, worker):
            return None
        job = control.get(Job, job_id)
        assert job is not None
        stop = threading.Event()
        beat = threading.Thread(target=_beat, args=(app, job_id, worker, stop),
                                name=f"heartbeat-{job_id}", daemon=True)
        beat.start()
        try:
            return _work(app, control, job, worker)
        finally:
            stop.set()
            beat.join()


def _work(app: Flask, control: Session, job: Job, worker: str) -> str:
    maker = app.extensions["hailong.sessionmaker"]
    hours = float(app.config.get("HAILONG_JOB_FILE_TTL_HOURS") or DEFAULT_FILE_TTL_HOURS)
    try:
        runner = KINDS.get(job.kind)
        if runner is None:
            raise JobFailed(f"no worker code for jobs of kind {job.kind!r}")
        with maker() as session, tempfile.TemporaryDirectory(prefix="hailong-job-") as tmp:
            # Files left by an attempt whose worker died are replaced, never mixed in.
            blobs.delete_files(session, job.id)
            session.commit()
            result = runner(JobRun(session, job, Path(tmp), control, worker))
            session.commit()
        expires = utcnow() + dt.timedelta(hours=hours)
        if not store.finish(control, job.id, worker, result, expires):
            raise store.JobGone(job.id)
        return "done"
    except store.JobGone:
        log.warning("job %s was taken from worker %s (heartbeat stale)", job.id, worker)
        control.rollback()
        return "gone"
    except JobFailed as exc:
        control.rollback()
        store.fail(control, job.id, worker, str(exc))
        return "failed"
    except Exception as exc:
        log.exception("job %s (%s) failed", job.id, job.kind)
        control.rollback()
        store.fail(control, job.id, worker,
                   f"unexpected error in the worker ({type(exc).__name__}); "
                   "the administrator can find it in the worker's log")
        return "failed"


@dataclass(frozen=True)
class Tidied:
    """What one round of housekeeping did."""

    retried: list[int]
    failed: list[int]
    expired: int
    resent: list[int] = field(default_factory=list)  # queued, untaken: message sent again


def requeue_seconds(app: Flask) -> float:
    """How long a job may stay queued and untaken before it is put on the queue again."""
    return float(app.config.get("HAILONG_JOB_REQUEUE_SECONDS")
                 or store.DEFAULT_REQUEUE_SECONDS)


def reap_and_clean(app: Flask, enqueue: Callable[[int], None], *,
                   job_ids: list[int] | None = None, clean: bool = True) -> Tidied:
    """Requeue or fail stale running jobs, put again on the queue the queued jobs no worker
    took (their message lost), and delete the files of expired ones."""
    with app.app_context(), app.extensions["hailong.sessionmaker"]() as session:
        reaped = store.reap(session, stale_seconds(app), job_ids=job_ids)
        for job in reaped:
            if job.retried:
                enqueue(job.job_id)
        resent = store.lost_queued(session, requeue_seconds(app), job_ids=job_ids)
        for job_id in resent:
            enqueue(job_id)
        gone = 0
        if clean:
            for job_id in store.expired(session):
                blobs.delete_files(session, job_id)
                session.commit()
                gone += store.mark_expired(session, job_id)
        return Tidied([j.job_id for j in reaped if j.retried],
                      [j.job_id for j in reaped if not j.retried], gone, resent)
