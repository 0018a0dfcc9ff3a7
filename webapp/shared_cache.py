"""A cache every instance shares: Redis when ``REDIS_URL`` is set, nothing otherwise.

Entries are looked up by keys that already name what they depend on (a data stamp), so an
entry is never wrong, only unused once the data moves on; it expires after its TTL. Values are
pickled: Redis is the site's own trusted store, as for the job queue. A Redis failure is a miss
(logged), never an error page.
"""

from __future__ import annotations

import hashlib
import logging
import pickle  # noqa: S403 - values written by this site's own processes only
from typing import Any

from flask import Flask

log = logging.getLogger(__name__)
_CLIENT = "hailong.shared_cache"


def _client(app: Flask) -> Any | None:
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    if _CLIENT not in app.extensions:
        import redis

        app.extensions[_CLIENT] = redis.Redis.from_url(url, socket_timeout=1,
                                                       socket_connect_timeout=1)
    return app.extensions[_CLIENT]


def shared_key(app: Flask, namespace: str, key: tuple[object, ...]) -> str:
    """A Redis key for ``key`` in ``namespace``, apart per database (sites may share Redis)."""
    site = hashlib.sha256(str(app.config["DATABASE_URL"]).encode()).hexdigest()[:12]
    digest = hashlib.sha256(repr(key).encode()).hexdigest()
    return f"hailong:{namespace}:{site}:{digest}"


def get(app: Flask, name: str) -> Any | None:
    """The value stored under ``name``, or None (no Redis, no entry, or Redis failing)."""
    client = _client(app)
    if client is None:
        return None
    try:
        raw = client.get(name)
        return None if raw is None else pickle.loads(raw)  # noqa: S301 - our own entries
    except Exception:
        log.warning("shared cache: read of %s failed", name, exc_info=True)
        return None


def put(app: Flask, name: str, value: Any, ttl_seconds: int) -> None:
    """Store ``value`` under ``name`` for ``ttl_seconds`` (nothing without Redis)."""
    client = _client(app)
    if client is None:
        return
    try:
        client.set(name, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), ex=ttl_seconds)
    except Exception:
        log.warning("shared cache: write of %s failed", name, exc_info=True)
