"""Sign-in and sign-out pages."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..administration.users import authenticate
from ..db import get_session
from ..respond.ratelimit import get_rate_limiter
from .access import current_user, sign_in, sign_out
from .forms import LoginForm

bp = Blueprint("auth", __name__, url_prefix="/auth", template_folder="templates")

# Per e-mail address, on top of the account lockout in services.users: slows guessing across
# many addresses' lockouts without storing anything about the client.
SIGN_IN_ATTEMPTS_PER_MINUTE = 10


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
        limiter = get_rate_limiter(current_app)
        if not limiter.hit(f"login:{email}", limit=SIGN_IN_ATTEMPTS_PER_MINUTE,
                           window_seconds=60):
            flash(_("Too many attempts. Wait a minute and try again."), "error")
            return render_template("auth/login.html", form=form), 429
        user = authenticate(get_session(), email, form.password.data)
        if user is None:
            flash(_("Wrong e-mail or password, or the account is locked for a while after "
                    "several wrong attempts."), "error")
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
