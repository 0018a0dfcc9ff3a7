"""App-wide error pages: HTML for browsers, JSON for API clients."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from .db import get_session


def _wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json"


def _handle_http(exc: HTTPException):  # type: ignore[no-untyped-def]
    code = exc.code or 500
    if _wants_json():
        return jsonify(error=exc.name, message=exc.description), code
    return render_template("error.html", code=code, name=exc.name,
                           description=exc.description), code


def _handle_unexpected(exc: Exception):  # type: ignore[no-untyped-def]
    # Whatever half-done work the request held must not be committed by a later one.
    get_session().rollback()
    if _wants_json():
        return jsonify(error="Internal Server Error", message="An unexpected error occurred."), 500
    return render_template("error.html", code=500, name="Internal Server Error",
                           description=None), 500


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(HTTPException, _handle_http)
    if not app.testing:
        app.register_error_handler(Exception, _handle_unexpected)
