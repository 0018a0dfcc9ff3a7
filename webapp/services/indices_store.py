"""Per-unit statistics of a survey kept in memory and refreshed incrementally.

The expensive part of a unit page at scale is not the arithmetic but reading every response
(its JSON answers) again. Here each process keeps, per database and survey:

* the scored answers of every response read so far, as a compact numeric frame, and the highest
  response id read (the high-water mark): a refresh reads only ``Response.id > mark``, so the
  submission path is untouched (no trigger, no shared counter, no write contention);
* per scoring block (the survey's indices, the expectations ranking) and period, the
  :class:`~analysis.unit_stats.UnitStats` of every unit × period and the result rows computed
  from them. New responses re-read only the statistics of their units (from the frame above) and
  recompute only those units and their ancestors; other rows are kept.

The numbers are those of ``analysis.units.unit_results`` on the same responses (tests check it
to 1e-9 on SQLite and PostgreSQL). Dossier counts, survey versions and the unit tree are checked
on every call with a cheap stamp; when one changes the statistics are rebuilt from the frame.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.scoring.composite import answer_items
from analysis.unit_stats import UnitStats, ancestors_of, results_from_stats, unit_stats

from ..models import DossierCount, ProcedureField, Response, SurveyVersion, Unit
from .indices import ordered
from .microdata import UNKNOWN_FIELD, load_dossier_counts, unit_parents
from .periods import parse_period

_lock = threading.RLock()
MAX_SURVEYS = 8


@dataclass
class _Rows:
    """Scored answers of a survey's responses read so far."""

    items: tuple[str, ...]
    mark: int = 0
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass
class _Block:
    """Statistics and result rows of one scoring block for the periods asked so far."""

    spec: Mapping[str, Any]
    mark: int = 0
    stats: UnitStats | None = None
    results: pd.DataFrame = field(default_factory=pd.DataFrame)
    periods: set[str] = field(default_factory=set)


@dataclass
class _Survey:
    stamp: tuple[object, ...]
    rows: _Rows
    blocks: dict[str, _Block] = field(default_factory=dict)


_surveys: dict[tuple[str, str], _Survey] = {}


def structure_stamp(session: Session) -> tuple[object, ...]:
    """Counts, highest ids and sums of everything but responses that changes the numbers."""
    dossiers = session.execute(select(func.count(), func.max(DossierCount.id),
                                      func.sum(DossierCount.dossiers))).one()
    versions = session.execute(select(func.count(), func.max(SurveyVersion.id))).one()
    units = session.execute(select(func.count(), func.max(Unit.id),
                                   func.sum(Unit.parent_id))).one()
    return (*dossiers, *versions, *units)


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return np.nan
    try:
        return float(value)
    except ValueError:
        return np.nan


def _read_new(session: Session, survey_key: str, rows: _Rows) -> None:
    """Append responses with an id above the mark (only the scored answers are kept)."""
    query = (select(Response.id, Unit.code, ProcedureField.code, Response.period,
                    Response.answers)
             .join(SurveyVersion, Response.survey_version_id == SurveyVersion.id)
             .join(Unit, Response.unit_id == Unit.id)
             .outerjoin(ProcedureField, Response.field_id == ProcedureField.id)
             .where(SurveyVersion.survey_key == survey_key, Response.id > rows.mark)
             .order_by(Response.id))
    ids, units, fields, months = [], [], [], []
    values: list[list[float]] = [[] for _ in rows.items]
    for rid, unit, fld, month, answers in session.connection().execute(query):
        ids.append(rid)
        units.append(unit)
        fields.append(fld or UNKNOWN_FIELD)
        months.append(month)
        for column, item in zip(values, rows.items, strict=True):
            column.append(_number(answers.get(item)))
    if not ids:
        return
    new = pd.DataFrame({"id": np.asarray(ids, dtype=np.int64), "unit": units, "field": fields,
                        "month": months})
    for item, column in zip(rows.items, values, strict=True):
        new[item] = np.asarray(column, dtype=np.float32)  # answer codes are small integers
    rows.frame = new if rows.frame.empty else pd.concat([rows.frame, new], ignore_index=True)
    rows.mark = int(ids[-1])


def _period_rows(frame: pd.DataFrame, periods: Iterable[str]) -> pd.DataFrame:
    """Rows of the frame in each period, labelled by it (a month can be in several periods)."""
    parts = []
    for label in periods:
        months = parse_period(label).months()
        part = frame[frame["month"].isin(months)]
        parts.append(part.assign(period=label))
    return pd.concat(parts, ignore_index=True) if parts else frame.assign(period=[])


def _dossiers(session: Session, periods: Iterable[str]) -> pd.DataFrame:
    frames = [load_dossier_counts(session, p) for p in periods]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["unit", "period", "field", "count"])


def _compute(session: Session, block: _Block, rows: pd.DataFrame, periods: list[str],
             parents: Mapping[str, str]) -> tuple[UnitStats | None, pd.DataFrame]:
    if rows.empty:
        return None, pd.DataFrame()
    stats = unit_stats(rows, block.spec, _dossiers(session, periods), unmatched="drop")
    return stats, results_from_stats(stats, block.spec, parents)


def _extend(session: Session, block: _Block, frame: pd.DataFrame, periods: list[str],
            parents: Mapping[str, str]) -> None:
    """Add periods not computed yet, all in one pass over their rows."""
    missing = [p for p in periods if p not in block.periods]
    if not missing:
        return
    stats, results = _compute(session, block, _period_rows(frame, missing), missing, parents)
    if stats is not None:
        block.stats = stats if block.stats is None else block.stats.replace(stats)
        block.results = ordered(pd.concat([block.results, results], ignore_index=True))
    block.periods.update(missing)


def _fold(session: Session, block: _Block, frame: pd.DataFrame,
          parents: Mapping[str, str]) -> None:
    """Re-read the statistics of units with responses above the block's mark."""
    new = frame[frame["id"] > block.mark]
    if new.empty or not block.periods:
        return
    touched = [p for p in block.periods if new["month"].isin(parse_period(p).months()).any()]
    if not touched:
        return
    dirty = set(new["unit"])
    rows = _period_rows(frame[frame["unit"].isin(dirty)], touched)
    stats = unit_stats(rows, block.spec, _dossiers(session, touched), unmatched="drop")
    old = block.stats
    if old is None:
        block.stats = stats
    else:
        block.stats = old.replace(stats, units=dirty, periods=set(touched))
    nodes = dirty | ancestors_of(dirty, parents)
    fresh = results_from_stats(block.stats.subset(set(touched)), block.spec, parents,
                               only=nodes)
    stale = block.results["unit"].isin(nodes) & block.results["period"].isin(touched) \
        if not block.results.empty else pd.Series([], dtype=bool)
    block.results = ordered(pd.concat([block.results[~stale], fresh], ignore_index=True))


def block_results(session: Session, survey_key: str, blocks: Mapping[str, Mapping[str, Any]],
                  periods: list[str]) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Result rows of every block for ``periods`` (all units and roll-ups), and the response
    rows (``unit``, ``month``) read so far, refreshed from the database first."""
    url = str(session.get_bind().url)
    stamp = structure_stamp(session)
    items = tuple(dict.fromkeys(i for spec in blocks.values() for i in answer_items(spec)))
    with _lock:
        key = (url, survey_key)
        survey = _surveys.get(key)
        if survey is None or survey.stamp != stamp or survey.rows.items != items \
                or any(b not in survey.blocks or survey.blocks[b].spec != s
                       for b, s in blocks.items()):
            rows = survey.rows if survey is not None and survey.rows.items == items \
                else _Rows(items)
            survey = _Survey(stamp, rows, {b: _Block(s) for b, s in blocks.items()})
            _surveys[key] = survey
            while len(_surveys) > MAX_SURVEYS:
                _surveys.pop(next(iter(_surveys)))
        _read_new(session, survey_key, survey.rows)
        parents = unit_parents(session)
        frame = survey.rows.frame
        out = {}
        for name in blocks:
            block = survey.blocks[name]
            if not frame.empty:
                _fold(session, block, frame, parents)
                _extend(session, block, frame, periods, parents)
                block.mark = survey.rows.mark
            res = block.results
            out[name] = res[res["period"].isin(periods)] if not res.empty else res
        return out, frame[["unit", "month"]] if not frame.empty else frame


def clear() -> None:
    """Forget everything (tests)."""
    with _lock:
        _surveys.clear()
