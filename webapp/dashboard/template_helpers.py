"""Helpers every staff template uses: the signed-in user, role names, number formats."""

from __future__ import annotations

import math
from typing import Any

from flask_babel import lazy_gettext as _l

from ..auth.access import current_user
from ..models import Role
from . import bp

ROLE_LABELS = {Role.ADMIN: _l("Administrator"), Role.UNIT_MANAGER: _l("Unit manager"),
               Role.ANALYST: _l("Analyst"), Role.VIEWER: _l("Viewer")}


def role_label(role: Role) -> str:
    """The role's name in the interface language."""
    return str(ROLE_LABELS[Role(role)])


def pct(value: float | None, digits: int = 1) -> str:
    """A share written as a percentage, or a dash when there is no estimate."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value * 100:.{digits}f}%"


def score(value: float | None, percent: bool = True, digits: int = 1) -> str:
    """An index value: a percentage for shares, a plain number on PAPI's scale."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return pct(value, digits) if percent else f"{value:.2f}"


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"staff_user": current_user, "role_label": role_label, "pct": pct, "score": score}
