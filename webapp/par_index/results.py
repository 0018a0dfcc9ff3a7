"""Totals, percentage, rank among peers and band of appraised (or self-scored) assessments.

One path computes these figures for pages, the CLI and the báo cáo.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

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


@dataclass(frozen=True)
class _Score:
    """The two numbers of a criterion row that totals need (peers are read without rows)."""

    self_score: Decimal | None
    appraised_score: Decimal | None


def compute(session: Session, assessment: Assessment,
            scores: Mapping[str, _Score] | None = None) -> AssessmentResult:
    """Item scores summed up the tree; percent = total / maximum x 100, two decimals.
    Without ``scores`` (item code -> its two numbers) the rows are read, and kept on the
    items (``ItemResult.row``) for pages that show or change them."""
    card = card_for(session, assessment)
    rows: Mapping[str, CriterionScore | _Score] = scores if scores is not None else {
        r.item_code: r for r in session.scalars(select(CriterionScore).where(
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
                                      item.max_points - final,
                                      row if isinstance(row, CriterionScore) else None)
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
    # Every peer's numbers in one query, without ORM rows: a province's communes are a few
    # hundred peers of 80-odd criteria each.
    scores: dict[int, dict[str, _Score]] = {}
    for assessment_id, code, self_score, appraised in session.execute(
            select(CriterionScore.assessment_id, CriterionScore.item_code,
                   CriterionScore.self_score, CriterionScore.appraised_score)
            .join(Assessment).where(Assessment.scorecard_version_id == version.id)):
        scores.setdefault(assessment_id, {})[code] = _Score(self_score, appraised)
    results = [compute(session, a, scores.get(a.id, {})) for a in session.scalars(
        select(Assessment).options(selectinload(Assessment.unit))
        .where(Assessment.scorecard_version_id == version.id))]
    results.sort(key=lambda r: (-r.percent, r.assessment.unit.code))
    out: list[AssessmentResult] = []
    for position, result in enumerate(results, start=1):
        rank = out[-1].rank if out and out[-1].percent == result.percent else position
        out.append(AssessmentResult(result.assessment, result.items, result.total,
                                    result.maximum, result.percent, result.band, rank,
                                    len(results)))
    return out


def result_for(session: Session, assessment: Assessment) -> AssessmentResult:
    """The assessment's figures with its rank among peers, its items carrying their rows."""
    peer = next((r for r in ranked(session, assessment.scorecard_version)
                 if r.assessment.id == assessment.id), None)
    if peer is None:
        raise LookupError(assessment.id)
    rank, out_of = peer.rank, peer.out_of
    return remembered(session, ("result", assessment.id), lambda: dataclasses.replace(
        compute(session, assessment), rank=rank, out_of=out_of))


def find_assessment(session: Session, unit: Unit, year: int,
                    scorecard_key: str | None = None) -> Assessment | None:
    """The unit's assessment for ``year`` (of ``scorecard_key`` when given)."""
    query = select(Assessment).join(ScorecardVersion).where(
        Assessment.unit_id == unit.id, Assessment.year == year)
    if scorecard_key:
        query = query.where(ScorecardVersion.key == scorecard_key)
    return session.scalars(query.order_by(Assessment.id.desc())).first()
