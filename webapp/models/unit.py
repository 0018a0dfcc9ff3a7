"""Administrative units (a tree of any depth) and their one-stop counters."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base


class Unit(Base):
    """An administrative unit: province, commune, agency, one-stop centre.

    Levels are data (``unit_type``), not code: the 2025 reform removed districts and merged
    provinces, so a unit keeps its validity dates and a link to the unit that succeeded it.
    """

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    unit_type: Mapped[str] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    valid_from: Mapped[dt.date | None]
    valid_to: Mapped[dt.date | None]
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))

    parent: Mapped[Unit | None] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list[Unit]] = relationship(
        foreign_keys=[parent_id], back_populates="parent"
    )
    successor: Mapped[Unit | None] = relationship(remote_side=[id], foreign_keys=[successor_id])
    counters: Mapped[list[Counter]] = relationship(back_populates="unit")

    def __repr__(self) -> str:
        return f"Unit({self.code!r})"


class Counter(Base):
    """A one-stop counter (quầy) of a unit, where citizens scan the survey QR code."""

    __tablename__ = "counter"
    __table_args__ = (UniqueConstraint("unit_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped when a printed code must stop working (a lost or defaced poster).
    token_generation: Mapped[int] = mapped_column(default=1)
    # The surveys its posters and the dossier codes it issues may open, set by an
    # administrator (keys separated by spaces); household instruments are never among them.
    survey_keys: Mapped[str] = mapped_column(String(200), default="sipas",
                                             server_default="sipas")

    unit: Mapped[Unit] = relationship(back_populates="counters")

    def __repr__(self) -> str:
        return f"Counter({self.code!r})"
