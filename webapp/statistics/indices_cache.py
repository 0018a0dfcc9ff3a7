"""Indices of a survey for pages, the API, the CLI and the reports: the one production path.

``cached_indices`` returns an :class:`~.indices.IndexTable` computed from the cells kept in
the database (:mod:`.stat_cells`) through :mod:`.indices_store`; the raw-row computation it
must equal is ``tests/reference_indices.compute_indices``. Several periods (a page's trend)
are computed in one pass with :func:`cached_indices_many`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Unit
from ..periods import parse_period
from ..survey_versions import latest_version, load_version
from ..unit_tree import subtree_ids
from . import indices_store
from .indices import IndexTable, IndicesError


def _scope(session: Session, unit_code: str | None) -> set[str] | None:
    if unit_code is None:
        return None
    unit_id = session.scalar(select(Unit.id).where(Unit.code == unit_code))
    if unit_id is None:
        raise IndicesError(f"unknown unit code {unit_code!r}")
    ids = subtree_ids(session, unit_id)
    return set(session.scalars(select(Unit.code).where(Unit.id.in_(list(ids)))))


def scored_blocks(session: Session, survey_key: str) -> tuple[Any, dict[str, Mapping[str, Any]]]:
    """The survey's definition and its scoring blocks: the indices, and the expectations
    ranking when the survey has one (scored as shares of the strongest wish)."""
    from .expectations import expectation_spec

    version = latest_version(session, survey_key)
    if version is None:
        raise IndicesError(f"survey {survey_key!r} is not published")
    definition = load_version(version)
    blocks: dict[str, Mapping[str, Any]] = {"indices": definition.scoring_spec()}
    wishes = expectation_spec(definition)
    if wishes is not None:
        blocks["expectations"] = wishes
    return definition, blocks


def block_tables(session: Session, survey_key: str, periods: list[str],
                 unit_code: str | None = None) -> dict[str, dict[str, IndexTable]]:
    """Tables per block name and period for ``unit_code``'s subtree (all units when None)."""
    periods = [str(parse_period(p)) for p in periods]
    definition, blocks = scored_blocks(session, survey_key)
    codes = _scope(session, unit_code)
    results, rows = indices_store.block_results(session, survey_key, blocks, periods,
                                                definition.weighting)
    if codes is not None and not rows.empty:
        rows = rows[rows["unit"].isin(codes)]
    out: dict[str, dict[str, IndexTable]] = {}
    for name, frame in results.items():
        tables = {}
        for period in periods:
            months = parse_period(period).months()
            count = int(rows.loc[rows["month"].isin(months), "responses"].sum()) \
                if not rows.empty else 0
            mine = frame[frame["period"] == period] if not frame.empty else frame
            if codes is not None and not mine.empty:
                mine = mine[mine["unit"].isin(codes)]
            if count == 0:
                mine = pd.DataFrame()
            # Kept in order by the store; a filter keeps that order.
            tables[period] = IndexTable(survey_key, period, mine.reset_index(drop=True), count)
        out[name] = tables
    return out


def cached_indices_many(session: Session, survey_key: str, periods: list[str],
                        unit_code: str | None = None) -> dict[str, IndexTable]:
    """``compute_indices`` for several periods at once (one pass over new rows)."""
    return block_tables(session, survey_key, periods, unit_code)["indices"]


def cached_indices(session: Session, survey_key: str, period: str,
                   unit_code: str | None = None) -> IndexTable:
    """``compute_indices`` from the kept statistics; the result is the same table."""
    key = str(parse_period(period))
    return cached_indices_many(session, survey_key, [key], unit_code)[key]


def data_stamp(session: Session) -> tuple[object, ...]:
    """Changes whenever any index could change: a new response (the highest id; responses are
    never deleted, and a late commit below it is folded into the cells with the next new one,
    as :mod:`.stat_cells` does) and the structure the statistics depend on. Memos built on
    these indices key on it. (No ``count(*)``: it scans the table, 0.2 s at a million rows.)"""
    from ..models import Response

    return (session.scalar(select(func.max(Response.id))), *indices_store.structure_stamp(session))


def clear() -> None:
    """Forget this process's copy of the kept statistics (the database keeps the cells)."""
    indices_store.clear()
