"""TT 01/2018's nine one-stop indicators for a unit and period, and the 18-point total.

Indicators 1-2 (from the dossiers' on-time flags) and 3, 4, 6, 7 (rated by citizens) are
estimates with intervals from the scoring path (their sum is the composite's ``points`` output,
with its own interval); 5, 8 and 9 are entered by the unit's staff for the period
(:class:`~webapp.models.OnestopUnitScore`), exact values. The total and its TT 01 band exist only
when all nine have a value; otherwise the page names the missing ones. The band is never applied
to a share of fewer indicators.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.scoring import band_of

from .. import audit
from ..i18n import translated
from ..models import OnestopUnitScore, Unit
from ..models.base import utcnow
from ..periods import parse_period

MAX_POINTS = 2
ALLOWED_POINTS = (0, 1, 2)


class _Figure(Protocol):
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    suppressed: bool


@dataclass(frozen=True)
class IndicatorPoints:
    """One TT 01 indicator: mean points (0-2) with an interval, or the value staff entered."""

    indicator_id: str
    label: str
    supplied_by: str  # "dossier", "citizen" or "unit"
    points: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None
    rubric: str = ""


@dataclass(frozen=True)
class TT01Summary:
    """The nine indicators in the Circular's order and, when all exist, the 18-point total."""

    indicators: list[IndicatorPoints] = field(default_factory=list)
    total: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    maximum: int = 0
    band: str | None = None
    missing: list[str] = field(default_factory=list)


class UnitScoreError(ValueError):
    """Points a unit entered are refused; the message says which and why."""


def unit_score_stamp(session: Session) -> tuple[object, ...]:
    """Changes whenever a unit enters, changes or clears points (memo keys)."""
    from sqlalchemy import func

    return tuple(session.execute(select(func.count(), func.max(OnestopUnitScore.id),
                                  func.max(OnestopUnitScore.entered_at),
                                  func.sum(OnestopUnitScore.points))).one())


def unit_scores(session: Session, unit_id: int, period: str) -> dict[str, int]:
    """Points entered by the unit's staff for ``period``, by indicator id."""
    rows = session.execute(select(OnestopUnitScore.indicator_id, OnestopUnitScore.points)
                           .where(OnestopUnitScore.unit_id == unit_id,
                                  OnestopUnitScore.period == period)).all()
    return {indicator: int(points) for indicator, points in rows}


def save_unit_scores(session: Session, unit: Unit, period: str, spec: Mapping[str, Any],
                     values: Mapping[str, str], user_id: int | None) -> list[str]:
    """Set (or clear, with an empty value) the unit-level indicators for ``period``; audited.

    Returns the ids that changed. Raises :class:`UnitScoreError` without changing anything
    when a value is not 0, 1 or 2 or an indicator is unknown."""
    period = str(parse_period(period))
    known = {i["id"] for i in spec.get("unit_indicators", [])}
    wanted: dict[str, int | None] = {}
    for indicator, raw in values.items():
        if indicator not in known:
            raise UnitScoreError(f"{indicator}: not an indicator the unit enters")
        raw = raw.strip()
        if raw == "":
            wanted[indicator] = None
        elif raw.isdigit() and int(raw) in ALLOWED_POINTS:
            wanted[indicator] = int(raw)
        else:
            raise UnitScoreError(f"{indicator}: points must be 0, 1 or 2, not {raw!r}")
    existing = {row.indicator_id: row for row in session.scalars(
        select(OnestopUnitScore).where(OnestopUnitScore.unit_id == unit.id,
                                       OnestopUnitScore.period == period))}
    changed = []
    for indicator, points in wanted.items():
        row = existing.get(indicator)
        before = row.points if row is not None else None
        if before == points:
            continue
        if points is None and row is not None:
            session.delete(row)
        elif row is None:
            session.add(OnestopUnitScore(unit_id=unit.id, period=period,
                                         indicator_id=indicator, points=points,
                                         entered_by_id=user_id))
        else:
            row.points = points  # type: ignore[assignment]
            row.entered_by_id = user_id
            row.entered_at = utcnow()
        audit.record(session, "onestop.unit_score", target=unit.code, user_id=user_id,
                     detail={"period": period, "indicator": indicator, "before": before,
                             "after": points})
        changed.append(indicator)
    session.commit()
    return changed


def tt01_summary(spec: Mapping[str, Any], figures: Mapping[str, _Figure],
                 entered: Mapping[str, int], language: str) -> TT01Summary:
    """The nine indicators in order (1-9), their total over 18 and its band when complete."""
    rows: list[tuple[str, IndicatorPoints]] = []
    for ind in spec.get("indicators", []):
        f = figures.get(ind["id"])
        ok = f is not None and not f.suppressed and f.estimate is not None
        rows.append((ind["id"], IndicatorPoints(
            ind["id"], translated(ind["label"], language), ind.get("supplied_by", "citizen"),
            f.estimate if ok and f is not None else None,
            f.ci_low if ok and f is not None else None,
            f.ci_high if ok and f is not None else None, f.n if f is not None else 0)))
    for ind in spec.get("unit_indicators", []):
        points = entered.get(ind["id"])
        rows.append((ind["id"], IndicatorPoints(
            ind["id"], translated(ind["label"], language), "unit",
            float(points) if points is not None else None,
            rubric=translated(ind.get("rubric") or {}, language))))
    rows.sort(key=lambda r: _number(r[0]))
    indicators = [r for _, r in rows]
    maximum = MAX_POINTS * len(indicators)
    missing = [r.label for r in indicators if r.points is None]
    summary = TT01Summary(indicators=indicators, maximum=maximum, missing=missing)
    points = figures.get("points")
    if missing or points is None or points.estimate is None or len(indicators) != 9:
        return summary
    fixed = sum(r.points or 0.0 for r in indicators if r.supplied_by == "unit")
    total = points.estimate + fixed
    band = band_of(total / maximum, spec.get("bands", []))
    label = next((translated(b["label"], language) for b in spec.get("bands", [])
                  if b["id"] == band), None)
    return TT01Summary(indicators=indicators, total=total,
                       ci_low=None if points.ci_low is None else points.ci_low + fixed,
                       ci_high=None if points.ci_high is None else points.ci_high + fixed,
                       maximum=maximum, band=label, missing=[])


def _number(indicator_id: str) -> int:
    digits = "".join(ch for ch in indicator_id.rsplit("_", 1)[-1] if ch.isdigit())
    return int(digits) if digits else 99
