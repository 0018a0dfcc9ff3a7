"""Configuration is read when the app is created, and production refuses weak secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from webapp import create_app
from webapp.config import (
    DEV_SECRET_KEY,
    ConfigError,
    ProductionConfig,
    config_for,
    normalise_database_url,
    parse_boolean,
)


@pytest.mark.parametrize("secret", [None, "", DEV_SECRET_KEY, "short"])
def test_production__missing_or_weak_secret__refuses_to_start(secret: str | None,
                                                               tmp_path: Path) -> None:
    environ = {} if secret is None else {"SECRET_KEY": secret}
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        ProductionConfig(environ, instance_path=tmp_path)


def test_production__strong_secret__starts_with_secure_cookies(tmp_path: Path) -> None:
    config = ProductionConfig({"SECRET_KEY": "x" * 40}, instance_path=tmp_path)
    app = create_app(config)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'hailong.db'}"


def test_config__environment_read_at_creation_not_import(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAILONG_BASE_URL", "https://khaosat.example.vn/")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    config = config_for("development")
    assert config.HAILONG_BASE_URL == "https://khaosat.example.vn"
    assert config.DATABASE_URL == "postgresql+psycopg://u@h/db"


def test_config__unknown_environment_name__names_the_choices() -> None:
    with pytest.raises(ConfigError, match="development, production, test"):
        config_for("staging", environ={})


@pytest.mark.parametrize(("url", "expected"), [
    ("postgres://a@b/c", "postgresql+psycopg://a@b/c"),
    ("postgresql+psycopg://a@b/c", "postgresql+psycopg://a@b/c"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_normalise_database_url(url: str, expected: str) -> None:
    assert normalise_database_url(url) == expected


def test_parse_boolean__nonsense__raises() -> None:
    assert parse_boolean("Yes") is True and parse_boolean("0") is False
    with pytest.raises(ConfigError, match="Invalid boolean"):
        parse_boolean("maybe")


def test_proxy_hops__client_address_from_forwarded_header(tmp_path: Path) -> None:
    from webapp.config import DevelopmentConfig

    app = create_app(DevelopmentConfig({"HAILONG_PROXY_HOPS": "1"}, instance_path=tmp_path))

    @app.get("/_addr")
    def addr() -> str:
        from flask import request

        return request.remote_addr or ""

    seen = app.test_client().get("/_addr", headers={"X-Forwarded-For": "203.0.113.9"})
    assert seen.get_data(as_text=True) == "203.0.113.9"
    with pytest.raises(ConfigError, match="HAILONG_PROXY_HOPS"):
        DevelopmentConfig({"HAILONG_PROXY_HOPS": "one"}, instance_path=tmp_path)
