"""Sign-in and sessions after the security probe (issue 21, findings 5, 6, 7 and 8).

5. Sign-in costs the same for known, unknown, inactive and throttled accounts: counted as
   password hash checks (one each) and hashes made (none), not timed.
6. Nobody can lock the real user out: wrong passwords from one client throttle that client
   for that account; the owner signs in from their own client at once.
7. A session cookie saved before sign-out or deactivation no longer opens staff pages.
8. A plain GET of a kiosk URL does not sign a staff member out (any cross-site link did).
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

import webapp.administration.users as users_service
from tests.webapp.staff_helpers import (
    PASSWORD,
    USERS,
    build_world,
    csrf_token,
    login,
    token_in,
)
from webapp.models import Counter, User
from webapp.respond.ratelimit import MemoryRateLimiter
from webapp.respond.tokens import sign_counter_token

ATTACKER = "198.51.100.66"
OWNER = "203.0.113.5"


@pytest.fixture
def world(session: Session, app: Flask):  # type: ignore[no-untyped-def]
    # A stopped clock: slow scrypt attempts must not straddle a window's boundary.
    app.extensions["hailong.ratelimiter"] = MemoryRateLimiter(
        b"test salt", clock=lambda: 1_800_000_030.0)
    return build_world(session)


def _post_login(client: FlaskClient, email: str, password: str,
                address: str = "127.0.0.1") -> int:
    client.environ_base["REMOTE_ADDR"] = address
    token = csrf_token(client)
    return client.post("/auth/login", data={"email": email, "password": password,
                                            "csrf_token": token}).status_code


class _Counting:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.checks = 0
        self.made = 0
        check, make = users_service.check_password_hash, users_service.generate_password_hash

        def counted_check(stored: str, password: str) -> bool:
            self.checks += 1
            return check(stored, password)

        def counted_make(password: str, **kwargs: object) -> str:
            self.made += 1
            return make(password, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(users_service, "check_password_hash", counted_check)
        monkeypatch.setattr(users_service, "generate_password_hash", counted_make)


# ---- 5 ----------------------------------------------------------------------------------------

def test_sign_in__known_unknown_inactive_throttled__one_hash_check_each(
        app: Flask, world, session: Session,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("webapp.auth.throttle.PER_CLIENT_AND_ACCOUNT", 2)
    inactive = session.scalar(select(User).where(User.email == USERS["viewer"][0]))
    inactive.active = False
    session.commit()
    users_service._dummy_hash()  # made once per process, before any attempt is counted
    counting = _Counting(monkeypatch)
    cases = {"known, wrong password": (USERS["manager"][0], "wrong password", "10.0.0.1"),
             "unknown address": ("nobody@t.vn", "wrong password", "10.0.0.2"),
             "inactive account": (USERS["viewer"][0], PASSWORD, "10.0.0.3")}
    work = {}
    for name, (email, password, address) in cases.items():
        before = (counting.checks, counting.made)
        assert _post_login(app.test_client(), email, password, address) == 200
        work[name] = (counting.checks - before[0], counting.made - before[1])
    client = app.test_client()
    for _ in range(2):
        _post_login(client, USERS["admin"][0], "wrong", "10.0.0.4")
    before = (counting.checks, counting.made)
    assert _post_login(client, USERS["admin"][0], PASSWORD, "10.0.0.4") == 429
    work["throttled"] = (counting.checks - before[0], counting.made - before[1])
    assert set(work.values()) == {(1, 0)}, work


# ---- 6 ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["admin", "viewer"])
def test_wrong_passwords_from_elsewhere__owner_still_signs_in(
        app: Flask, world, who: str) -> None:  # type: ignore[no-untyped-def]
    attacker = app.test_client()
    codes = [_post_login(attacker, USERS[who][0], "guess", ATTACKER) for _ in range(12)]
    assert codes[:5] == [200] * 5 and codes[-1] == 429  # the old lock came after five
    # The attacker, even with the right password now, stays throttled for that account.
    assert _post_login(attacker, USERS[who][0], PASSWORD, ATTACKER) == 429
    owner = app.test_client()
    assert _post_login(owner, USERS[who][0], PASSWORD, OWNER) == 302
    assert owner.get("/staff/").status_code == 200


def test_one_client_spraying_many_accounts__throttled(
        app: Flask, world, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("webapp.auth.throttle.PER_CLIENT", 4)
    client = app.test_client()
    codes = [_post_login(client, f"user{i}@t.vn", "guess", ATTACKER) for i in range(5)]
    assert codes == [200, 200, 200, 200, 429]


# ---- 7 ----------------------------------------------------------------------------------------

def _saved_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_cookie_saved_before_sign_out__no_longer_opens_staff_pages(
        app: Flask, client: FlaskClient, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "manager")
    saved = _saved_cookie(client)
    assert client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/staff/")}
                       ).status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", saved)
    for path in ("/staff/", "/staff/comments/", "/admin/"):
        assert replay.get(path).status_code == 302, path
    # Signing in again works (a new session with the new version).
    login(client, "manager")
    assert client.get("/staff/").status_code == 200


def test_cookie_of_a_deactivated_user__stays_dead_after_reactivation(
        app: Flask, world, session: Session) -> None:  # type: ignore[no-untyped-def]
    viewer = app.test_client()
    login(viewer, "viewer")
    saved = _saved_cookie(viewer)
    admin = app.test_client()
    login(admin, "admin")
    user = session.scalar(select(User).where(User.email == USERS["viewer"][0]))
    for _ in range(2):  # deactivate, then activate again
        token = csrf_token(admin, "/admin/")
        assert admin.post(f"/admin/users/{user.id}/active",
                          data={"csrf_token": token}).status_code == 302
    session.expire_all()
    assert session.get(User, user.id).active
    replay = app.test_client()
    replay.set_cookie("session", saved)
    assert replay.get("/staff/").status_code == 302


# ---- 8 ----------------------------------------------------------------------------------------

def test_kiosk_get__does_not_sign_staff_out(app: Flask, client: FlaskClient, world,  # type: ignore[no-untyped-def]
                                            session: Session) -> None:
    counter = session.scalars(select(Counter)).first()
    token = sign_counter_token(counter, app.config)
    login(client, "manager")
    for path in (f"/k/{token}", f"/k/{token}/sipas", f"/k/{token}/done"):
        page = client.get(path)
        assert page.status_code == 200
        assert client.get("/staff/").status_code == 200, path
    # The page asks to sign out; a POST without its token does not.
    assert "Đăng xuất và bắt đầu" in client.get(f"/k/{token}").get_data(as_text=True)
    client.post(f"/k/{token}", data={"action": "kiosk_start"})
    assert client.get("/staff/").status_code == 200
    # With the token: signed out, and the kiosk survey starts.
    form = client.get(f"/k/{token}").get_data(as_text=True)
    started = client.post(f"/k/{token}", data={"action": "kiosk_start",
                                               "csrf_token": token_in(form)})
    assert started.status_code == 303
    assert client.get("/staff/").status_code == 302
    assert 'name="submission_id"' in client.get(f"/k/{token}").get_data(as_text=True)
