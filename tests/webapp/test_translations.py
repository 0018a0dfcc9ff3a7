"""Every interface text has its Vietnamese translation (pages exist in both languages)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
WEBAPP = ROOT / "webapp"
PO = WEBAPP / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
# Form labels use flask_babel's lazy_gettext, imported as _l; N_ marks a catalogue's messages
# translated when shown (import problems).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "N_": None}
# The codebook's labels carry both languages themselves, through a local _l(vi, en).
OWN_LABELS = {"export/labels.py"}


def _msgids() -> dict[tuple[str, str | None], str]:
    """(msgid, context) -> first place it is used, as pybabel extract would find them."""
    found: dict[tuple[str, str | None], str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(WEBAPP), METHODS, keywords=KEYWORDS, options_map=OPTIONS):
        if filename in OWN_LABELS:
            continue
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault((msgid, context), f"webapp/{filename}:{lineno}")
    return found


def test_every_msgid__has_a_vietnamese_translation() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="vi")
    missing = [f"{where}: {msgid!r}" for (msgid, context), where in sorted(
        _msgids().items(), key=lambda item: (item[0][0], item[0][1] or ""))
        if not ((m := catalog.get(msgid, context=context)) and m.string)]
    assert missing == [], "texts without a Vietnamese translation:\n" + "\n".join(missing)
