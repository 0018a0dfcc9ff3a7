"""Who is signed in, and what they may see: every staff page and export asks here.

Rules
-----
* A signed-in session holds the user's id, the time of sign-in and the user's session version.
  It ends when the user signs out, when ``PERMANENT_SESSION_LIFETIME`` has passed since sign-in
  (however active the user was), or when the account is deactivated. Signing out and
  deactivation bump the version stored on the user, so a copy of the cookie saved before
  stops working too (the cookie is signed, not stored: only the version can revoke it).
* ``role_required(*roles)`` lets the listed roles through; administrators hold every
  permission, so they always pass.
* Interviewers (field staff, often hired for one survey) open only the pages marked
  :func:`open_to_interviewers` (their assignments, interviews, paper data entry); every other
  staff page answers 403, and the staff home sends them to their assignments.
* Every role but administrator is scoped to its unit's subtree: ``visible_unit_ids`` returns
  those ids (``None`` means every unit, for administrators), and ``require_unit`` answers 404
  for an unknown unit code and 403 for a unit outside the subtree.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import abort, current_app, g, redirect, request, session, url_for
from sqlalchemy.orm import Session

from ..db import get_session
from ..models import Role, Unit, User
from ..unit_tree import (
    UnitNotFound,
    UnitOutsideScope,
    UnitScope,
    resolve_scope,
    subtree_ids,
)

SESSION_USER = "uid"
SESSION_SINCE = "auth_at"
SESSION_VERSION = "sv"

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def sign_in(user: User) -> None:
    """Start a fresh session for ``user`` (a new session, so no fixation)."""
    session.clear()
    session.permanent = True
    session[SESSION_USER] = user.id
    session[SESSION_SINCE] = int(time.time())
    session[SESSION_VERSION] = user.session_version
    g.pop("hailong_user", None)


def sign_out() -> None:
    """End the session, and every other session of the same user (the version moves on)."""
    from ..administration.users import end_sessions

    user = current_user()
    if user is not None:
        end_sessions(get_session(), user)
        get_session().commit()
    session.clear()
    g.pop("hailong_user", None)


def _session_expired() -> bool:
    since = session.get(SESSION_SINCE)
    if not isinstance(since, int):
        return True
    return time.time() - since > float(current_app.config["PERMANENT_SESSION_LIFETIME"])


def current_user() -> User | None:
    """Return the signed-in, active user of this request, or None."""
    if "hailong_user" in g:
        return cast(User | None, g.hailong_user)
    user = None
    user_id = session.get(SESSION_USER)
    if isinstance(user_id, int):
        if _session_expired():
            session.clear()
        else:
            found = get_session().get(User, user_id)
            user = (found if found is not None and found.active
                    and session.get(SESSION_VERSION) == found.session_version else None)
            if user is None:
                session.clear()
    g.hailong_user = user
    return user


INTERVIEWER_OPEN = "_hailong_open_to_interviewers"
INTERVIEWER_HOME = "fieldwork.assignments"


def open_to_interviewers(view: F) -> F:
    """Mark a view (below its access decorator) as one interviewers may open."""
    setattr(view, INTERVIEWER_OPEN, True)
    return view


def login_required(view: F) -> F:
    """Send anonymous visitors to the sign-in page (401 JSON for API paths); refuse
    interviewers every page not marked :func:`open_to_interviewers`."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        user = current_user()
        if user is None:
            if request.path.startswith("/api/"):
                abort(401)
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if user.role is Role.INTERVIEWER and not getattr(view, INTERVIEWER_OPEN, False):
            if request.endpoint == "dashboard.home":
                return redirect(url_for(INTERVIEWER_HOME))
            abort(403)
        return view(*args, **kwargs)

    return cast(F, wrapped)


def role_required(*roles: Role) -> Callable[[F], F]:
    """Let signed-in users with one of ``roles`` through (administrators always); 403 else."""
    allowed = {Role(r) for r in roles} | {Role.ADMIN}

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is not None and user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return login_required(cast(F, wrapped))

    return decorator


def visible_unit_ids(session: Session, user: User) -> set[int] | None:
    """Ids of the units ``user`` may see: None (every unit) for administrators."""
    if user.role is Role.ADMIN:
        return None
    if user.unit_id is None:
        return set()
    return subtree_ids(session, user.unit_id)


def can_see(session: Session, user: User, unit_id: int) -> bool:
    """Whether ``unit_id`` lies in the subtree ``user`` may see."""
    visible = visible_unit_ids(session, user)
    return visible is None or unit_id in visible


def request_scope(session: Session, user: User, unit_code: str | None) -> UnitScope:
    """The scope of this request: ``user``'s view narrowed to ``unit_code``'s subtree when
    given; 404 for an unknown code, 403 outside the user's subtree. Resolved once per request."""
    scopes: dict[tuple[int, str | None], UnitScope] = g.setdefault("hailong_scopes", {})
    key = (user.id, unit_code or None)
    if key not in scopes:
        try:
            scopes[key] = resolve_scope(session, visible_unit_ids(session, user), unit_code)
        except UnitNotFound:
            abort(404)
        except UnitOutsideScope:
            abort(403)
    return scopes[key]


def require_unit(session: Session, user: User, unit_code: str) -> Unit:
    """Return the unit with ``unit_code``: 404 when unknown, 403 when outside the subtree."""
    root = request_scope(session, user, unit_code).root
    if root is None:  # an empty code names no unit
        abort(404)
    return root


def require_in_scope(session: Session, user: User, model: type[T], record_id: int) -> T:
    """Return the ``model`` row with ``record_id`` (it has a ``unit_id``): 404 when unknown,
    403 when its unit is outside the user's subtree."""
    record = session.get(model, record_id)
    if record is None:
        abort(404)
    if not can_see(session, user, record.unit_id):  # type: ignore[attr-defined]
        abort(403)
    return record


def can_act(user: User) -> bool:
    """Whether ``user`` may change follow-up data (action plans, comments, counters)."""
    return user.role in (Role.ADMIN, Role.UNIT_MANAGER)
