"""Staff users: roles scoped to units, hashed passwords, throttled sign-in."""

from __future__ import annotations

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.administration.users import UserError, authenticate, create_user
from webapp.models import AuditEntry, Role, Unit, User


@pytest.fixture
def commune(session: Session) -> Unit:
    unit = Unit(code="C1", name_vi="Xã Một", unit_type="commune")
    session.add(unit)
    session.commit()
    return unit


def test_create_user__password_hashed_with_scrypt(session: Session, commune: Unit) -> None:
    user, password = create_user(session, email="A@X.vn", role="viewer", unit_code="C1",
                                 password="correct horse battery")
    assert user.email == "a@x.vn" and user.role is Role.VIEWER and user.unit is commune
    assert user.password_hash.startswith("scrypt:")
    assert "correct horse" not in user.password_hash
    assert session.scalar(select(AuditEntry.action)) == "users.create"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"email": "nobody", "role": "viewer", "unit_code": "C1"}, "not an e-mail"),
    ({"email": "a@x.vn", "role": "boss", "unit_code": "C1"}, "unknown role 'boss'"),
    ({"email": "a@x.vn", "role": "viewer"}, "scoped to a unit"),
    ({"email": "a@x.vn", "role": "viewer", "unit_code": "ZZ"}, "unknown unit code 'ZZ'"),
    ({"email": "a@x.vn", "role": "admin", "password": "short"}, "at least 10"),
])
def test_create_user__bad_request__specific_error(session: Session, commune: Unit,
                                                  kwargs: dict, message: str) -> None:
    with pytest.raises(UserError, match=message):
        create_user(session, **kwargs)
    assert session.scalar(select(User)) is None


def test_create_user__same_email_twice__refused(session: Session) -> None:
    create_user(session, email="a@x.vn", role="admin", password="0123456789ab")
    with pytest.raises(UserError, match="already exists"):
        create_user(session, email="A@x.vn", role="admin", password="0123456789ab")


def test_authenticate__right_password__user__wrong_or_inactive__none(session: Session) -> None:
    user, _ = create_user(session, email="a@x.vn", role="admin", password="0123456789ab")
    assert authenticate(session, "A@x.vn ", "0123456789ab") is user
    assert authenticate(session, "a@x.vn", "wrong") is None
    assert authenticate(session, "a@x.vn", "0123456789ab", throttled=True) is None
    user.active = False
    session.commit()
    assert authenticate(session, "a@x.vn", "0123456789ab") is None


def test_cli_users_create__generated_password_printed(runner: FlaskCliRunner) -> None:
    from webapp.cli import main

    result = runner.invoke(main, ["users", "create", "--email", "root@x.vn", "--role", "admin"])
    assert result.exit_code == 0, result.output
    assert "created root@x.vn (admin)" in result.output
    assert "password: " in result.output
    result = runner.invoke(main, ["users", "create", "--email", "v@x.vn", "--role", "viewer"])
    assert result.exit_code == 1 and "scoped to a unit" in result.output
