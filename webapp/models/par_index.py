"""PAR INDEX and other scorecards: published versions, point tables, self-assessment and
appraisal per unit and year, evidence files, official published results and targets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import ForeignKey, LargeBinary, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .unit import Unit

# Points are published with two decimals (84.66); three leave room for sub-criteria shares.
POINTS = Numeric(9, 3)


class ScorecardVersion(Base):
    """A checked scorecard file, frozen: its YAML text and hash (like a survey version)."""

    __tablename__ = "scorecard_version"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60))
    version: Mapped[str] = mapped_column(String(60))
    year: Mapped[int]
    level: Mapped[str] = mapped_column(String(20))
    yaml_text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ScorecardPoint(Base):
    """The maximum points of one item of a scorecard version, loaded from the official annex."""

    __tablename__ = "scorecard_point"
    __table_args__ = (UniqueConstraint("scorecard_version_id", "item_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_version_id: Mapped[int] = mapped_column(ForeignKey("scorecard_version.id"),
                                                      index=True)
    item_code: Mapped[str] = mapped_column(String(20))
    max_points: Mapped[Decimal] = mapped_column(POINTS)


class Assessment(Base):
    """One unit's scorecard for one year: self-assessment, then appraisal by the level above."""

    __tablename__ = "assessment"
    __table_args__ = (UniqueConstraint("unit_id", "scorecard_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    scorecard_version_id: Mapped[int] = mapped_column(ForeignKey("scorecard_version.id"))
    year: Mapped[int] = mapped_column(index=True)
    # draft -> submitted -> appraised
    status: Mapped[str] = mapped_column(String(20), default="draft")
    submitted_at: Mapped[dt.datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    appraised_at: Mapped[dt.datetime | None]
    appraised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    unit: Mapped[Unit] = relationship()
    scorecard_version: Mapped[ScorecardVersion] = relationship()


class CriterionScore(Base):
    """One scored item of an assessment: who is responsible, the self-score and the appraisal."""

    __tablename__ = "criterion_score"
    __table_args__ = (UniqueConstraint("assessment_id", "item_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(20))
    responsible_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    declared_value: Mapped[str | None] = mapped_column(String(60))
    self_score: Mapped[Decimal | None] = mapped_column(POINTS)
    explanation: Mapped[str | None] = mapped_column(Text)
    cause: Mapped[str | None] = mapped_column(Text)
    scored_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    scored_at: Mapped[dt.datetime | None]
    appraised_score: Mapped[Decimal | None] = mapped_column(POINTS)
    appraisal_reason: Mapped[str | None] = mapped_column(Text)
    appraised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    appraised_at: Mapped[dt.datetime | None]

    assessment: Mapped[Assessment] = relationship()


class EvidenceFile(Base):
    """A file proving a self-score, kept in the database (served only within its unit's tree)."""

    __tablename__ = "evidence_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_score_id: Mapped[int] = mapped_column(ForeignKey("criterion_score.id"),
                                                    index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class OfficialResult(Base):
    """A published result (PAR INDEX, SIPAS, PAPI, PCI...) of a unit for a year: a baseline.

    ``component`` is '' for the overall index, else a domain or criterion as published.
    """

    __tablename__ = "official_result"
    __table_args__ = (UniqueConstraint("index_key", "year", "unit_id", "component"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    index_key: Mapped[str] = mapped_column(String(30))
    year: Mapped[int]
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    component: Mapped[str] = mapped_column(String(200), default="")
    score: Mapped[Decimal] = mapped_column(POINTS)
    maximum: Mapped[Decimal | None] = mapped_column(POINTS)
    rank: Mapped[int | None]
    out_of: Mapped[int | None]
    source: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()


class Target(Base):
    """A target for a unit's index or criterion in a year, set by the level above.

    ``kind``: 'level' (reach ``value`` points), 'no_worse' (no fewer points than last year) or
    'top_half' (rank in the better half of the peers). ``item_code`` '' is the whole index.
    """

    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("unit_id", "year", "index_key", "item_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    year: Mapped[int]
    index_key: Mapped[str] = mapped_column(String(60))
    item_code: Mapped[str] = mapped_column(String(20), default="")
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[Decimal | None] = mapped_column(POINTS)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    set_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ActionPlanOwner(Base):
    """The account that owns an action plan (the plan's ``owner`` text stays for display)."""

    __tablename__ = "action_plan_owner"

    action_plan_id: Mapped[int] = mapped_column(ForeignKey("action_plan.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
