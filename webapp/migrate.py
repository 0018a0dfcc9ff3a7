"""Apply and inspect Alembic migrations; the only way the schema is built."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig

# The checkout's migrations/; an installed package carries a copy in webapp/migrations
# (setup.py puts it there at build time).
_SOURCE_MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
MIGRATIONS_DIR = (_SOURCE_MIGRATIONS if (_SOURCE_MIGRATIONS / "env.py").is_file()
                  else Path(__file__).resolve().parent / "migrations")


def alembic_config(database_url: str) -> AlembicConfig:
    """Build an Alembic configuration for ``database_url`` without an ini file."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser would treat % in passwords as interpolation.
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate the database at ``database_url`` up to ``revision``."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    """Migrate the database at ``database_url`` down to ``revision``."""
    command.downgrade(alembic_config(database_url), revision)
