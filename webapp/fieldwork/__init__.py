"""Field surveys: sampling frames, probability samples, interviewer assignments, closing.

The statistics (draws, probabilities) live in :mod:`analysis.sampling`; this package stores
frames and samples and keeps contact data apart from everything else.
"""

from flask import Blueprint

bp = Blueprint("fieldwork", __name__, url_prefix="/staff/fieldwork")

from . import views  # noqa: E402,F401 - registers the routes on bp
