"""Contact details left with a comment: who sees them, and when they disappear."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.followup.comments import follow_up
from webapp.models import Comment, CommentContact, Role, Unit, User
from webapp.respond.contacts import (
    ContactError,
    attach_contact,
    may_see_contact,
    normalise_phone,
    purge_contacts,
)


@pytest.mark.parametrize(("raw", "expected"), [
    ("0912 345 678", "0912345678"), ("+84 912-345-678", "+84912345678"),
    ("(028) 3829 1234", "02838291234"),
])
def test_normalise_phone__vietnamese_forms(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "12345", "0912", "abc0912345678", "09123456789012"])
def test_normalise_phone__not_a_number__refused(raw: str) -> None:
    with pytest.raises(ContactError):
        normalise_phone(raw)


@pytest.fixture
def comment(session: Session) -> Comment:
    unit = Unit(code="U1", name_vi="Xã Một", unit_type="commune")
    session.add(unit)
    session.flush()
    found = Comment(unit_id=unit.id, period="2026-11", body="Cần thêm ghế.")
    session.add(found)
    session.flush()
    attach_contact(session, found, "0912345678", now=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    session.commit()
    return found


def _user(role: Role, unit_id: int | None, uid: int) -> User:
    user = User(email=f"{uid}@x.vn", password_hash="x", role=role, unit_id=unit_id)
    user.id = uid
    return user


def test_may_see_contact__only_staff_handling_it(comment: Comment) -> None:
    inside = {comment.unit_id}
    manager = _user(Role.UNIT_MANAGER, comment.unit_id, 1)
    assert may_see_contact(manager, comment, inside)
    assert not may_see_contact(_user(Role.VIEWER, comment.unit_id, 2), comment, inside)
    assert not may_see_contact(_user(Role.ANALYST, comment.unit_id, 3), comment, inside)
    assert not may_see_contact(_user(Role.UNIT_MANAGER, 99, 4), comment, {99})
    comment.assigned_to_id = 5
    assert may_see_contact(_user(Role.UNIT_MANAGER, comment.unit_id, 5), comment, inside)
    assert not may_see_contact(manager, comment, inside)  # assigned to someone else now


def test_close__contact_deleted(session: Session, comment: Comment) -> None:
    admin = User(email="a@x.vn", password_hash="x", role=Role.ADMIN)
    session.add(admin)
    session.commit()
    follow_up(session, comment, action="close", user_id=admin.id)
    assert session.scalar(select(func.count()).select_from(CommentContact)) == 0


def test_purge__at_the_start_of_the_third_month_after(session: Session,
                                                      comment: Comment) -> None:
    # Left in November 2026: kept through January, gone from 1 February 2027 (no finer time).
    stored = session.scalars(select(CommentContact)).one().delete_after
    assert (stored.year, stored.month, stored.day, stored.hour, stored.minute) == (2027, 2, 1, 0, 0)
    assert purge_contacts(session, now=dt.datetime(2027, 1, 31, 23, tzinfo=dt.UTC)) == 0
    assert purge_contacts(session, now=dt.datetime(2027, 2, 1, 0, 0, 1, tzinfo=dt.UTC)) == 1
    assert session.scalar(select(func.count()).select_from(CommentContact)) == 0
