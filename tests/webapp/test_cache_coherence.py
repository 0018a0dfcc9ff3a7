"""Caches are keyed on what they depend on and shared through Redis when it is configured:
an edit made through one instance is seen by another on its next request, and no view clears
a cache by hand (issue 18)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import require_or_skip
from tests.webapp.staff_helpers import PERIOD, build_world, login, token_in
from webapp import create_app
from webapp.config import TestConfig as AppConfig
from webapp.models import ProcedureField
from webapp.statistics.indices_store import structure_stamp

REDIS_URL = "redis://127.0.0.1:6379/5"
WEBAPP = Path(__file__).resolve().parents[2] / "webapp"
PAGE = f"/staff/units/P?survey=sipas&period={PERIOD}"
RENAME = {"name_vi": "Xã Bình Mới", "name_en": "New Binh Commune", "unit_type": "commune",
          "parent": "P", "successor": "", "valid_from": "", "valid_to": ""}


@pytest.fixture
def redis_client() -> Iterator[Any]:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        require_or_skip(f"no Redis at {REDIS_URL}")
    for key in client.scan_iter("hailong:report:*"):
        client.delete(key)
    yield client
    client.close()


def _instance(database_url: str, tmp_path: Path, name: str, **extra: str) -> Flask:
    folder = tmp_path / name
    folder.mkdir()
    return create_app(AppConfig(environ={"DATABASE_URL": database_url, **extra},
                                instance_path=folder))


def _rename_b(client: Any) -> None:
    token = token_in(client.get("/admin/units/B/edit").get_data(as_text=True))
    assert client.post("/admin/units/B/edit",
                       data=RENAME | {"csrf_token": token}).status_code == 302


def test_two_instances_share_reports_through_redis__rename_seen_at_once(
        app: Flask, session: Session, database_url: str, tmp_path: Path,
        redis_client: Any) -> None:
    build_world(session, responses_per_unit=30)
    first, second = (_instance(database_url, tmp_path, n, REDIS_URL=REDIS_URL)
                     for n in ("a", "b"))
    a, b = first.test_client(), second.test_client()
    login(a, "admin")
    login(b, "admin")
    page_a = a.get(PAGE).get_data(as_text=True)
    assert "Xã Bình" in page_a
    keys = list(redis_client.scan_iter("hailong:report:*"))
    assert len(keys) == 1  # built once, by A, and shared
    page_b = b.get(PAGE).get_data(as_text=True)
    assert "Xã Bình" in page_b and "Xã Bình Mới" not in page_b
    assert len(list(redis_client.scan_iter("hailong:report:*"))) == 1  # B found A's entry
    _rename_b(a)
    page_b = b.get(PAGE).get_data(as_text=True)
    assert "Xã Bình Mới" in page_b  # B's very next request
    assert len(list(redis_client.scan_iter("hailong:report:*"))) == 2  # a new key, not a clear
    for instance in (first, second):
        instance.extensions["hailong.engine"].dispose()


def test_without_redis__each_instance_keys_its_memo_on_the_data(
        app: Flask, session: Session, database_url: str, tmp_path: Path) -> None:
    # No Redis: each process memoises on its own, and still sees the rename at once, because
    # the key carries the unit tree's stamp.
    build_world(session, responses_per_unit=30)
    second = _instance(database_url, tmp_path, "b")
    a, b = app.test_client(), second.test_client()
    login(a, "admin")
    login(b, "admin")
    assert "Xã Bình" in b.get(PAGE).get_data(as_text=True)
    _rename_b(a)
    assert "Xã Bình Mới" in b.get(PAGE).get_data(as_text=True)
    second.extensions["hailong.engine"].dispose()


def test_structure_stamp__moves_with_names_codes_fields_and_retirements(
        app: Flask, session: Session) -> None:
    build_world(session)
    stamps = [structure_stamp(session)]
    field = session.scalar(select(ProcedureField).where(ProcedureField.code == "HT"))
    assert field is not None
    field.name_vi = "Hộ tịch (đổi tên)"
    session.commit()
    stamps.append(structure_stamp(session))
    field.code = "HT2"
    session.commit()
    stamps.append(structure_stamp(session))
    assert len(set(stamps)) == 3
    assert structure_stamp(session) == stamps[-1]  # and nothing else moves it


def _calls(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            names.add(node.func.attr)
    return names


def test_no_view_clears_a_cache() -> None:
    views = [p for p in WEBAPP.rglob("*.py") if "views" in p.name]
    assert len(views) >= 10
    for path in views:
        assert not _calls(path) & {"cache_clear", "clear_cache"}, path
        source = path.read_text(encoding="utf-8")
        assert "report_cache.clear" not in source and "indices_cache.clear" not in source, path


def test_translation_imported_through_one_instance__offered_by_another_on_its_next_request(
        app: Flask, session: Session, database_url: str, tmp_path: Path) -> None:
    """The languages a survey offers are read per request (only the version's label count is
    kept per process): instance B, which has already served the page without the language,
    offers it on its next request once instance A's CLI has imported the translation."""
    from tests.webapp.survey_helpers import setup_counter
    from tests.webapp.translation_helpers import TEST_LANGUAGE, TEST_LANGUAGE_NAME, fill
    from webapp.cli import main
    from webapp.respond.tokens import sign_counter_token

    path = "/s/" + sign_counter_token(setup_counter(session), app.config)
    first, second = (_instance(database_url, tmp_path, n) for n in ("a", "b"))
    offered = f'value="lang:{TEST_LANGUAGE}" lang="{TEST_LANGUAGE}" class="link">' \
              f"{TEST_LANGUAGE_NAME}</button>"
    for instance in (first, second):  # both have counted the labels and served the page
        assert offered not in instance.test_client().get(path).get_data(as_text=True)
    runner = first.test_cli_runner()
    sheet = tmp_path / "sipas-qaa.xlsx"
    result = runner.invoke(main, ["translations", "export", "--survey", "sipas", "--lang",
                                  TEST_LANGUAGE, "--out", str(sheet)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["translations", "import",
                                  str(fill(sheet, tmp_path / "filled.xlsx"))])
    assert result.exit_code == 0, result.output
    assert offered in second.test_client().get(path).get_data(as_text=True)
    assert offered in first.test_client().get(path).get_data(as_text=True)
    for instance in (first, second):
        instance.extensions["hailong.engine"].dispose()
