"""Helpers every staff template uses: the signed-in user, role names, number formats."""

from __future__ import annotations

import math
from typing import Any

from flask_babel import lazy_gettext as _l

from .auth.access import current_user
from .models import Role

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
    from .periods import PeriodError, parse_period

    try:
        last = parse_period(latest or "")
    except PeriodError:
        return {"month": [], "quarter": [], "year": []}
    year, month = last.year, last.last_month
    out: dict[str, list[str]] = {"month": [], "quarter": [], "year": []}
    for _ in range(months):
        out["month"].append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    year, quarter = last.year, (last.last_month + 2) // 3
    for _ in range(quarters):
        out["quarter"].append(f"{year:04d}-Q{quarter}")
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    out["year"] = [f"{last.year - i:04d}" for i in range(years)]
    return out


def staff_template_helpers() -> dict[str, Any]:
    """What every template may call: the signed-in user, role names, number formats, periods."""
    return {"staff_user": current_user, "role_label": role_label, "pct": pct, "score": score,
            "period_choices": period_choices}
