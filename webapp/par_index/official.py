"""Official published results (PAR INDEX, SIPAS, PAPI, PCI...) loaded as baselines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..csv_input import CsvRow, ImportProblem, ImportRejected, read_csv
from ..models import OfficialResult, Unit

OFFICIAL_COLUMNS = ("index", "year", "unit_code", "score", "source")
OFFICIAL_OPTIONAL = ("component", "maximum", "rank", "out_of")
INDEX_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,29}$")


@dataclass(frozen=True)
class OfficialImportReport:
    """What an accepted file changed."""

    created: int
    updated: int


def _decimal(row: CsvRow, column: str, problems: list[ImportProblem],
             required: bool) -> Decimal | None:
    text = row.values.get(column, "").replace(",", ".")
    if not text:
        if required:
            problems.append(ImportProblem(row.line, column, "is empty; a number is required"))
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        problems.append(ImportProblem(row.line, column, f"{text!r} is not a number"))
        return None
    if not value.is_finite() or value < 0:
        problems.append(ImportProblem(row.line, column, f"{text!r} must be 0 or more"))
        return None
    return value


def _integer(row: CsvRow, column: str, problems: list[ImportProblem]) -> int | None:
    text = row.values.get(column, "")
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        problems.append(ImportProblem(row.line, column, f"{text!r} is not a whole number "
                                      "of 1 or more"))
        return None
    return int(text)


def _row(row: CsvRow, units: dict[str, int], problems: list[ImportProblem]) -> dict | None:
    before = len(problems)
    index = row.values["index"]
    if not INDEX_RE.match(index):
        problems.append(ImportProblem(row.line, "index", f"{index!r} is not an index name "
                                      "such as PAR_INDEX, SIPAS, PAPI or PCI"))
    year_text = row.values["year"]
    year = int(year_text) if year_text.isdigit() else None
    if year is None or not 2000 <= year <= 2100:
        problems.append(ImportProblem(row.line, "year", f"{year_text!r} is not a year "
                                      "written YYYY (2000 to 2100)"))
    code = row.values["unit_code"]
    if code not in units:
        problems.append(ImportProblem(row.line, "unit_code", f"unknown unit {code!r}; "
                                      "import it with 'hailong units import' first"))
    score = _decimal(row, "score", problems, required=True)
    maximum = _decimal(row, "maximum", problems, required=False)
    if maximum is not None and maximum == 0:
        problems.append(ImportProblem(row.line, "maximum", "must be more than 0"))
    elif score is not None and maximum is not None and score > maximum:
        problems.append(ImportProblem(row.line, "score", f"{score} is above the maximum "
                                      f"{maximum}"))
    rank = _integer(row, "rank", problems)
    out_of = _integer(row, "out_of", problems)
    if rank is not None and out_of is None and "out_of" not in {p.column for p in
                                                                  problems[before:]}:
        problems.append(ImportProblem(row.line, "out_of", "is empty; a rank needs the number "
                                      "of units ranked"))
    if rank is not None and out_of is not None and rank > out_of:
        problems.append(ImportProblem(row.line, "rank", f"{rank} is beyond out_of {out_of}"))
    if not row.values["source"]:
        problems.append(ImportProblem(row.line, "source", "is empty; say where the figure "
                                      "was published (document number, date or address)"))
    if len(problems) > before:
        return None
    return {"index_key": index, "year": year, "unit_id": units[code],
            "component": row.values.get("component", ""), "score": score,
            "maximum": maximum, "rank": rank, "out_of": out_of,
            "source": row.values["source"]}


def import_official(session: Session, path: Path, *, user_id: int | None = None
                    ) -> OfficialImportReport:
    """Import published results from CSV, all or nothing.

    Columns: index, year, unit_code, component (blank for the whole index), score, maximum,
    rank, out_of, source. A result already stored for the same index, year, unit and component
    is replaced; the same key twice in one file is refused.
    """
    table = read_csv(path, OFFICIAL_COLUMNS, OFFICIAL_OPTIONAL)
    problems = list(table.problems)
    units = {code: uid for code, uid in session.execute(select(Unit.code, Unit.id))}
    parsed: list[dict] = []
    first_line: dict[tuple, int] = {}
    for row in table.rows:
        values = _row(row, units, problems)
        if values is None:
            continue
        key = (values["index_key"], values["year"], values["unit_id"], values["component"])
        if key in first_line:
            problems.append(ImportProblem(row.line, "component", "the same index, year, unit "
                                          f"and component is on line {first_line[key]}"))
            continue
        first_line[key] = row.line
        parsed.append(values)
    if problems:
        raise ImportRejected(str(path), problems)
    years = sorted({values["year"] for values in parsed})
    existing = {(r.index_key, r.year, r.unit_id, r.component): r
                for r in session.scalars(select(OfficialResult).where(
                    OfficialResult.year.in_(years)))}
    created = updated = 0
    for values in parsed:
        key = (values["index_key"], values["year"], values["unit_id"], values["component"])
        row = existing.get(key)
        if row is None:
            session.add(OfficialResult(**values))
            created += 1
        else:
            for name, value in values.items():
                setattr(row, name, value)
            updated += 1
    audit.record(session, "official.import", target=path.name, user_id=user_id,
                 detail={"created": created, "updated": updated})
    session.commit()
    return OfficialImportReport(created, updated)


def official_results(session: Session, unit_id: int, year: int | None = None
                     ) -> list[OfficialResult]:
    """A unit's published results, by index, year and component."""
    query = select(OfficialResult).where(OfficialResult.unit_id == unit_id)
    if year is not None:
        query = query.where(OfficialResult.year == year)
    return list(session.scalars(query.order_by(OfficialResult.index_key, OfficialResult.year,
                                               OfficialResult.component)))
