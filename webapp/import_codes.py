"""The import problem catalogue: codes HL8xx, each with its message and named parameters.

A problem of an import file is stored as a code and parameters (see
:class:`webapp.csv_input.ImportProblem`), and worded only when shown: in English for logs and
the exception text, through Flask-Babel in the reader's language on a page and on the command
line. A new language needs only its catalogue, never a change here.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for a marked-only message
    """Mark ``message`` for extraction (``pybabel extract -k N_``); it is translated when
    shown."""
    return message


class ImportCode(Enum):
    """Every problem an import of units, fields or dossier counts can report."""

    HL801 = N_("the file is %(size)s bytes; the limit is %(limit)s bytes: split it")
    HL802 = N_("the file is not UTF-8 (byte %(byte)s cannot be read); save it as 'CSV UTF-8' "
               "(in Excel: Save As > CSV UTF-8)")
    HL803 = N_("the file is empty; it needs a header row")
    HL804 = N_("unreadable CSV: %(why)s")
    HL805 = N_("required column is missing; the header must contain %(columns)s")
    HL806 = N_("column appears twice in the header")
    HL807 = N_("unknown column; expected %(columns)s")
    HL808 = N_("has %(fields)s fields; the header has %(expected)s")
    HL809 = N_("contains a control character (such as NUL); remove it")
    HL810 = N_("the header row is one column holding '%(separator)s': separate the columns "
               "with commas or semicolons (in Excel: Save As > CSV UTF-8)")
    HL811 = N_("is empty")
    HL812 = N_("duplicate code '%(code)s', first on line %(line)s")
    HL813 = N_("unknown unit code '%(code)s': it is neither in this file nor in the database")
    HL814 = N_("unknown unit code '%(code)s'")
    HL815 = N_("unknown procedure field code '%(code)s'")
    HL816 = N_("'%(value)s' is not a whole number of dossiers (0 or more, no separators)")
    HL817 = N_("duplicate of line %(line)s (unit %(unit)s, field %(field)s, period %(period)s)")
    HL818 = N_("'%(value)s' is not a date written YYYY-MM-DD")
    HL819 = N_("%(to)s is before valid_from %(from)s")
    HL820 = N_("a unit cannot succeed itself")
    HL821 = N_("unit '%(code)s' is its own ancestor: %(cycle)s")
    HL822 = N_("period '%(value)s' is not written YYYY, YYYY-Qn or YYYY-MM (e.g. 2026, 2026-Q3, "
               "2026-07)")
    HL823 = N_("'%(value)s' is not a code: 1-40 letters, digits, '.', '_' or '-', starting with "
               "a letter or digit")

    def english(self, params: Mapping[str, str]) -> str:
        """The message in English (logs, the exception's text)."""
        return self.value % dict(params)

    def worded(self, params: Mapping[str, str]) -> str:
        """The message in the interface language of the current request or forced locale."""
        from flask_babel import gettext

        return gettext(self.value, **params) if params else gettext(self.value)
