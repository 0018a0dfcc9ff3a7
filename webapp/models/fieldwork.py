"""Field surveys: sampling frames, drawn samples and the contact data kept apart from them.

Contact data (names, addresses, phone numbers) lives only in :class:`FrameContact`, one row per
frame unit, never in the frame's attributes, a sample or a response; it is deleted when
fieldwork on the frame closes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .anonymity import RandomIdType, random_row_id
from .base import Base, JSONDocument, utcnow


class SamplingFrame(Base):
    """One imported version of a named frame (villages, households, residents or dossiers)."""

    __tablename__ = "sampling_frame"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    version: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    columns: Mapped[list[str]] = mapped_column(JSONDocument)
    row_count: Mapped[int]
    source_file: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    contacts_deleted_at: Mapped[dt.datetime | None]

    units: Mapped[list[FrameUnit]] = relationship(back_populates="frame",
                                                  cascade="all, delete-orphan")


class FrameUnit(Base):
    """A row of a frame: its key and its design attributes (strata, size measures, flags)."""

    __tablename__ = "frame_unit"
    __table_args__ = (UniqueConstraint("frame_id", "unit_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    frame_id: Mapped[int] = mapped_column(ForeignKey("sampling_frame.id", ondelete="CASCADE"),
                                          index=True)
    line: Mapped[int]
    unit_key: Mapped[str] = mapped_column(String(120))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONDocument)

    frame: Mapped[SamplingFrame] = relationship(back_populates="units")


class FrameContact(Base):
    """How to find a frame unit: only for the interviewer assigned, deleted at close."""

    __tablename__ = "frame_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    frame_unit_id: Mapped[int] = mapped_column(
        ForeignKey("frame_unit.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(400))
    phone: Mapped[str | None] = mapped_column(String(40))

    unit: Mapped[FrameUnit] = relationship()


class FieldSample(Base):
    """A sample drawn from a frame version, with everything needed to redraw it."""

    __tablename__ = "field_sample"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    frame_id: Mapped[int] = mapped_column(ForeignKey("sampling_frame.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))
    seed: Mapped[int] = mapped_column(BigInteger)
    # The survey definition asked in the field (interviewer mode, paper forms).
    survey_key: Mapped[str] = mapped_column(String(40), default="papi", server_default="papi")
    parameters: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None]
    # The unit that runs the fieldwork: its staff (and those above it) see the sample's pages.
    # None (samples drawn before units were given): administrators only.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)

    frame: Mapped[SamplingFrame] = relationship()
    members: Mapped[list[SampleMember]] = relationship(back_populates="sample",
                                                       cascade="all, delete-orphan")


class SampleMember(Base):
    """A sampled unit (or a replacement) with its design variables and interviewer."""

    __tablename__ = "sample_member"
    __table_args__ = (UniqueConstraint("sample_id", "frame_unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("field_sample.id", ondelete="CASCADE"),
                                           index=True)
    frame_unit_id: Mapped[int] = mapped_column(ForeignKey("frame_unit.id"))
    stratum: Mapped[str] = mapped_column(String(120))
    psu: Mapped[str] = mapped_column(String(120))
    prob: Mapped[float] = mapped_column(Float)
    base_weight: Mapped[float] = mapped_column(Float)
    role: Mapped[str] = mapped_column(String(20))
    replacement_rank: Mapped[int]
    interviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    sample: Mapped[FieldSample] = relationship(back_populates="members")
    unit: Mapped[FrameUnit] = relationship()


class FieldInterview(Base):
    """The outcome of one contact attempt record for a sampled unit: paradata, no answers.

    ``submission_key`` is the collection tool's instance id (ODK ``instanceID``/``KEY``, Kobo
    ``_uuid``), so importing the same export twice stores nothing twice.
    """

    __tablename__ = "field_interview"
    __table_args__ = (UniqueConstraint("sample_id", "submission_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("field_sample.id", ondelete="CASCADE"),
                                           index=True)
    sample_member_id: Mapped[int] = mapped_column(
        ForeignKey("sample_member.id", ondelete="CASCADE"), index=True)
    submission_key: Mapped[str] = mapped_column(String(200))
    disposition: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(20))
    interview_minutes: Mapped[float | None] = mapped_column(Float)
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class FieldAnswer(Base):
    """The answers of a completed (or partial) interview, with its design variables only.

    There is deliberately no link to the sample member (and so to the frame's contact data):
    the answers carry the stratum, PSU and base weight they need for estimation, and the
    frame's design attributes (village, sex, age group: never contact data) that define
    weighting classes and raking cells.
    """

    __tablename__ = "field_answer"

    # Random, like a comment's id (``models.anonymity``): a sequential id would follow the
    # order of the field_interview rows written with it, which name the sampled person.
    id: Mapped[int] = mapped_column(RandomIdType, primary_key=True, autoincrement=False,
                                    default=random_row_id)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("field_sample.id", ondelete="CASCADE"),
                                           index=True)
    stratum: Mapped[str] = mapped_column(String(120))
    psu: Mapped[str] = mapped_column(String(120))
    base_weight: Mapped[float] = mapped_column(Float)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONDocument)


class PaperEntry(Base):
    """One clerk's typing of one paper form (double data entry), kept until it is resolved.

    Two entries of the same form (``entry_no`` 1 and 2, by different clerks) are compared item
    by item; a supervisor resolves the differences, and only then does the form become a
    :class:`FieldInterview` and a :class:`FieldAnswer`. The entries are deleted at resolution,
    so no stored answer stays linked to the sampled person.
    """

    __tablename__ = "paper_entry"
    __table_args__ = (UniqueConstraint("sample_member_id", "entry_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("field_sample.id", ondelete="CASCADE"),
                                           index=True)
    sample_member_id: Mapped[int] = mapped_column(
        ForeignKey("sample_member.id", ondelete="CASCADE"), index=True)
    entry_no: Mapped[int]
    clerk_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    disposition: Mapped[str] = mapped_column(String(8))
    answers: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    entered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class BackCheck(Base):
    """A completed interview selected for a supervisor's back-check, and its outcome.

    Selected at random (seeded) among each interviewer's completes; ``interviewer_id`` is who
    made the interview. ``outcome`` is ``confirmed`` or ``not_confirmed`` once checked; the
    note (it may name people) is deleted when fieldwork closes, the outcome is kept.
    """

    __tablename__ = "back_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("field_sample.id", ondelete="CASCADE"),
                                           index=True)
    sample_member_id: Mapped[int] = mapped_column(
        ForeignKey("sample_member.id", ondelete="CASCADE"), unique=True)
    interviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    selected_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    outcome: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(500))
    checked_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    checked_at: Mapped[dt.datetime | None]

    member: Mapped[SampleMember] = relationship()


class InterviewDraft(Base):
    """An interrupted web interview, saved to be resumed: the answers so far and the page.

    Linked to the sampled person only while the interview is unfinished: deleted when the
    interview is stored (one answer in the end) or another outcome is recorded; at close, a
    draft never resumed becomes a break-off (AAPOR 2.12) without its answers.
    """

    __tablename__ = "interview_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("field_sample.id", ondelete="CASCADE"),
                                           index=True)
    sample_member_id: Mapped[int] = mapped_column(
        ForeignKey("sample_member.id", ondelete="CASCADE"), unique=True)
    page: Mapped[int]
    answers: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    submission_id: Mapped[str] = mapped_column(String(64))
    started: Mapped[str] = mapped_column(String(40))
    saved_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
