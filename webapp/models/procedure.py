"""Procedure fields (lĩnh vực), procedures (TTHC) and dossier counts used as weights."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base


class ProcedureField(Base):
    """A field of administrative procedures (lĩnh vực), e.g. hộ tịch, đất đai."""

    __tablename__ = "procedure_field"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))

    procedures: Mapped[list[Procedure]] = relationship(back_populates="field")


class Procedure(Base):
    """An administrative procedure with its national code (mã TTHC on the national database)."""

    __tablename__ = "procedure"

    id: Mapped[int] = mapped_column(primary_key=True)
    national_code: Mapped[str] = mapped_column(String(40), unique=True)
    name_vi: Mapped[str] = mapped_column(String(400))
    name_en: Mapped[str | None] = mapped_column(String(400))
    field_id: Mapped[int] = mapped_column(ForeignKey("procedure_field.id"), index=True)

    field: Mapped[ProcedureField] = relationship(back_populates="procedures")


class DossierCount(Base):
    """Dossiers a unit handled in a procedure field and period: the population for weights."""

    __tablename__ = "dossier_count"
    __table_args__ = (
        UniqueConstraint("unit_id", "field_id", "period"),
        CheckConstraint("dossiers >= 0", name="dossiers_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("procedure_field.id"))
    # A period as written everywhere in hailong: YYYY, YYYY-Qn or YYYY-MM.
    period: Mapped[str] = mapped_column(String(7))
    dossiers: Mapped[int]
