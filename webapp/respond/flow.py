"""Moving through a survey's pages: pure functions over the answers posted so far.

Answers travel with the form (earlier pages as hidden fields), so nothing is kept on the
server before the final submit: going back, a failed submit or an expired session loses nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from survey_defs import AnswerError, SurveyDefinition, validate_answers

from .pages import Page, layout, visible_pages

FIELD_INPUT = "_field"  # the procedure-field picker, when the token does not carry the field
OTHER_FIELD = "0"
CONTACT_INPUT = "_contact"  # "contact me about my comment", kept apart from the answers
PHONE_INPUT = "_phone"


@dataclass
class Step:
    """What to show next: a page with its errors, or ``done`` when the answers are complete."""

    page: Page | None
    position: int
    total: int
    errors: dict[str, list[AnswerError]] = field(default_factory=dict)
    done: bool = False
    # When done and no answer anywhere is in error: the validated answers, so storing them
    # need not validate again.
    clean: dict[str, object] | None = None


def read_answers(definition: SurveyDefinition, form: MultiDict[str, str]) -> dict[str, object]:
    """Collect the raw answers a form carries, by answer id (lists for multiple choice)."""
    answers: dict[str, object] = {}
    for q in definition.questions:
        for answer_id in q.answer_ids:
            if q.type == "multiple":
                values = [v for v in form.getlist(answer_id) if v.strip()]
                if values:
                    answers[answer_id] = values
            elif form.get(answer_id, "").strip():
                answers[answer_id] = form[answer_id]
    return answers


def _errors_on(page: Page, errors: list[AnswerError]) -> dict[str, list[AnswerError]]:
    by_question: dict[str, list[AnswerError]] = {}
    for error in errors:
        if error.question_id in page.question_ids:
            by_question.setdefault(error.question_id, []).append(error)
    return by_question


def _validated(definition: SurveyDefinition, answers: Mapping[str, object], *,
               context: Mapping[str, object], skip: frozenset[str]
               ) -> tuple[list[Page], dict[str, object], list[AnswerError]]:
    """The pages shown for these answers, the validated answers and their errors."""
    clean, errors = validate_answers(definition, answers, context=context)
    return visible_pages(definition, layout(definition, skip=skip), clean), clean, errors


def _shown(definition: SurveyDefinition, answers: Mapping[str, object], *,
           context: Mapping[str, object],
           skip: frozenset[str]) -> tuple[list[Page], list[AnswerError]]:
    """The pages shown for these answers, and the answers' errors."""
    shown, _, errors = _validated(definition, answers, context=context, skip=skip)
    return shown, errors


def advance(definition: SurveyDefinition, answers: Mapping[str, object], *,
            context: Mapping[str, object], skip: frozenset[str], current: int,
            action: str) -> Step:
    """Decide the next step after the citizen pressed ``action`` (next, back, send) on page
    ``current`` (an index into the full layout)."""
    shown, clean, errors = _validated(definition, answers, context=context, skip=skip)
    indices = [p.index for p in shown]
    position = _position(indices, current)
    if action == "back":
        position = max(position - 1, 0)
        return Step(shown[position], position, len(shown))
    here = shown[position]
    here_errors = _errors_on(here, errors)
    if here_errors:
        return Step(here, position, len(shown), here_errors)
    if position + 1 < len(shown) and action != "send":
        return Step(shown[position + 1], position + 1, len(shown))
    for i, page in enumerate(shown):  # a last check of every page before storing
        page_errors = _errors_on(page, errors)
        if page_errors:
            return Step(page, i, len(shown), page_errors)
    if position + 1 < len(shown):
        return Step(shown[position + 1], position + 1, len(shown))
    return Step(None, len(shown), len(shown), done=True, clean=None if errors else clean)


def first_step(definition: SurveyDefinition, *, context: Mapping[str, object],
               skip: frozenset[str]) -> Step:
    """The first page of a fresh survey."""
    pages, _ = _shown(definition, {}, context=context, skip=skip)
    return Step(pages[0], 0, len(pages))


def stay(definition: SurveyDefinition, answers: Mapping[str, object], *,
         context: Mapping[str, object], skip: frozenset[str], current: int) -> Step:
    """Show page ``current`` again (or the next one still shown), without validating it."""
    shown, _ = _shown(definition, answers, context=context, skip=skip)
    for position, page in enumerate(shown):
        if page.index >= current:
            return Step(page, position, len(shown))
    return Step(shown[-1], len(shown) - 1, len(shown))


def comment_page(definition: SurveyDefinition, skip: frozenset[str]) -> int:
    """The index of the page holding the citizen's free comment (where "contact me" sits)."""
    for page in layout(definition, skip=skip):
        if any(q.type == "text" and not q.from_context for q in page.questions):
            return page.index
    return 0


def _position(indices: list[int], current: int) -> int:
    # The page the citizen was on may have been hidden by a changed answer: take the last
    # shown page before it.
    earlier = [i for i, index in enumerate(indices) if index <= current]
    return earlier[-1] if earlier else 0
