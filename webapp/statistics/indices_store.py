"""Per-unit statistics of a survey kept in memory and refreshed incrementally.

The expensive part of a unit page at scale is not the arithmetic but reading every response
(its JSON answers) again. Here each process keeps, per database and survey:

* the highest response id read (the high-water mark) and the response count per unit and month:
  a refresh reads only ``Response.id > mark`` (a primary-key range), so the submission path is
  untouched (no trigger, no shared counter, no write contention);
* per scoring block (the survey's indices, the expectations ranking), additive sums per
  unit × field × month cell (:class:`analysis.cell_stats.CellSums`), and for the periods asked so
  far the per-unit :class:`~analysis.unit_stats.UnitStats` and the result rows. New responses
  are added to their cells; only their units' records are rebuilt (from cells, not rows) and
  only those units and their ancestors recomputed. Other rows are kept.

The numbers are those of ``analysis.units.unit_results`` on the same responses (tests check it
to 1e-9 on SQLite and PostgreSQL). Dossier counts, survey versions and the unit tree are checked
on every call with a cheap stamp; when one changes everything is read again (rare). Each process
(gunicorn worker) keeps its own copy.
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

from analysis.cell_stats import CellSums, stats_from_cells
from analysis.scoring.composite import answer_items
from analysis.unit_stats import UnitStats, ancestors_of, results_from_stats

from ..models import DossierCount, ProcedureField, Response, SurveyVersion, Unit
from ..periods import parse_period
from .indices import ordered
from .microdata import UNKNOWN_FIELD, load_dossier_counts, unit_codes, unit_parents

_lock = threading.RLock()
MAX_SURVEYS = 8
LAG = 1000  # ids below the mark read again, for transactions that committed late


@dataclass
class _Rows:
    """What was read so far: the mark and the response count per unit and month."""

    items: tuple[str, ...]
    mark: int = 0
    recent: set[int] = field(default_factory=set)  # ids read within LAG of the mark
    counts: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["unit", "month", "responses"]))


@dataclass
class _Block:
    """Cell sums, statistics and result rows of one scoring block for the periods asked."""

    spec: Mapping[str, Any]
    cells: CellSums
    stats: UnitStats | None = None
    results: pd.DataFrame = field(default_factory=pd.DataFrame)
    periods: set[str] = field(default_factory=set)


@dataclass
class _Survey:
    stamp: tuple[object, ...]
    rows: _Rows
    blocks: dict[str, _Block] = field(default_factory=dict)
    dossiers: dict[str, pd.DataFrame] = field(default_factory=dict)


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


def _read_new(session: Session, survey_key: str, rows: _Rows) -> pd.DataFrame:
    """Responses with an id above the mark (scored answers only); advance the mark.

    The query is a range on the primary key alone (joins would make SQLite walk every response
    of the survey through another index); versions, units and fields are looked up here. Ids
    are handed out before transactions commit, so a response can appear below the mark after
    it was read: the last ``LAG`` ids are read again and the ones already counted skipped.
    """
    top = session.scalar(select(func.max(Response.id)))
    if top is None or top <= rows.mark:  # late commits below the mark: caught next time
        return pd.DataFrame()
    versions = set(session.scalars(select(SurveyVersion.id)
                                   .where(SurveyVersion.survey_key == survey_key)))
    units = unit_codes(session)
    field_codes = dict(session.execute(select(ProcedureField.id, ProcedureField.code)).all())
    query = (select(Response.id, Response.survey_version_id, Response.unit_id,
                    Response.field_id, Response.period, Response.answers)
             .where(Response.id > max(rows.mark - LAG, 0)).order_by(Response.id))
    ids, unit_list, fields, months = [], [], [], []
    values: list[list[float]] = [[] for _ in rows.items]
    seen: set[int] = set()
    for rid, version, unit_id, field_id, month, answers in session.connection().execute(query):
        seen.add(rid)
        if rid in rows.recent or version not in versions:
            continue
        ids.append(rid)
        unit_list.append(units[unit_id])
        fields.append(field_codes.get(field_id) or UNKNOWN_FIELD)
        months.append(month)
        for column, item in zip(values, rows.items, strict=True):
            column.append(_number(answers.get(item)))
    if seen:
        rows.mark = max(rows.mark, max(seen))
    rows.recent = {i for i in (rows.recent | seen) if i > rows.mark - LAG}
    if not ids:
        return pd.DataFrame()
    new = pd.DataFrame({"id": np.asarray(ids, dtype=np.int64), "unit": unit_list,
                        "field": fields, "month": months})
    for item, column in zip(rows.items, values, strict=True):
        new[item] = np.asarray(column, dtype=np.float32)  # answer codes are small integers
    counts = new.groupby(["unit", "month"], as_index=False).size().rename(
        columns={"size": "responses"})
    both = pd.concat([rows.counts, counts], ignore_index=True)
    rows.counts = both.groupby(["unit", "month"], as_index=False)["responses"].sum()
    return new


def _dossiers(session: Session, survey: _Survey, periods: Iterable[str]) -> pd.DataFrame:
    """Dossier counts of the periods, read once per period (a change resets the survey)."""
    for p in periods:
        if p not in survey.dossiers:
            survey.dossiers[p] = load_dossier_counts(session, p)
    frames = [survey.dossiers[p] for p in periods]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["unit", "period", "field", "count"])


def _months(periods: Iterable[str]) -> dict[str, list[str]]:
    return {p: parse_period(p).months() for p in periods}


def _extend(session: Session, survey: _Survey, block: _Block, periods: list[str],
            parents: Mapping[str, str]) -> None:
    """Add periods not computed yet, all in one pass over the cells."""
    missing = [p for p in periods if p not in block.periods]
    if not missing:
        return
    stats = stats_from_cells(block.cells, _months(missing), _dossiers(session, survey, missing))
    if stats is not None:
        block.stats = stats if block.stats is None else block.stats.replace(stats)
        results = results_from_stats(stats, block.spec, parents)
        block.results = ordered(pd.concat([block.results, results], ignore_index=True))
    block.periods.update(missing)


def _fold(session: Session, survey: _Survey, block: _Block, new: pd.DataFrame,
          parents: Mapping[str, str]) -> None:
    """Add new responses to the cells; recompute their units and ancestors where shown."""
    dirty = block.cells.add(new)
    touched = [p for p in block.periods if new["month"].isin(parse_period(p).months()).any()]
    if not dirty or not touched:
        return
    dossiers = _dossiers(session, survey, touched)
    stats = stats_from_cells(block.cells, _months(touched), dossiers, dirty)
    if block.stats is None:
        block.stats = stats
    elif stats is not None:
        block.stats = block.stats.replace(stats, units=dirty, periods=set(touched))
    if block.stats is None:
        return
    nodes = dirty | ancestors_of(dirty, parents)
    fresh = results_from_stats(block.stats.subset(set(touched)), block.spec, parents,
                               only=nodes)
    if block.results.empty:
        block.results = ordered(fresh)
        return
    stale = block.results["unit"].isin(nodes) & block.results["period"].isin(touched)
    block.results = ordered(pd.concat([block.results[~stale], fresh], ignore_index=True))


def block_results(session: Session, survey_key: str, blocks: Mapping[str, Mapping[str, Any]],
                  periods: list[str]) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Result rows of every block for ``periods`` (all units and roll-ups), and the response
    counts per ``unit`` and ``month`` read so far, refreshed from the database first."""
    url = str(session.get_bind().url)
    stamp = structure_stamp(session)
    items = tuple(dict.fromkeys(i for spec in blocks.values() for i in answer_items(spec)))
    with _lock:
        key = (url, survey_key)
        survey = _surveys.get(key)
        if survey is None or survey.stamp != stamp or survey.rows.items != items \
                or set(survey.blocks) != set(blocks) \
                or any(survey.blocks[b].spec != s for b, s in blocks.items()):
            # Dossier counts, versions or the tree changed: read everything again (rare).
            survey = _Survey(stamp, _Rows(items),
                             {b: _Block(s, CellSums(s)) for b, s in blocks.items()})
            _surveys[key] = survey
            while len(_surveys) > MAX_SURVEYS:
                _surveys.pop(next(iter(_surveys)))
        new = _read_new(session, survey_key, survey.rows)
        parents = unit_parents(session)
        out = {}
        for name in blocks:
            block = survey.blocks[name]
            if not new.empty:
                _fold(session, survey, block, new, parents)
            _extend(session, survey, block, periods, parents)
            res = block.results
            out[name] = res[res["period"].isin(periods)] if not res.empty else res
        return out, survey.rows.counts


def clear() -> None:
    """Forget everything (tests)."""
    with _lock:
        _surveys.clear()
