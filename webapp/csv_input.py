"""Strict CSV reading for imports: every problem is collected with its line and column."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

MAX_IMPORT_BYTES = 50 * 1024 * 1024
# NUL and other control characters (tab and line breaks aside) are never data: PostgreSQL
# refuses NUL in text outright, and the rest hide in names shown to staff.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_MESSAGE = "contains a control character (such as NUL); remove it"


@dataclass(frozen=True, order=True)
class ImportProblem:
    """One problem of an import file, located by line and column."""

    line: int
    column: str
    message: str

    def format(self, filename: str) -> str:
        """Render as ``file:line: column 'col': message``."""
        where = f" column '{self.column}':" if self.column else ""
        return f"{filename}:{self.line}:{where} {self.message}"


class ImportRejected(Exception):
    """An import file had problems; nothing was imported."""

    def __init__(self, filename: str, problems: Sequence[ImportProblem]) -> None:
        self.filename = filename
        self.problems = tuple(sorted(problems))
        super().__init__("\n".join(p.format(filename) for p in self.problems))


@dataclass
class CsvRow:
    """A data row with its line number in the file (the header is line 1)."""

    line: int
    values: dict[str, str]


@dataclass
class CsvTable:
    """A parsed CSV file and the problems found while reading it."""

    rows: list[CsvRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    def iter_rows(self) -> Iterator[CsvRow]:
        """Iterate over the rows."""
        return iter(self.rows)


def _decode(data: bytes) -> tuple[str | None, ImportProblem | None]:
    try:
        return unicodedata.normalize("NFC", data.decode("utf-8-sig")), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, ImportProblem(
            line, "", f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} cannot be read); "
            "save it as 'CSV UTF-8' (in Excel: Save As > CSV UTF-8)")


def delimiter_of(text: str) -> str:
    """The separator of a CSV text: ``;`` when its header row holds more semicolons than
    commas (what Excel writes under a Vietnamese or other comma-decimal locale), else ``,``."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def read_csv(path: Path, required: Sequence[str], optional: Sequence[str] = ()) -> CsvTable:
    """Read ``path`` as UTF-8 CSV with the given columns; text is NFC-normalised and stripped.
    The separator is a comma, or a semicolon when the header row is written with semicolons."""
    table = CsvTable()
    size = path.stat().st_size
    if size > MAX_IMPORT_BYTES:
        table.problems.append(ImportProblem(1, "", f"the file is {size} bytes; the limit is "
                                            f"{MAX_IMPORT_BYTES} bytes: split it"))
        return table
    text, problem = _decode(path.read_bytes())
    if problem:
        table.problems.append(problem)
        return table
    assert text is not None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text),
                        strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        table.problems.append(ImportProblem(1, "", "the file is empty; it needs a header row"))
        return table
    except csv.Error as exc:
        table.problems.append(ImportProblem(1, "", f"unreadable CSV: {exc}"))
        return table
    known = set(required) | set(optional)
    for name in required:
        if name not in header:
            table.problems.append(ImportProblem(
                1, name, f"required column is missing; the header must contain "
                f"{', '.join(required)}"))
    seen: set[str] = set()
    for name in header:
        if name in seen:
            table.problems.append(ImportProblem(1, name, "column appears twice in the header"))
        seen.add(name)
        if name not in known:
            table.problems.append(ImportProblem(
                1, name, f"unknown column; expected {', '.join([*required, *optional])}"))
    if table.problems:
        return table
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                table.problems.append(ImportProblem(
                    line, "", f"has {len(record)} fields; the header has {len(header)}"))
                continue
            bad = [h for h, v in zip(header, record, strict=True) if _CONTROL.search(v)]
            if bad:
                table.problems.extend(ImportProblem(line, h, CONTROL_MESSAGE) for h in bad)
                continue
            table.rows.append(CsvRow(line, {h: v.strip() for h, v in zip(header, record,
                                                                            strict=True)}))
    except csv.Error as exc:
        table.problems.append(ImportProblem(reader.line_num, "", f"unreadable CSV: {exc}"))
    return table
