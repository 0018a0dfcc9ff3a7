"""Remedies recorded for scorecard criteria (action plans whose key is a scorecard's), named as
people read them: the scorecard's title, the year and the criterion's wording."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import translated
from ..models import ActionPlan, ActionPlanOwner, ScorecardVersion, User
from .scorecards import scorecard_of


@dataclass(frozen=True)
class ScorecardRemedy:
    """An action plan for one criterion of a unit's scorecard, with its owning account."""

    plan: ActionPlan
    owner: User | None
    scorecard: str
    year: int
    item_code: str
    item_name: str


def scorecard_remedies(session: Session, unit_ids: Collection[int],
                       language: str = "vi") -> list[ScorecardRemedy]:
    """Remedies for scorecard criteria of the given units, earliest deadline first."""
    keys = set(session.scalars(select(ScorecardVersion.key)))
    if not keys or not unit_ids:
        return []
    rows = session.execute(
        select(ActionPlan, User)
        .outerjoin(ActionPlanOwner, ActionPlanOwner.action_plan_id == ActionPlan.id)
        .outerjoin(User, User.id == ActionPlanOwner.user_id)
        .where(ActionPlan.unit_id.in_(list(unit_ids)), ActionPlan.survey_key.in_(keys))
        .order_by(ActionPlan.deadline, ActionPlan.id))
    out = []
    for plan, owner in rows:
        year = int(plan.baseline_period) if plan.baseline_period.isdigit() else None
        query = select(ScorecardVersion).where(ScorecardVersion.key == plan.survey_key)
        if year is not None:
            query = query.where(ScorecardVersion.year == year)
        version = session.scalar(query.order_by(ScorecardVersion.id.desc()).limit(1))
        if version is None:
            continue
        card = scorecard_of(session, version)
        try:
            name = translated(card.item(plan.index_id).name, language)
        except KeyError:
            name = ""
        out.append(ScorecardRemedy(plan, owner, translated(card.title, language),
                                   version.year, plan.index_id, name))
    return out
