"""The interface texts a citizen sees, and the names of procedure fields, as translators' data.

The survey pages' buttons, errors and thank-you page are Babel msgids (Vietnamese and English
ship as catalogues). For any other language a translator fills them in the same spreadsheet as
the survey's labels (``webapp.inclusion.translations``); they are stored in
``interface_translation`` and a page in that language is rendered through them, Vietnamese
where a text has none. Row ids: ``ui:`` and a digest of the English msgid (stable while the
text is unchanged: a changed text needs translating again), ``field:<code>`` for a field.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.support import NullTranslations, Translations
from flask import current_app
from flask_babel import Domain, force_locale, get_domain, get_translations
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import InterfaceTranslation, ProcedureField

WEBAPP = Path(__file__).resolve().parent.parent
# What a citizen reads around the survey's own labels (the kiosk's staff unlock page is not).
CITIZEN_TEMPLATES = ("base.html", "page.html", "refused.html", "thanks.html")
CITIZEN_MODULES = ("messages.py", "rendering.py")
INTERFACE, FIELD = "ui:", "field:"


@dataclass(frozen=True)
class CatalogueRow:
    """One row of the translators' sheet outside the survey's labels."""

    key: str
    kind: str  # interface, field
    vi: str
    en: str
    source: str  # the msgid (interface texts are looked up by it), or the field's code


@lru_cache(maxsize=1)
def citizen_msgids() -> tuple[str, ...]:
    """The msgids of the citizen's survey pages, in file order, each once."""
    respond = WEBAPP / "respond"
    found: dict[str, None] = {}
    for name in CITIZEN_TEMPLATES:
        for _line, message, _c, _ctx in extract_from_file(
                "jinja2.ext:babel_extract", respond / "templates" / "respond" / name):
            if isinstance(message, str):
                found.setdefault(message)
    for name in CITIZEN_MODULES:
        for _line, message, _c, _ctx in extract_from_file("python", respond / name):
            if isinstance(message, str):
                found.setdefault(message)
    return tuple(found)


def interface_key(msgid: str) -> str:
    """The sheet's id of an interface text."""
    return INTERFACE + hashlib.sha256(msgid.encode()).hexdigest()[:12]


@lru_cache(maxsize=1)
def citizen_keys() -> tuple[str, ...]:
    """The sheet's ids of the citizen pages' interface texts (fixed by the code)."""
    return tuple(interface_key(m) for m in citizen_msgids())


def field_key(code: str) -> str:
    """The sheet's id of a procedure field's name."""
    return FIELD + code


@lru_cache(maxsize=1)
def _vietnamese() -> NullTranslations:
    return Translations.load(str(WEBAPP / "translations"), ["vi"])


def catalogue_rows(session: Session) -> list[CatalogueRow]:
    """The interface texts, then the procedure fields, as the translators' sheet lists them."""
    vi = _vietnamese()
    rows = [CatalogueRow(interface_key(m), "interface", vi.gettext(m), m, m)
            for m in citizen_msgids()]
    rows += [CatalogueRow(field_key(f.code), "field", f.name_vi, f.name_en or "", f.code)
             for f in session.scalars(select(ProcedureField).order_by(ProcedureField.code))]
    return rows


def stored_catalogue(session: Session, language: str) -> dict[str, str]:
    """Row id -> translated text of the interface texts and field names in ``language``."""
    return dict(session.execute(select(InterfaceTranslation.key, InterfaceTranslation.text)
                                .where(InterfaceTranslation.language == language)).all())


def interface_complete(session: Session, language: str) -> bool:
    """Whether every interface text of the citizen's pages has a translation in ``language``
    (field names may lag behind: a field added later shows its Vietnamese name)."""
    keys = citizen_keys()
    count = session.scalar(select(func.count()).select_from(InterfaceTranslation).where(
        InterfaceTranslation.language == language, InterfaceTranslation.key.in_(keys)))
    return int(count or 0) == len(keys)


def complete_interface_languages(session: Session) -> set[str]:
    """Languages whose interface texts are complete."""
    languages = session.scalars(select(InterfaceTranslation.language).distinct())
    return {code for code in languages if interface_complete(session, code)}


def field_names(session: Session, language: str) -> dict[str, str]:
    """Field code -> translated name in ``language`` (only the translated ones)."""
    return {key.removeprefix(FIELD): text
            for key, text in stored_catalogue(session, language).items()
            if key.startswith(FIELD)}


class _StoredCatalogue(NullTranslations):
    """Translations from the database, falling back to a Babel catalogue."""

    def __init__(self, texts: dict[str, str], fallback: NullTranslations) -> None:
        super().__init__()
        self._texts = texts
        self.add_fallback(fallback)

    def gettext(self, message: str) -> str:
        found = self._texts.get(message)
        return found if found is not None else str(super().gettext(message))

    ugettext = gettext


class _StoredDomain(Domain):
    def __init__(self, translations: NullTranslations) -> None:
        super().__init__()
        self._stored = translations

    def get_translations(self) -> NullTranslations:
        return self._stored


@contextmanager
def interface_texts(session: Session, language: str) -> Iterator[None]:
    """Render the interface in ``language``: its Babel catalogue where one exists, else the
    translators' stored texts over the default (Vietnamese) catalogue."""
    if language in current_app.config["BABEL_SUPPORTED_LOCALES"]:
        with force_locale(language):
            yield
        return
    by_key = stored_catalogue(session, language)
    texts = {m: by_key[interface_key(m)] for m in citizen_msgids()
             if interface_key(m) in by_key}
    with force_locale(str(current_app.config["BABEL_DEFAULT_LOCALE"])):
        before = get_domain()
        _StoredDomain(_StoredCatalogue(texts, get_translations())).as_default()
        try:
            yield
        finally:
            before.as_default()


def interface_coverage(session: Session) -> list[tuple[str, int, int]]:
    """(language, translated interface texts, interface texts) for every stored language."""
    keys = {interface_key(m) for m in citizen_msgids()}
    out = []
    for language in sorted(session.scalars(select(InterfaceTranslation.language).distinct())):
        done = sum(1 for key in stored_catalogue(session, language) if key in keys)
        out.append((language, done, len(keys)))
    return out
