"""Which field samples a staff member may work on: those of their unit's subtree.

A sample belongs to the unit that runs its fieldwork (``FieldSample.unit_id``). Supervising it
(monitoring, back-checks, resolving paper forms) is for staff whose subtree holds that unit.
Working on it (interviews, typing paper forms) is also for field staff placed below it: a
province's sample is fielded by interviewers and clerks of its communes. A sample without a
unit (drawn before samples had one) is supervised by administrators only, and fielded by the
interviewers it was assigned to.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from ..auth.access import visible_unit_ids
from ..models import FieldSample, Role, Unit, User


def _ancestors(session: Session, unit_id: int) -> set[int]:
    found: set[int] = set()
    current: int | None = unit_id
    while current is not None and current not in found:
        found.add(current)
        current = session.scalar(select(Unit.parent_id).where(Unit.id == current))
    return found


def supervised_filter(session: Session, user: User) -> ColumnElement[bool]:
    """A WHERE clause: samples whose unit lies in ``user``'s subtree."""
    visible = visible_unit_ids(session, user)
    if visible is None:
        return true()
    if not visible:
        return false()
    return FieldSample.unit_id.in_(visible)


def worked_filter(session: Session, user: User) -> ColumnElement[bool]:
    """A WHERE clause: samples ``user`` supervises, or whose unit is above ``user``'s unit."""
    if user.role is Role.ADMIN:
        return true()
    if user.unit_id is None:
        return false()
    return or_(supervised_filter(session, user),
               FieldSample.unit_id.in_(_ancestors(session, user.unit_id)))


def assigned_filter(session: Session, user: User) -> ColumnElement[bool]:
    """A WHERE clause for an interviewer's own assignments: samples ``user`` works on, and
    samples without a unit (their assignment is their only scope)."""
    return or_(FieldSample.unit_id.is_(None), worked_filter(session, user))


def may_supervise(session: Session, user: User, sample: FieldSample) -> bool:
    """Whether ``user`` may supervise ``sample`` (see :func:`supervised_filter`)."""
    visible = visible_unit_ids(session, user)
    return visible is None or (sample.unit_id is not None and sample.unit_id in visible)


def may_work_on(session: Session, user: User, sample: FieldSample) -> bool:
    """Whether ``user`` may interview for or type forms of ``sample``."""
    if may_supervise(session, user, sample):
        return True
    return (user.unit_id is not None and sample.unit_id is not None
            and sample.unit_id in _ancestors(session, user.unit_id))
