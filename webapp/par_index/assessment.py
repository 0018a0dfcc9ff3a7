"""Self-assessment and appraisal of a unit's scorecard for a year.

Rules
-----
* Every leaf item of the scorecard gets a :class:`CriterionScore`. Each is assigned to a
  responsible unit and a named account; that account (or a manager of the assessed unit)
  self-scores it with a declared value, an explanation and evidence files.
* Items taken from a survey (``self_scored_by: none``) are never self-scored.
* Submitting needs a self-score on every self-scored item, and for each either evidence or an
  explanation (giải trình).
* A manager of a unit above the assessed unit (or an administrator) appraises: accepts the
  self-score or adjusts it, with a reason for every adjustment. The appraised score replaces
  the self-score.
* Every change writes an audit entry: who, what, when.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_defs.scorecards import Item, Scorecard

from .. import audit
from ..models import (
    Assessment,
    CriterionScore,
    EvidenceFile,
    Role,
    ScorecardVersion,
    Unit,
    User,
)
from ..models.base import utcnow
from ..unit_tree import subtree_ids
from .scorecards import scorecard_of


class AssessmentError(Exception):
    """A scoring step that is not allowed or not valid; nothing was changed."""


def open_assessment(session: Session, unit: Unit, version: ScorecardVersion,
                    user: User) -> Assessment:
    """Create the unit's assessment for ``version`` (once), with one row per leaf item."""
    existing = session.scalar(select(Assessment).where(
        Assessment.unit_id == unit.id, Assessment.scorecard_version_id == version.id))
    if existing is not None:
        return existing
    card = scorecard_of(session, version)
    missing = [i.code for i in card.items() if i.max_points is None]
    if missing:
        raise AssessmentError(_l(
            "the point table of %(card)s %(version)s is not loaded (items without points: "
            "%(items)s)", card=version.key, version=version.version,
            items=", ".join(missing[:5])))
    assessment = Assessment(unit_id=unit.id, scorecard_version_id=version.id,
                            year=version.year)
    session.add(assessment)
    session.flush()
    session.add_all(CriterionScore(assessment_id=assessment.id, item_code=item.code)
                    for item in card.leaves())
    audit.record(session, "parindex.open", target=f"{unit.code}:{version.year}",
                 user_id=user.id, detail={"scorecard": f"{version.key}:{version.version}"})
    session.commit()
    return assessment


def card_for(session: Session, assessment: Assessment) -> Scorecard:
    """The scorecard (with points) an assessment is scored against."""
    return scorecard_of(session, assessment.scorecard_version)


def score_row(session: Session, assessment: Assessment, item_code: str) -> CriterionScore:
    """The score row of ``item_code`` (AssessmentError when the item is not a leaf)."""
    row = session.scalar(select(CriterionScore).where(
        CriterionScore.assessment_id == assessment.id, CriterionScore.item_code == item_code))
    if row is None:
        raise AssessmentError(_l("'%(item)s' is not a scored item of this scorecard",
                                 item=item_code))
    return row


def is_unit_manager(session: Session, user: User, unit_id: int) -> bool:
    """Administrators, and managers of the assessed unit itself: a self-assessment is the
    unit's own (managers above it appraise instead)."""
    del session
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.UNIT_MANAGER and user.unit_id == unit_id


def assign(session: Session, assessment: Assessment, item_code: str, *,
           responsible_unit: Unit, account: User, by: User) -> CriterionScore:
    """Make ``account`` of ``responsible_unit`` responsible for one item."""
    if not is_unit_manager(session, by, assessment.unit_id):
        raise AssessmentError(_l("only a manager of the unit assigns its criteria"))
    if account.unit_id is None or account.unit_id not in subtree_ids(session,
                                                                    responsible_unit.id):
        raise AssessmentError(_l("%(account)s does not belong to %(unit)s",
                                 account=account.email, unit=responsible_unit.name_vi))
    row = score_row(session, assessment, item_code)
    row.responsible_unit_id, row.responsible_user_id = responsible_unit.id, account.id
    audit.record(session, "parindex.assign", target=_target(assessment, item_code),
                 user_id=by.id, detail={"unit": responsible_unit.code, "account": account.id})
    session.commit()
    return row


def _target(assessment: Assessment, item_code: str) -> str:
    return f"{assessment.unit.code}:{assessment.year}:{item_code}"


def _points(item: Item, value: str) -> Decimal:
    """Points of a declared ``value`` under the item's rule (AssessmentError when invalid)."""
    assert item.rule is not None and item.max_points is not None
    rule = item.rule
    declared: object
    if rule.type == "yesno":
        if value not in ("yes", "no"):
            raise AssessmentError(_l("'%(item)s' is answered yes or no", item=item.code))
        declared = value == "yes"
    elif rule.type == "levels":
        if value not in {level.id for level in rule.levels}:
            raise AssessmentError(_l("'%(item)s': choose one of the listed levels",
                                     item=item.code))
        declared = value
    else:
        try:
            declared = Decimal(value.replace(",", "."))
        except InvalidOperation as exc:
            raise AssessmentError(_l("'%(item)s': %(value)s is not a number", item=item.code,
                                     value=repr(value))) from exc
        if not declared.is_finite():
            raise AssessmentError(_l("'%(item)s': %(value)s is not a number", item=item.code,
                                     value=repr(value)))
    try:
        return rule.points(item.max_points, declared).quantize(Decimal("0.001"))
    except ValueError as exc:
        raise AssessmentError(_l("'%(item)s': %(why)s", item=item.code, why=str(exc))) from exc


def self_score(session: Session, assessment: Assessment, item_code: str, *, value: str,
               explanation: str, user: User) -> CriterionScore:
    """Record the self-score of one item from its declared value (số liệu kê khai)."""
    if assessment.status != "draft":
        raise AssessmentError(_l("the self-assessment was submitted; it can no longer change"))
    row = score_row(session, assessment, item_code)
    item = card_for(session, assessment).item(item_code)
    if item.self_scored_by == "none":
        raise AssessmentError(_l("'%(item)s' comes from a survey and is not self-scored",
                                 item=item_code))
    if row.responsible_user_id != user.id and not is_unit_manager(session, user,
                                                                 assessment.unit_id):
        raise AssessmentError(_l("only the account assigned to this criterion or a manager of "
                                 "the unit may score it"))
    row.self_score = _points(item, value)
    row.declared_value = value
    row.explanation = explanation.strip() or None
    row.scored_by_id, row.scored_at = user.id, utcnow()
    audit.record(session, "parindex.self_score", target=_target(assessment, item_code),
                 user_id=user.id, detail={"value": value, "points": str(row.self_score)})
    session.commit()
    return row


def set_survey_value(session: Session, assessment: Assessment, item_code: str,
                     value: Decimal, *, user: User | None = None) -> CriterionScore:
    """Score a survey-based item from the unit's own index ``value`` by its tagged rule."""
    item = card_for(session, assessment).item(item_code)
    if item.rule is None or item.rule.type != "survey":
        raise AssessmentError(_l("'%(item)s' is not taken from a survey", item=item_code))
    row = score_row(session, assessment, item_code)
    row.declared_value = str(value)
    row.appraised_score = _points(item, str(value))
    row.appraisal_reason = (f"{item.rule.survey_index} = {value}; conversion "
                            f"[{item.rule.verification}: {item.rule.source}]")
    row.appraised_at = utcnow()
    audit.record(session, "parindex.survey_value", target=_target(assessment, item_code),
                 user_id=user.id if user else None, detail={"value": str(value)})
    session.commit()
    return row


def submit(session: Session, assessment: Assessment, user: User) -> Assessment:
    """Submit the self-assessment for appraisal once every item is scored and justified."""
    if not is_unit_manager(session, user, assessment.unit_id):
        raise AssessmentError(_l("only a manager of the unit submits its self-assessment"))
    if assessment.status != "draft":
        raise AssessmentError(_l("the self-assessment was already submitted"))
    card = card_for(session, assessment)
    rows = session.scalars(select(CriterionScore).where(
        CriterionScore.assessment_id == assessment.id)).all()
    with_evidence = set(session.scalars(select(EvidenceFile.criterion_score_id).where(
        EvidenceFile.criterion_score_id.in_([r.id for r in rows]))))
    unscored, unjustified = [], []
    for row in rows:
        if card.item(row.item_code).self_scored_by == "none":
            continue
        if row.self_score is None:
            unscored.append(row.item_code)
        elif row.id not in with_evidence and not row.explanation:
            unjustified.append(row.item_code)
    if unscored or unjustified:
        parts = []
        if unscored:
            parts.append(str(_l("not scored: %(items)s", items=", ".join(unscored))))
        if unjustified:
            parts.append(str(_l("neither evidence nor explanation: %(items)s",
                                items=", ".join(unjustified))))
        raise AssessmentError(_l("cannot submit; %(why)s", why="; ".join(parts)))
    assessment.status, assessment.submitted_at = "submitted", utcnow()
    assessment.submitted_by_id = user.id
    audit.record(session, "parindex.submit", target=f"{assessment.unit.code}:{assessment.year}",
                 user_id=user.id)
    session.commit()
    return assessment


def can_appraise(session: Session, user: User, assessment: Assessment) -> bool:
    """Administrators, and managers of a unit strictly above the assessed unit."""
    if user.role is Role.ADMIN:
        return True
    return (user.role is Role.UNIT_MANAGER and user.unit_id is not None
            and user.unit_id != assessment.unit_id
            and assessment.unit_id in subtree_ids(session, user.unit_id))


def appraise(session: Session, assessment: Assessment, item_code: str, *, reviewer: User,
             score: Decimal | None = None, reason: str = "") -> CriterionScore:
    """Accept the self-score (``score`` None) or adjust it to ``score`` with a ``reason``."""
    if not can_appraise(session, reviewer, assessment):
        raise AssessmentError(_l("only a reviewer of the unit above appraises"))
    if assessment.status != "submitted":
        raise AssessmentError(_l("only a submitted self-assessment is appraised"))
    row = score_row(session, assessment, item_code)
    item = card_for(session, assessment).item(item_code)
    if item.self_scored_by == "none":
        raise AssessmentError(_l("'%(item)s' comes from a survey and is not appraised",
                                 item=item_code))
    assert item.max_points is not None
    if score is None:
        row.appraised_score = row.self_score
        row.appraisal_reason = reason.strip() or None
    else:
        if not 0 <= score <= item.max_points:
            raise AssessmentError(_l("'%(item)s': %(score)s is outside 0..%(max)s", item=item_code,
                                     score=score, max=item.max_points))
        if score != row.self_score and not reason.strip():
            raise AssessmentError(_l("'%(item)s': an adjusted score needs a reason",
                                     item=item_code))
        row.appraised_score, row.appraisal_reason = score, reason.strip() or None
    row.appraised_by_id, row.appraised_at = reviewer.id, utcnow()
    audit.record(session, "parindex.appraise", target=_target(assessment, item_code),
                 user_id=reviewer.id, detail={"self": str(row.self_score),
                                              "appraised": str(row.appraised_score),
                                              "reason": row.appraisal_reason})
    session.commit()
    return row


def finish_appraisal(session: Session, assessment: Assessment, reviewer: User) -> Assessment:
    """Close the appraisal once every self-scored item is appraised."""
    if not can_appraise(session, reviewer, assessment):
        raise AssessmentError(_l("only a reviewer of the unit above appraises"))
    open_items = [r.item_code for r in session.scalars(select(CriterionScore).where(
        CriterionScore.assessment_id == assessment.id, CriterionScore.self_score.is_not(None),
        CriterionScore.appraised_score.is_(None)))]
    if open_items:
        raise AssessmentError(_l("not appraised yet: %(items)s", items=", ".join(open_items)))
    assessment.status, assessment.appraised_at = "appraised", utcnow()
    assessment.appraised_by_id = reviewer.id
    audit.record(session, "parindex.appraised",
                 target=f"{assessment.unit.code}:{assessment.year}", user_id=reviewer.id)
    session.commit()
    return assessment

