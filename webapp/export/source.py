"""Reading responses for exports: ``services.microdata.iter_response_chunks`` without the ORM.

Same filter, order, columns and values as :func:`webapp.services.microdata.iter_response_chunks`
(a test checks they agree), but it selects plain columns instead of building a ``Response``
object per row, which is about three times faster on a million responses: building ORM objects
was most of an export's time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Counter, ProcedureField, Response, SurveyVersion, Unit
from ..services.microdata import CHUNK, RESPONSE_COLUMNS, UNKNOWN_FIELD
from ..services.periods import Period


def iter_export_chunks(session: Session, survey_key: str, period: Period,
                       unit_ids: Collection[int] | None = None,
                       chunk: int = CHUNK) -> Iterator[pd.DataFrame]:
    """Yield the responses of a survey in a period as frames of at most ``chunk`` rows."""
    query = (select(Response.public_id, SurveyVersion.version, Unit.code, Counter.code,
                    ProcedureField.code, Response.period, Response.channel, Response.on_time,
                    Response.language, Response.answers)
             .join(SurveyVersion, Response.survey_version_id == SurveyVersion.id)
             .join(Unit, Response.unit_id == Unit.id)
             .outerjoin(Counter, Response.counter_id == Counter.id)
             .outerjoin(ProcedureField, Response.field_id == ProcedureField.id)
             .where(SurveyVersion.survey_key == survey_key,
                    Response.period.in_(period.months()))
             .order_by(Response.id)
             .execution_options(yield_per=chunk))
    if unit_ids is not None:
        query = query.where(Response.unit_id.in_(list(unit_ids)))
    label = str(period)
    rows: list[dict[str, object]] = []
    for public_id, version, unit, counter, field, month, channel, on_time, language, answers \
            in session.connection().execute(query):
        row: dict[str, object] = {
            "response_id": public_id, "survey_version": version, "unit": unit,
            "counter": counter, "field": field or UNKNOWN_FIELD, "period": label,
            "month": month, "channel": channel, "on_time": on_time, "language": language,
        }
        row.update(answers)
        rows.append(row)
        if len(rows) >= chunk:
            yield _frame(rows)
            rows = []
    if rows:
        yield _frame(rows)


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows)
    for column in RESPONSE_COLUMNS:
        if column not in frame:
            frame[column] = None
    return frame
