"""Staff accounts: creation, password checks and throttled sign-in."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit
from ..models import Role, Unit, User
from ..models.base import utcnow

MIN_PASSWORD_LENGTH = 10
MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
# scrypt is memory-hard; werkzeug's parameters follow current OWASP guidance.
PASSWORD_METHOD = "scrypt"  # noqa: S105 - a hash method name, not a password


class UserError(ValueError):
    """A user could not be created as asked."""


def create_user(session: Session, *, email: str, role: Role | str, unit_code: str | None = None,
                password: str | None = None) -> tuple[User, str]:
    """Create a staff user; return it and the password (generated when not given)."""
    email = email.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise UserError(f"{email!r} is not an e-mail address")
    try:
        role = Role(role)
    except ValueError:
        raise UserError(f"unknown role {role!r}; use one of "
                        f"{', '.join(r.value for r in Role)}") from None
    if session.scalar(select(User).where(func.lower(User.email) == email)):
        raise UserError(f"a user with e-mail {email} already exists")
    unit = None
    if unit_code:
        unit = session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            raise UserError(f"unknown unit code {unit_code!r}")
    elif role is not Role.ADMIN:
        raise UserError(f"role {role.value} is scoped to a unit: give --unit CODE")
    if password is None:
        password = secrets.token_urlsafe(12)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    user = User(email=email, role=role, unit=unit,
                password_hash=generate_password_hash(password, method=PASSWORD_METHOD))
    session.add(user)
    session.flush()
    audit.record(session, "users.create", target=email, detail={"role": role.value,
                                                                "unit": unit_code})
    session.commit()
    return user, password


def authenticate(session: Session, email: str, password: str,
                 now: dt.datetime | None = None) -> User | None:
    """Return the user when the password is right and the account is not locked.

    After MAX_FAILED_LOGINS wrong passwords the account is locked for LOCKOUT, so guessing
    is throttled per account without storing anything about the client.
    """
    now = now or utcnow()
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active:
        # Same work as a real check, so timing does not reveal which e-mails exist.
        check_password_hash(generate_password_hash("x", method=PASSWORD_METHOD), password)
        return None
    locked_until = user.locked_until
    if locked_until is not None and locked_until.tzinfo is None:
        locked_until = locked_until.replace(tzinfo=dt.UTC)  # SQLite returns naive times
    if locked_until is not None and locked_until > now:
        return None
    if not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until, user.failed_logins = now + LOCKOUT, 0
            audit.record(session, "users.locked", target=user.email)
        session.commit()
        return None
    user.failed_logins, user.locked_until = 0, None
    session.commit()
    return user
