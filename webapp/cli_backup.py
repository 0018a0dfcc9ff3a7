"""``hailong backup``: a consistent copy of the database while the site keeps running."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("backup")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="New file to write (never overwritten).")
@with_appcontext
def backup(out: str) -> None:
    """Copy the database to OUT: SQLite online backup, or pg_dump for PostgreSQL."""
    from .administration.backup import BackupError, backup_database

    try:
        click.echo(backup_database(current_app.config["DATABASE_URL"], Path(out)))
    except BackupError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
