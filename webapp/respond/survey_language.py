"""The language a survey is answered in: Vietnamese, English, or a language whose translation
of the version in force is complete (imported as data, see ``webapp.inclusion.translations``).

The interface texts (buttons, messages) come from the Babel catalogues for Vietnamese and
English, and from the translators' stored texts for any other language
(``webapp.inclusion.interface_texts``); a language is offered only when both its survey labels
and its interface texts are complete. The choice is kept in the same cookie as the interface
language.
"""

from __future__ import annotations

from dataclasses import replace

from flask import current_app, g, request
from flask_babel import get_locale

from ..db import get_session
from ..extensions import LANGUAGE_COOKIE
from ..inclusion.interface_texts import interface_complete
from ..inclusion.items import LANGUAGE_NAME
from ..inclusion.translations import (
    offered_translations,
    stored_texts,
    valid_language,
    with_language,
)
from .context import SurveyContext

NAMES = {"vi": "Tiếng Việt", "en": "English"}


def interface_languages() -> list[str]:
    """Languages of the interface catalogues."""
    return list(current_app.config["BABEL_SUPPORTED_LOCALES"])


def offered_languages(ctx: SurveyContext) -> list[str]:
    """Every language a citizen may switch this survey to: the interface languages, and a
    translated language whose survey labels and interface texts are both complete (asked once
    per request: the decision, the page's language menu and the stored response all need it)."""
    memo: dict[int, list[str]] = g.setdefault("hailong_offered_languages", {})
    if ctx.version.id not in memo:
        translated = set(offered_translations(get_session(), ctx.version))
        memo[ctx.version.id] = interface_languages() + sorted(
            translated - set(interface_languages()))
    return list(memo[ctx.version.id])


def cookie_language() -> str:
    """The language of a page outside a survey (thank-you, refusals): the cookie's translated
    language when its interface texts are complete, else the interface locale."""
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    if chosen and chosen not in interface_languages() and valid_language(chosen) \
            and interface_complete(get_session(), chosen):
        return chosen
    return str(get_locale())


def survey_language(ctx: SurveyContext) -> str:
    """The language of this request: the cookie's translation if complete, else the locale."""
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    if chosen and chosen not in interface_languages() and chosen in offered_languages(ctx):
        return chosen
    return str(get_locale())


def localised(ctx: SurveyContext, language: str) -> SurveyContext:
    """The context whose definition carries ``language`` (unchanged for vi and en)."""
    if language in interface_languages():
        return ctx
    texts = stored_texts(get_session(), ctx.version.id, language)
    return replace(ctx, definition=with_language(ctx.definition, language, texts))


def language_choices(ctx: SurveyContext, current: str) -> list[tuple[str, str]]:
    """(code, name in that language) of every other language offered."""
    out = []
    for code in offered_languages(ctx):
        if code == current:
            continue
        name = NAMES.get(code) or stored_texts(get_session(), ctx.version.id, code).get(
            LANGUAGE_NAME, code)
        out.append((code, name))
    return out
