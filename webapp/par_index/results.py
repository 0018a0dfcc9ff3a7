"""Totals, percentage, rank among peers and band of appraised (or self-scored) assessments.

One path computes these figures for pages, the CLI and the báo cáo.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_defs.scorecards import Band, Item

from ..models import Assessment, CriterionScore, ScorecardVersion, Unit
from .assessment import card_for
from .memo import remembered

TWO = Decimal("0.01")


@dataclass(frozen=True)
class ItemResult:
    """One item's score: self, appraised, final (appraised when there is one) and lost."""

    item: Item
    self_score: Decimal | None
    appraised_score: Decimal | None
    final: Decimal
    lost: Decimal
    row: CriterionScore | None


@dataclass(frozen=True)
class AssessmentResult:
    """The figures of one assessment."""

    assessment: Assessment
    items: dict[str, ItemResult]
    total: Decimal
    maximum: Decimal
    percent: Decimal
    band: Band | None
    rank: int | None = None
    out_of: int | None = None


def compute(session: Session, assessment: Assessment) -> AssessmentResult:
    """Item scores summed up the tree; percent = total / maximum x 100, two decimals."""
    card = card_for(session, assessment)
    rows = {r.item_code: r for r in session.scalars(select(CriterionScore).where(
        CriterionScore.assessment_id == assessment.id))}
    items: dict[str, ItemResult] = {}

    def visit(item: Item) -> Decimal:
        assert item.max_points is not None
        row = rows.get(item.code)
        if item.children:
            final = sum((visit(c) for c in item.children), Decimal(0))
            self_part = None
            appraised = None
        else:
            self_part = row.self_score if row else None
            appraised = row.appraised_score if row else None
            final = appraised if appraised is not None else (self_part or Decimal(0))
        items[item.code] = ItemResult(item, self_part, appraised, final,
                                      item.max_points - final, row)
        return final

    total = sum((visit(d) for d in card.domains), Decimal(0))
    items = {item.code: items[item.code] for item in card.items()}  # domains before parts
    maximum = sum((d.max_points or Decimal(0) for d in card.domains), Decimal(0))
    percent = (total / maximum * 100).quantize(TWO, ROUND_HALF_UP) if maximum else Decimal(0)
    return AssessmentResult(assessment, items, total, maximum, percent, card.band_for(percent))


def ranked(session: Session, version: ScorecardVersion) -> list[AssessmentResult]:
    """Every assessment of ``version`` (the peers: same scorecard, same year), best first,
    with competition ranks (equal percentages share a rank); computed once per transaction."""
    return remembered(session, ("ranked", version.id), lambda: _ranked(session, version))


def _ranked(session: Session, version: ScorecardVersion) -> list[AssessmentResult]:
    results = [compute(session, a) for a in session.scalars(
        select(Assessment).where(Assessment.scorecard_version_id == version.id))]
    results.sort(key=lambda r: (-r.percent, r.assessment.unit.code))
    out: list[AssessmentResult] = []
    for position, result in enumerate(results, start=1):
        rank = out[-1].rank if out and out[-1].percent == result.percent else position
        out.append(AssessmentResult(result.assessment, result.items, result.total,
                                    result.maximum, result.percent, result.band, rank,
                                    len(results)))
    return out


def result_for(session: Session, assessment: Assessment) -> AssessmentResult:
    """The assessment's figures with its rank among peers."""
    for result in ranked(session, assessment.scorecard_version):
        if result.assessment.id == assessment.id:
            return result
    raise LookupError(assessment.id)


def find_assessment(session: Session, unit: Unit, year: int,
                    scorecard_key: str | None = None) -> Assessment | None:
    """The unit's assessment for ``year`` (of ``scorecard_key`` when given)."""
    query = select(Assessment).join(ScorecardVersion).where(
        Assessment.unit_id == unit.id, Assessment.year == year)
    if scorecard_key:
        query = query.where(ScorecardVersion.key == scorecard_key)
    return session.scalars(query.order_by(Assessment.id.desc())).first()
