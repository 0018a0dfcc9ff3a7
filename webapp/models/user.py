"""Staff accounts with roles scoped to a unit subtree, and the audit log."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, JSONDocument, utcnow
from .unit import Unit


class Role(enum.StrEnum):
    """What a staff member may do; every role except administrator is scoped to a unit."""

    ADMIN = "admin"
    UNIT_MANAGER = "unit_manager"
    ANALYST = "analyst"
    VIEWER = "viewer"
    # Field staff: interviews assigned respondents and types paper forms; opens no other page.
    INTERVIEWER = "interviewer"


class User(Base):
    """A staff member. Citizens never have accounts."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    # None only for administrators, who see every unit.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    active: Mapped[bool] = mapped_column(default=True)
    # Stored in the session cookie at sign-in; bumped at sign-out and deactivation, so every
    # cookie issued before (even one saved by someone else) stops opening staff pages.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit | None] = relationship()


class AuditEntry(Base):
    """Who changed what, when: imports, user changes, publications, exports."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str | None] = mapped_column(String(120))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
