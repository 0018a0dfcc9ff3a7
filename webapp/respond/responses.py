"""Recording one anonymous response: validated, one transaction, idempotent on submission id."""

from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Executable, bindparam, exists, insert, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey_defs import AnswerError, SurveyDefinition, validate_answers

from ..models import Comment, Counter, Response
from .contacts import attach_contact
from .tokens import InvalidToken

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
CHANNELS = frozenset({"counter", "dossier", "kiosk", "web", "demo"})
_SUBMISSION_ID = re.compile(r"^[A-Za-z0-9-]{16,64}$")

_COMMENT_INSERT = insert(Comment.__table__)  # Core: no unit of work for one row


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
    # The counter token's generation as checked: the insert is refused if it changed since.
    counter_generation: int | None = None


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

    :func:`store_response` does the work (see there); this also loads the stored row.
    """
    response_id, created = store_response(
        session, definition=definition, survey_version_id=survey_version_id, origin=origin,
        answers=answers, submission_id=submission_id, context=context, language=language,
        before_insert=before_insert, period=period, contact_phone=contact_phone)
    response = session.get(Response, response_id)
    assert response is not None
    return response, created


def store_response(
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
    validated: Mapping[str, object] | None = None,
) -> tuple[int, bool]:
    """Validate and store one response; return its id and whether it was new.

    A submission id seen before returns the stored response (a double tap or a retry over a
    flaky network stores exactly one). ``before_insert`` runs in the same transaction, e.g. to
    consume a single-use dossier token, so both happen or neither does. The free comment is
    kept with the answers for analysis and copied to the comments inbox for follow-up; a
    phone number left with it (``contact_phone``) is stored apart, and then the comment is
    not linked to the response and its text is not kept in the answers.

    When ``origin.counter_generation`` is set, the insert itself is guarded by the counter
    token (the counter still active, its codes not retired since the token was checked) and
    by the submission id (``ON CONFLICT DO NOTHING``): one statement, one round trip, instead
    of a look-up of the submission id, an insert and a re-check of the token. A guard that
    fails raises :class:`InvalidToken` ``retired``.

    ``validated``: ``answers`` as :func:`survey_defs.validate_answers` returned them without
    errors for this definition and context (the survey's flow has just done so): not
    validated a second time.
    """
    if origin.channel not in CHANNELS:
        raise ValueError(f"unknown channel {origin.channel!r}")
    if not valid_submission_id(submission_id):
        raise InvalidSubmission([], "the submission id must be 16-64 letters, digits or dashes")
    if validated is not None:
        clean, errors = dict(validated), []
    else:
        clean, errors = validate_answers(definition, answers, context=context)
    if errors:
        if (stored := _stored_id(session, submission_id)) is not None:
            return stored, False
        raise InvalidSubmission(errors)
    text = _comment_text(definition, clean)
    if text and contact_phone:
        # The phone must not be joinable to the answers: the comment goes to the inbox
        # unlinked, and its text leaves the stored answers (it would match the comment).
        clean = {k: v for k, v in clean.items() if k not in _free_text_ids(definition)}
    row = {
        "public_id": secrets.token_hex(16), "submission_id": submission_id,
        "survey_version_id": survey_version_id, "unit_id": origin.unit_id,
        "counter_id": origin.counter_id, "field_id": origin.field_id,
        "procedure_id": origin.procedure_id, "period": period or current_period(),
        "channel": origin.channel, "on_time": origin.on_time, "language": language,
        "answers": clean,
    }
    try:
        if before_insert is not None:
            before_insert(session)
        response_id = session.scalar(*_guarded_insert(session, row, origin))
        if response_id is None:
            # Either this submission id is stored (a retry, or a copy that raced this one)
            # or the guard refused: the counter's codes were retired since the check.
            session.rollback()
            if (stored := _stored_id(session, submission_id)) is not None:
                return stored, False
            raise InvalidToken("retired")
        if text:
            comment = {"response_id": None if contact_phone else response_id,
                       "unit_id": origin.unit_id, "field_id": origin.field_id,
                       "period": row["period"], "body": text}
            if contact_phone:
                unlinked = Comment(**comment)
                session.add(unlinked)
                session.flush()
                attach_contact(session, unlinked, contact_phone)
            else:
                session.execute(_COMMENT_INSERT, comment)
        session.commit()
    except IntegrityError:
        session.rollback()
        stored = _stored_id(session, submission_id)
        if stored is None:
            raise
        return stored, False
    except BaseException:
        session.rollback()
        raise
    return response_id, True


def _stored_id(session: Session, submission_id: str) -> int | None:
    return session.scalar(select(Response.id).where(Response.submission_id == submission_id))


def _guarded_insert(session: Session, row: dict[str, Any],
                    origin: Origin) -> tuple[Executable, dict[str, Any]]:
    """``INSERT ... SELECT ... WHERE <counter guard> ON CONFLICT (submission_id) DO NOTHING
    RETURNING id`` on PostgreSQL and SQLite; a plain insert elsewhere."""
    dialect = session.get_bind().dialect.name
    guarded = origin.counter_generation is not None and origin.counter_id is not None
    if dialect not in {"postgresql", "sqlite"}:
        return insert(Response).values(**row).returning(Response.id), {}
    params = dict(row)
    if guarded:
        params |= {"guard_counter": origin.counter_id, "guard_generation":
                   origin.counter_generation}
    return _insert_statement(dialect, guarded), params


@functools.cache
def _insert_statement(dialect: str, guarded: bool) -> Executable:
    # Built once per process with bound parameters, so each request only binds values and
    # SQLAlchemy's compiled cache serves the SQL.
    table = Response.__table__
    names = [c.name for c in table.columns if c.name != "id"]
    guard: ColumnElement[bool] = true()
    if guarded:
        guard = exists().where(Counter.id == bindparam("guard_counter"),
                               Counter.token_generation == bindparam("guard_generation"),
                               Counter.active.is_(True))
    values = select(*[bindparam(n, type_=table.c[n].type) for n in names]).where(guard)
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (make(table).from_select(names, values)
            .on_conflict_do_nothing(index_elements=[table.c.submission_id])
            .returning(table.c.id))


def _free_text_ids(definition: SurveyDefinition) -> set[str]:
    return {q.id for q in definition.questions if q.type == "text" and not q.from_context}


def _comment_text(definition: SurveyDefinition, answers: Mapping[str, Any]) -> str | None:
    # Every free text the citizen wrote (a comment, a reason for dissatisfaction) deserves
    # follow-up; text filled from the token's context (the procedure) does not.
    texts = [str(answers[q.id]) for q in definition.questions
             if q.type == "text" and not q.from_context and answers.get(q.id)]
    return "\n\n".join(texts) or None
