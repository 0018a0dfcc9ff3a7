"""The citizen's path: survey pages opened from a counter QR code, a receipt or a kiosk."""

from flask import Blueprint

bp = Blueprint("respond", __name__)

from . import views  # noqa: E402,F401 - registers the routes on bp
