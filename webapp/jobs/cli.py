"""``hailong worker`` runs background jobs; ``hailong jobs reap|cleanup`` tidies them by hand."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from .queue import run_worker, tidy


@click.command("worker")
@click.option("--threads", default=1, show_default=True, type=click.IntRange(1, 32),
              help="Jobs run at once by this worker.")
@with_appcontext
def worker(threads: int) -> None:
    """Run background jobs (exports) from the queue until stopped (SIGTERM or Ctrl-C)."""
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    queue = "Redis" if app.config.get("REDIS_URL") else "SQLite (instance folder)"
    click.echo(f"hailong worker: {threads} thread(s), queue on {queue}", err=True)
    run_worker(app, threads)


@click.group("jobs")
def jobs() -> None:
    """Background jobs and their files."""


@jobs.command("reap")
@with_appcontext
def jobs_reap() -> None:
    """Requeue or fail running jobs whose worker stopped answering; send again queued jobs
    that no worker took (their queue message lost)."""
    done = tidy(current_app._get_current_object(), clean=False)  # type: ignore[attr-defined]
    click.echo(f"jobs retried: {len(done.retried)}, failed: {len(done.failed)}, "
               f"queued jobs sent again: {len(done.resent)}")


@jobs.command("cleanup")
@with_appcontext
def jobs_cleanup() -> None:
    """Delete the files of finished jobs past their expiry (the worker does this every
    minute; this is for a site run without one)."""
    done = tidy(current_app._get_current_object())  # type: ignore[attr-defined]
    click.echo(f"expired jobs cleaned: {done.expired}; stale jobs retried: "
               f"{len(done.retried)}, failed: {len(done.failed)}")


COMMANDS = (worker, jobs)
