"""App-wide error pages: HTML for browsers, JSON for API clients."""

from __future__ import annotations

import logging
import traceback

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from .db import get_session

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json"


def _handle_http(exc: HTTPException):  # type: ignore[no-untyped-def]
    code = exc.code or 500
    if _wants_json():
        return jsonify(error=exc.name, message=exc.description), code
    # A reason the view gave (e.g. why a scoring step was refused) is shown; werkzeug's own
    # English default for the code is not.
    reason = exc.description if exc.description != type(exc).description else None
    return render_template("error.html", code=code, name=exc.name,
                           description=exc.description, reason=reason), code


def log_unexpected(exc: BaseException) -> None:
    """Log a 500 with its traceback, but without the exception's message or the URL.

    Messages can carry SQL parameters (answers, comments, phone numbers) and paths carry survey
    tokens: the log gets the route's rule, the exception's class and the frames only.
    """
    rule = request.url_rule.rule if request.url_rule is not None else "(no route)"
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("unhandled %s on %s %s\nTraceback (most recent call last):\n%s%s",
              type(exc).__name__, request.method, rule, frames, type(exc).__qualname__)


def _handle_unexpected(exc: Exception):  # type: ignore[no-untyped-def]
    log_unexpected(exc)
    # Whatever half-done work the request held must not be committed by a later one.
    get_session().rollback()
    if _wants_json():
        return jsonify(error="Internal Server Error", message="An unexpected error occurred."), 500
    return render_template("error.html", code=500, name="Internal Server Error",
                           description=None), 500


RETRY_AFTER_SECONDS = 5


def _handle_database_down(exc: OperationalError):  # type: ignore[no-untyped-def]
    """The database cannot be reached (restart, failover): 503, which the client may retry.

    Nothing was stored by this request unless its commit went through just before the link
    broke; either way a retry with the same submission id leaves exactly one response. SQLite's
    "database is locked" after the busy timeout lands here too.
    """
    # The class only: the message can hold SQL parameters (answers, comments).
    log.warning("database unavailable (%s)", type(exc.orig).__name__)
    try:
        get_session().rollback()
    except DBAPIError:
        pass  # the connection is gone; the pool replaces it
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    message = _("The service is briefly unavailable. Go back and press the button again in a "
                "moment: your answers are still in the form and will be counted only once.")
    if _wants_json():
        return jsonify(error="Service Unavailable", message=message), 503, headers
    return render_template("error.html", code=503, name="Service Unavailable",
                           description=message), 503, headers


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(OperationalError, _handle_database_down)
    if not app.testing:
        app.register_error_handler(Exception, _handle_unexpected)
