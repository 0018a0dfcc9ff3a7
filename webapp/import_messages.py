"""Import problems in the reader's language, for the pages that show them beside their form.

The import services (``csv_input`` and the importers built on it) write each problem in English
for the command line and logs. The web pages show them through this table: each known message
shape is matched and rewritten through Flask-Babel, so a Vietnamese reader gets Vietnamese; a
message of no known shape is shown as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from .csv_input import ImportProblem

_Q = r"'(?P<{}>[^']*)'"  # a value the services quote with repr()

_SHAPES: list[tuple[re.Pattern[str], LazyString]] = [
    (re.compile(r"required column is missing; the header must contain (?P<cols>.+)"),
     _l("required column is missing; the header row must hold the columns %(cols)s")),
    (re.compile(r"unknown column; expected (?P<cols>.+)"),
     _l("unknown column; the columns expected are %(cols)s")),
    (re.compile(r"column appears twice in the header"),
     _l("the column appears twice in the header row")),
    (re.compile(r"is empty"), _l("is empty")),
    (re.compile(r"has (?P<n>\d+) fields; the header has (?P<m>\d+)"),
     _l("has %(n)s values; the header row has %(m)s")),
    (re.compile(r"the file is empty; it needs a header row"),
     _l("the file is empty; it needs a header row")),
    (re.compile(r"the file is not UTF-8 \(byte (?P<byte>0x[0-9a-f]+) cannot be read\).*"),
     _l("the file is not UTF-8 (byte %(byte)s cannot be read); in Excel save it with "
        "Save As > CSV UTF-8")),
    (re.compile(r"contains a control character.*"),
     _l("contains a control character (such as NUL); remove it")),
    (re.compile(r"duplicate code " + _Q.format("code") + r", first on line (?P<line>\d+)"),
     _l("the code %(code)s appears twice; first on line %(line)s")),
    (re.compile(r"unknown unit code " + _Q.format("code") + r"(: it is neither.*)?"),
     _l("no unit has the code %(code)s (neither in this file nor in the database)")),
    (re.compile(r"unknown procedure field code " + _Q.format("code")),
     _l("no procedure field has the code %(code)s")),
    (re.compile(_Q.format("value") + r" is not a whole number of dossiers.*"),
     _l("%(value)s is not a whole number of dossiers (0 or more, no thousands separator)")),
    (re.compile(r"duplicate of line (?P<line>\d+).*"),
     _l("repeats line %(line)s (same unit, field and period)")),
    (re.compile(_Q.format("value") + r" is not a date written YYYY-MM-DD"),
     _l("%(value)s is not a date written YYYY-MM-DD (e.g. 2026-07-01)")),
    (re.compile(r"(?P<to>\S+) is before valid_from (?P<from>\S+)"),
     _l("%(to)s is before the start date %(from)s")),
    (re.compile(r"a unit cannot succeed itself"), _l("a unit cannot succeed itself")),
    (re.compile(r"unit " + _Q.format("code") + r" is its own ancestor: (?P<cycle>.+)"),
     _l("unit %(code)s would be its own ancestor: %(cycle)s")),
    (re.compile(r"period " + _Q.format("value") + r" is not written YYYY, YYYY-Qn or YYYY-MM.*"),
     _l("the period %(value)s is not written YYYY, YYYY-Qn or YYYY-MM (e.g. 2026, 2026-Q3, "
        "2026-07)")),
    (re.compile(r"the file is (?P<size>\d+) bytes; the limit is (?P<limit>\d+) bytes.*"),
     _l("the file has %(size)s bytes, more than the limit of %(limit)s: split it")),
    (re.compile(r"unreadable CSV: (?P<why>.+)"), _l("the CSV cannot be read: %(why)s")),
]


@dataclass(frozen=True)
class ShownProblem:
    """A problem as a page shows it: where (file, line, column) and what, translated."""

    where: str
    message: str


def localised_message(message: str) -> str:
    """``message`` rewritten in the interface language when its shape is known."""
    for pattern, template in _SHAPES:
        match = pattern.fullmatch(message)
        if match:
            return str(template) % match.groupdict()
    return message


def shown_problems(problems: tuple[ImportProblem, ...] | list[ImportProblem],
                   filename: str) -> list[ShownProblem]:
    """The problems of ``filename`` located and worded for the reader."""
    out = []
    for problem in problems:
        where = (_("%(file)s, line %(line)s, column “%(column)s”", file=filename,
                   line=problem.line, column=problem.column) if problem.column
                 else _("%(file)s, line %(line)s", file=filename, line=problem.line))
        out.append(ShownProblem(where, localised_message(problem.message)))
    return out
