"""The export page: request an export, follow its progress, download its files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..auth.access import current_user, role_required
from ..codes import attachment
from ..db import get_engine, get_session
from ..jobs import blobs, store
from ..jobs.queue import tidy
from ..models import Job, JobStatus, Role
from ..models.base import utcnow
from ..survey_versions import survey_keys
from .defaults import busiest_survey, last_complete_quarter
from .jobs import start_job
from .request_form import ExportFormError, FormProblem, export_request_from_form
from .sdc_rules import DEFAULT_RELEASE, RELEASES
from .service import ExportError, export_scope
from .writers import FORMATS

# A queued job older than this tells its owner that no worker seems to be running.
UNATTENDED_AFTER = dt.timedelta(minutes=3)

bp = Blueprint("export", __name__, url_prefix="/staff/exports", template_folder="templates")


@bp.get("/")
@role_required(Role.ANALYST)
def form() -> str:
    """The request form, with the survey the user may export most responses of and the last
    complete quarter chosen."""
    session = get_session()
    surveys = survey_keys(session)
    chosen = busiest_survey(session, export_scope(session, current_user(), None))
    return render_template("export/form.html", surveys=surveys,
                           chosen=chosen or (surveys[0] if surveys else None),
                           period=last_complete_quarter(), formats=FORMATS,
                           releases=RELEASES, release=DEFAULT_RELEASE)


@bp.post("/")
@role_required(Role.ANALYST)
def create() -> Response | str:
    """Validate the request and start the export in the background."""
    user = current_user()
    assert user is not None
    try:
        # The worker writes in a temporary folder of its own; out_dir is not kept with the job.
        req = export_request_from_form(request.form, out_dir=Path())
    except ExportFormError as exc:
        flash(_form_problem_text(exc), "error")
        return redirect(url_for("export.form"))
    try:
        job = start_job(current_app._get_current_object(),  # type: ignore[attr-defined]
                        get_session(), user, req)
    except ExportError as exc:
        flash(str(exc), "error")
        return redirect(url_for("export.form"))
    return redirect(url_for("export.status", job_id=job.public_id))


def _form_problem_text(exc: ExportFormError) -> str:
    if exc.problem is FormProblem.RELEASE:
        return _("Choose a release type: public use or scientific use.")
    if exc.problem is FormProblem.AGREEMENT:
        return _("A scientific-use file needs the data-use agreement: its reference and the "
                 "analysts it names.")
    if exc.problem is FormProblem.PERIOD_ORDER:
        return _("The period range starts after it ends: %(period)s.", period=exc.period)
    if exc.problem is FormProblem.PERIOD:
        return _("Check the period: YYYY, YYYY-Qn, YYYY-MM, or a range FROM..TO "
                 "such as 2026-01..2026-06.")
    return _("Check the format and k (a whole number, at least 1).")


def _own_job(job_id: str) -> Job:
    """The export job at ``job_id`` if the signed-in user asked for it; 404 otherwise (another
    user's job is not said to exist)."""
    user = current_user()
    job = store.by_public_id(get_session(), job_id)
    if job is None or user is None or job.kind != "export" or job.owner_id != user.id:
        abort(404)
    if job.status == JobStatus.RUNNING:
        # A worker that died leaves its job running: whoever looks next reaps it.
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        reaped = tidy(app, job_ids=[job.id], clean=False)
        if reaped.retried or reaped.failed:
            get_session().refresh(job)
    return job


def _page_state(job: Job) -> dict[str, Any]:
    result = job.result or {}
    state = {JobStatus.QUEUED: "running", JobStatus.RUNNING: "running"}.get(job.status,
                                                                             job.status)
    return {"state": state, "queued": job.status == JobStatus.QUEUED,
            "done": job.progress_done, "total": job.progress_total, "request": job.request,
            "files": result.get("files", []) if job.status == JobStatus.DONE else [],
            "bundle": result.get("bundle") if job.status == JobStatus.DONE else None,
            "rows": result.get("rows"), "error": job.error, "attempts": job.attempts,
            "expires_at": job.expires_at, "unattended": _unattended(job)}


def _unattended(job: Job) -> bool:
    """Queued for minutes: no worker is taking jobs (the site runs without `hailong worker`)."""
    if job.status != JobStatus.QUEUED:
        return False
    created = job.created_at if job.created_at.tzinfo else job.created_at.replace(tzinfo=dt.UTC)
    return utcnow() - created > UNATTENDED_AFTER


@bp.get("/<job_id>")
@role_required(Role.ANALYST)
def status(job_id: str) -> Response:
    """Progress while queued or running (refreshed every 2 s without JavaScript), then the
    files; any instance shows it, whichever took the request."""
    state = _page_state(_own_job(job_id))
    page = make_response(render_template("export/status.html", job_id=job_id, status=state))
    if state["state"] == "running":
        page.headers["Refresh"] = "2"
    return page


@bp.get("/<job_id>/<path:name>")
@role_required(Role.ANALYST)
def download(job_id: str, name: str) -> Response:
    """One file of a finished export, to its owner only, streamed chunk by chunk from the
    database."""
    job = _own_job(job_id)
    if job.status != JobStatus.DONE:
        abort(404)
    stored = blobs.find(get_session(), job.id, name)
    if stored is None:
        abort(404)
    body = blobs.stream(get_engine(), stored.id, stored.chunks)
    return Response(body, mimetype=stored.content_type, direct_passthrough=True,
                    headers={"Content-Disposition": attachment(stored.name),
                             "Content-Length": str(stored.size),
                             "ETag": f'"{stored.sha256}"', "Cache-Control": "private"})
