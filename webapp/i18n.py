"""Choosing the text of a definition label, and the interface catalogue, in the reader's
language."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from flask import current_app
from flask_babel import force_locale


def translated(labels: Mapping[str, str], language: str) -> str:
    """Pick a definition label in ``language``, falling back to Vietnamese (always present)."""
    return labels.get(language) or labels.get("vi") or next(iter(labels.values()), "")


@contextmanager
def interface_catalogue(language: str) -> Iterator[None]:
    """Render gettext messages in ``language``'s interface catalogue, or the default locale's
    (Vietnamese) when the app has no catalogue for it."""
    supported = current_app.config["BABEL_SUPPORTED_LOCALES"]
    with force_locale(language if language in supported
                      else current_app.config["BABEL_DEFAULT_LOCALE"]):
        yield
