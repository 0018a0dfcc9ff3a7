"""Every row of every table, to prove a refused request changed nothing at all."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Base

Snapshot = dict[str, list[tuple[str, ...]]]


def snapshot(session: Session) -> Snapshot:
    """All rows of all tables as sorted tuples of text (comparable across requests)."""
    session.expire_all()
    tables: Snapshot = {}
    for table in Base.metadata.sorted_tables:
        rows = session.execute(select(table)).all()
        tables[table.name] = sorted(tuple(str(v) for v in row) for row in rows)
    session.rollback()  # end the read transaction so PostgreSQL sees later commits
    return tables


def row_counts(shot: Snapshot) -> dict[str, int]:
    """Rows per table (for reports and short assertion messages)."""
    return {name: len(rows) for name, rows in shot.items() if rows}
