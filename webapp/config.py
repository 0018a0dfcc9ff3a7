"""Configuration classes, read when the app is created (never at import time)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEV_SECRET_KEY = "dev-not-secret"  # noqa: S105 - the known development key production refuses

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"


class ConfigError(RuntimeError):
    """The environment holds a configuration the app must not start with."""


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way (``postgresql://``)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def parse_boolean(value: str) -> bool:
    """Read an environment flag, refusing anything that is not clearly true or false."""
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"Invalid boolean value {value!r}: use 1/0, true/false, yes/no or on/off.")


_FRAME_SOURCE = re.compile(r"^('none'|'self'|https://[A-Za-z0-9.*-]+(:[0-9]+)?)$")


def _frame_sources(value: str) -> str:
    """Check a list of CSP frame-ancestors sources; a stray ';' would inject a directive."""
    sources = value.split()
    if not sources or not all(_FRAME_SOURCE.match(s) for s in sources) or (
            "'none'" in sources and len(sources) > 1):
        raise ConfigError(f"HAILONG_KIOSK_FRAME_ANCESTORS={value!r}: give 'none', 'self' or "
                          "https://host entries separated by spaces.")
    return " ".join(sources)


def _positive(name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if not number > 0:
        raise ConfigError(f"{name}={value!r} is not a positive number.")
    return number


class Config:
    """Settings shared by every environment; subclasses override what differs."""

    ENV_NAME = "base"
    TESTING = False
    SECRET_KEY: str | None = None
    DATABASE_URL = ""
    HAILONG_BASE_URL = "http://127.0.0.1:8000"
    REDIS_URL: str | None = None
    # Counter-token keyring, newest first ("v2:secret,v1:secret"); see webapp/respond/tokens.py.
    HAILONG_QR_KEYS: str | None = None
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_SUPPORTED_LOCALES = ("vi", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    WTF_CSRF_TIME_LIMIT = 4 * 3600
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    # Form text may use the whole request (Werkzeug's own limit is 500 KB): an over-long survey
    # comment is then read, refused as too long and shown again with every other answer kept,
    # instead of a bare 413 that loses them.
    MAX_FORM_MEMORY_SIZE = MAX_CONTENT_LENGTH
    # Sites allowed to frame the kiosk survey (/k/), as CSP sources: "'self'" or
    # "'self' https://kiosk.example.gov.vn". Every other page refuses framing.
    HAILONG_KIOSK_FRAME_ANCESTORS = "'none'"
    # Background jobs (webapp/jobs): run each job inside the call that queues it (tests only),
    # seconds without a heartbeat before a running job is reaped, hours an export's files
    # are kept.
    HAILONG_JOBS_IMMEDIATE = False
    HAILONG_JOB_STALE_SECONDS = 60.0
    HAILONG_JOB_FILE_TTL_HOURS = 7 * 24.0
    # Seconds a job may stay queued, untaken, before its queue message is sent again (a lost
    # message: Redis restarted without persistence).
    HAILONG_JOB_REQUEUE_SECONDS = 300.0

    def __init__(self, environ: Mapping[str, str] | None = None,
                 instance_path: Path = DEFAULT_INSTANCE) -> None:
        env = os.environ if environ is None else environ
        self.INSTANCE_PATH = instance_path
        self.SECRET_KEY = env.get("SECRET_KEY") or self.SECRET_KEY
        self.DATABASE_URL = normalise_database_url(
            env.get("DATABASE_URL") or self.DATABASE_URL
            or f"sqlite:///{instance_path / 'hailong.db'}"
        )
        self.HAILONG_BASE_URL = env.get("HAILONG_BASE_URL", self.HAILONG_BASE_URL).rstrip("/")
        self.REDIS_URL = env.get("REDIS_URL") or self.REDIS_URL
        self.HAILONG_QR_KEYS = env.get("HAILONG_QR_KEYS") or self.HAILONG_QR_KEYS
        # Reverse proxies in front of gunicorn (nginx: 1); their X-Forwarded-* headers are
        # trusted only for that many hops, so clients cannot forge their address.
        hops = env.get("HAILONG_PROXY_HOPS", "0")
        if not hops.isdigit():
            raise ConfigError(f"HAILONG_PROXY_HOPS={hops!r} is not a whole number of proxies.")
        self.HAILONG_PROXY_HOPS = int(hops)
        self.HAILONG_KIOSK_FRAME_ANCESTORS = _frame_sources(
            env.get("HAILONG_KIOSK_FRAME_ANCESTORS", self.HAILONG_KIOSK_FRAME_ANCESTORS))
        if "HAILONG_JOBS_IMMEDIATE" in env:
            self.HAILONG_JOBS_IMMEDIATE = parse_boolean(env["HAILONG_JOBS_IMMEDIATE"])
        for name in ("HAILONG_JOB_STALE_SECONDS", "HAILONG_JOB_FILE_TTL_HOURS",
                     "HAILONG_JOB_REQUEUE_SECONDS"):
            if env.get(name):
                setattr(self, name, _positive(name, env[name]))
        if "HAILONG_HTTPS" in env:
            self.SESSION_COOKIE_SECURE = parse_boolean(env["HAILONG_HTTPS"])
        self.check()

    def check(self) -> None:
        """Refuse settings this environment must not run with."""

    def as_mapping(self) -> dict[str, Any]:
        """Return the upper-case settings for ``app.config``."""
        names = {n for cls in type(self).__mro__ for n in vars(cls) if n.isupper()}
        names |= {n for n in vars(self) if n.isupper()}
        return {n: getattr(self, n) for n in sorted(names)}


class DevelopmentConfig(Config):
    """Local development: the known development key is allowed."""

    ENV_NAME = "development"
    SECRET_KEY = DEV_SECRET_KEY


class ProductionConfig(Config):
    """Production: refuses a missing or development secret key."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True

    def check(self) -> None:
        if not self.SECRET_KEY:
            raise ConfigError("SECRET_KEY is not set. Set it to a long random value "
                              "(python -c 'import secrets; print(secrets.token_hex(32))').")
        if self.SECRET_KEY == DEV_SECRET_KEY or len(self.SECRET_KEY) < 16:
            raise ConfigError("SECRET_KEY is the development key or shorter than 16 "
                              "characters; production refuses it.")


class TestConfig(Config):
    """Tests: a throwaway database given by the fixture, CSRF on unless a test turns it off."""

    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    # Jobs run inside the request that starts them (the scale-out test runs a real worker).
    HAILONG_JOBS_IMMEDIATE = True


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}


def instance_folder(environ: Mapping[str, str] | None = None) -> Path:
    """The site's folder: ``HAILONG_INSTANCE``, else ``instance/`` of the checkout."""
    env = os.environ if environ is None else environ
    return Path(env["HAILONG_INSTANCE"]) if env.get("HAILONG_INSTANCE") else DEFAULT_INSTANCE


SECRET_FILE = "secret_key"  # noqa: S105 - a file name; written by `make serve`
BASE_URL_FILE = "base_url"  # the address `make serve` serves on (Makefile: site-files)


def site_environ(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment with what ``make serve`` keeps in the instance folder filled in:
    ``SECRET_KEY`` from ``secret_key`` and ``HAILONG_BASE_URL`` from ``base_url``, each only
    when the environment does not set it. The command line uses this, so a poster printed by
    ``hailong qr poster`` is signed with the key, and points at the address, of the site
    ``make serve`` runs (issue #13: it was signed with the development key, for port 8000)."""
    env = dict(os.environ if environ is None else environ)
    folder = instance_folder(env)
    for name, filename in (("SECRET_KEY", SECRET_FILE), ("HAILONG_BASE_URL", BASE_URL_FILE)):
        path = folder / filename
        if not env.get(name) and path.is_file():
            value = path.read_text(encoding="utf-8").strip()
            if value:
                env[name] = value
    return env


def config_for(name: str | None, environ: Mapping[str, str] | None = None) -> Config:
    """Build the configuration named by ``name`` (or ``HAILONG_ENV``), with its instance
    folder from ``HAILONG_INSTANCE`` when that is set."""
    env = os.environ if environ is None else environ
    chosen = name or env.get("HAILONG_ENV", "development")
    try:
        cls = CONFIGS[chosen]
    except KeyError:
        raise ConfigError(f"HAILONG_ENV={chosen!r} is unknown; use one of "
                          f"{', '.join(sorted(CONFIGS))}.") from None
    return cls(env, instance_path=instance_folder(env))
