"""Validate one submission against a definition: skip logic, required, types, bounds."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from survey_defs import expressions
from survey_defs.model import Question, SurveyDefinition

Value = int | float | str | list[int]


@dataclass(frozen=True)
class AnswerError:
    """One invalid answer. ``key`` is a stable message key for i18n; ``params`` fill it.

    Keys: required, not_a_choice, not_a_number, not_integer, below_min, above_max,
    too_many_choices, not_text, too_long.
    """

    question_id: str
    answer_id: str
    key: str
    params: dict[str, object] = field(default_factory=dict)


class _Invalid(Exception):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def _missing(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return raw.strip() == ""
    return isinstance(raw, list | tuple) and len(raw) == 0


def _code(raw: object, allowed: tuple[int, ...]) -> int:
    if isinstance(raw, bool):
        raise _Invalid("not_a_choice", value=str(raw))
    try:
        code = int(raw.strip()) if isinstance(raw, str) else raw
    except ValueError:
        raise _Invalid("not_a_choice", value=str(raw)) from None
    if not isinstance(code, int) or code not in allowed:
        raise _Invalid("not_a_choice", value=str(raw))
    return code


def _number(q: Question, raw: object) -> int | float:
    if isinstance(raw, bool):
        raise _Invalid("not_a_number", value=str(raw))
    try:
        value = float(raw.strip().replace(",", ".")) if isinstance(raw, str) else raw
    except ValueError:
        raise _Invalid("not_a_number", value=str(raw)) from None
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise _Invalid("not_a_number", value=str(raw))
    if q.integer:
        if value != int(value):
            raise _Invalid("not_integer", value=value)
        value = int(value)
    if q.min is not None and value < q.min:
        raise _Invalid("below_min", value=value, min=q.min)
    if q.max is not None and value > q.max:
        raise _Invalid("above_max", value=value, max=q.max)
    return value


def _text(q: Question, raw: object) -> str:
    if not isinstance(raw, str):
        raise _Invalid("not_text")
    value = unicodedata.normalize("NFC", raw.strip())
    if q.max_length is not None and len(value) > q.max_length:
        raise _Invalid("too_long", length=len(value), max_length=q.max_length)
    return value


def _coerce(definition: SurveyDefinition, q: Question, answer_id: str, raw: object) -> Value:
    if q.type == "number":
        return _number(q, raw)
    if q.type == "text":
        return _text(q, raw)
    scale = definition.scale_of(answer_id)
    assert scale is not None  # coded types always have a scale after checking
    if q.type == "multiple":
        items = list(raw) if isinstance(raw, list | tuple) else [raw]
        codes = list(dict.fromkeys(_code(item, scale.codes) for item in items))
        if q.max_choices is not None and len(codes) > q.max_choices:
            raise _Invalid("too_many_choices", count=len(codes), max_choices=q.max_choices)
        return codes
    allowed = tuple(c.code for c in scale.all_choices(q.no_opinion))
    return _code(raw, allowed)


def validate_answers(
    definition: SurveyDefinition,
    answers: Mapping[str, object],
    *,
    context: Mapping[str, object] | None = None,
) -> tuple[dict[str, Value], list[AnswerError]]:
    """Return the normalised answers and the errors of one submission.

    ``answers`` maps answer ids (question id, or ``grid.row``) to raw values: ints or strings
    for coded answers, a list for multiple choice. Questions hidden by ``show_if`` are dropped;
    a question with ``from_context`` takes its value from ``context`` (e.g. the procedure the
    QR/dossier token carries) and ignores the submitted one. Unknown keys are ignored.
    """
    clean: dict[str, Value] = {}
    errors: list[AnswerError] = []
    for q in definition.questions:
        source = answers
        if q.from_context and context and not _missing(context.get(q.from_context)):
            source = {q.id: context[q.from_context]}
        elif q.condition is not None and expressions.evaluate(q.condition, clean) is not True:
            continue
        for answer_id in q.answer_ids:
            raw = source.get(answer_id)
            if _missing(raw):
                if q.required:
                    errors.append(AnswerError(q.id, answer_id, "required"))
                continue
            try:
                clean[answer_id] = _coerce(definition, q, answer_id, raw)
            except _Invalid as exc:
                errors.append(AnswerError(q.id, answer_id, exc.key, dict(exc.params)))
    return clean, errors


def visible_questions(definition: SurveyDefinition, answers: Mapping[str, object]) -> list[str]:
    """Ids of the questions shown given (already normalised) ``answers``."""
    return [q.id for q in definition.questions
            if q.condition is None or expressions.evaluate(q.condition, answers) is True]
