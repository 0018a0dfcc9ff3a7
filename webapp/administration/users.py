"""Staff accounts: creation, password checks, and ending an account's sessions."""

from __future__ import annotations

import functools
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit
from ..models import Role, Unit, User

MIN_PASSWORD_LENGTH = 10
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


@functools.cache
def _dummy_hash() -> str:
    # A hash of a random password, made once per process: unknown and inactive accounts are
    # checked against it, so they cost one hash check like a known account.
    return generate_password_hash(secrets.token_urlsafe(16), method=PASSWORD_METHOD)


def authenticate(session: Session, email: str, password: str, *,
                 throttled: bool = False) -> User | None:
    """Return the active user when the password is right (and ``throttled`` is False).

    Every call costs exactly one password hash check, whether the address is known, unknown,
    inactive or throttled, so neither timing nor work tells whether an account exists.
    Throttling is the caller's (``auth.throttle``: per client and account, never a lock on
    the account itself).
    """
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    usable = user is not None and user.active and not throttled
    stored = user.password_hash if usable and user is not None else _dummy_hash()
    right = check_password_hash(stored, password)
    return user if usable and right else None


def end_sessions(session: Session, user: User) -> None:
    """Make every session cookie issued to ``user`` so far stop working (no commit)."""
    user.session_version = (user.session_version or 1) + 1
