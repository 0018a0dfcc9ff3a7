"""Scorecard versions in the database: publishing a checked file, loading its point table."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_defs.scorecards import Scorecard, load_scorecard, point_problems, with_points

from .. import audit
from ..csv_input import ImportProblem, ImportRejected, read_csv
from ..models import ScorecardPoint, ScorecardVersion
from .memo import remembered

POINT_COLUMNS = ("scorecard", "version", "item_code", "max_points")


class ScorecardConflict(Exception):
    """A different text was published before under the same key and version."""


def publish_scorecard(session: Session, path: Path, *, user_id: int | None = None
                      ) -> ScorecardVersion:
    """Check ``path`` and store it as a frozen version (the same text twice is a no-op).

    Raises :class:`survey_defs.DefinitionError` for a bad file and :class:`ScorecardConflict`
    when the key and version already hold another text.
    """
    card, _ = load_scorecard(path)
    existing = session.scalar(select(ScorecardVersion).where(
        ScorecardVersion.key == card.key, ScorecardVersion.version == card.version))
    if existing is not None:
        if existing.content_hash != card.content_hash:
            raise ScorecardConflict(
                f"{path}: scorecard {card.key} version {card.version} was published with "
                "another text; give the changed file a new version")
        return existing
    row = ScorecardVersion(key=card.key, version=card.version, year=card.year,
                           level=card.level, yaml_text=card.text,
                           content_hash=card.content_hash)
    session.add(row)
    session.flush()
    audit.record(session, "scorecard.publish", target=f"{card.key}:{card.version}",
                 user_id=user_id, detail={"year": card.year, "hash": card.content_hash})
    session.commit()
    return row


def scorecard_of(session: Session, version: ScorecardVersion) -> Scorecard:
    """The scorecard of a stored version, with its loaded point table filled in (read once
    per transaction: every peer's totals need it)."""
    return remembered(session, ("scorecard", version.id),
                      lambda: _scorecard_of(session, version))


def _scorecard_of(session: Session, version: ScorecardVersion) -> Scorecard:
    card, _ = load_scorecard(f"{version.key}:{version.version}", text=version.yaml_text)
    points = {p.item_code: p.max_points for p in session.scalars(
        select(ScorecardPoint).where(ScorecardPoint.scorecard_version_id == version.id))}
    return with_points(card, points)


def find_version(session: Session, key: str, version: str) -> ScorecardVersion | None:
    """The stored version ``key``/``version``, or None."""
    return session.scalar(select(ScorecardVersion).where(
        ScorecardVersion.key == key, ScorecardVersion.version == version))


@dataclass(frozen=True)
class PointsReport:
    """What an accepted point table changed."""

    scorecard: str
    version: str
    items: int


def import_points(session: Session, path: Path, *, user_id: int | None = None) -> PointsReport:
    """Load a scorecard version's maximum points from CSV (scorecard, version, item_code,
    max_points), all or nothing: every item needs points, parts add up to their parent and
    the domains to the scorecard's total (100 for PAR INDEX)."""
    table = read_csv(path, POINT_COLUMNS)
    problems = list(table.problems)
    if problems:
        raise ImportRejected(str(path), problems)
    versions = {(r.values["scorecard"], r.values["version"]) for r in table.rows}
    if len(versions) != 1:
        line = table.rows[0].line if table.rows else 1
        raise ImportRejected(str(path), [ImportProblem(
            line, "version", "the file must hold exactly one scorecard version; found "
            f"{len(versions)}")])
    key, ver = versions.pop()
    version = find_version(session, key, ver)
    if version is None:
        raise ImportRejected(str(path), [ImportProblem(
            table.rows[0].line, "scorecard", f"scorecard {key!r} version {ver!r} is not "
            "published; publish it first with 'hailong parindex publish'")])
    points: dict[str, Decimal] = {}
    line_of: dict[str, int] = {}
    for row in table.rows:
        code, text = row.values["item_code"], row.values["max_points"].replace(",", ".")
        if code in line_of:
            problems.append(ImportProblem(row.line, "item_code",
                                          f"'{code}' already given on line {line_of[code]}"))
            continue
        line_of[code] = row.line
        try:
            value = Decimal(text)
        except InvalidOperation:
            problems.append(ImportProblem(row.line, "max_points", f"{text!r} is not a number"))
            continue
        if not value.is_finite() or value < 0:
            problems.append(ImportProblem(row.line, "max_points",
                                          f"{text!r} must be a number of 0 or more"))
            continue
        points[code] = value
    if not problems:
        card, _ = load_scorecard(key, text=version.yaml_text)
        for code, why in point_problems(card, points):
            # An item's own problem sits on its row; a missing item or the total on line 1.
            column = "max_points" if code in line_of or code == "" else "item_code"
            problems.append(ImportProblem(line_of.get(code, 1), column, why))
    if problems:
        raise ImportRejected(str(path), problems)
    for old in session.scalars(select(ScorecardPoint).where(
            ScorecardPoint.scorecard_version_id == version.id)):
        session.delete(old)
    session.flush()
    session.add_all(ScorecardPoint(scorecard_version_id=version.id, item_code=code,
                                   max_points=value) for code, value in points.items())
    audit.record(session, "scorecard.points", target=f"{key}:{ver}", user_id=user_id,
                 detail={"items": len(points)})
    session.commit()
    return PointsReport(key, ver, len(points))
