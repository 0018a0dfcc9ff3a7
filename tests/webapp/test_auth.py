"""Staff sign-in: CSRF, hashed passwords, throttling, expiry, safe redirects, sign-out."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import PASSWORD, USERS, build_world, csrf_token, login
from webapp.auth.access import SESSION_SINCE
from webapp.models import User
from webapp.respond.ratelimit import MemoryRateLimiter


@pytest.fixture
def world(session: Session):  # type: ignore[no-untyped-def]
    return build_world(session)


def _post_login(client: FlaskClient, email: str, password: str, next_: str = "") -> object:
    token = csrf_token(client)
    path = "/auth/login" + (f"?next={next_}" if next_ else "")
    return client.post(path, data={"email": email, "password": password, "csrf_token": token})


def test_staff_page__anonymous__redirects_to_sign_in(client: FlaskClient, world) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.location.startswith("/auth/login?next=/staff/")


def test_login_page__vietnamese_form_with_csrf(client: FlaskClient, world) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/auth/login").get_data(as_text=True)
    assert "Đăng nhập" in html and 'name="csrf_token"' in html
    assert 'autocomplete="current-password"' in html


def test_login__without_csrf_token__refused(client: FlaskClient, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/auth/login", data={"email": USERS["admin"][0],
                                                "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/staff/").status_code == 302


def test_login__right_password__signed_in_and_sent_to_next(client: FlaskClient, world,  # type: ignore[no-untyped-def]
                                                           session: Session) -> None:
    response = _post_login(client, USERS["viewer"][0], PASSWORD, next_="/staff/comments/")
    assert response.status_code == 302 and response.location == "/staff/comments/"
    assert client.get("/staff/comments/").status_code == 200
    stored = session.scalar(select(User.password_hash).where(User.email == USERS["viewer"][0]))
    assert stored.startswith("scrypt:") and PASSWORD not in stored


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil",
                                    "/\t/evil.example/"])
def test_login__foreign_next__goes_home_instead(client: FlaskClient, world, target: str) -> None:  # type: ignore[no-untyped-def]
    response = _post_login(client, USERS["viewer"][0], PASSWORD, next_=target)
    assert response.location == "/staff/"


def test_login__wrong_password__same_message_as_unknown_email(client: FlaskClient, world) -> None:  # type: ignore[no-untyped-def]
    wrong = _post_login(client, USERS["viewer"][0], "not the password").get_data(as_text=True)
    unknown = _post_login(client, "nobody@t.vn", "not the password").get_data(as_text=True)
    assert "Sai e-mail hoặc mật khẩu" in wrong and "Sai e-mail hoặc mật khẩu" in unknown
    assert client.get("/staff/").status_code == 302


def test_login__many_attempts_from_one_client__throttled(client: FlaskClient, world,  # type: ignore[no-untyped-def]
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # Every attempt costs a scrypt hash; a limit of 3 shows the same rule as the real 10.
    monkeypatch.setattr("webapp.auth.throttle.PER_CLIENT_AND_ACCOUNT", 3)
    # A stopped clock: four slow scrypt attempts must not straddle the window's boundary.
    client.application.extensions["hailong.ratelimiter"] = MemoryRateLimiter(
        b"test salt", clock=lambda: 1_800_000_030.0)
    codes = [_post_login(client, "nobody@t.vn", "x").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_session__older_than_lifetime__signed_out(client: FlaskClient, world, app: Flask) -> None:  # type: ignore[no-untyped-def]
    login(client, "viewer")
    assert client.get("/staff/").status_code == 200
    with client.session_transaction() as sess:
        sess[SESSION_SINCE] = int(time.time()) - app.config["PERMANENT_SESSION_LIFETIME"] - 5
    assert client.get("/staff/").status_code == 302


def test_session__cookie_httponly_samesite(client: FlaskClient, world) -> None:  # type: ignore[no-untyped-def]
    token = csrf_token(client)
    response = client.post("/auth/login", data={"email": USERS["viewer"][0],
                                                "password": PASSWORD, "csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie


def test_deactivated_user__signed_out_on_next_request(client: FlaskClient, world,  # type: ignore[no-untyped-def]
                                                      session: Session) -> None:
    login(client, "viewer")
    user = session.scalar(select(User).where(User.email == USERS["viewer"][0]))
    user.active = False
    session.commit()
    assert client.get("/staff/").status_code == 302


def test_logout__post_with_csrf__ends_session(client: FlaskClient, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "viewer")
    token = csrf_token(client, "/staff/")
    assert client.get("/auth/logout").status_code == 405
    response = client.post("/auth/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 302


def test_login__throttled__told_for_how_long_in_vietnamese(client: FlaskClient, world,  # type: ignore[no-untyped-def]
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("webapp.auth.throttle.PER_CLIENT_AND_ACCOUNT", 2)
    # 30 s into a 15-minute window: 870 s (14.5 minutes, said as 15) remain.
    client.application.extensions["hailong.ratelimiter"] = MemoryRateLimiter(
        b"test salt", clock=lambda: 1_800_000_030.0)
    for _ in range(2):
        _post_login(client, USERS["viewer"][0], "wrong password")
    refused = _post_login(client, USERS["viewer"][0], PASSWORD)   # the right one, too late
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "870"
    page = refused.get_data(as_text=True)
    assert "15 phút" in page and "kể cả khi đúng mật khẩu" in page
