"""Health check, the home page in both languages, SQLite tuning."""

from __future__ import annotations

import unicodedata

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from webapp.db import get_engine


def test_healthz__database_reachable__200(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz__database_unreachable__503(app: Flask, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from webapp.db import make_engine

    # A database file inside a directory that does not exist cannot be opened.
    app.extensions["hailong.sessionmaker"].configure(
        bind=make_engine(f"sqlite:///{tmp_path}/missing/dir/x.db"))
    assert app.test_client().get("/healthz").status_code == 503


def test_home__default_language__is_vietnamese_nfc(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'lang="vi"' in html
    assert "Sự hài lòng của người dân" in html
    assert unicodedata.is_normalized("NFC", html)


def test_home__english_chosen__remembered_by_cookie(client: FlaskClient) -> None:
    response = client.get("/lang/en?next=/")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    html = client.get("/").get_data(as_text=True)
    assert "Citizen satisfaction with public administration" in html


def test_language_switch__external_next__stays_on_site(client: FlaskClient) -> None:
    response = client.get("/lang/vi?next=//evil.example/")
    assert response.headers["Location"] == "/"


def test_unknown_page__404_in_vietnamese(client: FlaskClient) -> None:
    response = client.get("/khong-co")
    assert response.status_code == 404
    assert "Trang này không tồn tại." in response.get_data(as_text=True)


def test_api_path__errors_are_json(client: FlaskClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"] == "Not Found"


def test_sqlite__wal_foreign_keys_busy_timeout(app: Flask) -> None:
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        return
    with app.app_context(), get_engine().connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
