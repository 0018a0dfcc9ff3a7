"""WSGI entry point for gunicorn: production configuration unless HAILONG_ENV says otherwise."""

import os

from webapp import create_app

app = create_app(os.environ.get("HAILONG_ENV", "production"))
