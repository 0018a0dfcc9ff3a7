"""Recording who changed what."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .models import AuditEntry


def record(session: Session, action: str, *, target: str | None = None,
           user_id: int | None = None, detail: dict[str, Any] | None = None) -> AuditEntry:
    """Add an audit entry to the session (committed with the change it describes)."""
    entry = AuditEntry(action=action, target=target, user_id=user_id, detail=detail)
    session.add(entry)
    return entry
