"""Strict CSV reading for imports: every problem is collected with its line and column."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .import_codes import ImportCode

MAX_IMPORT_BYTES = 50 * 1024 * 1024
# NUL and other control characters (tab and line breaks aside) are never data: PostgreSQL
# refuses NUL in text outright, and the rest hide in names shown to staff.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_MESSAGE = ImportCode.HL809.english({})
# A header read as one column holding one of these: the file uses another separator.
_OTHER_SEPARATORS = ("|", "\t", ":")


@dataclass(frozen=True, order=True)
class ImportProblem:
    """One problem of an import file, located by line and column: a catalogue ``code`` with
    its ``params`` (worded when shown), and the English ``message`` for logs. Importers not yet
    on the catalogue give only a message (no code), shown as written."""

    line: int
    column: str
    message: str
    code: str = ""
    params: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, line: int, column: str, code: ImportCode, /, **params: object) -> ImportProblem:
        """The problem ``code`` with its parameters (each kept as text)."""
        kept = tuple((k, str(v)) for k, v in params.items())
        return cls(line, column, code.english(dict(kept)), code.name, kept)

    def worded(self) -> str:
        """The message in the interface language (as written when it has no code)."""
        if not self.code:
            return self.message
        return ImportCode[self.code].worded(dict(self.params))

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
        return None, ImportProblem.of(line, "", ImportCode.HL802,
                                      byte=f"0x{data[exc.start]:02x}")


def delimiter_of(text: str) -> str:
    """The separator of a CSV text: ``;`` when its header row holds more semicolons than
    commas (what Excel writes under a Vietnamese or other comma-decimal locale), else ``,``."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _other_separator(header: list[str]) -> str | None:
    """The separator a one-column header row seems written with, if any."""
    if len(header) != 1:
        return None
    found = next((s for s in _OTHER_SEPARATORS if s in header[0]), None)
    return "Tab" if found == "\t" else found


def read_csv(path: Path, required: Sequence[str], optional: Sequence[str] = ()) -> CsvTable:
    """Read ``path`` as UTF-8 CSV with the given columns; text is NFC-normalised and stripped.
    The separator is a comma, or a semicolon when the header row is written with semicolons."""
    table = CsvTable()
    size = path.stat().st_size
    if size > MAX_IMPORT_BYTES:
        table.problems.append(ImportProblem.of(1, "", ImportCode.HL801, size=size,
                                               limit=MAX_IMPORT_BYTES))
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
        table.problems.append(ImportProblem.of(1, "", ImportCode.HL803))
        return table
    except csv.Error as exc:
        table.problems.append(ImportProblem.of(1, "", ImportCode.HL804, why=exc))
        return table
    known = set(required) | set(optional)
    separator = _other_separator(header)
    if separator and not set(required) <= set(header):
        # Named once, instead of one "missing column" per column.
        table.problems.append(ImportProblem.of(1, "", ImportCode.HL810, separator=separator))
        return table
    for name in required:
        if name not in header:
            table.problems.append(ImportProblem.of(1, name, ImportCode.HL805,
                                                   columns=", ".join(required)))
    seen: set[str] = set()
    for name in header:
        if name in seen:
            table.problems.append(ImportProblem.of(1, name, ImportCode.HL806))
        seen.add(name)
        if name not in known:
            table.problems.append(ImportProblem.of(
                1, name, ImportCode.HL807, columns=", ".join([*required, *optional])))
    if table.problems:
        return table
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                table.problems.append(ImportProblem.of(line, "", ImportCode.HL808,
                                                       fields=len(record), expected=len(header)))
                continue
            bad = [h for h, v in zip(header, record, strict=True) if _CONTROL.search(v)]
            if bad:
                table.problems.extend(ImportProblem.of(line, h, ImportCode.HL809) for h in bad)
                continue
            table.rows.append(CsvRow(line, {h: v.strip() for h, v in zip(header, record,
                                                                            strict=True)}))
    except csv.Error as exc:
        table.problems.append(ImportProblem.of(reader.line_num, "", ImportCode.HL804, why=exc))
    return table
