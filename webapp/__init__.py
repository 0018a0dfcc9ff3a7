"""hailong web application: citizens' survey pages, staff pages, API and CLI."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from markupsafe import Markup

from .config import Config, config_for


def translated(labels: Mapping[str, str], language: str) -> str:
    """Pick a definition label in ``language``, falling back to Vietnamese (always present)."""
    return labels.get(language) or labels.get("vi") or next(iter(labels.values()), "")


def _inline_static(app: Flask) -> Callable[[str], Markup]:
    cache: dict[str, Markup] = {}

    def inline_static(filename: str) -> Markup:
        """The text of a static file, for inlining small stylesheets (read once)."""
        if filename not in cache or app.debug:
            path = Path(app.static_folder or "static") / filename
            cache[filename] = Markup(path.read_text(encoding="utf-8"))  # noqa: S704 - our own file
        return cache[filename]

    return inline_static


def create_app(config: Config | Mapping[str, Any] | str | None = None) -> Flask:
    """Create the app.

    ``config`` may be a ``Config`` instance, a mapping of settings laid over the development
    configuration, an environment name, or ``None`` to use ``HAILONG_ENV``.
    """
    if isinstance(config, Config):
        settings = config.as_mapping()
    elif isinstance(config, Mapping):
        settings = config_for("development").as_mapping() | dict(config)
    else:
        settings = config_for(config).as_mapping()

    app = Flask(__name__, instance_path=str(Path(settings["INSTANCE_PATH"]).resolve()))
    app.config.update(settings)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config.get("HAILONG_PROXY_HOPS"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["HAILONG_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops,  # type: ignore[method-assign]
                                x_host=hops)

    from . import compression, db, errors, security
    from .extensions import babel, csrf, select_locale

    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    from flask_babel import get_locale

    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["inline_static"] = _inline_static(app)
    errors.init_app(app)
    compression.init_app(app)
    security.init_app(app)

    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .auth import bp as auth_bp
    from .comments import bp as comments_bp
    from .dashboard import bp as dashboard_bp
    from .export.views import bp as export_bp
    from .fieldwork import bp as fieldwork_bp
    from .main import bp as main_bp
    from .respond import bp as respond_bp
    from .transparency import bp as transparency_bp

    app.register_blueprint(main_bp)
    csrf.exempt(api_bp)  # the API authenticates by API key, never by cookie
    app.register_blueprint(api_bp)
    app.register_blueprint(respond_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(comments_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(transparency_bp)
    app.register_blueprint(export_bp)
    app.register_blueprint(fieldwork_bp)
    app.add_template_filter(translated, "tr")
    return app
