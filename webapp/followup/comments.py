"""Citizens' comments as staff follow them up: filter, assign, reply, close."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..models import Comment, ProcedureField, Role, Unit, User
from ..periods import parse_period
from ..respond.contacts import forget_contact

STATUSES = ("open", "assigned", "replied", "closed")
PAGE_SIZE = 50


class CommentError(ValueError):
    """A follow-up that cannot be done as asked."""


@dataclass(frozen=True)
class CommentFilter:
    """What the inbox shows: period (any form), procedure field code, criterion, status."""

    period: str | None = None
    field: str | None = None
    criterion: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class CommentRow:
    """A comment with the names the inbox shows beside it."""

    comment: Comment
    unit_code: str
    unit_name: str
    field_code: str | None
    assignee: str | None
    unit_name_en: str | None = None

    def unit_label(self, language: str) -> str:
        """The unit's name in the page's language (Vietnamese when it has no English one)."""
        return self.unit_name_en if language == "en" and self.unit_name_en else self.unit_name


def list_comments(session: Session, unit_ids: Collection[int] | None,
                  filters: CommentFilter, *, limit: int = PAGE_SIZE) -> list[CommentRow]:
    """Comments of the given units (every unit when None), newest first, filtered."""
    query = (select(Comment, Unit.code, Unit.name_vi, ProcedureField.code, User.email,
                    Unit.name_en)
             .join(Unit, Comment.unit_id == Unit.id)
             .outerjoin(ProcedureField, Comment.field_id == ProcedureField.id)
             .outerjoin(User, Comment.assigned_to_id == User.id)
             .order_by(Comment.period.desc(), Comment.id.desc()).limit(limit))
    if unit_ids is not None:
        query = query.where(Comment.unit_id.in_(list(unit_ids)))
    if filters.period:
        query = query.where(Comment.period.in_(parse_period(filters.period).months()))
    if filters.field:
        query = query.where(ProcedureField.code == filters.field)
    if filters.criterion:
        query = query.where(Comment.criterion == filters.criterion)
    if filters.status:
        query = query.where(Comment.status == filters.status)
    return [CommentRow(c, code, name, field, email, name_en)
            for c, code, name, field, email, name_en in session.execute(query).all()]


def assignable_users(session: Session, unit_ids: Collection[int] | None) -> list[User]:
    """Active staff who may act on comments of these units: managers inside, admins."""
    query = select(User).where(User.active.is_(True),
                               User.role.in_([Role.ADMIN, Role.UNIT_MANAGER]))
    users = list(session.scalars(query.order_by(User.email)))
    if unit_ids is None:
        return users
    return [u for u in users if u.role is Role.ADMIN or u.unit_id in unit_ids]


def follow_up(session: Session, comment: Comment, *, action: str, user_id: int,
              reply: str | None = None, assignee: User | None = None,
              contact_handed_over: bool = False) -> None:
    """Assign, reply to, close or reopen a comment, and record who did it."""
    if action == "assign":
        if assignee is None:
            raise CommentError("choose whom to assign the comment to")
        comment.assigned_to_id, comment.status = assignee.id, "assigned"
    elif action == "reply":
        text = (reply or "").strip()
        if not text:
            raise CommentError("the reply is empty")
        comment.reply, comment.status = text[:4000], "replied"
    elif action == "close":
        comment.status = "closed"
        forget_contact(session, comment)  # a closed comment needs no phone number
    elif action == "reopen":
        comment.status = "open"
    else:
        raise CommentError(f"unknown action {action!r}")
    audit.record(session, f"comments.{action}", target=f"comment:{comment.id}", user_id=user_id,
                 detail={"assignee": assignee.email if assignee else None,
                         **({"contact_handed_over": True} if contact_handed_over else {})})
    session.commit()


def criteria_in_use(session: Session, unit_ids: Collection[int] | None) -> list[str]:
    """Criterion ids that comments of these units are tagged with."""
    query = select(Comment.criterion).where(Comment.criterion.is_not(None)).distinct()
    if unit_ids is not None:
        query = query.where(Comment.unit_id.in_(list(unit_ids)))
    return sorted(c for c in session.scalars(query) if c)


def field_codes(session: Session) -> list[tuple[str, str, str | None]]:
    """Procedure fields: code, Vietnamese and English names."""
    return [tuple(r) for r in session.execute(  # type: ignore[misc]
        select(ProcedureField.code, ProcedureField.name_vi, ProcedureField.name_en)
        .order_by(ProcedureField.code)).all()]
