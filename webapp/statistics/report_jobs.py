"""The unit report as a PDF (seconds of matplotlib) or a spreadsheet is drawn by ``hailong
worker``, not in the web request: the first request starts a job, the page reloads itself until
the file is ready, then the same address serves it from the database, on any instance.

A job is keyed on its owner and everything the file depends on (format, unit, survey, period,
language and the data stamp), so asking again while it runs, or after it is done, finds the
same job; new data gives a new stamp and so a new file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Any

from flask import Flask
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..documents.pdf import FontMissing, render_pdf
from ..documents.unit_document import unit_document
from ..jobs import blobs, store
from ..jobs.queue import enqueue
from ..jobs.runner import JobFailed, JobRun, register
from ..models import Job, JobStatus, Unit, User
from ..models.base import utcnow
from ..survey_versions import survey_title
from .indices import IndicesError
from .indices_cache import data_stamp
from .report_cache import cached_report
from .report_xlsx import report_workbook
from .unit_report import UnitReport

KIND = "unit_report"
CONTENT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "pdf": "application/pdf"}
# Jobs looked at when matching a request: a day's worth of this user's reports.
LOOKBACK = dt.timedelta(days=1)


def report_request(session: Session, unit: Unit, survey: str, period: str, language: str,
                   name: str, fmt: str = "pdf") -> dict[str, Any]:
    """What the file depends on, as the job's request (``fmt``: pdf or xlsx)."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"unknown report format {fmt!r}")
    stamp = hashlib.sha256(repr(data_stamp(session)).encode()).hexdigest()
    return {"unit": unit.code, "survey": survey, "period": period, "language": language,
            "name": name, "stamp": stamp, "format": fmt}


def find_or_start(app: Flask, session: Session, user: User, request: dict[str, Any]) -> Job:
    """This user's job for ``request`` (queued, running or done), or a new one, queued."""
    recent = session.scalars(select(Job).where(
        Job.kind == KIND, Job.owner_id == user.id,
        Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DONE]),
        Job.created_at > utcnow() - LOOKBACK).order_by(Job.id.desc()).limit(100))
    for job in recent:
        if job.request == request:
            return job
    job = store.create(session, KIND, user.id, request, total=1)
    session.commit()
    enqueue(app, job.id)
    session.refresh(job)
    return job


@register(KIND)
def run_report_job(run: JobRun) -> dict[str, Any]:
    """The worker's side: build (or find) the report, draw the PDF or the workbook, keep it."""
    req = run.job.request
    fmt = req.get("format", "pdf")  # jobs queued before spreadsheets were jobs are PDFs
    unit = run.session.scalar(select(Unit).where(Unit.code == req["unit"]))
    if unit is None:
        raise JobFailed(f"the unit {req['unit']} no longer exists")
    try:
        report = cached_report(run.session, req["survey"], req["period"], unit,
                               req["language"])
    except IndicesError as exc:
        raise JobFailed(str(exc)) from exc
    if fmt == "xlsx":
        data = _workbook(run.session, report, unit, req)
    else:
        try:
            with force_locale(req["language"]):
                data = render_pdf(unit_document(run.session, report, unit, req["language"]))
        except FontMissing as exc:
            raise JobFailed(str(exc)) from exc
    blobs.store(run.session, run.job.id, req["name"], io.BytesIO(data),
                content_type=CONTENT_TYPES[fmt])
    run.session.commit()
    run.tick(1)
    return {"files": [req["name"]]}


def _workbook(session: Session, report: UnitReport, unit: Unit, req: dict[str, Any]) -> bytes:
    """The report as a spreadsheet, with the unit and survey named in the reader's language."""
    language = req["language"]
    shown = unit.name_en if language == "en" and unit.name_en else unit.name_vi
    with force_locale(language):
        return report_workbook(report, shown, language,
                               survey_title(session, req["survey"], language))
