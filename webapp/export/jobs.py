"""Exports requested from the web run as jobs of ``hailong worker`` (:mod:`webapp.jobs`).

The request is checked and counted here, in the web request; the job row holds it, the queue
carries the job's id, and the worker writes the files in a temporary folder and keeps them as
chunked rows in the database, so any instance shows the progress and serves the files.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from ..jobs import store
from ..jobs.queue import enqueue
from ..jobs.runner import JobFailed, JobRun, register
from ..models import Job, User
from .service import (
    ExportError,
    ExportRequest,
    count_responses,
    export_scope,
    require_k_allowed,
    run_export,
)

KIND = "export"


def start_job(app: Flask, session: Session, user: User, request: ExportRequest) -> Job:
    """Check access, record the job and queue it; return the job (raises ExportRefused)."""
    require_k_allowed(user, request.k)
    scope = export_scope(session, user, request.unit_code)
    total = count_responses(session, request, scope)
    described = {k: v for k, v in asdict(request).items() if k != "out_dir"}
    job = store.create(session, KIND, user.id, described, total=2 * total)
    session.commit()
    enqueue(app, job.id)
    return job


@register(KIND)
def run_export_job(run: JobRun) -> dict[str, Any]:
    """The worker's side: run the export as its owner, keep every file, return the summary."""
    user = run.session.get(User, run.job.owner_id) if run.job.owner_id else None
    if user is None or not user.active:
        raise JobFailed("the account that asked for this export no longer exists or is "
                        "disabled")
    request = ExportRequest(**run.job.request, out_dir=run.workdir / "out")
    try:
        result = run_export(run.session, request, user=user, progress=run.tick)
    except ExportError as exc:  # refusals too: access may have changed since the request
        raise JobFailed(str(exc)) from exc
    extra = [p for p in (result.bundle, result.readme) if p is not None]
    kept = [run.keep(path).name for path in [*extra, *result.files]]
    return {"rows": result.rows, "files": kept,
            "bundle": result.bundle.name if result.bundle else None,
            "release": result.suppression.release}
