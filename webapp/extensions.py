"""Flask extensions, bound to the app inside the factory."""

from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()

LANGUAGE_COOKIE = "lang"


def select_locale() -> str:
    """Pick the interface language: an explicit ``?lang=``, the cookie, else Vietnamese."""
    from flask import current_app

    supported = current_app.config["BABEL_SUPPORTED_LOCALES"]
    for candidate in (request.args.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if candidate in supported:
            return candidate
    return current_app.config["BABEL_DEFAULT_LOCALE"]
