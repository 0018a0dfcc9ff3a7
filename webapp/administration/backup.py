"""Consistent backups while the site takes submissions.

SQLite: the online backup API copies every page under one read snapshot; in WAL mode the
workers keep writing meanwhile, and the copy holds exactly what was committed when it began.
PostgreSQL: ``pg_dump`` (one repeatable-read snapshot) in its custom format, restored with
``pg_restore``; hailong runs it when it is installed and otherwise says how to.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import URL, make_url


class BackupError(RuntimeError):
    """The backup cannot be made; nothing was written."""


def pg_dump_command(database_url: str, out: Path) -> tuple[list[str], dict[str, str]]:
    """The ``pg_dump`` command line for ``database_url`` and the environment it needs.

    The password, if any, goes in ``PGPASSWORD`` so it never shows in the process list.
    """
    url = make_url(database_url)
    env = {"PGPASSWORD": url.password} if url.password else {}
    plain = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                       database=url.database, query=url.query)
    target = plain.render_as_string(hide_password=False)
    return ["pg_dump", "--format=custom", "--no-owner", "--file", str(out), target], env


def backup_database(database_url: str, out: Path) -> str:
    """Write a consistent copy of the database to ``out``; return a one-line summary."""
    if out.exists():
        raise BackupError(f"{out} exists; choose a new file (a backup never overwrites).")
    if not out.parent.is_dir():
        raise BackupError(f"{out.parent} is not a directory.")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return _backup_sqlite(url.database or "", out)
    if url.get_backend_name() == "postgresql":
        return _backup_postgres(database_url, out)
    raise BackupError(f"no backup method for {url.get_backend_name()} databases.")


def _backup_sqlite(path: str, out: Path) -> str:
    if not path or path == ":memory:" or not Path(path).is_file():
        raise BackupError(f"the SQLite database {path or ':memory:'} is not a file.")
    partial = out.with_name(out.name + ".partial")
    source = sqlite3.connect(path, timeout=10)
    try:
        target = sqlite3.connect(partial)
        try:
            # One step (pages=-1): the whole copy comes from a single read snapshot.
            source.backup(target, pages=-1)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            (status,) = target.execute("PRAGMA integrity_check").fetchone()
        finally:
            target.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"SQLite backup failed: {exc}") from exc
    finally:
        source.close()
    if status != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its integrity check: {status}")
    partial.rename(out)
    return f"SQLite backup written to {out} ({out.stat().st_size:,} bytes)"


def _backup_postgres(database_url: str, out: Path) -> str:
    cmd, env = pg_dump_command(database_url, out)
    shown = " ".join(cmd)
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed (Debian: apt-get install "
                          f"postgresql-client). Run this instead:\n  {shown}")
    done = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        out.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed ({done.returncode}): {done.stderr.strip()}")
    return (f"PostgreSQL backup written to {out} ({out.stat().st_size:,} bytes) by: {shown}\n"
            "Restore with: pg_restore --no-owner --dbname <new database> " + str(out))
