"""Helpers every staff template uses: the signed-in user, role names, number formats."""

from __future__ import annotations

import math
from typing import Any

from flask_babel import lazy_gettext as _l

from .auth.access import current_user
from .models import Role
from .periods import Period, PeriodError, parse_period

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


def period_choices(latest: str | None, months: int = 12, quarters: int = 6,
                   years: int = 3) -> dict[str, list[str]]:
    """Recent months, quarters and years ending at ``latest`` (a month), newest first."""
    try:
        last = parse_period(latest or "")
    except PeriodError:
        return {"month": [], "quarter": [], "year": []}

    def newest_first(period: Period, count: int) -> list[str]:
        return [str(p) for p in reversed(period.recent(count))]

    return {"month": newest_first(Period.month_of(last.year, last.last_month), months),
            "quarter": newest_first(Period.quarter_of(last.year, last.last_month), quarters),
            "year": newest_first(Period.year_of(last.year), years)}


def staff_template_helpers() -> dict[str, Any]:
    """What every template may call: the signed-in user, role names, number formats, periods."""
    return {"staff_user": current_user, "role_label": role_label, "pct": pct, "score": score,
            "period_choices": period_choices}
