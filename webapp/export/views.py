"""The export page: request an export, follow its progress, download its files."""

from __future__ import annotations

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
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..auth.access import current_user, role_required
from ..db import get_session
from ..models import Role
from ..survey_versions import survey_keys
from .defaults import busiest_survey, last_complete_quarter
from .jobs import jobs_root, read_status, start_job
from .request_form import ExportFormError, FormProblem, export_request_from_form
from .sdc_rules import DEFAULT_RELEASE, RELEASES
from .service import ExportError, export_scope
from .writers import FORMATS

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
        req = export_request_from_form(request.form, out_dir=jobs_root(current_app))
    except ExportFormError as exc:
        flash(_form_problem_text(exc), "error")
        return redirect(url_for("export.form"))
    try:
        job_id, _thread = start_job(current_app._get_current_object(),  # type: ignore[attr-defined]
                                    user, req)
    except ExportError as exc:
        flash(str(exc), "error")
        return redirect(url_for("export.form"))
    return redirect(url_for("export.status", job_id=job_id))


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


def _own_job(job_id: str) -> dict[str, Any]:
    user = current_user()
    status = read_status(current_app, job_id)
    if status is None or user is None or status["owner"] != user.id:
        abort(404)
    return status


@bp.get("/<job_id>")
@role_required(Role.ANALYST)
def status(job_id: str) -> Response:
    """Progress while running (refreshed every 2 s without JavaScript), then the files."""
    state = _own_job(job_id)
    page = make_response(render_template("export/status.html", job_id=job_id, status=state))
    if state["state"] == "running":
        page.headers["Refresh"] = "2"
    return page


@bp.get("/<job_id>/<path:name>")
@role_required(Role.ANALYST)
def download(job_id: str, name: str) -> Response:
    """One file of a finished export, to its owner only."""
    status = _own_job(job_id)
    if name not in status["files"]:
        abort(404)
    return send_from_directory(jobs_root(current_app) / job_id, name, as_attachment=True)
