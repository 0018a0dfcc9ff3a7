"""The staff menu: only the pages the signed-in user's role and unit let them open.

Each entry follows the rule of the page it leads to (``webapp/auth/access.py`` and the
access matrix test): follow-up pages for every role in their own subtree, counters for unit
managers and administrators, exports for analysts and administrators, administration for
administrators, fieldwork for staff with people assigned to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..auth.access import can_act
from ..models import Role, Unit, User
from ..models.fieldwork import FieldSample, SampleMember
from ..models.par_index import Assessment, ScorecardVersion


@dataclass(frozen=True)
class MenuItem:
    """One link of the staff menu; ``current`` when the page shown is under it."""

    label: str
    url: str
    current: bool = False


def home_unit(session: Session, user: User) -> Unit | None:
    """The unit a user's menu opens: their own, or the first top-level unit for administrators."""
    if user.unit is not None:
        return user.unit
    if user.role is not Role.ADMIN:
        return None
    return session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.code)
                          .limit(1))


def par_index_year(session: Session, unit: Unit, today: dt.date | None = None) -> int:
    """The PAR INDEX year the menu opens: the unit's latest assessment, else the latest
    scorecard loaded, else last year (PAR INDEX assesses a finished year)."""
    year = session.scalar(select(func.max(Assessment.year)).where(Assessment.unit_id == unit.id))
    if year is None:
        year = session.scalar(select(func.max(ScorecardVersion.year)))
    return int(year) if year is not None else (today or dt.date.today()).year - 1


def has_assignments(session: Session, user: User) -> bool:
    """Whether open samples have members assigned to ``user`` (the fieldwork page's rows)."""
    return session.scalar(
        select(func.count(SampleMember.id)).join(FieldSample)
        .where(SampleMember.interviewer_id == user.id, FieldSample.closed_at.is_(None))) != 0


def staff_menu(session: Session, user: User) -> list[MenuItem]:
    """The menu of ``user``: every link opens a page their role and unit may see."""
    if user.role is Role.INTERVIEWER:  # interviewers open only their fieldwork pages
        return _marked([(str(_l("Fieldwork")), url_for("fieldwork.assignments"))])
    unit = home_unit(session, user)
    entries: list[tuple[str, str]] = [(str(_l("Indices")), url_for("dashboard.home"))]
    entries.append((str(_l("Comments")), url_for("comments.inbox")))
    if unit is not None:
        entries.append((str(_l("Action plans")),
                        url_for("actions.action_plans", code=unit.code)))
        if can_act(user):
            entries.append((str(_l("Counters and QR posters")),
                            url_for("counters.counters", code=unit.code)))
            entries.append((str(_l("Listening and faces")),
                            url_for("inclusion.pictorial_units")))
        entries.append(("PAR INDEX", url_for("par_index.index")))
    if has_assignments(session, user):
        entries.append((str(_l("Fieldwork")), url_for("fieldwork.assignments")))
    elif user.role is Role.ANALYST:  # analysts type and resolve paper forms
        entries.append((str(_l("Fieldwork")), url_for("paper_entry.entry")))
    if user.role in (Role.ADMIN, Role.ANALYST):  # supervisors: rates and back-checks
        entries.append((str(_l("Fieldwork monitoring")), url_for("field_monitoring.samples")))
        entries.append((str(_l("Microdata export")), url_for("export.form")))
    if user.role is Role.ADMIN:
        entries.append((str(_l("Administration")), url_for("admin.index")))
    return _marked(entries)


def _marked(entries: list[tuple[str, str]]) -> list[MenuItem]:
    """The items, the one whose page is shown marked current."""
    path = request.path
    current = max((url for _, url in entries if path.startswith(url.split("?")[0])),
                  key=len, default=None)
    return [MenuItem(label, url, url == current) for label, url in entries]
