"""Thin pages over the scorecard services: a unit's scorecard for a year, self-scoring with
evidence, submission, appraisal, evidence download and the báo cáo.

Access: reading needs the unit in the user's subtree (``require_unit``); each action is then
allowed or refused (403) by the service's own rule; evidence is served only inside its unit's
subtree.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..auth.access import (
    can_see,
    current_user,
    login_required,
    require_unit,
    role_required,
    visible_unit_ids,
)
from ..csv_input import ImportRejected
from ..db import get_session
from ..documents.pdf import FontMissing
from ..main.menu import home_unit, par_index_year
from ..models import (
    Assessment,
    CriterionScore,
    EvidenceFile,
    OfficialResult,
    Role,
    ScorecardVersion,
    Unit,
    User,
)
from ..template_helpers import reader_language
from .assessment import (
    AssessmentError,
    appraise,
    assign,
    can_appraise,
    finish_appraisal,
    is_unit_manager,
    open_assessment,
    score_row,
    self_score,
    submit,
)
from .comparison import compare_with_official
from .evidence import add_evidence
from .history import history
from .official import import_official, official_results
from .overview import assessed_years, overview, units_without
from .report_content import build_report, vi_number
from .report_document import render_report
from .report_words import LANGUAGES
from .results import find_assessment, result_for
from .survey_link import fill_survey_values
from .targets import (
    add_remedy,
    domain_ranks,
    lost_points,
    previous_result,
    set_cause,
    set_target,
    verdicts,
)

bp = Blueprint("par_index", __name__, url_prefix="/staff/parindex", template_folder="templates")


def _user() -> User:
    user = current_user()
    assert user is not None  # login_required ran first
    return user


def _assessment(unit: Unit, year: int) -> Assessment:
    assessment = find_assessment(get_session(), unit, year)
    if assessment is None:
        abort(404)
    return assessment


def _back(unit: Unit, year: int) -> Response:
    return redirect(url_for("par_index.unit_page", code=unit.code, year=year))


def _refused(exc: AssessmentError) -> None:
    # The rule that refused is the service's; the person sees it in the page's language.
    abort(403, _("Not allowed or not valid: %(why)s", why=str(exc)))


@bp.get("/")
@login_required
def index() -> str:
    """The units in the user's scope with the year's total, percent, band, rank and links."""
    session = get_session()
    user = _user()
    visible = visible_unit_ids(session, user)
    home = home_unit(session, user)
    years = assessed_years(session, visible)
    year = request.args.get("year", type=int)
    if year is None:
        year = years[0] if years else par_index_year(session, home) if home else \
            dt.date.today().year - 1
    rows = overview(session, visible, year)
    missing = units_without(session, visible, home, {r.unit.id for r in rows})
    return render_template("par_index/index.html", year=year, years=years, rows=rows,
                           missing=missing, num=vi_number)


@bp.get("/<code>/<int:year>")
@login_required
def unit_page(code: str, year: int) -> str:
    """Total, percent, rank, band, đạt/chưa đạt per criterion, lost points and owners."""
    session = get_session()
    user = _user()
    unit = require_unit(session, user, code)
    assessment = find_assessment(session, unit, year)
    context: dict = {"unit": unit, "year": year, "assessment": assessment,
                     "official": official_results(session, unit.id, year), "num": vi_number,
                     "history": history(session, unit),
                     "measured": compare_with_official(session, unit, year)}
    if assessment is None:
        context["versions"] = session.scalars(select(ScorecardVersion).where(
            ScorecardVersion.year == year)).all()
        return render_template("par_index/unit.html", **context)
    result = result_for(session, assessment)
    previous = previous_result(session, assessment)
    evidence: dict[int, list[EvidenceFile]] = {}
    for file in session.scalars(select(EvidenceFile).join(CriterionScore).where(
            CriterionScore.assessment_id == assessment.id)):
        evidence.setdefault(file.criterion_score_id, []).append(file)
    context |= {"result": result, "verdicts": verdicts(session, result, previous),
                "lost": lost_points(session, result, previous), "evidence": evidence,
                "domains": domain_ranks(session, result, previous),
                "can_appraise": can_appraise(session, user, assessment),
                "can_follow": is_unit_manager(session, user, unit.id)
                or can_appraise(session, user, assessment)}
    return render_template("par_index/unit.html", **context)


@bp.post("/<code>/<int:year>/open")
@login_required
def open_view(code: str, year: int) -> Response:
    """Start the unit's self-assessment on a published scorecard version."""
    session = get_session()
    unit = require_unit(session, _user(), code)
    version = session.get(ScorecardVersion, request.form.get("version", type=int) or 0)
    if version is None or version.year != year:
        abort(400, _("Choose a scorecard of this year."))
    if not is_unit_manager(session, _user(), unit.id):
        abort(403)
    try:
        open_assessment(session, unit, version, _user())
    except AssessmentError as exc:
        _refused(exc)
    return _back(unit, year)


@bp.post("/<code>/<int:year>/items/<item>/score")
@login_required
def score_view(code: str, year: int, item: str) -> Response:
    """Self-score one criterion, with an explanation and optionally an evidence file."""
    session = get_session()
    unit = require_unit(session, _user(), code)
    assessment = _assessment(unit, year)
    try:
        self_score(session, assessment, item, value=request.form.get("value", ""),
                   explanation=request.form.get("explanation", ""), user=_user())
        upload = request.files.get("evidence")
        if upload is not None and upload.filename:
            add_evidence(session, assessment, score_row(session, assessment, item),
                         filename=upload.filename, data=upload.read(), user=_user())
    except AssessmentError as exc:
        session.rollback()
        _refused(exc)
    flash(_("Score saved."), "ok")
    return _back(unit, year)


@bp.post("/<code>/<int:year>/submit")
@login_required
def submit_view(code: str, year: int) -> Response:
    """Submit the self-assessment for appraisal."""
    session = get_session()
    unit = require_unit(session, _user(), code)
    assessment = _assessment(unit, year)
    try:
        submit(session, assessment, _user())
    except AssessmentError as exc:
        _refused(exc)
    try:
        fill_survey_values(session, assessment)
    except LookupError:  # the survey is not published here: the item stays unscored
        session.rollback()
    flash(_("Self-assessment submitted for appraisal."), "ok")
    return _back(unit, year)


@bp.post("/<code>/<int:year>/items/<item>/appraise")
@login_required
def appraise_view(code: str, year: int, item: str) -> Response:
    """Accept a self-score, or adjust it with a reason."""
    session = get_session()
    unit = require_unit(session, _user(), code)
    text = request.form.get("score", "").strip().replace(",", ".")
    try:
        score = Decimal(text) if text else None
    except InvalidOperation:
        abort(400, _("The score must be a number."))
    assessment = _assessment(unit, year)
    try:
        appraise(session, assessment, item, reviewer=_user(), score=score,
                 reason=request.form.get("reason", ""))
    except AssessmentError as exc:
        _refused(exc)
    try:  # the round closes with the last appraised criterion
        finish_appraisal(session, assessment, _user())
    except AssessmentError:
        pass
    flash(_("Appraisal saved."), "ok")
    return _back(unit, year)


@bp.get("/evidence/<int:file_id>")
@login_required
def evidence_file(file_id: int) -> Response:
    """An evidence file, only for accounts whose subtree holds its unit."""
    session = get_session()
    file = session.get(EvidenceFile, file_id)
    if file is None:
        abort(404)
    if not can_see(session, _user(), file.unit_id):
        abort(403)
    response = send_file(io.BytesIO(file.data), mimetype=file.content_type,
                         as_attachment=True, download_name=file.filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


REPORT_TYPES = {"docx": "application/vnd.openxmlformats-officedocument."
                         "wordprocessingml.document",
                "pdf": "application/pdf"}


@bp.get("/<code>/<int:year>/report.<fmt>")
@login_required
def report_file(code: str, year: int, fmt: str) -> Response:
    """The báo cáo (Nghị định 30/2020 format): an editable DOCX or a PDF, same content, in
    the interface language or the one asked for (``?lang=vi`` for the copy of record)."""
    if fmt not in REPORT_TYPES:
        abort(404)
    session = get_session()
    unit = require_unit(session, _user(), code)
    _assessment(unit, year)
    language = request.args.get("lang") or reader_language()
    content = build_report(session, unit, year, date=dt.date.today(),
                           language=language if language in LANGUAGES else "vi")
    try:
        data = render_report(content, fmt)
    except FontMissing as exc:
        abort(503, str(exc))
    return send_file(io.BytesIO(data), as_attachment=True,
                     download_name=f"bao-cao-{unit.code}-{year}"
                                   f"{'' if content.language == 'vi' else '-en'}.{fmt}",
                     mimetype=REPORT_TYPES[fmt])


@bp.route("/official", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def official_upload() -> Response | str | tuple[str, int]:
    """Administrators load published results (PAR INDEX, SIPAS, PAPI, PCI...) from a CSV."""
    session = get_session()
    problems: list[str] = []
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            problems.append(_("Choose a CSV file."))
        else:
            name = Path(upload.filename).name
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / name
                upload.save(path)
                try:
                    report = import_official(session, path, user_id=_user().id)
                except ImportRejected as exc:
                    problems = [p.format(name) for p in exc.problems]
                else:
                    flash(_("Official results: %(created)s created, %(updated)s updated.",
                            created=report.created, updated=report.updated), "ok")
                    return redirect(url_for("par_index.official_upload"))
    recent = session.scalars(select(OfficialResult).order_by(
        OfficialResult.year.desc(), OfficialResult.index_key).limit(50)).all()
    page = render_template("par_index/official.html", problems=problems, recent=recent,
                           num=vi_number)
    return (page, 400) if problems else page


@bp.post("/<code>/<int:year>/items/<item>/follow-up")
@login_required
def follow_up(code: str, year: int, item: str) -> Response:
    """Assign a criterion, record its cause, add a remedy, or set its target ('all': the
    whole index). Each service checks who may do it."""
    session = get_session()
    user = _user()
    unit = require_unit(session, user, code)
    assessment = _assessment(unit, year)
    form = request.form
    action = form.get("action", "")
    try:
        if action == "assign":
            account = session.scalar(select(User).where(User.email == form.get("account", "")))
            responsible = session.scalar(select(Unit).where(
                Unit.code == (form.get("responsible_unit") or unit.code)))
            if account is None or responsible is None:
                abort(400, _("Unknown account or unit."))
            assign(session, assessment, item, responsible_unit=responsible, account=account,
                   by=user)
        elif action == "cause":
            set_cause(session, assessment, item, form.get("cause", ""), user)
        elif action == "remedy":
            owner = session.scalar(select(User).where(User.email == form.get("owner", "")))
            try:
                deadline = dt.date.fromisoformat(form.get("deadline", ""))
            except ValueError:
                abort(400, _("The deadline must be a date."))
            if owner is None:
                abort(400, _("Unknown account or unit."))
            add_remedy(session, assessment, item, owner=owner, deadline=deadline,
                       description=form.get("description", ""), by=user)
        elif action == "target":
            text = form.get("value", "").strip().replace(",", ".")
            try:
                value = Decimal(text) if text else None
            except InvalidOperation:
                abort(400, _("The score must be a number."))
            set_target(session, assessment, "" if item == "all" else item,
                       form.get("kind", ""), by=user, value=value)
        else:
            abort(400)
    except AssessmentError as exc:
        session.rollback()
        _refused(exc)
    flash(_("Saved."), "ok")
    return _back(unit, year)
