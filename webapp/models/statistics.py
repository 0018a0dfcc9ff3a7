"""Kept statistics: additive sums per unit × procedure field × month cell, in the database.

One :class:`StatCellSet` per survey and scoring definition (its fingerprint) holds the
high-water mark of the responses folded in; its :class:`StatCell` rows hold each cell's sums
(see :mod:`analysis.cell_stats`). Every worker reads the same rows, so a new worker starts warm
and every instance shows the same numbers.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class StatCellSet(Base):
    """The cells of one survey under one scoring definition, and how far they have read."""

    __tablename__ = "stat_cell_set"
    __table_args__ = (UniqueConstraint("survey_key", "fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_key: Mapped[str] = mapped_column(String(64))
    # SHA-256 of the scoring blocks: another definition is another set of cells.
    fingerprint: Mapped[str] = mapped_column(String(64))
    # Random per set: a process's memo of these cells cannot outlive the rows (a rebuilt or
    # restored database gets new tokens even where ids repeat).
    token: Mapped[str] = mapped_column(String(32))
    # Highest response id folded in, and the ids within the late-commit window below it that
    # were folded in already (JSON list): a refresh reads ``id > mark - window`` and skips them.
    mark: Mapped[int] = mapped_column(default=0)
    recent: Mapped[str] = mapped_column(Text, default="[]")


class StatCell(Base):
    """Sums of one scoring block's responses in one unit × field × month cell."""

    __tablename__ = "stat_cell"
    __table_args__ = (
        UniqueConstraint("set_id", "block", "unit_id", "field_id", "month"),
        Index("ix_stat_cell_set_changed", "set_id", "changed_mark"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("stat_cell_set.id", ondelete="CASCADE"))
    block: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    field_id: Mapped[int]  # 0: no procedure field recorded (not a key of procedure_field)
    month: Mapped[str] = mapped_column(String(7))
    responses: Mapped[int]
    # The set's mark when these sums last changed: a process holding the cells as of mark M
    # re-reads only cells with changed_mark > M.
    changed_mark: Mapped[int]
    # float8 array in PostgreSQL's binary form (analysis.cell_stats.CellSums.pack).
    sums: Mapped[bytes] = mapped_column(LargeBinary)
