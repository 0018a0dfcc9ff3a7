"""Staff pages: a unit's indices for a survey and period, and action plans."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/staff")

from . import actions, template_helpers, views  # noqa: E402,F401 - registers routes and helpers
