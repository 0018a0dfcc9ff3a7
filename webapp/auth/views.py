"""Sign-in and sign-out pages."""

from __future__ import annotations

import math

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..administration.users import authenticate
from ..db import get_session
from .access import current_user, sign_in, sign_out
from .forms import LoginForm
from .throttle import seconds_to_wait, sign_in_allowed

bp = Blueprint("auth", __name__, url_prefix="/auth", template_folder="templates")


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect would let a link send staff anywhere after sign-in.
    if (not target or not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(c.isspace() or ord(c) < 32 for c in target)):
        return url_for("dashboard.home")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    """Show the sign-in form; sign the user in when e-mail and password are right."""
    if current_user() is not None and request.method == "GET":
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        allowed = sign_in_allowed(email)
        # The hash is checked even when throttled: the same work for every answer.
        user = authenticate(get_session(), email, form.password.data, throttled=not allowed)
        if not allowed:
            wait = seconds_to_wait()
            # Even the right password is refused until then: say so, and for how long.
            flash(_("Too many sign-in attempts from this device. Every attempt, even with the "
                    "right password, is refused for %(minutes)s more minute(s); try again "
                    "then.", minutes=math.ceil(wait / 60)), "error")
            return render_template("auth/login.html", form=form), 429, {
                "Retry-After": str(wait)}
        if user is None:
            flash(_("Wrong e-mail or password."), "error")
            return render_template("auth/login.html", form=form), 200
        sign_in(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    """Sign out (POST with the CSRF token, so a link elsewhere cannot sign staff out)."""
    sign_out()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))
