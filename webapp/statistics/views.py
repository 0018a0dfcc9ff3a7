"""The unit page: parse the choice of survey, period and unit, build the report, render."""

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
    url_for,
)
from flask import Response as FlaskResponse
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from analysis.unit_stats import SUPPRESS_BELOW

from ..auth.access import (
    can_act,
    current_user,
    login_required,
    request_scope,
    require_unit,
    visible_unit_ids,
)
from ..auth.staff_units import visible_units
from ..codes import attachment
from ..db import get_engine, get_session
from ..fieldwork.indices import field_periods
from ..jobs import blobs
from ..jobs.queue import tidy
from ..models import JobStatus, Unit, User
from ..periods import PeriodError, parse_period
from ..survey_versions import (
    default_survey,
    latest_version,
    load_version,
    survey_keys,
)
from .default_period import default_period
from .indices import IndicesError
from .landing import landing
from .onestop import UnitScoreError, save_unit_scores
from .report_cache import cached_report
from .report_jobs import CONTENT_TYPES, find_or_start, report_request
from .stat_cells import latest_month
from .unit_charts import ranked_children, unit_charts

bp = Blueprint("dashboard", __name__, url_prefix="/staff", template_folder="templates")



def _choice() -> tuple[str, str | None]:
    session = get_session()
    keys = survey_keys(session)
    survey = request.args.get("survey") or default_survey(keys) or ""
    if survey and survey not in keys:
        abort(404)
    period = request.args.get("period") or (default_period(session, survey)
                                            if survey else None)
    return survey, period


@bp.get("/")
@login_required
def home() -> str | Response:
    """The landing page: each unit in scope with its headline per survey, and a picker."""
    session = get_session()
    user = current_user()
    assert user is not None
    units = visible_units(session, visible_unit_ids(session, user))
    unit = request.args.get("unit")
    survey, period = _choice()
    if unit:
        return redirect(url_for("dashboard.unit_page", code=unit, survey=survey, period=period))
    return render_template("dashboard/home.html", units=units, surveys=survey_keys(session),
                           survey=survey, period=period, suppress_below=SUPPRESS_BELOW,
                           landing=landing(session, visible_unit_ids(session, user),
                                           str(get_locale())))


@bp.get("/units/<code>")
@login_required
def unit_page(code: str) -> str:
    """A unit's indices: headline, weakest criteria, expectations, change, children, trend."""
    session = get_session()
    user = current_user()
    assert user is not None
    unit = require_unit(session, user, code)
    survey, period = _choice()
    parent_visible = request_scope(session, user, code).parent is not None
    if not survey or not period:
        return render_template("dashboard/unit.html", unit=unit, report=None, survey=survey,
                               period=period, surveys=survey_keys(session),
                               latest=None, parent_visible=parent_visible)
    try:
        parse_period(period)
        report = cached_report(session, survey, period, unit, str(get_locale()))
    except (PeriodError, IndicesError) as exc:
        abort(400, str(exc))
    return render_template("dashboard/unit.html", unit=unit, report=report, survey=survey,
                           period=period, surveys=survey_keys(session),
                           charts=unit_charts(report), can_act=can_act(user),
                           children=ranked_children(report),
                           latest=_latest(session, survey),
                           suppress_below=SUPPRESS_BELOW, parent_visible=parent_visible)


@bp.get("/units/<code>/report.<fmt>")
@login_required
def unit_report_file(code: str, fmt: str) -> FlaskResponse:
    """The unit page as a spreadsheet or a printable PDF, for the monthly meeting."""
    if fmt not in CONTENT_TYPES:
        abort(404)
    session = get_session()
    user = current_user()
    assert user is not None
    unit = require_unit(session, user, code)
    survey, period = _choice()
    if not survey or not period:
        abort(404)
    try:
        parse_period(period)
        report = cached_report(session, survey, period, unit, str(get_locale()))
    except (PeriodError, IndicesError) as exc:
        abort(400, str(exc))
    name = f"hailong-{unit.code}-{survey}-{report.period}.{fmt}"
    # Drawn by the worker (report_jobs), never in the request: a PDF takes seconds.
    return _report_from_job(session, user, report_request(
        session, unit, survey, period, str(get_locale()), name, fmt), unit)


def _report_from_job(session: Session, user: User, wanted: dict[str, Any],
                     unit: Unit) -> FlaskResponse:
    """The file once its job is done; until then a page that reloads itself (no JavaScript)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    job = find_or_start(app, session, user, wanted)
    if job.status in (JobStatus.RUNNING, JobStatus.QUEUED):
        # Its worker may have died, or its queue message been lost.
        reaped = tidy(app, job_ids=[job.id], clean=False)
        if reaped.retried or reaped.failed:
            session.refresh(job)
    stored = blobs.find(session, job.id, wanted["name"]) if job.status == JobStatus.DONE \
        else None
    if stored is not None:
        return FlaskResponse(blobs.stream(get_engine(), stored.id, stored.chunks),
                             mimetype=stored.content_type, direct_passthrough=True,
                             headers={"Content-Disposition": attachment(stored.name),
                                      "Content-Length": str(stored.size)})
    failed = job.status == JobStatus.FAILED
    page = make_response(render_template("dashboard/report_wait.html", unit=unit, job=job,
                                         failed=failed,
                                         spreadsheet=wanted.get("format") == "xlsx"),
                         500 if failed else 202)
    if not failed:
        page.headers["Refresh"] = "2"
    return page


@bp.post("/units/<code>/onestop-scores")
@login_required
def onestop_scores(code: str) -> Response:
    """Managers enter the unit-level one-stop indicators (TT 01/2018: 5, 8, 9) for a period."""
    session = get_session()
    user = current_user()
    assert user is not None
    unit = require_unit(session, user, code)
    if not can_act(user):
        abort(403)
    survey, period = request.args.get("survey", ""), request.args.get("period", "")
    version = latest_version(session, survey) if survey else None
    spec = load_version(version).scoring_spec() if version else {}
    if spec.get("method") != "onestop" or not period:
        abort(404)
    try:
        parse_period(period)
    except PeriodError as exc:
        abort(400, str(exc))
    values = {i["id"]: request.form.get(i["id"], "") for i in spec.get("unit_indicators", [])}
    try:
        changed = save_unit_scores(session, unit, period, spec, values, user.id)
    except UnitScoreError:
        flash(_("Points must be 0, 1 or 2 (or not entered); nothing was saved."), "error")
    else:
        flash(_("The points are saved.") if changed else _("Nothing changed."), "info")
    return redirect(url_for("dashboard.unit_page", code=unit.code, survey=survey,
                            period=period) + "#h-tt01")


def _latest(session: Session, survey: str) -> str | None:
    """The latest month the period picker offers: of responses, else of a field sample."""
    latest = latest_month(session, survey)
    if latest is None:
        fielded = field_periods(session, survey)
        if fielded:
            last = parse_period(fielded[-1])
            return f"{last.year:04d}-{last.last_month:02d}"
    return latest
