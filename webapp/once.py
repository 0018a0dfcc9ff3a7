"""One-time form tokens: a create form sent twice (a double click, a resent page) makes one
record.

A page renders a fresh token in a hidden field; the view claims it with :func:`claim` in the
same transaction that creates the record. The token is the primary key of
``form_submission``, so the second copy (even on another worker) fails to insert and the view
answers "already saved" instead of creating a duplicate. A form sent without a token (a script
posting directly) is not deduplicated. Tokens older than ``KEEP`` are deleted as new ones come.
"""

from __future__ import annotations

import datetime as dt
import secrets

from flask import request
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import FormSubmission

FIELD = "once"
KEEP = dt.timedelta(days=2)


def new_token() -> str:
    """A fresh token for one rendering of a create form."""
    return secrets.token_urlsafe(24)


def already_saved() -> str:
    """What the second copy of a sent form is told, in the interface language."""
    return _("This form had already been sent: it was saved once, not twice.")


def posted_token() -> str | None:
    """The token the request's form carries, or None (too long or absent)."""
    token = request.form.get(FIELD, "").strip()
    return token if 0 < len(token) <= 64 else None


def claim(session: Session, token: str | None) -> bool:
    """Add ``token`` to the session's transaction; False when an earlier copy holds it (the
    caller then creates nothing). Committed together with the caller's record."""
    if token is None:
        return True
    now = dt.datetime.now(dt.UTC)
    session.execute(delete(FormSubmission).where(FormSubmission.created_at < now - KEEP))
    if session.scalar(select(FormSubmission.token).where(FormSubmission.token == token)):
        return False
    try:
        with session.begin_nested():
            session.add(FormSubmission(token=token, created_at=now))
            session.flush()
    except IntegrityError:
        return False
    return True
