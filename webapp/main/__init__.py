"""Public pages that belong to no other area: the home page, health check, language switch."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from . import views  # noqa: E402,F401 - registers the routes on bp
