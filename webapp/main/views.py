"""Views of the main blueprint."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import text

from ..auth.access import current_user
from ..db import get_session
from ..extensions import LANGUAGE_COOKIE
from .menu import MenuItem, staff_menu

bp = Blueprint("main", __name__, template_folder="templates")


def _menu() -> list[MenuItem]:
    user = current_user()
    return staff_menu(get_session(), user) if user is not None else []


@bp.app_context_processor
def menu_helper() -> dict[str, object]:
    """``staff_menu()`` in every template: the links the signed-in user may open."""
    return {"staff_menu": _menu}


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    """Show what hailong is and where citizens and staff go."""
    return render_template("main/index.html")


@bp.get("/login")
def login_shortcut():  # type: ignore[no-untyped-def]
    """``/login`` is where people look for the sign-in form: send them to it."""
    target = request.args.get("next", "")
    return redirect(url_for("auth.login", next=target) if target else url_for("auth.login"))


@bp.get("/export/")
def export_shortcut():  # type: ignore[no-untyped-def]
    """``/export/`` (and ``/export``) lead to the microdata exports page, which checks roles."""
    return redirect(url_for("export.form"))


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    """Answer 200 when the database is reachable, 503 otherwise."""
    try:
        get_session().execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        current_app.logger.exception("health check: database unreachable")
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/lang/<code>")
def set_language(code: str):  # type: ignore[no-untyped-def]
    """Remember the chosen interface language and go back where the user was."""
    if code not in current_app.config["BABEL_SUPPORTED_LOCALES"]:
        code = current_app.config["BABEL_DEFAULT_LOCALE"]
    target = request.args.get("next", "")
    # Only local paths: an open redirect would let a poster link send people anywhere.
    # Browsers read "/\\host" as "//host", and control characters can hide either.
    if (not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(c.isspace() or ord(c) < 32 for c in target)):
        target = url_for("main.index")
    response = make_response(redirect(target))
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
                        httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
