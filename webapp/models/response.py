"""Responses, comments and dossier tokens: what citizens give, kept anonymous."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .anonymity import RandomIdType, month_start, random_row_id
from .base import Base, JSONDocument, utcnow


class Response(Base):
    """One anonymous, validated submission of a survey version.

    Answers live in one JSON document keyed by answer id (a question id, or ``grid.row``):
    the analysis and export paths read one row per response without joins, and the survey
    version, not the database schema, says what the keys mean. Nothing here identifies the
    respondent: no name, phone, address, user agent, and time only to the month.
    """

    __tablename__ = "response"
    __table_args__ = (
        Index("ix_response_version_period_unit", "survey_version_id", "period", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random, for exports and URLs; the sequential id never leaves the database.
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    # Chosen by the client for idempotent retries; unique so a retry stores nothing twice.
    submission_id: Mapped[str] = mapped_column(String(64), unique=True)
    survey_version_id: Mapped[int] = mapped_column(ForeignKey("survey_version.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"))
    field_id: Mapped[int | None] = mapped_column(ForeignKey("procedure_field.id"))
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedure.id"))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM: the only time kept
    channel: Mapped[str] = mapped_column(String(20))  # counter, dossier, kiosk, web, demo
    on_time: Mapped[bool | None]
    language: Mapped[str] = mapped_column(String(8), default="vi")
    answers: Mapped[dict[str, Any]] = mapped_column(JSONDocument)


class Comment(Base):
    """A citizen's free comment, followed up by staff of the unit.

    The id is random and the only time kept is the month: neither may order a comment among
    the responses (see ``models.anonymity``).
    """

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(RandomIdType, primary_key=True, autoincrement=False,
                                    default=random_row_id)
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("response.id", ondelete="SET NULL"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    # Copied from the response, so the inbox filters by field without joining the answers
    # (a comment with a contact phone has no response_id: see CommentContact).
    field_id: Mapped[int | None] = mapped_column(ForeignKey("procedure_field.id"))
    period: Mapped[str] = mapped_column(String(7))
    body: Mapped[str] = mapped_column(Text)
    criterion: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20), default="open")
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reply: Mapped[str | None] = mapped_column(Text)
    # The month of the last change (a finer time would order comments among responses).
    updated_at: Mapped[dt.datetime] = mapped_column(default=month_start, onupdate=month_start)


class CommentContact(Base):
    """A phone number a citizen left to be contacted about their comment.

    Kept apart from the answers, shown only to staff handling the comment, never exported,
    and deleted when the comment is closed or at ``delete_after``, whichever is first;
    ``delete_after`` is the start of the third month after the month the comment came in
    (62-92 days later), so it keeps no finer time than the comment itself.
    A comment with a contact has no ``response_id``, and its text is not kept in the
    response's answers, so the number cannot be joined to how that citizen answered.
    """

    __tablename__ = "comment_contact"

    id: Mapped[int] = mapped_column(RandomIdType, primary_key=True, autoincrement=False,
                                    default=random_row_id)
    comment_id: Mapped[int] = mapped_column(RandomIdType,
                                            ForeignKey("comment.id", ondelete="CASCADE"),
                                            unique=True)
    phone: Mapped[str] = mapped_column(String(20))
    delete_after: Mapped[dt.datetime] = mapped_column(index=True)


class DossierToken(Base):
    """A single-use survey link printed on a dossier receipt.

    The dossier code is kept only as a keyed hash, and ``used_at`` is set without recording
    which response used the token, so a response cannot be traced back to a dossier.
    """

    __tablename__ = "dossier_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    dossier_hash: Mapped[str] = mapped_column(String(64), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"))
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedure.id"))
    field_id: Mapped[int | None] = mapped_column(ForeignKey("procedure_field.id"))
    on_time: Mapped[bool | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
