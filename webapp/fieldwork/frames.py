"""Importing sampling frames from CSV: validated all-or-nothing, versioned by name.

A frame file has a ``unit_id`` column (unique), any design columns (strata, size measures,
flags for forced units) and optionally the contact columns ``contact_name``,
``contact_address`` and ``contact_phone``. Contact values go to :class:`FrameContact` only;
they never enter the frame's attributes, a sample file or an export.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.audit import record
from webapp.csv_input import ImportProblem, ImportRejected, read_csv
from webapp.models import FrameContact, FrameUnit, SamplingFrame

KINDS = ("villages", "households", "residents", "dossiers")
CONTACT_COLUMNS = {"contact_name": 200, "contact_address": 400, "contact_phone": 40}
FLAG_VALUES = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False,
               "": False}
_PHONE = re.compile(r"^\+?[0-9 ().-]{6,40}$")
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")


@dataclass(frozen=True)
class FrameReport:
    """What an import created."""

    name: str
    version: int
    rows: int
    contacts: int


def _header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [h.strip() for h in next(csv.reader(handle), [])]
    except (UnicodeDecodeError, csv.Error):
        return []  # read_csv reports the problem with its line


def import_frame(session: Session, path: Path, *, name: str, kind: str = "households",
                 numeric: tuple[str, ...] = (), flags: tuple[str, ...] = ()) -> FrameReport:
    """Import ``path`` as the next version of frame ``name``; raise :class:`ImportRejected`."""
    filename = path.name
    if not _NAME.match(name):
        raise ImportRejected(filename, [ImportProblem(0, "", f"frame name {name!r} must be 1-80 "
                                                      "letters, digits, '_', '-' or '.'")])
    if kind not in KINDS:
        raise ImportRejected(filename, [ImportProblem(0, "", f"kind must be one of "
                                                      f"{', '.join(KINDS)}, not {kind!r}")])
    header = _header(path)
    required = ["unit_id", *numeric, *flags]
    table = read_csv(path, required=required,
                     optional=[h for h in header if h and h not in required])
    problems = list(table.problems)
    seen: dict[str, int] = {}
    units: list[tuple[int, str, dict[str, object], dict[str, str]]] = []
    for row in table.rows:
        values = row.values
        key = values["unit_id"]
        if not key:
            problems.append(ImportProblem(row.line, "unit_id", "is empty"))
        elif len(key) > 120:
            problems.append(ImportProblem(row.line, "unit_id", "is longer than 120 characters"))
        elif key in seen:
            problems.append(ImportProblem(row.line, "unit_id",
                                          f"{key!r} already appears on line {seen[key]}"))
        else:
            seen[key] = row.line
        attributes: dict[str, object] = {}
        contact: dict[str, str] = {}
        for column, value in values.items():
            if column == "unit_id":
                continue
            if column in CONTACT_COLUMNS:
                if len(value) > CONTACT_COLUMNS[column]:
                    problems.append(ImportProblem(
                        row.line, column, f"is longer than {CONTACT_COLUMNS[column]} characters"))
                elif column == "contact_phone" and value and not _PHONE.match(value):
                    problems.append(ImportProblem(row.line, column, f"{value!r} is not a phone "
                                                  "number (digits, spaces, +, -, brackets)"))
                if value:
                    contact[column.removeprefix("contact_")] = value
            elif column in numeric:
                number = pd.to_numeric(value, errors="coerce")
                if pd.isna(number) or number < 0:
                    problems.append(ImportProblem(
                        row.line, column, f"{value!r} is not a non-negative number"))
                else:
                    attributes[column] = float(number)
            elif column in flags:
                if value.lower() not in FLAG_VALUES:
                    problems.append(ImportProblem(row.line, column,
                                                  f"{value!r} is not 1/0, true/false or yes/no"))
                else:
                    attributes[column] = FLAG_VALUES[value.lower()]
            else:
                attributes[column] = value
        units.append((row.line, key, attributes, contact))
    if not problems and not units:
        problems.append(ImportProblem(2, "", "the frame has no rows"))
    if problems:
        raise ImportRejected(filename, problems)
    version = (session.scalar(select(func.max(SamplingFrame.version))
                              .where(SamplingFrame.name == name)) or 0) + 1
    columns = [h for h in header if h not in CONTACT_COLUMNS]
    frame = SamplingFrame(name=name, version=version, kind=kind, columns=columns,
                          row_count=len(units), source_file=filename[:255])
    session.add(frame)
    contacts = 0
    for line, key, attributes, contact in units:
        unit = FrameUnit(line=line, unit_key=key, attributes=attributes)
        frame.units.append(unit)
        if contact:
            session.add(FrameContact(unit=unit, **contact))
            contacts += 1
    record(session, "frame.import", target=f"{name} v{version}",
           detail={"rows": len(units), "kind": kind, "file": filename})
    session.commit()
    return FrameReport(name=name, version=version, rows=len(units), contacts=contacts)


def latest_frame(session: Session, name: str, version: int | None = None) -> SamplingFrame:
    """The newest (or the given) version of frame ``name``; LookupError if there is none."""
    query = select(SamplingFrame).where(SamplingFrame.name == name)
    if version is not None:
        query = query.where(SamplingFrame.version == version)
    frame = session.scalars(query.order_by(SamplingFrame.version.desc()).limit(1)).first()
    if frame is None:
        raise LookupError(f"no frame named {name!r}" +
                          (f" with version {version}" if version is not None else ""))
    return frame


def frame_table(session: Session, frame: SamplingFrame) -> pd.DataFrame:
    """The frame's units as a data frame (``unit_id`` and attributes; never contact data)."""
    rows = session.execute(select(FrameUnit.id, FrameUnit.unit_key, FrameUnit.attributes)
                           .where(FrameUnit.frame_id == frame.id).order_by(FrameUnit.line)).all()
    table = pd.DataFrame([{"unit_id": key, **attrs} for _, key, attrs in rows],
                         columns=list(dict.fromkeys(["unit_id", *frame.columns])))
    table["_frame_unit_id"] = [row_id for row_id, _, _ in rows]
    return table
