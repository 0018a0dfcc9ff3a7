"""PAR INDEX and other scorecards: self-assessment, appraisal, targets, official results and
the báo cáo (services in this package; pages under /staff/parindex)."""

from flask import Blueprint

bp = Blueprint("par_index", __name__, url_prefix="/staff/parindex")

from . import views  # noqa: E402,F401 - registers routes
