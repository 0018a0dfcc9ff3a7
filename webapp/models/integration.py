"""Integrations with other systems: API keys of the one-stop systems calling hailong."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .unit import Unit


class ApiKey(Base):
    """A key an integration sends as ``Authorization: Bearer``; only its SHA-256 is stored.

    ``prefix`` is the visible start of the key (``hlk_1a2b3c4d``), enough to tell keys apart in
    lists and logs. A key scoped to a unit may act on that unit and its subtree only.
    """

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # None: every unit (administrators' integrations).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]

    unit: Mapped[Unit | None] = relationship()

    def __repr__(self) -> str:
        return f"ApiKey({self.prefix!r}, {self.name!r})"
