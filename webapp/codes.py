"""The one syntax of unit and counter codes, and filenames that are safe in a header.

Codes reach URLs, file names and ``Content-Disposition`` headers: a code such as
``EV"IL;x=1`` (accepted by the unit import before) could add a header parameter. Every way in
(CSV import, the admin pages) checks codes against ``CODE``; file names built from codes or
names are still encoded by ``attachment`` (RFC 6266 with RFC 5987's ``filename*``), so an old
or odd code cannot break the header either.
"""

from __future__ import annotations

import re
from urllib.parse import quote

CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
CODE_RULE = "1-40 letters, digits, '.', '_' or '-', starting with a letter or digit"
_UNSAFE_IN_QUOTES = re.compile(r'[^A-Za-z0-9._-]')


def code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid unit or counter code, or None when it is."""
    if CODE.fullmatch(code):
        return None
    return f"{code!r} is not a code: {CODE_RULE}"


def attachment(filename: str) -> str:
    """A ``Content-Disposition`` value offering ``filename`` for download (RFC 6266).

    The quoted ``filename`` keeps only letters, digits, ``.``, ``_`` and ``-`` (others become
    ``_``) for old clients; ``filename*`` carries the exact name, percent-encoded UTF-8.
    """
    fallback = _UNSAFE_IN_QUOTES.sub("_", filename) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
