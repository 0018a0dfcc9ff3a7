"""Recording one anonymous response: validated, one transaction, idempotent on submission id."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey_defs import AnswerError, SurveyDefinition, validate_answers

from ..models import Comment, Response
from .contacts import attach_contact

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
CHANNELS = frozenset({"counter", "dossier", "kiosk", "web", "demo"})
_SUBMISSION_ID = re.compile(r"^[A-Za-z0-9-]{16,64}$")


class InvalidSubmission(ValueError):
    """The submission cannot be stored; ``errors`` says which answers are wrong."""

    def __init__(self, errors: list[AnswerError], message: str = "invalid answers") -> None:
        super().__init__(message)
        self.errors = errors


@dataclass(frozen=True)
class Origin:
    """Where a response comes from: what the QR or dossier token tells about it."""

    unit_id: int
    channel: str
    counter_id: int | None = None
    field_id: int | None = None
    procedure_id: int | None = None
    on_time: bool | None = None


def current_period(now: dt.datetime | None = None) -> str:
    """The month (YYYY-MM) in Vietnam's time zone: the only time stored with a response."""
    now = now or dt.datetime.now(dt.UTC)
    return now.astimezone(VIETNAM).strftime("%Y-%m")


def valid_submission_id(value: str) -> bool:
    """A client-chosen id: 16-64 letters, digits or dashes (a UUID fits)."""
    return bool(_SUBMISSION_ID.match(value or ""))


def record_response(
    session: Session,
    *,
    definition: SurveyDefinition,
    survey_version_id: int,
    origin: Origin,
    answers: Mapping[str, object],
    submission_id: str,
    context: Mapping[str, object] | None = None,
    language: str = "vi",
    before_insert: Callable[[Session], None] | None = None,
    period: str | None = None,
    contact_phone: str | None = None,
) -> tuple[Response, bool]:
    """Validate and store one response; return it and whether it was new.

    A submission id seen before returns the stored response (a double tap or a retry over a
    flaky network stores exactly one). ``before_insert`` runs in the same transaction, e.g. to
    consume a single-use dossier token, so both happen or neither does. The free comment is
    kept with the answers for analysis and copied to the comments inbox for follow-up; a
    phone number left with it (``contact_phone``) is stored apart, and then the comment is
    not linked to the response and its text is not kept in the answers.
    """
    if origin.channel not in CHANNELS:
        raise ValueError(f"unknown channel {origin.channel!r}")
    if not valid_submission_id(submission_id):
        raise InvalidSubmission([], "the submission id must be 16-64 letters, digits or dashes")
    existing = session.scalar(select(Response).where(Response.submission_id == submission_id))
    if existing is not None:
        return existing, False
    clean, errors = validate_answers(definition, answers, context=context)
    if errors:
        raise InvalidSubmission(errors)
    text = _comment_text(definition, clean)
    if text and contact_phone:
        # The phone must not be joinable to the answers: the comment goes to the inbox
        # unlinked, and its text leaves the stored answers (it would match the comment).
        clean = {k: v for k, v in clean.items() if k not in _free_text_ids(definition)}
    response = Response(
        public_id=secrets.token_hex(16), submission_id=submission_id,
        survey_version_id=survey_version_id, unit_id=origin.unit_id,
        counter_id=origin.counter_id, field_id=origin.field_id,
        procedure_id=origin.procedure_id, period=period or current_period(),
        channel=origin.channel, on_time=origin.on_time, language=language,
        answers=clean,
    )
    try:
        if before_insert is not None:
            before_insert(session)
        session.add(response)
        session.flush()
        if text:
            comment = Comment(response_id=None if contact_phone else response.id,
                              unit_id=origin.unit_id, field_id=origin.field_id,
                              period=response.period, body=text)
            session.add(comment)
            if contact_phone:
                session.flush()
                attach_contact(session, comment, contact_phone)
        session.commit()
    except IntegrityError:
        # Two copies of one submission raced; the other one won and is the stored one.
        session.rollback()
        stored = session.scalar(select(Response).where(Response.submission_id == submission_id))
        if stored is None:
            raise
        return stored, False
    except BaseException:
        session.rollback()
        raise
    return response, True


def _free_text_ids(definition: SurveyDefinition) -> set[str]:
    return {q.id for q in definition.questions if q.type == "text" and not q.from_context}


def _comment_text(definition: SurveyDefinition, answers: Mapping[str, Any]) -> str | None:
    # Every free text the citizen wrote (a comment, a reason for dissatisfaction) deserves
    # follow-up; text filled from the token's context (the procedure) does not.
    texts = [str(answers[q.id]) for q in definition.questions
             if q.type == "text" and not q.from_context and answers.get(q.id)]
    return "\n\n".join(texts) or None
