"""Action plans: a remedy recorded against a weak criterion, and its before/after figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..models import ActionPlan, Unit
from ..periods import parse_period
from ..statistics.indices import IndexTable
from ..statistics.indices_cache import cached_indices
from ..statistics.unit_report import Figure, figure_of, index_labels, unit_rows
from ..survey_versions import latest_version, load_version

STATUSES = ("open", "done")


class ActionPlanError(ValueError):
    """An action plan that cannot be recorded as given."""


@dataclass(frozen=True)
class PlanProgress:
    """A plan with its criterion in the baseline period and in a later period (``after_period``
    empty when the period shown is not after the baseline: there is no "after" yet)."""

    plan: ActionPlan
    label: str
    before: Figure | None
    after: Figure | None
    after_period: str


def baseline_for(period: str, today: dt.date | None = None) -> str:
    """The baseline of a plan recorded while ``period`` is shown: that period once it is over,
    else the one before it (a period still running is no result to start from)."""
    shown = parse_period(period)
    today = today or dt.date.today()
    if shown.months()[-1] >= f"{today.year:04d}-{today.month:02d}":
        return str(shown.previous())
    return str(shown)


def later(period: str, than: str) -> bool:
    """Whether ``period`` ends after ``than`` ends (an "after" figure exists)."""
    return parse_period(period).months()[-1] > parse_period(than).months()[-1]


def create_action_plan(session: Session, *, unit: Unit, survey_key: str, index_id: str,
                       baseline_period: str, owner: str, deadline: dt.date,
                       description: str, user_id: int | None = None) -> ActionPlan:
    """Record a remedy for ``index_id`` of ``survey_key`` in ``unit``."""
    version = latest_version(session, survey_key)
    if version is None:
        raise ActionPlanError(f"survey {survey_key!r} is not published")
    if index_id not in index_labels(load_version(version), "vi"):
        raise ActionPlanError(f"{index_id!r} is not a criterion of {survey_key}")
    parse_period(baseline_period)
    if not owner.strip() or not description.strip():
        raise ActionPlanError("an owner and a description are required")
    plan = ActionPlan(unit_id=unit.id, survey_key=survey_key, index_id=index_id,
                      baseline_period=baseline_period, owner=owner.strip()[:200],
                      deadline=deadline, description=description.strip(),
                      created_by_id=user_id)
    session.add(plan)
    session.flush()
    audit.record(session, "actions.create", target=f"action_plan:{plan.id}", user_id=user_id,
                 detail={"unit": unit.code, "survey": survey_key, "criterion": index_id})
    session.commit()
    return plan


def set_plan_status(session: Session, plan: ActionPlan, status: str, *,
                    user_id: int | None = None) -> None:
    """Mark a plan open or done."""
    if status not in STATUSES:
        raise ActionPlanError(f"unknown status {status!r}")
    plan.status = status
    audit.record(session, "actions.status", target=f"action_plan:{plan.id}", user_id=user_id,
                 detail={"status": status})
    session.commit()


def list_plans(session: Session, unit_ids: Collection[int] | None,
               survey_key: str | None = None) -> list[ActionPlan]:
    """Plans of the given units (every unit when None), newest first."""
    query = select(ActionPlan).order_by(ActionPlan.created_at.desc(), ActionPlan.id.desc())
    if unit_ids is not None:
        query = query.where(ActionPlan.unit_id.in_(list(unit_ids)))
    if survey_key:
        query = query.where(ActionPlan.survey_key == survey_key)
    return list(session.scalars(query))


def plan_progress(session: Session, plans: list[ActionPlan], after_period: str,
                  language: str = "vi") -> list[PlanProgress]:
    """Each plan's criterion before (baseline period) and after (``after_period``)."""
    tables: dict[tuple[str, str, str], IndexTable] = {}
    out = []
    for plan in plans:
        version = latest_version(session, plan.survey_key)
        labels = index_labels(load_version(version), language) if version else {}

        def figure(period: str, plan: ActionPlan = plan,
                   labels: dict[str, str] = labels) -> Figure | None:
            key = (plan.survey_key, period, plan.unit.code)
            if key not in tables:
                tables[key] = cached_indices(session, *key)
            rows = unit_rows(tables[key].results, plan.unit.code)
            rows = rows[rows["index_id"] == plan.index_id] if not rows.empty else rows
            return figure_of(rows.iloc[0], labels) if not rows.empty else None

        after = after_period if later(after_period, plan.baseline_period) else ""
        out.append(PlanProgress(plan, labels.get(plan.index_id, plan.index_id),
                                figure(plan.baseline_period),
                                figure(after) if after else None, after))
    return out
