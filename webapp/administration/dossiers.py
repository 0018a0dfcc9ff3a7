"""Procedure fields and the dossier counts that weights are post-stratified to."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..csv_input import ImportProblem, ImportRejected, read_csv
from ..import_codes import ImportCode
from ..models import DossierCount, ProcedureField, Unit
from ..periods import PeriodError, parse_period

DOSSIER_COLUMNS = ("unit", "field", "period", "count")
FIELD_COLUMNS = ("code", "name_vi")


@dataclass(frozen=True)
class DossierImportReport:
    """What an accepted dossier-count file changed."""

    created: int
    replaced: int


def import_fields(session: Session, path: Path, *, user_id: int | None = None) -> int:
    """Import procedure fields (code, name_vi, name_en); existing codes get the new names."""
    table = read_csv(path, FIELD_COLUMNS, ("name_en",))
    problems = list(table.problems)
    first_line: dict[str, int] = {}
    for row in table.rows:
        for column in FIELD_COLUMNS:
            if not row.values[column]:
                problems.append(ImportProblem.of(row.line, column, ImportCode.HL811))
        code = row.values["code"]
        if code in first_line:
            problems.append(ImportProblem.of(row.line, "code", ImportCode.HL812, code=code,
                                             line=first_line[code]))
        first_line.setdefault(code, row.line)
    if problems:
        raise ImportRejected(str(path), problems)
    existing = {f.code: f for f in session.scalars(select(ProcedureField))}
    for row in table.rows:
        v = row.values
        field = existing.get(v["code"]) or ProcedureField(code=v["code"])
        field.name_vi, field.name_en = v["name_vi"], v.get("name_en") or None
        session.add(field)
    audit.record(session, "fields.import", target=path.name, user_id=user_id,
                 detail={"rows": len(table.rows)})
    session.commit()
    return len(table.rows)


def import_dossier_counts(session: Session, path: Path, *,
                          user_id: int | None = None) -> DossierImportReport:
    """Import dossier counts (unit, field, period, count), all or nothing.

    A row for a (unit, field, period) already stored replaces its count: a corrected export
    from the one-stop system is re-imported as a whole.
    """
    table = read_csv(path, DOSSIER_COLUMNS)
    problems = list(table.problems)
    units = dict(session.execute(select(Unit.code, Unit.id)).all())
    fields = dict(session.execute(select(ProcedureField.code, ProcedureField.id)).all())
    first_line: dict[tuple[str, str, str], int] = {}
    accepted: list[tuple[int, int, str, int]] = []
    for row in table.rows:
        v = row.values
        row_problems: list[ImportProblem] = []
        if v["unit"] not in units:
            row_problems.append(ImportProblem.of(row.line, "unit", ImportCode.HL814,
                                                 code=v["unit"]))
        if v["field"] not in fields:
            row_problems.append(ImportProblem.of(row.line, "field", ImportCode.HL815,
                                                 code=v["field"]))
        period = v["period"]
        try:
            period = str(parse_period(v["period"]))
        except PeriodError:
            row_problems.append(ImportProblem.of(row.line, "period", ImportCode.HL822,
                                                 value=period))
        count = v["count"]
        if not count.isdigit():
            row_problems.append(ImportProblem.of(row.line, "count", ImportCode.HL816,
                                                 value=count))
        key = (v["unit"], v["field"], period)
        if key in first_line:
            row_problems.append(ImportProblem.of(row.line, "", ImportCode.HL817,
                                                 line=first_line[key], unit=key[0],
                                                 field=key[1], period=key[2]))
        first_line.setdefault(key, row.line)
        if row_problems:
            problems += row_problems
        else:
            accepted.append((units[v["unit"]], fields[v["field"]], period, int(count)))
    if problems:
        raise ImportRejected(str(path), problems)

    stored = {(c.unit_id, c.field_id, c.period): c for c in session.scalars(select(DossierCount))}
    created = replaced = 0
    for unit_id, field_id, period, count in accepted:
        current = stored.get((unit_id, field_id, period))
        if current is None:
            session.add(DossierCount(unit_id=unit_id, field_id=field_id, period=period,
                                     dossiers=count))
            created += 1
        else:
            current.dossiers = count
            replaced += 1
    audit.record(session, "dossiers.import", target=path.name, user_id=user_id,
                 detail={"created": created, "replaced": replaced})
    session.commit()
    return DossierImportReport(created, replaced)
