"""The job table's state machine: queued → running → done | failed, and done → expired.

Every transition is one guarded ``UPDATE`` (``WHERE status = … AND worker = …``), so two
processes never both move a job: a worker whose job was reaped (its heartbeat went stale) finds
its later updates refused and stops. A running job whose heartbeat is older than the stale limit
is put back on the queue while it has attempts left, else failed with the reason. A queued job
that no worker has taken for a while (its queue message lost, e.g. Redis restarted without
persistence) is put on the queue again; a second message for a job is harmless, since only one
``claim`` can move it from queued to running.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..models import Job, JobStatus
from ..models.base import utcnow

JOB_ID_BYTES = 12
DEFAULT_STALE_SECONDS = 60
# A queued job untaken this long gets a new queue message (a backlog only adds a duplicate,
# which its claim turns away).
DEFAULT_REQUEUE_SECONDS = 300


class JobGone(RuntimeError):
    """The job is no longer this worker's (reaped, or moved on by another process)."""


def worker_name() -> str:
    """This process as a worker: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def create(session: Session, kind: str, owner_id: int | None, request: dict[str, Any], *,
           total: int = 0, max_attempts: int = 2) -> Job:
    """Add a queued job (the caller commits, then puts its id on the queue)."""
    job = Job(public_id=secrets.token_hex(JOB_ID_BYTES), kind=kind, owner_id=owner_id,
              request=request, status=JobStatus.QUEUED, progress_total=total,
              max_attempts=max_attempts)
    session.add(job)
    session.flush()
    return job


def by_public_id(session: Session, public_id: str) -> Job | None:
    """The job shown at ``public_id``, or None."""
    if not public_id.isalnum():
        return None
    return session.scalar(select(Job).where(Job.public_id == public_id))


def _move(session: Session, job_id: int, where: list[Any], **values: Any) -> bool:
    done = session.execute(update(Job).where(Job.id == job_id, *where).values(**values)
                           .execution_options(synchronize_session=False))
    session.commit()
    return bool(done.rowcount)  # type: ignore[attr-defined]


def claim(session: Session, job_id: int, worker: str) -> bool:
    """queued → running for ``worker``; False when the job is not queued (already taken,
    finished or failed: a duplicate queue message is harmless)."""
    now = utcnow()
    return _move(session, job_id, [Job.status == JobStatus.QUEUED],
                 status=JobStatus.RUNNING, worker=worker, attempts=Job.attempts + 1,
                 heartbeat_at=now, started_at=now, progress_done=0)


def _mine(worker: str) -> list[Any]:
    return [Job.status == JobStatus.RUNNING, Job.worker == worker]


def heartbeat(session: Session, job_id: int, worker: str) -> bool:
    """Say the job is alive; False when it is no longer this worker's."""
    return _move(session, job_id, _mine(worker), heartbeat_at=utcnow())


def advance(session: Session, job_id: int, worker: str, rows: int) -> None:
    """Add ``rows`` to the progress (and beat); raise :class:`JobGone` if it was taken away."""
    if not _move(session, job_id, _mine(worker), heartbeat_at=utcnow(),
                 progress_done=Job.progress_done + rows):
        raise JobGone(job_id)


def finish(session: Session, job_id: int, worker: str, result: dict[str, Any],
           expires_at: dt.datetime | None) -> bool:
    """running → done with its result (``error`` keeps the note of an earlier attempt whose
    worker died, if any)."""
    return _move(session, job_id, _mine(worker), status=JobStatus.DONE, result=result,
                 finished_at=utcnow(), heartbeat_at=utcnow(),
                 expires_at=expires_at)


def fail(session: Session, job_id: int, worker: str, error: str) -> bool:
    """running → failed with the reason a person reads."""
    return _move(session, job_id, _mine(worker), status=JobStatus.FAILED, error=error,
                 finished_at=utcnow())


@dataclass(frozen=True)
class Reaped:
    """A stale job and what the reaper did with it."""

    job_id: int
    public_id: str
    retried: bool


def reap(session: Session, stale_seconds: float, *, now: dt.datetime | None = None,
         job_ids: list[int] | None = None) -> list[Reaped]:
    """Running jobs whose heartbeat is older than ``stale_seconds``: requeue those with
    attempts left (the caller puts them on the queue), fail the rest with the reason."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(seconds=stale_seconds)
    query = select(Job.id, Job.public_id, Job.worker, Job.attempts, Job.max_attempts,
                   Job.heartbeat_at).where(Job.status == JobStatus.RUNNING,
                                           Job.heartbeat_at < cutoff)
    if job_ids is not None:
        query = query.where(Job.id.in_(job_ids))
    out = []
    for job_id, public_id, worker, attempts, max_attempts, beat in session.execute(query).all():
        guard = [Job.status == JobStatus.RUNNING, Job.worker == worker,
                 Job.heartbeat_at == beat]
        seen = beat.strftime("%Y-%m-%d %H:%M:%S UTC") if beat else "?"
        reason = f"the worker {worker} stopped answering (last heartbeat {seen})"
        if attempts < max_attempts:
            # A queued job's heartbeat_at is when it was last put on the queue.
            moved = _move(session, job_id, guard, status=JobStatus.QUEUED, worker=None,
                          heartbeat_at=now, error=f"{reason}; tried again")
        else:
            moved = _move(session, job_id, guard, status=JobStatus.FAILED,
                          finished_at=now,
                          error=f"{reason}; gave up after {attempts} attempts")
        if moved:
            out.append(Reaped(job_id, public_id, attempts < max_attempts))
    return out


def lost_queued(session: Session, after_seconds: float, *, now: dt.datetime | None = None,
                job_ids: list[int] | None = None) -> list[int]:
    """Queued jobs put on the queue more than ``after_seconds`` ago and still untaken: stamp
    each as put on the queue now (one guarded ``UPDATE``, so of several reapers only one
    re-sends it) and return their ids for the caller to put on the queue again."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(seconds=after_seconds)
    sent = func.coalesce(Job.heartbeat_at, Job.created_at)
    query = select(Job.id, Job.heartbeat_at).where(Job.status == JobStatus.QUEUED,
                                                   sent < cutoff).order_by(Job.id)
    if job_ids is not None:
        query = query.where(Job.id.in_(job_ids))
    out = []
    for job_id, stamp in session.execute(query).all():
        same = Job.heartbeat_at.is_(None) if stamp is None else Job.heartbeat_at == stamp
        if _move(session, job_id, [Job.status == JobStatus.QUEUED, same], heartbeat_at=now):
            out.append(job_id)
    return out


def expired(session: Session, now: dt.datetime | None = None) -> list[int]:
    """Ids of finished jobs whose files are past their expiry."""
    return list(session.scalars(select(Job.id).where(
        Job.status == JobStatus.DONE, Job.expires_at.is_not(None),
        Job.expires_at <= (now or utcnow()))))


def mark_expired(session: Session, job_id: int) -> bool:
    """done → expired (its files are gone)."""
    return _move(session, job_id, [Job.status == JobStatus.DONE], status=JobStatus.EXPIRED)
