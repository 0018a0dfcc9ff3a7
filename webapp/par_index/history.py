"""History across the 2025 reorganisation: scores and official results stay with the unit that
earned them; a successor shows its predecessors' history through the successor links."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Assessment, OfficialResult, Unit
from ..unit_tree import predecessors
from .results import result_for


@dataclass(frozen=True)
class HistoryRow:
    """One year's figure of the unit or of a predecessor."""

    unit: Unit
    year: int
    index: str
    component: str
    score: Decimal
    maximum: Decimal | None
    rank: int | None
    out_of: int | None
    official: bool


def history(session: Session, unit: Unit) -> list[HistoryRow]:
    """Official results and own scorecard totals of ``unit`` and its predecessors, by year."""
    units = [unit, *predecessors(session, unit)]
    ids = [u.id for u in units]
    rows = [HistoryRow(r.unit, r.year, r.index_key, r.component, r.score, r.maximum, r.rank,
                       r.out_of, True)
            for r in session.scalars(select(OfficialResult).where(
                OfficialResult.unit_id.in_(ids)))]
    for assessment in session.scalars(select(Assessment).where(Assessment.unit_id.in_(ids))):
        result = result_for(session, assessment)
        rows.append(HistoryRow(assessment.unit, assessment.year,
                               assessment.scorecard_version.key, "", result.total,
                               result.maximum, result.rank, result.out_of, False))
    return sorted(rows, key=lambda r: (-r.year, r.index, r.unit.code, r.component))
