"""JSON API for other systems under ``/api/v1/``, authenticated by API key (no CSRF, no cookies)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import views  # noqa: E402,F401 - registers the routes on bp
from .indices import indices as _indices  # noqa: E402,F401 - GET /api/v1/indices (staff workspace)
