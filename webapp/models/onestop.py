"""Points a unit's staff enter for the one-stop indicators no citizen can rate (TT 01/2018
indicators 5, 8 and 9), one value per unit, period and indicator."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class OnestopUnitScore(Base):
    """The points (0-2) of one unit-level indicator for a unit and period, and who set them."""

    __tablename__ = "onestop_unit_score"
    __table_args__ = (UniqueConstraint("unit_id", "period", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    indicator_id: Mapped[str] = mapped_column(String(40))
    points: Mapped[int]
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    entered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
