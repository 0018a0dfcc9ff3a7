"""Published survey versions: a definition frozen as text with its hash."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class SurveyVersion(Base):
    """A survey definition frozen when published; responses point to the version they answered."""

    __tablename__ = "survey_version"
    __table_args__ = (
        UniqueConstraint("survey_key", "version"),
        UniqueConstraint("survey_key", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_key: Mapped[str] = mapped_column(String(60), index=True)
    version: Mapped[int]
    definition_text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Changes to the scoring of existing items, reported when this version was published.
    scoring_changes: Mapped[str | None] = mapped_column(Text)
    # Set when an administrator withdraws the version: citizens then get the newest version
    # still in force; its answers stay valid and analysed.
    retired_at: Mapped[dt.datetime | None]
