"""Helpers every staff template uses: the signed-in user, role names, and numbers, periods and
dates written in the reader's conventions (Vietnamese: 80,9%; Quý III/2026; 31/01/2027)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from flask import has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from . import once
from .auth.access import current_user
from .models import Role
from .periods import Period, PeriodError, parse_period

ROLE_LABELS = {Role.ADMIN: _l("Administrator"), Role.UNIT_MANAGER: _l("Unit manager"),
               Role.ANALYST: _l("Analyst"), Role.VIEWER: _l("Viewer"),
               Role.INTERVIEWER: _l("Interviewer")}


def role_label(role: Role) -> str:
    """The role's name in the interface language."""
    return str(ROLE_LABELS[Role(role)])


def reader_language() -> str:
    """The interface language of the request (Vietnamese outside a request)."""
    if not has_request_context():
        return "vi"
    locale = get_locale()
    return str(locale) if locale is not None else "vi"


def _pattern(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits > 0 else "")


def pct(value: float | None, digits: int = 1, language: str | None = None) -> str:
    """A share written as a percentage in the reader's conventions (``80,9%`` in Vietnamese,
    ``80.9%`` in English), or a dash when there is no estimate."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format_percent(value, _pattern(digits) + "%", locale=language or reader_language())


def number(value: float | None, digits: int = 2, language: str | None = None) -> str:
    """A plain number in the reader's conventions (``51,23`` in Vietnamese), or a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format_decimal(value, _pattern(digits), locale=language or reader_language())


def score(value: float | None, percent: bool = True, digits: int = 1,
          language: str | None = None) -> str:
    """An index value: a percentage for shares, a plain number on PAPI's scale."""
    if percent:
        return pct(value, digits, language)
    return number(value, 2, language)


def points(value: float | None, digits: int = 1, language: str | None = None) -> str:
    """TT 01 points in the reader's conventions (``1,5 điểm``; ``1.5 points``), or a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    language = language or reader_language()
    text = number(value, digits, language)
    return f"{text} points" if language == "en" else f"{text} điểm"


def value_in(value: float | None, unit: str, language: str | None = None) -> str:
    """A figure in its own unit: ``share`` as %, ``points`` as TT 01 points, ``score`` as a
    PAPI score (two decimals, as the PAPI reports print them)."""
    if unit == "points":
        return points(value, 1, language)
    if unit == "score":
        return number(value, 2, language)
    return pct(value, 1, language)


def survey_label(survey_key: str, language: str | None = None) -> str:
    """A survey's title for people (``Chỉ số hài lòng ... (SIPAS)``), never its key."""
    from .db import get_session
    from .survey_versions import survey_title

    return survey_title(get_session(), survey_key, language or reader_language())


def period_label(period: Period | str | None, language: str | None = None) -> str:
    """A period as the reader writes it (``Quý III/2026``, ``Q3 2026``); text that is not a
    period is returned unchanged, nothing as an empty string."""
    if period is None or period == "":
        return ""
    if not isinstance(period, Period):
        try:
            period = parse_period(str(period))
        except PeriodError:
            return str(period)
    return period.label(language or reader_language())


def date_label(value: dt.date | None, language: str | None = None) -> str:
    """A date in the reader's conventions: ``31/01/2027`` in Vietnamese, ``Jan 31, 2027`` in
    English; an empty string for no date."""
    if value is None:
        return ""
    language = language or reader_language()
    if isinstance(value, dt.datetime):
        value = value.date()
    if language == "vi":
        return value.strftime("%d/%m/%Y")
    return format_date(value, "medium", locale=language)


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


def once_field() -> Markup:
    """The hidden one-time token of a create form (see :mod:`webapp.once`)."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(once.FIELD,
                                                                        once.new_token())


def staff_template_helpers() -> dict[str, Any]:
    """What every template may call: the signed-in user, role names, number formats, periods."""
    return {"staff_user": current_user, "role_label": role_label, "pct": pct, "score": score,
            "number": number, "points": points, "value_in": value_in,
            "period_label": period_label, "survey_label": survey_label,
            "date_label": date_label, "once_field": once_field,
            "period_choices": period_choices}


# Filters for templates: ``{{ report.period|period }}``, ``{{ plan.deadline|date }}``.
TEMPLATE_FILTERS = {"period": period_label, "date": date_label, "survey": survey_label}
