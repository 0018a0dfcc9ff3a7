"""The kept cell sums in the database (tables ``stat_cell_set`` and ``stat_cell``).

A response reaches the statistics here: :func:`refresh` reads the responses above the set's
high-water mark (a primary-key range; the submission path is untouched), scores them with the
survey's scoring blocks (:class:`analysis.cell_stats.CellSums`), adds their sums to their
unit × field × month cells and moves the mark, in one transaction of its own that any worker
may run. Two workers refreshing at once cannot both count a response: the mark moves with a
compare-and-set (``UPDATE ... WHERE mark = old``); the loser rolls back and finds the cells
already refreshed. A set that does not exist yet is built on PostgreSQL with one
``INSERT ... SELECT ... GROUP BY`` per block over the JSONB answers, in the database
(:mod:`.stat_cells_sql`); on SQLite the same way as a refresh, from mark 0 in chunks of
``CHUNK`` responses.

:func:`load_cells` reads cells back (all of them, or those changed since a mark), which is what
a freshly started worker does instead of reading every response.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from analysis.cell_stats import CellSums
from analysis.scoring.composite import CHOSEN, answer_items

from ..models import Response, StatCell, StatCellSet, SurveyVersion
from .stat_cells_sql import LAG, NO_FIELD, build_in_database

CHUNK = 50_000  # responses scored at once while a set is built
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SetState:
    """Where a set of cells stands: its id, its token and its mark."""

    id: int
    token: str
    mark: int


def fingerprint(blocks: Mapping[str, Mapping[str, Any]]) -> str:
    """SHA-256 of the scoring blocks: cells kept under other rules are other cells."""
    text = json.dumps(blocks, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return np.nan
    try:
        return float(value)
    except ValueError:
        return np.nan


ON_TIME = "on_time"  # an item read from the response's dossier flag, not from its answers


def _value(answers: Mapping[str, Any], on_time: bool | None, item: str) -> float:
    """An item's value as the scoring reads it: an answer, the dossier's on-time flag
    (``on_time``) or whether a multiple-choice answer holds a code (``question#code``)."""
    if item == ON_TIME:
        return np.nan if on_time is None else float(bool(on_time))
    if item not in answers and CHOSEN in item:
        question, code = item.rsplit(CHOSEN, 1)
        chosen = answers.get(question)
        if not isinstance(chosen, list):
            return np.nan
        return float(any(_number(c) == float(code) for c in chosen))
    return _number(answers.get(item))


def _cell_set(session: Session, survey_key: str, print_: str) -> StatCellSet:
    query = select(StatCellSet).where(StatCellSet.survey_key == survey_key,
                                      StatCellSet.fingerprint == print_)
    found = session.scalar(query)
    if found is not None:
        return found
    session.add(StatCellSet(survey_key=survey_key, fingerprint=print_,
                            token=secrets.token_hex(16), mark=0, recent="[]"))
    try:
        session.commit()
    except IntegrityError:  # another worker made it first
        session.rollback()
    return session.scalars(query).one()


def _new_rows(session: Session, survey_key: str, cells: StatCellSet, items: tuple[str, ...],
              deltas: Mapping[str, CellSums]) -> tuple[int, int, set[int]]:
    """Add the responses of the survey above the mark (and late commits within ``LAG`` below
    it that were not counted) to ``deltas``, a chunk at a time; return how many were added,
    the new mark and the ids read within the window."""
    versions = set(session.scalars(select(SurveyVersion.id)
                                   .where(SurveyVersion.survey_key == survey_key)))
    recent = set(json.loads(cells.recent))
    # The window below the mark is read without the answers (the primary key alone); only ids
    # committed late there, if any, are read with them.
    late = [i for i in session.scalars(select(Response.id).where(
        Response.id > max(cells.mark - LAG, 0), Response.id <= cells.mark)) if i not in recent]
    wanted = Response.id > cells.mark
    if late:
        wanted = wanted | Response.id.in_(late)
    query = (select(Response.id, Response.survey_version_id, Response.unit_id,
                    Response.field_id, Response.period, Response.answers, Response.on_time)
             .where(wanted).order_by(Response.id))
    added, mark, seen = 0, cells.mark, set()
    result = session.connection().execute(query.execution_options(yield_per=CHUNK))
    for part in result.partitions(CHUNK):
        ids, units, fields, months = [], [], [], []
        values: list[list[float]] = [[] for _ in items]
        for rid, version, unit_id, field_id, month, answers, on_time in part:
            mark = max(mark, rid)
            seen.add(rid)
            if rid in recent or version not in versions:
                continue
            ids.append(rid)
            units.append(unit_id)
            fields.append(field_id or NO_FIELD)
            months.append(month)
            for column, item in zip(values, items, strict=True):
                column.append(_value(answers, on_time, item))
        if ids:
            frame = pd.DataFrame({"unit": units, "field": fields, "month": months})
            for item, column in zip(items, values, strict=True):
                frame[item] = np.asarray(column, dtype=np.float64)
            for delta in deltas.values():
                delta.add(frame)
            added += len(frame)
    window = {i for i in (recent | seen) if i > mark - LAG}
    return added, mark, window


def refresh(engine: Engine, survey_key: str, blocks: Mapping[str, Mapping[str, Any]], *,
            in_database: bool = True) -> SetState:
    """Fold the responses above the mark into the cells (in a transaction of its own);
    ``in_database=False`` builds a new set on PostgreSQL with the Python path too (tests)."""
    print_ = fingerprint(blocks)
    items = tuple(dict.fromkeys(i for spec in blocks.values() for i in answer_items(spec)))
    with Session(engine) as session:
        cells = _cell_set(session, survey_key, print_)
        if cells.mark == 0 and in_database and engine.dialect.name == "postgresql":

            build_in_database(session, cells, blocks)
            cells = session.get(StatCellSet, cells.id, populate_existing=True) or cells
        top = session.scalar(select(func.max(Response.id))) or 0
        if top <= cells.mark:  # late commits below the mark: caught with the next new one
            return SetState(cells.id, cells.token, cells.mark)
        old = cells.mark
        deltas = {name: CellSums(spec) for name, spec in blocks.items()}
        added, mark, window = _new_rows(session, survey_key, cells, items, deltas)
        if mark == old and not added:
            return SetState(cells.id, cells.token, cells.mark)
        try:
            moved = session.execute(
                update(StatCellSet).where(StatCellSet.id == cells.id, StatCellSet.mark == old)
                .values(mark=mark, recent=json.dumps(sorted(window))))
            if moved.rowcount != 1:  # another worker refreshed meanwhile
                session.rollback()
                fresh = session.get(StatCellSet, cells.id, populate_existing=True)
                assert fresh is not None
                return SetState(fresh.id, fresh.token, fresh.mark)
            for name, delta in deltas.items():
                _write(session, cells.id, name, delta, mark)
            session.commit()
        except OperationalError:  # SQLite busy past its timeout: the next request folds them
            session.rollback()
            log.warning("kept statistics of %s not refreshed: database busy", survey_key)
            fresh = session.get(StatCellSet, cells.id, populate_existing=True)
            assert fresh is not None
            return SetState(fresh.id, fresh.token, fresh.mark)
        return SetState(cells.id, cells.token, mark)


def _write(session: Session, set_id: int, block: str, delta: CellSums, mark: int) -> None:
    """Add ``delta``'s cells to the kept ones (insert the cells not kept yet)."""
    if len(delta.keys) == 0:
        return
    keys = list(delta.keys.itertuples(index=False, name=None))
    units = sorted({k[0] for k in keys})
    months = sorted({k[2] for k in keys})  # new responses fall in a month or two, not eleven
    found = {}
    for start in range(0, len(units), 500):
        rows = session.execute(
            select(StatCell.id, StatCell.unit_id, StatCell.field_id, StatCell.month,
                   StatCell.responses, StatCell.sums)
            .where(StatCell.set_id == set_id, StatCell.block == block,
                   StatCell.unit_id.in_(units[start:start + 500]),
                   StatCell.month.in_(months)))
        for cid, unit_id, field_id, month, responses, sums in rows:
            found[(unit_id, field_id, month)] = (cid, responses, sums)
    old = CellSums(delta.spec, shape=delta.shape)
    hits = [k for k in keys if k in found]
    old.put(hits, np.array([found[k][1] for k in hits]), [found[k][2] for k in hits])
    updates, inserts = [], []
    for row, key in enumerate(keys):
        if key in found:
            at = old._index[key]
            old.n[at] += delta.n[row]
            old.zsum[at] += delta.zsum[row]
            old.zcross[at] += delta.zcross[row]
            old.valid[at] += delta.valid[row]
            old.nonbinary[at] += delta.nonbinary[row]
            updates.append({"id": found[key][0], "responses": int(old.n[at]),
                            "changed_mark": mark, "sums": old.pack(at)})
        else:
            inserts.append({"set_id": set_id, "block": block, "unit_id": int(key[0]),
                            "field_id": int(key[1]), "month": key[2],
                            "responses": int(delta.n[row]), "changed_mark": mark,
                            "sums": delta.pack(row)})
    if updates:
        session.execute(update(StatCell), updates)
    if inserts:
        session.execute(insert(StatCell), inserts)


def load_cells(session: Session, state: SetState, block: str, since: int = -1
               ) -> tuple[list[tuple[int, int, str]], np.ndarray, list[bytes]]:
    """Cells of a block changed after mark ``since`` (all by default): keys
    ``(unit_id, field_id, month)``, response counts and packed sums."""
    rows = session.execute(
        select(StatCell.unit_id, StatCell.field_id, StatCell.month, StatCell.responses,
               StatCell.sums)
        .where(StatCell.set_id == state.id, StatCell.block == block,
               StatCell.changed_mark > since)).all()
    keys = [(r[0], r[1], r[2]) for r in rows]
    return keys, np.array([r[3] for r in rows], dtype=float), [bytes(r[4]) for r in rows]



def latest_month(session: Session, survey_key: str) -> str | None:
    """The latest month with a response to ``survey_key``: the kept cells' latest month and
    that of any response above their mark (a primary-key range), without scanning responses."""
    newest = session.execute(
        select(StatCellSet.id, StatCellSet.mark).where(StatCellSet.survey_key == survey_key)
        .order_by(StatCellSet.mark.desc()).limit(1)).first()
    mark = 0 if newest is None else newest.mark
    months = []
    if newest is not None:
        months.append(session.scalar(select(func.max(StatCell.month))
                                     .where(StatCell.set_id == newest.id)))
    versions = list(session.scalars(select(SurveyVersion.id)
                                    .where(SurveyVersion.survey_key == survey_key)))
    # OFFSET 0 keeps the primary-key range a step of its own: otherwise PostgreSQL walks the
    # (version, period) index backwards over every response, filtering on the id.
    above = (select(Response.period, Response.survey_version_id).where(Response.id > mark)
             .offset(0).subquery())
    months.append(session.scalar(select(func.max(above.c.period))
                                 .where(above.c.survey_version_id.in_(versions))))
    found = [m for m in months if m]
    return max(found) if found else None
