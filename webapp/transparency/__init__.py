"""Public transparency pages: a unit's published indices, only when the unit opted in."""

from flask import Blueprint

bp = Blueprint("transparency", __name__, url_prefix="/public")

from . import views  # noqa: E402,F401 - registers the routes on bp
