"""Administration pages: units, counters and posters, users, API keys, imports, surveys."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import edit, views  # noqa: E402,F401 - registers the routes on bp
