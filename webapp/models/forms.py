"""One-time tokens of staff create forms: a form sent twice creates one record."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class FormSubmission(Base):
    """A create form's one-time token, stored in the same transaction as what it created; the
    primary key refuses the second copy of a double submit, from any worker."""

    __tablename__ = "form_submission"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
