"""What to do with a posted survey page: a pure decision from the survey context and the form.

The view reads the request once into a :class:`PostedPage` (form fields, whether the CSRF token
held, whether the rate limits allowed the request), calls :func:`decide`, and carries out the
outcome: show a page (:class:`ShowPage`) or record the response (:class:`RecordResponse`).
Nothing here touches the request, the database or the clock, so every rule (rate limit, expired
form, language switch, field picker, "contact me") is tested without a server.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from .contacts import ContactError, normalise_phone
from .context import SurveyContext
from .flow import (
    CONTACT_INPUT,
    FIELD_INPUT,
    PHONE_INPUT,
    Step,
    advance,
    comment_page,
    first_step,
    read_answers,
    stay,
)
from .responses import Origin, valid_submission_id

LANGUAGE_ACTION = "lang:"


class Notice(enum.Enum):
    """A message shown above the page (the view words it in the page's language)."""

    TOO_MANY = "too_many"  # rate limited: the answers are kept, press again in a minute
    EXPIRED = "expired"  # the form's CSRF token expired: the answers are kept


@dataclass(frozen=True)
class PostedPage:
    """A posted survey page, read from the request once."""

    answers: dict[str, object]
    field_choice: str | None  # as posted (may be empty)
    submission_id: str  # as posted (may be empty or malformed)
    action: str
    page: int
    contact_ticked: bool
    phone: str
    csrf_ok: bool
    within_limits: bool


@dataclass(frozen=True)
class ShowPage:
    """Show ``step`` again (or the next page) with what the citizen has answered so far."""

    step: Step
    answers: dict[str, object]
    field_choice: str | None
    submission_id: str
    notice: Notice | None = None
    language: str | None = None  # switch the interface to this language (and remember it)
    status: int | None = None  # None: 422 when the step has errors, else 200


@dataclass(frozen=True)
class RecordResponse:
    """Store the response; ``refused`` is the page to show if the store refuses the answers."""

    origin: Origin
    answers: dict[str, object]
    submission_id: str
    context: dict[str, object]
    contact_phone: str | None
    refused: ShowPage
    # The answers as validated by the decision (None: let the store validate them).
    clean: dict[str, object] | None = None


Outcome = ShowPage | RecordResponse


def read_posted_page(ctx: SurveyContext, form: MultiDict[str, str], *, csrf_ok: bool,
                     within_limits: bool) -> PostedPage:
    """Read the form of a posted page."""
    page = form.get("page", "")
    return PostedPage(
        answers=read_answers(ctx.definition, form),
        field_choice=form.get(FIELD_INPUT), submission_id=form.get("submission_id", ""),
        action=form.get("action", "next"), page=int(page) if page.isdigit() else 0,
        contact_ticked=bool(form.get(CONTACT_INPUT, "").strip()),
        phone=form.get(PHONE_INPUT, ""), csrf_ok=csrf_ok, within_limits=within_limits)


def decide(ctx: SurveyContext, posted: PostedPage, *, languages: Collection[str],
           fresh_id: str) -> Outcome:
    """The outcome of a posted page. ``languages`` are the interface languages offered;
    ``fresh_id`` replaces a missing or malformed submission id."""
    definition = ctx.definition
    if not posted.within_limits:
        # Keep everything as posted, so pressing again in a minute sends the same submission.
        choice = posted.field_choice
        step = stay(definition, posted.answers, context=ctx.answer_context(choice),
                    skip=ctx.skip(choice), current=posted.page)
        return ShowPage(step, posted.answers, choice, posted.submission_id,
                        notice=Notice.TOO_MANY, status=429)
    answers = posted.answers
    choice = posted.field_choice or None
    submission_id = (posted.submission_id if valid_submission_id(posted.submission_id)
                     else fresh_id)
    context, skip = ctx.answer_context(choice), ctx.skip(choice)
    current = posted.page

    def again(at: int = current) -> Step:
        return stay(definition, answers, context=context, skip=skip, current=at)

    action, language = posted.action, None
    if action.startswith(LANGUAGE_ACTION):
        requested = action.removeprefix(LANGUAGE_ACTION)
        language = requested if requested in languages else None
        action = "stay"
    notice = None
    if not posted.csrf_ok:
        action, notice = "stay", Notice.EXPIRED
    if action == "stay":
        return ShowPage(again(), answers, choice, submission_id, notice=notice,
                        language=language)

    step = advance(definition, answers, context=context, skip=skip, current=current,
                   action=action)
    if action != "back" and ctx.needs_field and not choice and current == _first_page(ctx):
        step = again()
        step.errors[FIELD_INPUT] = []
    contact = posted.phone if posted.contact_ticked and has_comment(ctx) else None
    if action != "back" and contact is not None and _contact_problem(ctx, answers, contact):
        # Back to the comment's page, whichever page the citizen pressed the button on.
        step = again(comment_page(definition, skip))
        step.errors[CONTACT_INPUT] = []
    if not step.done:
        return ShowPage(step, answers, choice, submission_id)
    return RecordResponse(origin=ctx.with_field(choice), answers=answers,
                          submission_id=submission_id, context=context,
                          contact_phone=contact,
                          refused=ShowPage(again(), answers, choice, submission_id),
                          clean=step.clean)


def has_comment(ctx: SurveyContext) -> bool:
    """Whether the survey has a free comment (only then is there a "contact me" box; a posted
    one is otherwise ignored rather than reported on a page that cannot show it)."""
    return any(q.type == "text" and not q.from_context for q in ctx.definition.questions)


def _contact_problem(ctx: SurveyContext, answers: dict[str, object], phone: str) -> bool:
    if not any(answers.get(q.id) for q in ctx.definition.questions
               if q.type == "text" and not q.from_context):
        return True  # nothing to be contacted about
    try:
        normalise_phone(phone)
    except ContactError:
        return True
    return False


def _first_page(ctx: SurveyContext) -> int:
    step = first_step(ctx.definition, context=ctx.answer_context(None), skip=ctx.skip(None))
    return step.page.index if step.page else 0
