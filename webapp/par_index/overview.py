"""The scorecards of every unit a user may see for one year: total, band, rank among peers."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Assessment, Unit
from .results import AssessmentResult, ranked
from .scorecards import scorecard_of


@dataclass(frozen=True)
class OverviewRow:
    """One unit's assessment of the year with its figures (rank among its peers)."""

    unit: Unit
    title: Mapping[str, str]  # the scorecard's title labels
    result: AssessmentResult


def assessed_years(session: Session, unit_ids: Collection[int] | None) -> list[int]:
    """Years with an assessment of a unit in ``unit_ids`` (all units when None), latest first."""
    query = select(Assessment.year).distinct()
    if unit_ids is not None:
        query = query.where(Assessment.unit_id.in_(list(unit_ids)))
    return sorted(session.scalars(query), reverse=True)


def overview(session: Session, unit_ids: Collection[int] | None, year: int) -> list[OverviewRow]:
    """Assessments of ``year`` of the units in ``unit_ids`` (all when None), grouped by
    scorecard and best first; each version's peers are computed once."""
    query = select(Assessment).where(Assessment.year == year)
    if unit_ids is not None:
        query = query.where(Assessment.unit_id.in_(list(unit_ids)))
    found = list(session.scalars(query))
    mine = {a.id for a in found}
    versions = {a.scorecard_version_id: a.scorecard_version for a in found}
    rows: list[OverviewRow] = []
    for version in sorted(versions.values(), key=lambda v: (v.key, v.version)):
        title = scorecard_of(session, version).title
        rows += [OverviewRow(r.assessment.unit, title, r) for r in ranked(session, version)
                 if r.assessment.id in mine]
    return rows


def units_without(session: Session, unit_ids: Collection[int] | None, home: Unit | None,
                  assessed: Collection[int]) -> list[Unit]:
    """The home unit and the units directly below it that have no assessment in the year
    (where a manager starts one), among the units the user may see."""
    if home is None:
        return []
    units = [home, *session.scalars(select(Unit).where(Unit.parent_id == home.id)
                                    .order_by(Unit.code))]
    return [u for u in units if u.id not in assessed
            and (unit_ids is None or u.id in unit_ids)]
