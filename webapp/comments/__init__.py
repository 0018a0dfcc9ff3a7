"""Staff inbox of citizens' comments for a unit subtree: filter, assign, reply, close."""

from flask import Blueprint

bp = Blueprint("comments", __name__, url_prefix="/staff/comments")

from . import views  # noqa: E402,F401 - registers the routes on bp
