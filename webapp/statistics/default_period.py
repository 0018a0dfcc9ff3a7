"""The one rule for the period a staff page shows when none is asked for.

The current month is nearly empty in its first days, so a page opened on the 4th should not
show it: the default is the latest *complete* month with enough answers to publish a figure,
else the quarter holding the latest answers (a quarter pools three months).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.unit_stats import SUPPRESS_BELOW

from ..models import Response, SurveyVersion
from ..periods import Period, parse_period
from .stat_cells import latest_month

# The fewest answers for a month to be the default: below it even the whole survey's figure
# would be suppressed (the count the pages use to hide a figure).
ENOUGH_ANSWERS = SUPPRESS_BELOW


def _answers_in(session: Session, survey_key: str, month: str) -> int:
    versions = select(SurveyVersion.id).where(SurveyVersion.survey_key == survey_key)
    return session.scalar(select(func.count(Response.id))
                          .where(Response.survey_version_id.in_(versions),
                                 Response.period == month)) or 0


def default_period(session: Session, survey_key: str, today: dt.date | None = None
                   ) -> str | None:
    """The period shown by default for ``survey_key``: the latest month before ``today``'s
    with at least ENOUGH_ANSWERS answers, else the quarter of the latest answers; None when
    the survey has no answer at all."""
    latest = latest_month(session, survey_key)
    if latest is None:
        # A household survey (PAPI) has no responses: its period is its latest sample's.
        from ..fieldwork.indices import field_periods

        fielded = field_periods(session, survey_key)
        return fielded[-1] if fielded else None
    today = today or dt.date.today()
    current = f"{today.year:04d}-{today.month:02d}"
    last = parse_period(latest)
    month = last if latest < current else Period.month_of(today.year, today.month).previous()
    if str(month) <= latest and _answers_in(session, survey_key, str(month)) >= ENOUGH_ANSWERS:
        return str(month)
    return str(Period.quarter_of(last.year, last.first_month))
