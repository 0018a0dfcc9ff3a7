"""What the export form offers first: the survey with the most responses the user may export,
and the last complete quarter."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Response, SurveyVersion


def busiest_survey(session: Session, unit_ids: set[int] | None) -> str | None:
    """The survey key with the most responses in ``unit_ids`` (None = every unit)."""
    query = (select(SurveyVersion.survey_key, func.count(Response.id).label("n"))
             .join(Response, Response.survey_version_id == SurveyVersion.id)
             .group_by(SurveyVersion.survey_key)
             .order_by(func.count(Response.id).desc(), SurveyVersion.survey_key))
    if unit_ids is not None:
        query = query.where(Response.unit_id.in_(list(unit_ids)))
    row = session.execute(query.limit(1)).first()
    return row[0] if row else None


def last_complete_quarter(today: dt.date | None = None) -> str:
    """The quarter before the one ``today`` is in, as ``YYYY-Qn``."""
    today = today or dt.date.today()
    quarter = (today.month - 1) // 3 + 1
    year, quarter = (today.year - 1, 4) if quarter == 1 else (today.year, quarter - 1)
    return f"{year}-Q{quarter}"
