"""Reading responses and dossier counts as data frames, for the exports and the tests.

The indices do not read responses here: they come from the cells kept in the database
(:mod:`.stat_cells`). Dossier counts (:func:`load_dossier_counts`) and the unit tree are read
here for both. The exports' weights follow the same rule as the indices
(``analysis.poststrata.cell_weights`` on the responses per unit × period × field).
"""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Collection, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson
from sqlalchemy import Select, Text, cast, select
from sqlalchemy.orm import Session

from ..models import Counter, DossierCount, ProcedureField, Response, SurveyVersion, Unit
from ..periods import Period, PeriodRange, parse_period

UNKNOWN_FIELD = "_unknown"  # the citizen could not say which field their procedure was in
RESPONSE_COLUMNS = ["response_id", "survey_version", "unit", "counter", "field", "period",
                    "month", "channel", "on_time", "language"]
CHUNK = 20_000
JSON_BLOCK = 1 << 20  # Arrow parses the answers in blocks of this many bytes, in parallel


def unit_codes(session: Session) -> dict[int, str]:
    """Unit id → code."""
    return dict(session.execute(select(Unit.id, Unit.code)).all())


def iter_response_chunks(session: Session, survey_key: str, period: Period | PeriodRange,
                         unit_ids: Collection[int] | None = None,
                         chunk: int = CHUNK) -> Iterator[pd.DataFrame]:
    """Yield the responses of a survey in a period as frames of at most ``chunk`` rows.

    Columns: RESPONSE_COLUMNS then one column per answer id (multiple-choice answers stay
    lists). ``period`` is the requested period (e.g. ``2026-Q3``), ``month`` the stored month.

    Speed matters here (a million responses per export): only plain columns are selected,
    ids are turned into codes with small lookup tables instead of joins, the answers arrive
    as JSON text and each chunk is parsed in one call by Arrow's JSON reader into typed
    columns. On PostgreSQL the rows come from a server-side cursor, ``chunk`` at a time.
    """
    versions = dict(session.execute(
        select(SurveyVersion.id, SurveyVersion.version)
        .where(SurveyVersion.survey_key == survey_key)).all())
    if not versions:
        return
    units = unit_codes(session)
    counters = dict(session.execute(select(Counter.id, Counter.code)).all())
    fields = dict(session.execute(select(ProcedureField.id, ProcedureField.code)).all())
    query = (select(Response.public_id, Response.survey_version_id, Response.unit_id,
                    Response.counter_id, Response.field_id, Response.period, Response.channel,
                    Response.on_time, Response.language, cast(Response.answers, Text))
             .where(Response.survey_version_id.in_(list(versions)),
                    Response.period.in_(period.months()))
             # By the random public id, never the internal one: rows in insertion order
             # would place a response among the comments stored around it.
             .order_by(Response.public_id))
    if unit_ids is not None:
        query = query.where(Response.unit_id.in_(list(unit_ids)))
    label = str(period)
    lookups = (_lookup(versions, pa.int64()), _lookup(units), _lookup(counters),
               _lookup(fields))
    for rows in _fetch(session, query, chunk):
        yield _chunk_frame(list(zip(*rows, strict=True)), label, lookups)


def _lookup(mapping: dict[int, Any], kind: pa.DataType | None = None) -> pa.Array:
    """An Arrow array indexed by database id (null where no row has that id)."""
    values: list[Any] = [None] * (max(mapping, default=0) + 1)
    for key, value in mapping.items():
        values[key] = value
    return pa.array(values, type=kind or pa.string())


def _chunk_frame(columns: list[tuple[Any, ...]], label: str,
                 lookups: tuple[pa.Array, ...]) -> pd.DataFrame:
    """One chunk's frame: context columns built as Arrow arrays (ids mapped to codes with
    ``take``) beside the parsed answers, turned into pandas in one conversion."""
    public_id, version, unit, counter, field, month, channel, on_time, language, answers \
        = columns
    versions, units, counters, fields = lookups
    on_time_array = pa.array(on_time)
    if pa.types.is_integer(on_time_array.type):  # SQLite stores booleans as 0/1
        on_time_array = on_time_array.cast(pa.bool_())
    context = {
        "response_id": pa.array(public_id, pa.string()),
        "survey_version": versions.take(pa.array(version, pa.int64())),
        "unit": units.take(pa.array(unit, pa.int64())),
        "counter": counters.take(pa.array(counter, pa.int64())),
        "field": pc.fill_null(fields.take(pa.array(field, pa.int64())), UNKNOWN_FIELD),
        "period": pa.array([label] * len(public_id), pa.string()),
        "month": pa.array(month, pa.string()), "channel": pa.array(channel, pa.string()),
        "on_time": on_time_array, "language": pa.array(language, pa.string()),
    }
    parsed = _parse_answers(answers)
    if isinstance(parsed, pd.DataFrame):  # the slow path: documents parsed one by one
        for name in parsed.columns:  # an answer id equal to a context column wins
            context.pop(name, None)
        frame = pa.table(context).to_pandas()
        return pd.concat([frame, parsed], axis=1) if len(parsed.columns) else frame
    for name in parsed.column_names:
        context.pop(name, None)
    names = [*context, *parsed.column_names]
    table = pa.Table.from_arrays([*context.values(), *parsed.columns], names=names)
    lists = [name for name, kind in zip(table.column_names, table.schema.types, strict=True)
             if pa.types.is_list(kind) or pa.types.is_large_list(kind)]
    frame = table.drop_columns(lists).to_pandas() if lists else table.to_pandas()
    for name in lists:  # Arrow gives arrays; the records' lists stay lists, NaN for none
        values = table.column(name).to_pylist()
        frame[name] = pd.Series([np.nan if v is None else v for v in values], dtype=object)
    return frame[names]


def _fetch(session: Session, query: Select[Any], chunk: int) -> Iterator[list[Any]]:
    """The query's rows as plain tuples, ``chunk`` at a time, straight from the driver's
    cursor (SQLAlchemy's row objects and result processing cost several seconds per million
    rows). On PostgreSQL a named, server-side cursor streams the rows. Bound values (ids and
    ``YYYY-MM`` months) are rendered by SQLAlchemy's literal quoting."""
    connection = session.connection()
    sql = str(query.compile(dialect=connection.dialect,
                            compile_kwargs={"literal_binds": True}))
    raw = connection.connection.dbapi_connection
    assert raw is not None
    if connection.dialect.name == "postgresql":
        cursor = raw.cursor(name=f"hailong_responses_{secrets.token_hex(4)}")
    else:
        cursor = raw.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(chunk):
            yield rows
    finally:
        cursor.close()


def _parse_answers(texts: Sequence[str]) -> pa.Table | pd.DataFrame:
    """JSON documents → one column per key, typed as ``DataFrame.from_records`` would type
    the parsed dictionaries (integers with gaps as floats, lists kept as lists, NaN for a
    missing key). Arrow parses the whole chunk at once (an Arrow table); documents it cannot
    type together (one key holding numbers and text) are parsed one by one (a frame)."""
    blob = "\n".join(texts).encode()
    try:
        table = pajson.read_json(io.BytesIO(blob), read_options=pajson.ReadOptions(
            block_size=JSON_BLOCK, use_threads=True))
    except pa.ArrowInvalid:
        table = None
    if table is None or table.num_rows != len(texts):
        return pd.DataFrame.from_records([json.loads(t) for t in texts])
    return table


def load_responses(session: Session, survey_key: str, period: Period | PeriodRange | str,
                   unit_ids: Collection[int] | None = None) -> pd.DataFrame:
    """All responses of a survey in a period (optionally only some units) as one frame."""
    period = parse_period(period) if isinstance(period, str) else period
    frames = list(iter_response_chunks(session, survey_key, period, unit_ids))
    if not frames:
        return pd.DataFrame(columns=RESPONSE_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def load_dossier_counts(session: Session, period: Period | PeriodRange | str,
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
