"""The queue that carries job ids to ``hailong worker``: Huey on Redis, or on SQLite.

With ``REDIS_URL`` set the queue is a Redis list (every application machine and worker share
it); without, a SQLite file in the instance folder (the embedded default: one machine). The
queue carries only job ids: a job's state is its row (:mod:`.store`), so a lost message costs
nothing that the reaper does not put back. ``HAILONG_JOBS_IMMEDIATE`` (tests) runs each job
at once inside the call that queues it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from huey import Huey, RedisHuey, SqliteHuey, crontab

from .runner import Tidied, reap_and_clean, run_job

log = logging.getLogger(__name__)

QUEUE_FILE = "jobs-queue.db"
QUEUE_NAME = "hailong-jobs"
_HUEY = "hailong.huey"
_TASK = "hailong.job_task"


def make_huey(app: Flask) -> Huey:
    """The Huey instance the configuration asks for."""
    immediate = bool(app.config.get("HAILONG_JOBS_IMMEDIATE"))
    url = app.config.get("REDIS_URL")
    if url:
        return RedisHuey(QUEUE_NAME, url=url, immediate=immediate, results=False)
    return SqliteHuey(QUEUE_NAME, filename=str(Path(app.instance_path) / QUEUE_FILE),
                      immediate=immediate, results=False)


def init_app(app: Flask) -> None:
    """Bind a queue to the app with the job task and the periodic housekeeping."""
    huey = make_huey(app)

    @huey.task(name="hailong.run_job")
    def run(job_id: int) -> None:
        run_job(app, job_id)

    @huey.periodic_task(crontab(minute="*"), name="hailong.housekeeping")
    def housekeeping() -> None:
        tidy(app)

    app.extensions[_HUEY] = huey
    app.extensions[_TASK] = run


def queue_of(app: Flask) -> Huey:
    """The app's queue."""
    huey: Huey = app.extensions[_HUEY]
    return huey


def enqueue(app: Flask, job_id: int) -> None:
    """Put a (committed) job's id on the queue."""
    app.extensions[_TASK](job_id)


def tidy(app: Flask, *, job_ids: list[int] | None = None, clean: bool = True) -> Tidied:
    """Reap stale jobs (requeueing those with attempts left), send again the queued jobs whose
    message was lost, and delete expired files."""
    done = reap_and_clean(app, lambda job_id: enqueue(app, job_id), job_ids=job_ids,
                          clean=clean)
    if done.retried or done.failed or done.expired or done.resent:
        log.warning("jobs: %d retried, %d failed (worker gone), %d expired, "
                    "%d queued but untaken sent again", len(done.retried), len(done.failed),
                    done.expired, len(done.resent))
    return done


def run_worker(app: Flask, threads: int = 1) -> None:
    """Run a Huey consumer for the app's queue until SIGTERM or SIGINT."""
    # Jobs left running by a worker that died before this one started, and queued jobs whose
    # message was lost while no worker ran (Redis restarted without persistence).
    tidy(app)
    consumer = queue_of(app).create_consumer(workers=threads, worker_type="thread",
                                             periodic=True, check_worker_health=True)
    consumer.run()
