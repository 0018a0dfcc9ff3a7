"""Security headers: content policy, framing, referrer, caching, HSTS and cookie flags."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import build_world, csrf_token, login
from tests.webapp.survey_helpers import setup_counter
from webapp import config as app_config
from webapp import create_app
from webapp.config import ConfigError
from webapp.respond.tokens import sign_counter_token


@contextmanager
def app_with(environ: dict[str, str], tmp_path: Path) -> Iterator[FlaskClient]:
    """A second app on the same database with extra settings; its engine closed after."""
    other = create_app(app_config.TestConfig(environ=environ, instance_path=tmp_path))
    try:
        yield other.test_client()
    finally:
        other.extensions["hailong.engine"].dispose()


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.fixture
def token(app: Flask, session: Session) -> str:
    return sign_counter_token(setup_counter(session), app.config)


def test_survey_page__strict_policy_with_the_inline_style_nonce(client: FlaskClient,
                                                                token: str) -> None:
    response = client.get(f"/s/{token}")
    assert response.status_code == 200
    policy = directives(response.headers["Content-Security-Policy"])
    html = response.get_data(as_text=True)
    nonce = re.search(r'<style nonce="([^"]+)">', html)
    assert nonce, "the inlined stylesheet carries no nonce"
    assert policy["style-src"] == ["'self'", f"'nonce-{nonce.group(1)}'"]
    assert policy["default-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in v for values in policy.values() for v in values)
    # The one script is the inlined "Nghe" (listen) script, allowed by the same nonce only.
    assert policy["script-src"] == [f"'nonce-{nonce.group(1)}'"]
    assert policy["media-src"] == ["'self'"]
    assert f'<script nonce="{nonce.group(1)}">' in html and html.count("<script") == 1
    # A fresh nonce per response: a nonce seen once cannot be replayed by injected markup.
    again = client.get(f"/s/{token}").headers["Content-Security-Policy"]
    assert nonce.group(1) not in again
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_every_inline_style__is_covered(client: FlaskClient, token: str) -> None:
    """No style attribute and no un-nonced <style> block on survey or staff pages."""
    html = client.get(f"/s/{token}").get_data(as_text=True)
    assert ' style="' not in html
    assert len(re.findall(r"<style", html)) == len(re.findall(r"<style nonce=", html)) == 1


def test_staff_pages__policy_no_store_same_origin(client: FlaskClient, session: Session) -> None:
    build_world(session)
    login(client, "admin")
    for path in ("/staff/", "/admin/", "/staff/comments/", "/staff/units/A?survey=sipas"):
        response = client.get(path)
        assert response.status_code == 200, path
        policy = directives(response.headers["Content-Security-Policy"])
        assert policy["style-src"] == ["'self'"], path
        assert policy["frame-ancestors"] == ["'none'"], path
        assert response.headers["Cache-Control"] == "no-store", path
        assert response.headers["Referrer-Policy"] == "same-origin", path
        html = response.get_data(as_text=True)
        assert ' style="' not in html and "<style" not in html and "<script" not in html, path


def test_login_and_api__no_store(client: FlaskClient) -> None:
    assert client.get("/auth/login").headers["Cache-Control"] == "no-store"
    api = client.get("/api/v1/indices?survey=sipas&period=2026")
    assert api.status_code == 401 and api.headers["Cache-Control"] == "no-store"
    assert api.headers["X-Content-Type-Options"] == "nosniff"


def test_kiosk__not_framable_by_default_never_stored(client: FlaskClient, token: str) -> None:
    response = client.get(f"/k/{token}")
    assert response.headers["Cache-Control"] == "no-store"  # a shared tablet
    assert directives(response.headers["Content-Security-Policy"])["frame-ancestors"] == [
        "'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_kiosk__framing_allowed_where_configured_and_only_there(database_url: str,
                                                                 tmp_path: Path,
                                                                 app: Flask,
                                                                 session: Session) -> None:
    token = sign_counter_token(setup_counter(session), app.config)
    environ = {"DATABASE_URL": database_url,
               "HAILONG_KIOSK_FRAME_ANCESTORS": "'self' https://kiosk.example.gov.vn"}
    with app_with(environ, tmp_path) as client:
        kiosk = client.get(f"/k/{token}")
        survey = client.get(f"/s/{token}")
    assert directives(kiosk.headers["Content-Security-Policy"])["frame-ancestors"] == [
        "'self'", "https://kiosk.example.gov.vn"]
    assert "X-Frame-Options" not in kiosk.headers  # it cannot name another site
    assert directives(survey.headers["Content-Security-Policy"])["frame-ancestors"] == [
        "'none'"]
    assert survey.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("value", ["*", "'self'; script-src *", "http://plain.example",
                                   "'none' 'self'", ""])
def test_kiosk_frame_setting__refused_when_unsafe_or_malformed(value: str,
                                                              tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="HAILONG_KIOSK_FRAME_ANCESTORS"):
        app_config.TestConfig(environ={"HAILONG_KIOSK_FRAME_ANCESTORS": value},
                              instance_path=tmp_path)


def test_http__no_hsts_https__hsts(client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_behind_https__secure_cookies_and_hsts(database_url: str, tmp_path: Path,
                                               app: Flask, session: Session) -> None:
    build_world(session)
    with app_with({"DATABASE_URL": database_url, "HAILONG_HTTPS": "1"}, tmp_path) as client:
        page = client.get("/auth/login", base_url="https://localhost")
        language = client.get("/lang/en?next=/", base_url="https://localhost")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = page.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" in language.headers["Set-Cookie"]


def test_session_cookie__httponly_samesite_not_secure_on_plain_http(client: FlaskClient,
                                                                    session: Session) -> None:
    build_world(session)
    token = csrf_token(client)
    response = client.post("/auth/login", data={"email": "admin@t.vn", "password": "x",
                                                "csrf_token": token})
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    cookies = cookies or [client.get("/auth/login").headers["Set-Cookie"]]
    assert all("HttpOnly" in c and "SameSite=Lax" in c and "Secure" not in c for c in cookies)


def test_svg_poster__may_style_itself_never_script(client: FlaskClient,
                                                   session: Session) -> None:
    world = build_world(session)
    login(client, "admin")
    response = client.get(f"/admin/counters/{world.counters['A']}/poster.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"] and "script-src" not in policy


@pytest.mark.parametrize("target", ["/\\evil.example", "//evil.example", "https://evil.example",
                                    "/\t/evil.example"])
def test_language_switch__never_redirects_off_site(client: FlaskClient, target: str) -> None:
    response = client.get("/lang/en", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_inline_stylesheet__cannot_close_its_style_element(app: Flask) -> None:
    """The nonce vouches for the whole <style> block, so the file must not end it early."""
    css = (Path(app.static_folder or "") / "survey.css").read_text(encoding="utf-8")
    assert "</style" not in css.lower() and "<" not in css
