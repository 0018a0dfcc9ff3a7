"""hailong web application: citizens' survey pages, staff pages, API and CLI."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from markupsafe import Markup

from .config import Config, config_for
from .i18n import translated


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
    from .jobs import queue as job_queue

    job_queue.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    from flask_babel import get_locale

    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["inline_static"] = _inline_static(app)
    errors.init_app(app)
    compression.init_app(app)
    security.init_app(app)

    from .administration.edit import bp as admin_edit_bp
    from .administration.views import bp as admin_bp
    from .api.views import bp as api_bp
    from .auth.views import bp as auth_bp
    from .counters.views import bp as counters_bp
    from .export.views import bp as export_bp
    from .fieldwork.entry_views import bp as paper_entry_bp
    from .fieldwork.monitoring_views import bp as field_monitoring_bp
    from .fieldwork.views import bp as fieldwork_bp
    from .followup.action_views import bp as actions_bp
    from .followup.comment_views import bp as comments_bp
    from .followup.transparency_views import bp as transparency_bp
    from .inclusion.views import bp as inclusion_bp
    from .main.views import bp as main_bp
    from .par_index.views import bp as par_index_bp
    from .respond.views import bp as respond_bp
    from .statistics.views import bp as dashboard_bp
    from .template_helpers import TEMPLATE_FILTERS, staff_template_helpers
    app.register_blueprint(main_bp)
    csrf.exempt(api_bp)  # the API authenticates by API key, never by cookie
    app.register_blueprint(api_bp)
    app.register_blueprint(respond_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(actions_bp)
    app.register_blueprint(comments_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(admin_edit_bp)
    app.register_blueprint(counters_bp)
    app.register_blueprint(transparency_bp)
    app.register_blueprint(export_bp)
    app.context_processor(staff_template_helpers)
    app.register_blueprint(par_index_bp)
    app.register_blueprint(fieldwork_bp)
    app.register_blueprint(field_monitoring_bp)
    app.register_blueprint(paper_entry_bp)
    app.register_blueprint(inclusion_bp)
    app.add_template_filter(translated, "tr")
    for name, helper in TEMPLATE_FILTERS.items():
        app.add_template_filter(helper, name)
    return app
