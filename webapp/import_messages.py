"""Import problems in the reader's language, for the pages and the command line.

Each problem carries a catalogue code (:mod:`.import_codes`) and its parameters; it is worded
here, through Flask-Babel, in the interface language. A problem of an importer not yet on the
catalogue (no code) is shown as written.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from .csv_input import ImportProblem


@dataclass(frozen=True)
class ShownProblem:
    """A problem as a page shows it: where (file, line, column) and what, translated."""

    where: str
    message: str


def shown_problems(problems: tuple[ImportProblem, ...] | list[ImportProblem],
                   filename: str) -> list[ShownProblem]:
    """The problems of ``filename`` located and worded for the reader."""
    out = []
    for problem in problems:
        where = (_("%(file)s, line %(line)s, column “%(column)s”", file=filename,
                   line=problem.line, column=problem.column) if problem.column
                 else _("%(file)s, line %(line)s", file=filename, line=problem.line))
        out.append(ShownProblem(where, problem.worded()))
    return out


def cli_lines(problems: tuple[ImportProblem, ...] | list[ImportProblem],
              filename: str) -> list[str]:
    """The problems as ``file:line: column “c”: HL8xx message`` lines in the interface
    language (file:line first, as editors and grep expect; the code for looking it up)."""
    out = []
    for problem in problems:
        column = _("column “%(column)s”", column=problem.column) + ": " if problem.column else ""
        code = f"{problem.code} " if problem.code else ""
        out.append(f"{filename}:{problem.line}: {column}{code}{problem.worded()}")
    return out
