"""Answering without reading: per-unit survey presentation, recorded audio, translations."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class UnitSurveyOptions(Base):
    """How a unit's survey pages look: the pictorial (faces) form of the satisfaction scales.

    Presentation only: the stored codes do not depend on it.
    """

    __tablename__ = "unit_survey_options"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    pictorial_scale: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class SurveyAudio(Base):
    """A staff recording of one label of a survey version in one language.

    ``item_id`` names a question (``q``), a grid row (``q.row``) or a choice of a scale
    (``scale=code``). Kept in the database, not on disk, so every instance serves it.
    ``unit_id`` None: the survey-wide recording; else the unit's own, heard in that unit and
    every unit below it (the nearest unit's recording wins).
    """

    __tablename__ = "survey_audio"
    # One survey-wide recording and one per unit for each label and language (two partial
    # indexes: a plain unique constraint would let NULL units repeat).
    __table_args__ = (
        Index("uq_survey_audio_shared", "survey_version_id", "item_id", "language",
              unique=True, postgresql_where=text("unit_id IS NULL"),
              sqlite_where=text("unit_id IS NULL")),
        Index("uq_survey_audio_unit", "survey_version_id", "item_id", "language", "unit_id",
              unique=True, postgresql_where=text("unit_id IS NOT NULL"),
              sqlite_where=text("unit_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_version_id: Mapped[int] = mapped_column(ForeignKey("survey_version.id"),
                                                   index=True)
    item_id: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(8))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    media_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(Integer)
    duration_ms: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class SurveyTranslation(Base):
    """A translator's text for one label of a survey version (imported from a spreadsheet)."""

    __tablename__ = "survey_translation"
    __table_args__ = (UniqueConstraint("survey_version_id", "language", "label_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_version_id: Mapped[int] = mapped_column(ForeignKey("survey_version.id"),
                                                   index=True)
    language: Mapped[str] = mapped_column(String(8))
    label_id: Mapped[str] = mapped_column(String(160))
    text: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class InterfaceTranslation(Base):
    """A translator's text for one interface text a citizen sees (``ui:…``, keyed by a digest of
    the English msgid) or one procedure field's name (``field:<code>``), in one language."""

    __tablename__ = "interface_translation"
    __table_args__ = (UniqueConstraint("language", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
