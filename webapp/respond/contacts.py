"""Contact details a citizen may leave with a comment: kept apart, shown narrowly, deleted soon."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .. import phone as phone_numbers
from ..models import Comment, CommentContact, Role, User
from ..models.anonymity import months_later
from ..models.base import utcnow

# Kept until the start of the third month after the comment's month: 62-92 days, and no time
# finer than the month is stored (a precise deadline would date the submission).
KEEP_MONTHS = 3
class ContactError(ValueError):
    """A phone number that cannot be a Vietnamese phone number."""


def normalise_phone(text: str) -> str:
    """The number in canonical digits (``webapp.phone``, the definition the export scrubber
    uses too); raise ContactError when ``text`` cannot be one."""
    try:
        return phone_numbers.normalise_phone(text)
    except phone_numbers.NotAPhoneNumber as exc:
        raise ContactError(str(exc)) from exc


def attach_contact(session: Session, comment: Comment, phone: str,
                   now: dt.datetime | None = None) -> CommentContact:
    """Keep ``phone`` for follow-up of ``comment`` (no commit: part of the response's
    transaction)."""
    contact = CommentContact(comment_id=comment.id, phone=normalise_phone(phone),
                             delete_after=months_later(now or utcnow(), KEEP_MONTHS))
    session.add(contact)
    return contact


def may_see_contact(user: User, comment: Comment, visible_unit_ids: set[int] | None) -> bool:
    """Only staff handling the comment see the number: the person it is assigned to, or,
    while nobody is, the managers (and administrators) over its unit."""
    if comment.status == "closed":
        return False
    if comment.assigned_to_id is not None:
        return comment.assigned_to_id == user.id
    if user.role is Role.ADMIN:
        return True
    return (user.role is Role.UNIT_MANAGER and visible_unit_ids is not None
            and comment.unit_id in visible_unit_ids)


def contact_of(session: Session, comment: Comment) -> str | None:
    """The phone number left with ``comment``, if any (check may_see_contact first)."""
    return session.scalar(select(CommentContact.phone)
                          .where(CommentContact.comment_id == comment.id))


def forget_contact(session: Session, comment: Comment) -> None:
    """Delete the contact of a comment (when it is closed); no commit."""
    session.execute(delete(CommentContact).where(CommentContact.comment_id == comment.id))


def purge_contacts(session: Session, now: dt.datetime | None = None) -> int:
    """Delete contacts past their keeping time or whose comment is closed; return how many."""
    now = now or utcnow()
    closed = select(Comment.id).where(Comment.status == "closed")
    result = session.execute(delete(CommentContact).where(
        (CommentContact.delete_after <= now) | CommentContact.comment_id.in_(closed)))
    session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
