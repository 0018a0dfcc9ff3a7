"""Field staff's pages: their assignments, and the survey in interviewer mode.

Only the interviewer assigned to a sampled person opens that person (anyone else: 404, the same
as an unknown id, so ids cannot be probed); contact data is shown on the assignments page only,
never cached.
"""

from __future__ import annotations

import datetime as dt
import uuid

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
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import ValidationError

from ..auth.access import current_user, open_to_interviewers, role_required
from ..db import get_session
from ..extensions import csrf
from ..models import FieldSample, Role, SampleMember, User
from ..respond.flow import first_step, stay
from ..respond.rendering import render_page
from ..respond.submission import ShowPage, decide, read_posted_page
from .drafts import PAUSE_ACTION, draft_of, drop_draft, paused_members, save_draft
from .interviews import (
    NON_INTERVIEWS,
    WEB_KEY_PREFIX,
    Assignment,
    assignment_for,
    disposition_label,
    dispositions_of,
    field_context,
    interview_minutes,
)
from .returns import ReturnRefused, record_return, xlsform_answers
from .samples import contacts_for
from .scope import assigned_filter, may_work_on

bp = Blueprint("fieldwork", __name__, url_prefix="/staff/fieldwork", template_folder="templates")


def _no_store(response: Response) -> Response:
    # Names, addresses and phones, or a respondent's answers: never kept by a browser or proxy.
    response.headers["Cache-Control"] = "no-store"
    return response


def _me() -> User:
    user = current_user()
    assert user is not None
    return user


@bp.get("/assignments")
@role_required(Role.INTERVIEWER)
@open_to_interviewers
def assignments() -> Response:
    """Open samples with members assigned to the signed-in user, and only their contacts."""
    session = get_session()
    user = _me()
    samples = session.scalars(
        select(FieldSample).where(FieldSample.closed_at.is_(None), assigned_filter(session, user),
                                  FieldSample.id.in_(select(SampleMember.sample_id).where(
                                      SampleMember.interviewer_id == user.id)))
        .order_by(FieldSample.name)).all()
    groups = []
    for sample in samples:
        people = contacts_for(session, sample, user)
        done = dispositions_of(session, [p["member_id"] for p in people])
        paused = paused_members(session, [p["member_id"] for p in people])
        groups.append((sample, [{**p, "disposition": done.get(p["member_id"]),
                                 "paused": p["member_id"] in paused} for p in people]))
    return _no_store(make_response(render_template(
        "fieldwork/assignments.html", groups=groups, non_interviews=NON_INTERVIEWS,
        disposition_label=disposition_label, new_key=lambda: uuid.uuid4().hex)))


def _assignment(member_id: int) -> Assignment:
    session = get_session()
    found = assignment_for(session, _me(), member_id)
    if found is None or (found.sample.unit_id is not None
                         and not may_work_on(session, _me(), found.sample)):
        abort(404)
    return found


def _csrf_ok() -> bool:
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        return False
    return True


@bp.route("/interviews/<int:member_id>", methods=["GET", "POST"])
@csrf.exempt  # checked inside: an expired page keeps the answers (as the citizen's pages do)
@role_required(Role.INTERVIEWER)
@open_to_interviewers
def interview(member_id: int) -> Response:
    """The survey, read out by the interviewer and filled on the respondent's behalf."""
    session = get_session()
    found = _assignment(member_id)
    ctx = field_context(session, found)
    if ctx is None:
        abort(404)
    draft = draft_of(session, found.member)
    extra = {"assignment": found, "started": request.form.get("started") or
             (draft.started if draft is not None else
              dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))}
    if request.method == "GET":
        if draft is not None:  # resume where the interview was interrupted
            step = stay(ctx.definition, draft.answers, context={}, skip=ctx.skip(None),
                        current=draft.page)
            page = ShowPage(step, dict(draft.answers), None, draft.submission_id)
        else:
            step = first_step(ctx.definition, context={}, skip=ctx.skip(None))
            page = ShowPage(step, {}, None, uuid.uuid4().hex)
        return _no_store(render_page(ctx, page, template="fieldwork/interview.html", **extra))
    posted = read_posted_page(ctx, request.form, csrf_ok=_csrf_ok(), within_limits=True)
    if posted.action == PAUSE_ACTION and posted.csrf_ok:
        save_draft(session, found, page=posted.page, answers=posted.answers,
                   submission_id=posted.submission_id or uuid.uuid4().hex,
                   started=str(extra["started"]))
        flash(_("Interview with %(id)s saved: open it again from your assignments to go on.",
                id=found.respondent_id), "ok")
        return redirect(url_for(".assignments"), 303)
    outcome = decide(ctx, posted, languages=current_app.config["BABEL_SUPPORTED_LOCALES"],
                     fresh_id=uuid.uuid4().hex)
    if isinstance(outcome, ShowPage):
        return _no_store(render_page(ctx, outcome, template="fieldwork/interview.html",
                                     **extra))
    from survey_defs import validate_answers

    clean, _errors = validate_answers(ctx.definition, outcome.answers, context={})
    try:
        stored = record_return(session, found.sample, found.member,
                               key=WEB_KEY_PREFIX + outcome.submission_id, code="1.1",
                               answers=xlsform_answers(ctx.definition, dict(clean)),
                               source="interviewer",
                               minutes=interview_minutes(str(extra["started"])))
    except ReturnRefused as exc:
        flash(_("Not stored: %(why)s", why=str(exc)), "error")
        return redirect(url_for(".assignments"), 303)
    drop_draft(session, found.member)
    if stored:
        flash(_("Interview with %(id)s stored.", id=found.respondent_id), "ok")
    return redirect(url_for(".assignments"), 303)


@bp.post("/interviews/<int:member_id>/outcome")
@role_required(Role.INTERVIEWER)
@open_to_interviewers
def outcome(member_id: int) -> Response:
    """Record a visit without an interview: refusal, non-contact, not eligible..."""
    session = get_session()
    found = _assignment(member_id)
    code = request.form.get("disposition", "")
    key = request.form.get("submission_id", "")
    if code not in NON_INTERVIEWS or not key or len(key) > 64:
        abort(400)
    try:
        stored = record_return(session, found.sample, found.member,
                               key=WEB_KEY_PREFIX + key, code=code, answers={},
                               source="interviewer")
    except ReturnRefused as exc:
        flash(_("Not stored: %(why)s", why=str(exc)), "error")
        return redirect(url_for(".assignments"), 303)
    drop_draft(session, found.member)
    if stored:
        flash(_("Outcome for %(id)s recorded.", id=found.respondent_id), "ok")
    return redirect(url_for(".assignments"), 303)
