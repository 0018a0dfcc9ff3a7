"""Per-unit statistics of a survey from the cells kept in the database.

The cells (:mod:`.stat_cells`, one row per unit × field × month and scoring block) are shared
by every worker. Each process keeps, per database and survey, a copy of the cells as of a mark
and, for the periods asked so far, the per-unit :class:`~analysis.unit_stats.UnitStats` and the
result rows. On each call the cells are refreshed in the database from the responses above the
mark (usually none or a few), then the cells changed since this process's mark are read back;
only their units' records are rebuilt (from cells, not rows) and only those units and their
ancestors recomputed. A freshly started process reads the cells, never every response.

The numbers are those of the raw-row reference in ``tests/`` (``unit_results`` on the same
responses; tests check it on SQLite and PostgreSQL). The survey definition's ``weighting`` rule
decides the weights: post-stratified to dossier counts, or every answer once (the officials'
survey), both from the same cells. Dossier counts, survey versions, unit
names, codes, parents and retired flags are checked on every call with a cheap stamp; when one
changes the copy is rebuilt from the cells (the cells themselves do not depend on them).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.cell_stats import CellSums, stats_from_cells
from analysis.unit_stats import UnitStats, ancestors_of, results_from_stats

from ..models import DossierCount, ProcedureField, SurveyVersion, Unit
from ..periods import parse_period
from ..unit_tree import unit_parents
from . import stat_cells
from .indices import ordered
from .microdata import UNKNOWN_FIELD, load_dossier_counts, unit_codes

_lock = threading.RLock()
MAX_SURVEYS = 8


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
    token: str
    mark: int
    blocks: dict[str, _Block] = field(default_factory=dict)
    weighting: str = "dossiers"  # the definition's rule (analysis.cell_stats.stats_from_cells)
    dossiers: dict[str, pd.DataFrame] = field(default_factory=dict)
    counts: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["unit", "month", "responses"]))


_surveys: dict[tuple[str, str], _Survey] = {}


def structure_stamp(session: Session) -> tuple[object, ...]:
    """Everything but responses that changes the numbers or their labels: dossier counts,
    survey versions (retired flags included), the unit tree (names, codes, types, validity
    and successors) and the procedure fields (codes and names)."""
    dossiers = session.execute(select(func.count(), func.max(DossierCount.id),
                                      func.sum(DossierCount.dossiers))).one()
    versions = session.execute(select(func.count(), func.max(SurveyVersion.id),
                                      func.count(SurveyVersion.retired_at),
                                      func.max(SurveyVersion.retired_at))).one()
    units = session.execute(select(Unit.id, Unit.parent_id, Unit.code, Unit.name_vi,
                                   Unit.name_en, Unit.unit_type, Unit.valid_from,
                                   Unit.valid_to, Unit.successor_id).order_by(Unit.id)).all()
    # Procedure fields label the cells (by code) and the reports (by name).
    fields = session.execute(select(ProcedureField.id, ProcedureField.code,
                                    ProcedureField.name_vi, ProcedureField.name_en)
                             .order_by(ProcedureField.id)).all()
    digest = hashlib.sha256(repr((units, fields)).encode()).hexdigest()
    return (*dossiers, *versions, len(units), digest)


def _load(session: Session, survey: _Survey, state: stat_cells.SetState, since: int
          ) -> tuple[set[str], set[str]]:
    """Read the cells changed after ``since`` into the blocks; return their units (codes)
    and their months."""
    units = unit_codes(session)
    field_codes = dict(session.execute(select(ProcedureField.id, ProcedureField.code)).all())
    dirty: set[str] = set()
    months: set[str] = set()
    for name, block in survey.blocks.items():
        keys, n, packed = stat_cells.load_cells(session, state, name, since)
        labels = [(units[u], field_codes.get(f) or UNKNOWN_FIELD, m) for u, f, m in keys]
        block.cells.put(labels, n, packed)
        dirty |= {k[0] for k in labels}
        months |= {k[2] for k in labels}
    first = next(iter(survey.blocks.values())).cells
    counts = first.keys[["unit", "month"]].assign(responses=first.n)
    survey.counts = counts.groupby(["unit", "month"], as_index=False)["responses"].sum()
    survey.mark = state.mark
    return dirty, months


def _dossiers(session: Session, survey: _Survey, periods: Iterable[str]) -> pd.DataFrame:
    """Dossier counts of the periods, read once per period (a change resets the survey)."""
    if survey.weighting == "equal":  # every answer weighs 1: no dossier counts are read
        return pd.DataFrame(columns=["unit", "period", "field", "count"])
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
    stats = stats_from_cells(block.cells, _months(missing), _dossiers(session, survey, missing),
                             weighting=survey.weighting)
    if stats is not None:
        block.stats = stats if block.stats is None else block.stats.replace(stats)
        results = results_from_stats(stats, block.spec, parents)
        block.results = ordered(pd.concat([block.results, results], ignore_index=True))
    block.periods.update(missing)


def _fold(session: Session, survey: _Survey, block: _Block, dirty: set[str],
          months: set[str], parents: Mapping[str, str]) -> None:
    """Recompute the units whose cells changed, and their ancestors, where shown."""
    touched = [p for p in block.periods if months & set(parse_period(p).months())]
    if not dirty or not touched:
        return
    dossiers = _dossiers(session, survey, touched)
    stats = stats_from_cells(block.cells, _months(touched), dossiers, dirty,
                             weighting=survey.weighting)
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
                  periods: list[str], weighting: str = "dossiers"
                  ) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Result rows of every block for ``periods`` (all units and roll-ups), and the response
    counts per ``unit`` and ``month``, from the kept cells refreshed first. ``weighting`` is
    the survey definition's rule (``dossiers`` or ``equal``)."""
    url = str(session.get_bind().url)
    state = stat_cells.refresh(session.get_bind(), survey_key, blocks)
    stamp = structure_stamp(session)
    with _lock:
        key = (url, survey_key)
        survey = _surveys.get(key)
        parents = unit_parents(session)
        if survey is None or survey.stamp != stamp or survey.token != state.token \
                or survey.weighting != weighting or set(survey.blocks) != set(blocks) \
                or any(survey.blocks[b].spec != s for b, s in blocks.items()):
            survey = _Survey(stamp, state.token, -1,
                             {b: _Block(s, CellSums(s)) for b, s in blocks.items()}, weighting)
            _load(session, survey, state, -1)
            _surveys[key] = survey
            while len(_surveys) > MAX_SURVEYS:
                _surveys.pop(next(iter(_surveys)))
        elif state.mark > survey.mark:
            dirty, months = _load(session, survey, state, survey.mark)
            for block in survey.blocks.values():
                _fold(session, survey, block, dirty, months, parents)
        out = {}
        for name in blocks:
            block = survey.blocks[name]
            _extend(session, survey, block, periods, parents)
            res = block.results
            out[name] = res[res["period"].isin(periods)] if not res.empty else res
        return out, survey.counts


def clear() -> None:
    """Forget this process's copies (the cells in the database stay)."""
    with _lock:
        _surveys.clear()
