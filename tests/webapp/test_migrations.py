"""Migrations: one head, upgrade from nothing on both databases, models equal migrations."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from tests.conftest import postgres_url
from webapp.migrate import MIGRATIONS_DIR, alembic_config, downgrade, upgrade
from webapp.models import Base


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return postgres_url("_migrations")


def test_migrations__single_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1, f"several heads in {MIGRATIONS_DIR}: merge them"


def test_upgrade_head__from_empty__creates_every_model_table(empty_database: str) -> None:
    upgrade(empty_database)
    engine = create_engine(empty_database)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_autogenerate__after_upgrade__finds_no_difference(empty_database: str) -> None:
    upgrade(empty_database)
    engine = create_engine(empty_database)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_downgrade_base__then_upgrade__round_trips(empty_database: str) -> None:
    upgrade(empty_database)
    downgrade(empty_database, "base")
    engine = create_engine(empty_database)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade(empty_database)
