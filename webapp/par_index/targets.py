"""Targets (đạt / chưa đạt), points lost or gained year on year, owners and remedies.

Rules
-----
* A target is set by the level above (an administrator or a manager of a unit above) for one
  scorecard item, or for the whole index (``item_code`` ''), of one unit and year. Kinds:
  ``level`` (reach ``value``: points for an item, percent for the whole index), ``no_worse``
  (no less than last year's final score) and ``top_half`` (rank in the better half of the peers
  with the same scorecard version).
* An item without a target is đạt when it lost no points (scored its maximum).
* Lost points = maximum - final score; the list is worst first (most points lost, then the
  largest fall since last year), each with its responsible unit and account and its remedies:
  action plans of the unit for that item (``survey_key`` = the scorecard key), owned by accounts.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..models import ActionPlan, ActionPlanOwner, Assessment, Target, Unit, User
from ..unit_tree import subtree_ids
from .assessment import AssessmentError, can_appraise, is_unit_manager, score_row
from .results import AssessmentResult, find_assessment, ranked, result_for

KINDS = ("level", "no_worse", "top_half")


def set_target(session: Session, assessment: Assessment, item_code: str, kind: str, *,
               by: User, value: Decimal | None = None) -> Target:
    """Set (or replace) the target of one item ('' for the whole index) of an assessment."""
    if not can_appraise(session, by, assessment):
        raise AssessmentError(_l("targets are set by the level above"))
    if kind not in KINDS:
        raise AssessmentError(_l("unknown target kind %(kind)s", kind=repr(kind)))
    if (kind == "level") != (value is not None):
        raise AssessmentError(_l("a 'level' target needs a value; the others take none"))
    key = assessment.scorecard_version.key
    target = session.scalar(select(Target).where(
        Target.unit_id == assessment.unit_id, Target.year == assessment.year,
        Target.index_key == key, Target.item_code == item_code))
    if target is None:
        target = Target(unit_id=assessment.unit_id, year=assessment.year, index_key=key,
                        item_code=item_code, kind=kind)
        session.add(target)
    target.kind, target.value, target.set_by_id = kind, value, by.id
    audit.record(session, "parindex.target", target=f"{assessment.unit.code}:"
                 f"{assessment.year}:{item_code or '*'}", user_id=by.id,
                 detail={"kind": kind, "value": None if value is None else str(value)})
    session.commit()
    return target


@dataclass(frozen=True)
class Verdict:
    """Whether an item (or the whole index, code '') reached its target."""

    item_code: str
    achieved: bool
    target: Target | None
    actual: Decimal
    expected: Decimal | None
    rank: int | None = None
    out_of: int | None = None


@dataclass(frozen=True)
class LostPoints:
    """A criterion that lost points or fell since last year, with owner and remedies."""

    item_code: str
    name: str
    maximum: Decimal
    final: Decimal
    lost: Decimal
    previous: Decimal | None
    change: Decimal | None
    responsible_unit: Unit | None
    responsible: User | None
    cause: str | None
    plans: list[tuple[ActionPlan, User | None]] = field(default_factory=list)


def previous_result(session: Session, assessment: Assessment) -> AssessmentResult | None:
    """Last year's result of the same unit and scorecard key, if any."""
    before = find_assessment(session, assessment.unit, assessment.year - 1,
                             assessment.scorecard_version.key)
    return result_for(session, before) if before is not None else None


def _item_ranks(peers: list[AssessmentResult], code: str, unit_id: int) -> tuple[int, int]:
    finals = sorted((p.items[code].final for p in peers if code in p.items), reverse=True)
    mine = next(p.items[code].final for p in peers if p.assessment.unit_id == unit_id)
    return finals.index(mine) + 1, len(finals)


def verdicts(session: Session, result: AssessmentResult,
             previous: AssessmentResult | None) -> dict[str, Verdict]:
    """đạt / chưa đạt of the whole index ('') and of every item."""
    a = result.assessment
    targets = {t.item_code: t for t in session.scalars(select(Target).where(
        Target.unit_id == a.unit_id, Target.year == a.year,
        Target.index_key == a.scorecard_version.key))}
    peers = ranked(session, a.scorecard_version)
    out: dict[str, Verdict] = {}
    codes = ["", *result.items]
    for code in codes:
        actual = result.percent if code == "" else result.items[code].final
        target = targets.get(code)
        rank, out_of = ((result.rank, result.out_of) if code == ""
                        else _item_ranks(peers, code, a.unit_id))
        expected: Decimal | None
        if target is None:
            expected = Decimal(100) if code == "" else result.items[code].item.max_points
            achieved = expected is not None and actual >= expected
        elif target.kind == "level":
            expected = target.value
            achieved = expected is not None and actual >= expected
        elif target.kind == "no_worse":
            if previous is None:
                expected = None
            else:
                expected = (previous.percent if code == "" else
                            previous.items[code].final if code in previous.items else None)
            achieved = expected is None or actual >= expected
        else:  # top_half
            expected = None
            achieved = (rank is not None and out_of is not None
                        and rank <= math.ceil(out_of / 2))
        out[code] = Verdict(code, achieved, target, actual, expected, rank, out_of)
    return out


@dataclass(frozen=True)
class DomainRank:
    """A domain's (lĩnh vực) points and rank among peers this year and last year."""

    code: str
    name: str
    final: Decimal
    maximum: Decimal
    rank: int
    out_of: int
    previous_rank: int | None
    previous_out_of: int | None

    @property
    def steps(self) -> int | None:
        """Places gained (positive) or lost (negative) since last year; None without one."""
        return None if self.previous_rank is None else self.previous_rank - self.rank


def domain_ranks(session: Session, result: AssessmentResult,
                 previous: AssessmentResult | None) -> list[DomainRank]:
    """Rank of each domain among the peers of this year and of last year, in card order."""
    peers = ranked(session, result.assessment.scorecard_version)
    before = ranked(session, previous.assessment.scorecard_version) if previous else []
    unit_id = result.assessment.unit_id
    out = []
    for code, item_result in result.items.items():
        if item_result.item.kind != "domain":
            continue
        rank, out_of = _item_ranks(peers, code, unit_id)
        old: tuple[int | None, int | None] = (None, None)
        if previous is not None and code in previous.items:
            old = _item_ranks(before, code, unit_id)
        out.append(DomainRank(code, item_result.item.name.get("vi", code), item_result.final,
                              item_result.item.max_points or Decimal(0), rank, out_of, *old))
    return out


def lost_points(session: Session, result: AssessmentResult,
                previous: AssessmentResult | None) -> list[LostPoints]:
    """Scored items that lost points or fell since last year, worst first."""
    a = result.assessment
    plans: dict[str, list[tuple[ActionPlan, User | None]]] = {}
    rows = session.execute(
        select(ActionPlan, User).outerjoin(ActionPlanOwner,
                                           ActionPlanOwner.action_plan_id == ActionPlan.id)
        .outerjoin(User, User.id == ActionPlanOwner.user_id)
        .where(ActionPlan.unit_id == a.unit_id,
               ActionPlan.survey_key == a.scorecard_version.key)
        .order_by(ActionPlan.deadline, ActionPlan.id))
    for plan, owner in rows:
        plans.setdefault(plan.index_id, []).append((plan, owner))
    out = []
    for code, item_result in result.items.items():
        if item_result.item.children:
            continue
        before = (previous.items[code].final
                  if previous is not None and code in previous.items else None)
        change = None if before is None else item_result.final - before
        if item_result.lost <= 0 and (change is None or change >= 0):
            continue
        row = item_result.row
        out.append(LostPoints(
            code, item_result.item.name.get("vi", code), item_result.item.max_points or
            Decimal(0), item_result.final, item_result.lost, before, change,
            session.get(Unit, row.responsible_unit_id) if row and row.responsible_unit_id
            else None,
            session.get(User, row.responsible_user_id) if row and row.responsible_user_id
            else None,
            row.cause if row else None, plans.get(code, [])))
    out.sort(key=lambda lp: (-lp.lost, lp.change if lp.change is not None else 0,
                             lp.item_code))
    return out


def set_cause(session: Session, assessment: Assessment, item_code: str, cause: str,
              user: User) -> None:
    """Record the cause (nguyên nhân) staff give for a criterion's lost points."""
    if not is_unit_manager(session, user, assessment.unit_id):
        raise AssessmentError(_l("only a manager of the unit records causes"))
    row = score_row(session, assessment, item_code)
    row.cause = cause.strip() or None
    audit.record(session, "parindex.cause", target=f"{assessment.unit.code}:"
                 f"{assessment.year}:{item_code}", user_id=user.id)
    session.commit()


def add_remedy(session: Session, assessment: Assessment, item_code: str, *, owner: User,
               deadline: dt.date, description: str, by: User) -> ActionPlan:
    """An action plan for a criterion that lost points, owned by an account of the unit's
    tree, with a deadline (status 'open' until marked done on the action-plan page)."""
    if not is_unit_manager(session, by, assessment.unit_id) and not can_appraise(
            session, by, assessment):
        raise AssessmentError(_l("only a manager of the unit or of the level above adds "
                                 "remedies"))
    score_row(session, assessment, item_code)
    if owner.unit_id is None or assessment.unit_id not in subtree_ids(session, owner.unit_id) \
            and owner.unit_id not in subtree_ids(session, assessment.unit_id):
        raise AssessmentError(_l("%(account)s works outside this unit's tree",
                                 account=owner.email))
    if not description.strip():
        raise AssessmentError(_l("a remedy needs a description"))
    plan = ActionPlan(unit_id=assessment.unit_id, survey_key=assessment.scorecard_version.key,
                      index_id=item_code, baseline_period=str(assessment.year),
                      owner=owner.email, deadline=deadline, description=description.strip(),
                      created_by_id=by.id)
    session.add(plan)
    session.flush()
    session.add(ActionPlanOwner(action_plan_id=plan.id, user_id=owner.id))
    audit.record(session, "parindex.remedy", target=f"action_plan:{plan.id}", user_id=by.id,
                 detail={"unit": assessment.unit.code, "item": item_code, "owner": owner.id})
    session.commit()
    return plan
