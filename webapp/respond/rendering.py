"""Rendering a survey page (citizen and interviewer mode share it): errors and notices worded in
the reader's language, earlier answers carried as hidden fields, the language switch remembered."""

from __future__ import annotations

from typing import Any

from flask import current_app, make_response, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..db import get_session
from ..extensions import LANGUAGE_COOKIE
from ..inclusion.interface_texts import interface_texts
from .context import SurveyContext
from .flow import CONTACT_INPUT, FIELD_INPUT, PHONE_INPUT
from .messages import answer_error_text
from .submission import Notice, ShowPage
from .survey_language import localised, survey_language


def too_many_text() -> str:
    """The message shown when the rate limit refused a page (the answers are kept)."""
    return _("Too many answers are arriving from here right now. Your answers are kept: please "
             "press the button again in a minute.")


NOTICES = {
    Notice.TOO_MANY: too_many_text,
    Notice.EXPIRED: lambda: _("Your answers are kept. The page had expired: please press the "
                              "button again."),
}


def render_page(ctx: SurveyContext, page: ShowPage, *, template: str = "respond/page.html",
                **extra: Any) -> Response:
    """The response showing ``page`` (status 422 with errors, 429 when throttled), its
    interface texts in the page's language (stored translators' texts beyond vi and en)."""
    language = page.language or survey_language(ctx)
    with interface_texts(get_session(), language):
        response = make_response(_render(ctx, page, language, template, extra))
    if page.language:
        response.set_cookie(LANGUAGE_COOKIE, page.language, max_age=365 * 24 * 3600,
                            samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    response.status_code = page.status or (422 if page.step.errors else 200)
    return response


def _render(ctx: SurveyContext, page: ShowPage, language: str, template: str,
            extra: dict[str, Any]) -> str:
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
    return render_template(
        template, ctx=ctx, step=step, answers=answers, carried=carried,
        errors=errors, field_choice=field_choice, submission_id=page.submission_id,
        contact_wanted=bool(request.form.get(CONTACT_INPUT, "").strip()),
        contact_phone=request.form.get(PHONE_INPUT, ""),
        notice=notice, lang=language, show_field_picker=(
            ctx.needs_field and step.position == 0), **extra,
    )
