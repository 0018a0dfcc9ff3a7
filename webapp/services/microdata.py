"""Reading responses and dossier counts as data frames: the one path from the database to
``analysis/`` used by the pages, the API, the CLI and the exports."""

from __future__ import annotations

from collections.abc import Collection, Iterator

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Counter, DossierCount, ProcedureField, Response, SurveyVersion, Unit
from .periods import Period, parse_period

UNKNOWN_FIELD = "_unknown"  # the citizen could not say which field their procedure was in
RESPONSE_COLUMNS = ["response_id", "survey_version", "unit", "counter", "field", "period",
                    "month", "channel", "on_time", "language"]
CHUNK = 20_000


def unit_codes(session: Session) -> dict[int, str]:
    """Unit id → code."""
    return dict(session.execute(select(Unit.id, Unit.code)).all())


def unit_parents(session: Session) -> dict[str, str]:
    """Child unit code → parent unit code, for roll-ups up the tree."""
    parent = select(Unit.id, Unit.code).subquery()
    rows = session.execute(select(Unit.code, parent.c.code)
                           .join(parent, Unit.parent_id == parent.c.id)).all()
    return dict(rows)


def iter_response_chunks(session: Session, survey_key: str, period: Period,
                         unit_ids: Collection[int] | None = None,
                         chunk: int = CHUNK) -> Iterator[pd.DataFrame]:
    """Yield the responses of a survey in a period as frames of at most ``chunk`` rows.

    Columns: RESPONSE_COLUMNS then one column per answer id (multiple-choice answers stay
    lists). ``period`` is the requested period (e.g. ``2026-Q3``), ``month`` the stored month.
    Plain columns are selected rather than ORM objects: building a ``Response`` per row was
    most of the time of reading a million of them.
    """
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


def load_responses(session: Session, survey_key: str, period: Period | str,
                   unit_ids: Collection[int] | None = None) -> pd.DataFrame:
    """All responses of a survey in a period (optionally only some units) as one frame."""
    period = parse_period(period) if isinstance(period, str) else period
    frames = list(iter_response_chunks(session, survey_key, period, unit_ids))
    if not frames:
        return pd.DataFrame(columns=RESPONSE_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def load_dossier_counts(session: Session, period: Period | str,
                        unit_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Dossier counts summed over the period: columns ``unit, period, field, count``.

    Counts stored per month are summed over the months of the period; counts stored for a
    quarter or year are used when the requested period contains them whole.
    """
    period = parse_period(period) if isinstance(period, str) else period
    query = (select(Unit.code, ProcedureField.code, DossierCount.period, DossierCount.dossiers)
             .join(Unit, DossierCount.unit_id == Unit.id)
             .join(ProcedureField, DossierCount.field_id == ProcedureField.id))
    if unit_ids is not None:
        query = query.where(DossierCount.unit_id.in_(list(unit_ids)))
    months = set(period.months())
    kept = [(unit, field, count) for unit, field, stored, count in session.execute(query).all()
            if set(parse_period(stored).months()) <= months]
    frame = pd.DataFrame(kept, columns=["unit", "field", "count"])
    frame = frame.groupby(["unit", "field"], as_index=False)["count"].sum()
    frame.insert(1, "period", str(period))
    return frame


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows)
    for column in RESPONSE_COLUMNS:
        if column not in frame:
            frame[column] = None
    return frame
