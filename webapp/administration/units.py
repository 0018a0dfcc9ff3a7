"""Importing the unit tree from CSV and editing one unit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..codes import code_problem
from ..csv_input import CsvRow, ImportProblem, ImportRejected, read_csv
from ..import_codes import ImportCode
from ..models import Unit
from ..unit_tree import subtree_ids

UNIT_COLUMNS = ("code", "name_vi", "unit_type")
UNIT_OPTIONAL = ("name_en", "parent_code", "valid_from", "valid_to", "successor_code")


@dataclass(frozen=True)
class UnitImportReport:
    """What an accepted units file changed."""

    created: int
    updated: int


def _parse_date(row: CsvRow, column: str, problems: list[ImportProblem]) -> dt.date | None:
    text = row.values.get(column, "")
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problems.append(ImportProblem.of(row.line, column, ImportCode.HL818, value=text))
        return None


def _find_cycles(parent_of: dict[str, str | None], line_of: dict[str, int]) -> list[ImportProblem]:
    problems = []
    reported: set[str] = set()
    for start in parent_of:
        path: list[str] = []
        node: str | None = start
        while node is not None and node not in path and node not in reported:
            path.append(node)
            node = parent_of.get(node)
        if node is not None and node in path:
            cycle = path[path.index(node):]
            reported.update(cycle)
            for code in cycle:
                if code in line_of:
                    problems.append(ImportProblem.of(
                        line_of[code], "parent_code", ImportCode.HL821, code=code,
                        cycle=" -> ".join([*cycle, node])))
    return problems


def import_units(session: Session, path: Path, *, user_id: int | None = None) -> UnitImportReport:
    """Import units from CSV (create new codes, update existing ones), all or nothing.

    Raises ImportRejected listing every problem by line and column; nothing is written then.
    """
    table = read_csv(path, UNIT_COLUMNS, UNIT_OPTIONAL)
    problems = list(table.problems)
    existing = {u.code: u for u in session.scalars(select(Unit))}
    line_of: dict[str, int] = {}
    parsed: list[tuple[CsvRow, dt.date | None, dt.date | None]] = []
    for row in table.rows:
        values = row.values
        for column in UNIT_COLUMNS:
            if not values[column]:
                problems.append(ImportProblem.of(row.line, column, ImportCode.HL811))
        code = values["code"]
        for column in ("code", "parent_code", "successor_code"):
            value = values.get(column, "")
            if value and code_problem(value):
                problems.append(ImportProblem.of(row.line, column, ImportCode.HL823,
                                                 value=value))
        if code and code in line_of:
            problems.append(ImportProblem.of(row.line, "code", ImportCode.HL812, code=code,
                                             line=line_of[code]))
        elif code:
            line_of[code] = row.line
        valid_from = _parse_date(row, "valid_from", problems)
        valid_to = _parse_date(row, "valid_to", problems)
        if valid_from and valid_to and valid_to < valid_from:
            problems.append(ImportProblem.of(row.line, "valid_to", ImportCode.HL819,
                                             to=valid_to, **{"from": valid_from}))
        parsed.append((row, valid_from, valid_to))

    known = set(existing) | set(line_of)
    parent_of: dict[str, str | None] = {
        code: (u.parent.code if u.parent else None) for code, u in existing.items()
    }
    for row, _, _ in parsed:
        for column in ("parent_code", "successor_code"):
            ref = row.values.get(column, "")
            if ref and ref not in known:
                problems.append(ImportProblem.of(row.line, column, ImportCode.HL813, code=ref))
            if ref and ref == row.values["code"] and column == "successor_code":
                problems.append(ImportProblem.of(row.line, column, ImportCode.HL820))
        if row.values["code"]:
            parent_of[row.values["code"]] = row.values.get("parent_code") or None
    problems += _find_cycles(parent_of, line_of)
    if problems:
        raise ImportRejected(str(path), problems)

    created = updated = 0
    units_by_code = dict(existing)
    for row, valid_from, valid_to in parsed:
        v = row.values
        unit = units_by_code.get(v["code"])
        if unit is None:
            unit = Unit(code=v["code"])
            session.add(unit)
            units_by_code[v["code"]] = unit
            created += 1
        else:
            updated += 1
        unit.name_vi, unit.name_en = v["name_vi"], v.get("name_en") or None
        unit.unit_type, unit.valid_from, unit.valid_to = v["unit_type"], valid_from, valid_to
    for row, _, _ in parsed:
        v = row.values
        unit = units_by_code[v["code"]]
        unit.parent = units_by_code[v["parent_code"]] if v.get("parent_code") else None
        unit.successor = (units_by_code[v["successor_code"]] if v.get("successor_code")
                          else None)
    audit.record(session, "units.import", target=path.name, user_id=user_id,
                 detail={"created": created, "updated": updated})
    session.commit()
    return UnitImportReport(created, updated)


class UnitError(ValueError):
    """An edit of a unit was refused; the message names the field and the reason."""


@dataclass(frozen=True)
class UnitEdit:
    """The editable fields of a unit; codes refer to other units (empty: none)."""

    name_vi: str
    name_en: str
    unit_type: str
    parent_code: str
    successor_code: str
    valid_from: dt.date | None
    valid_to: dt.date | None


def _unit_by_code(session: Session, code: str, field: str) -> Unit | None:
    if not code:
        return None
    found = session.scalar(select(Unit).where(Unit.code == code))
    if found is None:
        raise UnitError(f"{field}: unknown unit code {code!r}")
    return found


def update_unit(session: Session, unit: Unit, edit: UnitEdit, *,
                user_id: int | None = None) -> None:
    """Apply ``edit`` to ``unit`` after checking all of it; raise UnitError and change nothing.

    A unit cannot be its own parent or successor, nor move below one of its own descendants
    (the tree would get a cycle and subtree roll-ups would never end).
    """
    if not edit.name_vi.strip():
        raise UnitError("name_vi: the Vietnamese name is required")
    if not edit.unit_type.strip():
        raise UnitError("unit_type: the unit type is required")
    if edit.valid_from and edit.valid_to and edit.valid_to < edit.valid_from:
        raise UnitError(f"valid_to: {edit.valid_to} is before valid_from {edit.valid_from}")
    parent = _unit_by_code(session, edit.parent_code, "parent")
    successor = _unit_by_code(session, edit.successor_code, "successor")
    if parent is not None and parent.id in subtree_ids(session, unit.id):
        which = "itself" if parent.id == unit.id else f"its own descendant {parent.code!r}"
        raise UnitError(f"parent: {unit.code!r} cannot be placed under {which}")
    if successor is not None and successor.id == unit.id:
        raise UnitError("successor: a unit cannot succeed itself")
    before = {"parent": unit.parent.code if unit.parent else None, "name_vi": unit.name_vi}
    unit.name_vi, unit.name_en = edit.name_vi.strip(), edit.name_en.strip() or None
    unit.unit_type = edit.unit_type.strip()
    unit.valid_from, unit.valid_to = edit.valid_from, edit.valid_to
    unit.parent, unit.successor = parent, successor
    audit.record(session, "units.edit", target=unit.code, user_id=user_id,
                 detail={"before": before, "parent": edit.parent_code or None})
    session.commit()
