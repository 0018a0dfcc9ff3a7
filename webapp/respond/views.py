"""Survey views: parse the form, call the flow and the recording service, render."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import ValidationError

from ..auth.access import current_user, sign_out
from ..db import get_session
from ..extensions import LANGUAGE_COOKIE, csrf
from ..models import Unit, UnitPublication
from .context import SurveyContext, survey_context
from .flow import (
    CONTACT_INPUT,
    FIELD_INPUT,
    PHONE_INPUT,
    first_step,
)
from .messages import answer_error_text, token_refused_text
from .page_helpers import register as register_page_helpers
from .ratelimit import allow_survey_request, get_rate_limiter
from .responses import InvalidSubmission, Origin, record_response
from .submission import Notice, ShowPage, decide, read_posted_page
from .survey_language import interface_locale, localised, offered_languages, survey_language
from .tokens import InvalidToken, verify_counter_token

bp = Blueprint("respond", __name__, template_folder="templates")
register_page_helpers(bp)

OriginFinder = Callable[[Session, str], Origin]


def _counter_origin(channel: str) -> OriginFinder:
    def find(session: Session, token: str) -> Origin:
        counter = verify_counter_token(session, token, current_app.config)
        return Origin(unit_id=counter.unit_id, channel=channel, counter_id=counter.id)
    return find


def _dossier_origin(session: Session, token: str) -> Origin:
    from .dossier_tokens import peek_dossier_token

    found = peek_dossier_token(session, token)
    return Origin(unit_id=found.unit_id, channel="dossier", counter_id=found.counter_id,
                  field_id=found.field_id, procedure_id=found.procedure_id,
                  on_time=found.on_time)


def _consume_dossier(token: str) -> Callable[[Session], None]:
    def consume(session: Session) -> None:
        from .dossier_tokens import consume_dossier_token

        consume_dossier_token(session, token)
    return consume


@bp.route("/s/<token>", methods=["GET", "POST"])
@bp.route("/s/<token>/<survey_key>", methods=["GET", "POST"])
@csrf.exempt  # checked inside, so an expired form is recovered instead of refused
def counter_survey(token: str, survey_key: str | None = None):  # type: ignore[no-untyped-def]
    """The survey opened from a counter's QR poster."""
    return _survey(_counter_origin("counter"), token, survey_key,
                   done_url=url_for(".counter_done", token=token))


@bp.route("/k/<token>", methods=["GET", "POST"])
@bp.route("/k/<token>/<survey_key>", methods=["GET", "POST"])
@csrf.exempt
def kiosk_survey(token: str, survey_key: str | None = None):  # type: ignore[no-untyped-def]
    """The survey in a loop on a tablet at the counter.

    A staff member who opens it signed in is asked to sign out first (a POST with the form's
    token), so the citizens who use the tablet next cannot reach staff pages with that
    session. A plain GET never signs out: any link on another site could do that.
    """
    if current_user() is not None:
        if request.method == "GET" or not _csrf_ok():
            return render_template("respond/kiosk_staff.html", action_url=request.path)
        sign_out()
        return redirect(request.path, 303)
    return _survey(_counter_origin("kiosk"), token, survey_key, kiosk=True,
                   done_url=url_for(".kiosk_done", token=token, survey_key=survey_key))


@bp.route("/d/<token>", methods=["GET", "POST"])
@bp.route("/d/<token>/<survey_key>", methods=["GET", "POST"])
@csrf.exempt
def dossier_survey(token: str, survey_key: str | None = None):  # type: ignore[no-untyped-def]
    """The survey opened from the single-use code on a dossier receipt."""
    return _survey(_dossier_origin, token, survey_key, consume=_consume_dossier(token),
                   done_url=None)


def _thanks(unit_id: int | None, restart_url: str | None = None, *,
            published_only: bool = False):  # type: ignore[no-untyped-def]
    """The thank-you page, with the unit's "you said, we did" note where it wrote one.

    ``published_only``: show the note only while the unit publishes its public page (for
    ``/d/done``, which anyone can open with any unit's code).
    """
    note = None
    if unit_id is not None:
        publication = get_session().get(UnitPublication, unit_id)
        if publication is not None and (publication.published or not published_only):
            english = str(get_locale()) == "en"
            note = (publication.note_en if english else None) or publication.note_vi
    return render_template("respond/thanks.html", restart_url=restart_url, note=note,
                           kiosk=restart_url is not None)


def _counter_unit(token: str) -> int | None:
    try:
        return verify_counter_token(get_session(), token, current_app.config).unit_id
    except InvalidToken:
        return None


@bp.get("/s/<token>/done")
def counter_done(token: str):  # type: ignore[no-untyped-def]
    """Thank the citizen."""
    return _thanks(_counter_unit(token))


@bp.get("/k/<token>/done")
@bp.get("/k/<token>/<survey_key>/done")
def kiosk_done(token: str, survey_key: str | None = None):  # type: ignore[no-untyped-def]
    """Thank the citizen, then start afresh for the next person."""
    return _thanks(_counter_unit(token),
                   url_for(".kiosk_survey", token=token, survey_key=survey_key))


@bp.get("/d/done")
def dossier_done():  # type: ignore[no-untyped-def]
    """Thank the citizen who answered from a receipt (the used token no longer opens)."""
    unit = get_session().scalar(select(Unit).where(Unit.code == request.args.get("u", "")))
    # No token here: any unit's code opens it, so a withdrawn public page hides the note.
    return _thanks(unit.id if unit else None, published_only=True)


def _too_many_text() -> str:
    return _("Too many answers are arriving from here right now. Your answers are kept: please "
             "press the button again in a minute.")


def _too_many():  # type: ignore[no-untyped-def]
    return render_template("respond/refused.html", message=_too_many_text()), 429


def _refused(reason: str):  # type: ignore[no-untyped-def]
    status = 410 if reason in {"used", "expired", "retired"} else 404
    return render_template("respond/refused.html", message=token_refused_text(reason)), status


def _survey(find_origin: OriginFinder, token: str, survey_key: str | None, *,
            done_url: str | None, kiosk: bool = False,
            consume: Callable[[Session], None] | None = None):  # type: ignore[no-untyped-def]
    session = get_session()
    # Counted before the token is checked, so guessing tokens is throttled too.
    allowed = allow_survey_request(get_rate_limiter(current_app), token=token,
                                   client=request.remote_addr)
    try:
        origin = find_origin(session, token)
    except InvalidToken as exc:
        return _refused(exc.reason) if allowed else _too_many()
    ctx = survey_context(session, origin, survey_key, kiosk=kiosk)
    if ctx is None:
        abort(404)
    if request.method == "GET":
        if not allowed:
            return _too_many()
        step = first_step(ctx.definition, context=ctx.answer_context(None),
                          skip=ctx.skip(None))
        return _render(ctx, ShowPage(step, {}, None, uuid.uuid4().hex))

    posted = read_posted_page(ctx, request.form, csrf_ok=_csrf_ok(), within_limits=allowed)
    outcome = decide(ctx, posted, languages=offered_languages(ctx),
                     fresh_id=uuid.uuid4().hex)
    if isinstance(outcome, ShowPage):
        return _render(ctx, outcome)
    try:
        record_response(session, definition=ctx.definition, survey_version_id=ctx.version.id,
                        origin=outcome.origin, answers=outcome.answers,
                        submission_id=outcome.submission_id, context=outcome.context,
                        language=survey_language(ctx), before_insert=consume,
                        contact_phone=outcome.contact_phone)
    except InvalidToken as exc:
        return _refused(exc.reason)
    except InvalidSubmission:
        return _render(ctx, outcome.refused)
    return redirect(done_url or url_for(".dossier_done", u=ctx.unit.code), code=303)


def _csrf_ok() -> bool:
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        return False
    return True


NOTICES = {
    Notice.TOO_MANY: _too_many_text,
    Notice.EXPIRED: lambda: _("Your answers are kept. The page had expired: please press the "
                              "button again."),
}


def _render(ctx: SurveyContext, page: ShowPage):  # type: ignore[no-untyped-def]
    language = page.language or survey_language(ctx)
    ctx = localised(ctx, language)
    step, answers, field_choice = page.step, page.answers, page.field_choice
    notice = NOTICES[page.notice]() if page.notice else None
    errors = {qid: [answer_error_text(e) for e in errs] for qid, errs in step.errors.items()}
    if FIELD_INPUT in step.errors:
        errors[FIELD_INPUT] = [_("Please choose the field of your procedure.")]
    if CONTACT_INPUT in step.errors:
        errors[CONTACT_INPUT] = [_("To be contacted, please write your comment and a phone "
                                   "number such as 0912 345 678.")]
    on_page = step.page.question_ids if step.page else frozenset()
    carried = {aid: value for aid, value in answers.items()
               if aid.split(".", 1)[0] not in on_page}

    def render() -> str:
        return render_template(
            "respond/page.html", ctx=ctx, step=step, answers=answers, carried=carried,
            errors=errors, field_choice=field_choice, submission_id=page.submission_id,
            contact_wanted=bool(request.form.get(CONTACT_INPUT, "").strip()),
            contact_phone=request.form.get(PHONE_INPUT, ""),
            notice=notice, lang=language, show_field_picker=(
                ctx.needs_field and step.position == 0),
        )

    if page.language:
        with force_locale(interface_locale(page.language)):
            response = make_response(render())
        response.set_cookie(LANGUAGE_COOKIE, page.language, max_age=365 * 24 * 3600,
                            samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    else:
        response = make_response(render())
    response.status_code = page.status or (422 if step.errors else 200)
    return response
