"""What staff do about the indices: action plans for weak criteria, and a unit's publication."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .unit import Unit


class ActionPlan(Base):
    """A remedy for one weak criterion of one survey in a unit: who, by when, what.

    ``baseline_period`` is the period whose result prompted the plan; the unit page later shows
    the criterion in that period and in the latest one, each with its interval.
    """

    __tablename__ = "action_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    survey_key: Mapped[str] = mapped_column(String(60))
    index_id: Mapped[str] = mapped_column(String(80))
    baseline_period: Mapped[str] = mapped_column(String(7))
    owner: Mapped[str] = mapped_column(String(200))
    deadline: Mapped[dt.date]
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open, done
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()


class UnitPublication(Base):
    """A unit's opt-in to a public transparency page, and its "you said, we did" note."""

    __tablename__ = "unit_publication"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    published: Mapped[bool] = mapped_column(default=False)
    note_vi: Mapped[str | None] = mapped_column(Text)
    note_en: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
