"""Small helpers shared by the administration and counters edit pages: who is editing, the unit
a URL names, and the one way a refused edit is told to the user."""

from __future__ import annotations

from flask import abort, flash
from flask_babel import gettext as _
from sqlalchemy import select

from .auth.access import current_user
from .db import get_session
from .models import Unit


def editor_id() -> int | None:
    """The signed-in user's id, recorded with every change (None outside a request's user)."""
    user = current_user()
    return user.id if user else None


def unit_or_404(code: str) -> Unit:
    """The unit a URL names by its code; 404 when there is none."""
    unit = get_session().scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        abort(404)
    return unit


def flash_refused(message: str) -> None:
    """Tell the user an edit changed nothing, and why."""
    flash(_("Nothing was changed: %(reason)s", reason=message), "error")
