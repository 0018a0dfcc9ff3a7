"""Survey views: parse the form, call the flow and the recording service, render."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import ValidationError

from ..auth.access import current_user, sign_out
from ..db import get_session
from ..extensions import csrf
from ..inclusion.interface_texts import interface_texts
from ..models import Counter, Unit, UnitPublication
from ..survey_versions import DEFAULT_SURVEY
from .context import VersionAndFields, counter_and_survey, survey_context
from .flow import (
    first_step,
)
from .messages import token_refused_text
from .page_helpers import register as register_page_helpers
from .ratelimit import allow_survey_request, get_rate_limiter
from .rendering import render_page as _render
from .rendering import too_many_text as _too_many_text
from .responses import InvalidSubmission, Origin, store_response
from .submission import ShowPage, decide, read_posted_page
from .survey_language import cookie_language, offered_languages, survey_language
from .tokens import InvalidToken, counter_in_force, signed_counter, verify_counter_token

bp = Blueprint("respond", __name__, template_folder="templates")
register_page_helpers(bp)

# The origin; the counter when the token checked one (with its unit loaded), and the
# survey's version and fields when read in the same statement: the context is built from
# them without asking the database again.
Found = tuple[Origin, Counter | None, VersionAndFields | None]
OriginFinder = Callable[[Session, str, str], Found]


def _counter_origin(channel: str) -> OriginFinder:
    def find(session: Session, token: str, survey_key: str) -> Found:
        counter_id, generation = signed_counter(token, current_app.config)
        counter, loaded = counter_and_survey(session, counter_id, survey_key)
        counter = counter_in_force(counter, generation)
        return Origin(unit_id=counter.unit_id, channel=channel, counter_id=counter.id,
                      counter_generation=counter.token_generation), counter, loaded
    return find


def _dossier_origin(session: Session, token: str, _survey_key: str) -> Found:
    from .dossier_tokens import peek_dossier_token

    found = peek_dossier_token(session, token)
    return Origin(unit_id=found.unit_id, channel="dossier", counter_id=found.counter_id,
                  field_id=found.field_id, procedure_id=found.procedure_id,
                  on_time=found.on_time), None, None


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
    language = cookie_language()
    with interface_texts(get_session(), language):
        return render_template("respond/thanks.html", restart_url=restart_url, note=note,
                               kiosk=restart_url is not None, lang=language)


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


def _too_many():  # type: ignore[no-untyped-def]
    language = cookie_language()
    with interface_texts(get_session(), language):
        return render_template("respond/refused.html", message=_too_many_text(),
                               lang=language), 429


def _refused(reason: str):  # type: ignore[no-untyped-def]
    status = 410 if reason in {"used", "expired", "retired"} else 404
    language = cookie_language()
    with interface_texts(get_session(), language):
        return render_template("respond/refused.html", message=token_refused_text(reason),
                               lang=language), status


def _survey(find_origin: OriginFinder, token: str, survey_key: str | None, *,
            done_url: str | None, kiosk: bool = False,
            consume: Callable[[Session], None] | None = None):  # type: ignore[no-untyped-def]
    session = get_session()
    # Counted before the token is checked, so guessing tokens is throttled too.
    allowed = allow_survey_request(get_rate_limiter(current_app), token=token,
                                   client=request.remote_addr)
    try:
        origin, counter, loaded = find_origin(session, token, survey_key or DEFAULT_SURVEY)
    except InvalidToken as exc:
        return _refused(exc.reason) if allowed else _too_many()
    ctx = survey_context(session, origin, survey_key, kiosk=kiosk, counter=counter,
                         loaded=loaded)
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
        store_response(session, definition=ctx.definition, survey_version_id=ctx.version.id,
                       origin=outcome.origin, answers=outcome.answers,
                       submission_id=outcome.submission_id, context=outcome.context,
                       language=survey_language(ctx), before_insert=consume,
                       contact_phone=outcome.contact_phone, validated=outcome.clean)
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
