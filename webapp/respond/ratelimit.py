"""Abuse limits that store no addresses: fixed-window counters under salted hashes.

A caller names what it limits (``"ip:203.0.113.7"``, ``"counter:<token>"``); the limiter keeps
only ``sha256(salt + name)`` with the current window's count, and forgets it when the window
ends. In memory (per process) by default; in Redis, shared by every worker, when ``REDIS_URL``
is set. The Redis salt is derived from ``SECRET_KEY`` (all workers must agree); the memory salt
is random per process.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask

from .tokens import derive_key

log = logging.getLogger(__name__)
PRUNE_EVERY = 1000  # hits between sweeps of expired memory entries


class RateLimiter:
    """Count hits per key and window; ``hit`` answers whether this one is allowed."""

    def __init__(self, salt: bytes, clock: Callable[[], float] = time.time) -> None:
        self._salt = salt
        self._clock = clock

    def hashed(self, key: str) -> str:
        """Return the salted hash under which ``key`` is counted."""
        return hashlib.sha256(self._salt + key.encode()).hexdigest()

    def _window(self, window_seconds: int) -> tuple[int, float]:
        now = self._clock()
        index = int(now // window_seconds)
        return index, (index + 1) * window_seconds - now

    def hit(self, key: str, *, limit: int, window_seconds: int) -> bool:
        """Count one hit of ``key``; True while at most ``limit`` hits fell in this window."""
        raise NotImplementedError

    def seconds_left(self, window_seconds: int) -> float:
        """Seconds until the current window ends and every count starts again."""
        return self._window(window_seconds)[1]


class MemoryRateLimiter(RateLimiter):
    """Counters in this process's memory (each gunicorn worker counts on its own)."""

    def __init__(self, salt: bytes | None = None, clock: Callable[[], float] = time.time) -> None:
        super().__init__(salt or os.urandom(16), clock)
        self._counts: dict[str, tuple[float, int]] = {}  # hashed key+window -> (expiry, count)
        self._lock = threading.Lock()
        self._hits = 0

    def hit(self, key: str, *, limit: int, window_seconds: int) -> bool:
        index, _remaining = self._window(window_seconds)
        slot = f"{self.hashed(key)}:{window_seconds}:{index}"
        expiry = (index + 1) * window_seconds
        with self._lock:
            self._hits += 1
            if self._hits % PRUNE_EVERY == 0:
                self._prune()
            _expiry, count = self._counts.get(slot, (expiry, 0))
            self._counts[slot] = (expiry, count + 1)
        return count + 1 <= limit

    def _prune(self) -> None:
        now = self._clock()
        for slot in [s for s, (expiry, _) in self._counts.items() if expiry <= now]:
            del self._counts[slot]

    def stored_keys(self) -> list[str]:
        """Return the slots held (for tests: they must not contain the keys in clear)."""
        with self._lock:
            return list(self._counts)


class RedisRateLimiter(RateLimiter):
    """Counters in Redis, shared by every worker; a Redis failure lets requests through."""

    def __init__(self, client: Any, salt: bytes, clock: Callable[[], float] = time.time,
                 namespace: str = "hailong:rl") -> None:
        super().__init__(salt, clock)
        self._redis = client
        self._namespace = namespace

    def redis_key(self, key: str, window_seconds: int) -> str:
        """Return the Redis key counting ``key`` in the current window."""
        index, _remaining = self._window(window_seconds)
        return f"{self._namespace}:{self.hashed(key)}:{window_seconds}:{index}"

    def hit(self, key: str, *, limit: int, window_seconds: int) -> bool:
        name = self.redis_key(key, window_seconds)
        _index, remaining = self._window(window_seconds)
        try:
            pipe = self._redis.pipeline()
            pipe.incr(name)
            pipe.expire(name, max(1, int(remaining) + 1))
            count, _ = pipe.execute()
        except Exception:  # noqa: BLE001 - an abuse limit must not take the survey down
            log.warning("rate limiter: Redis unavailable, request allowed", exc_info=True)
            return True
        return int(count) <= limit


def make_rate_limiter(config: dict[str, Any] | Any) -> RateLimiter:
    """Build the limiter the configuration asks for: Redis with ``REDIS_URL``, else memory."""
    url = config.get("REDIS_URL")
    if not url:
        return MemoryRateLimiter()
    import redis

    salt = derive_key(str(config["SECRET_KEY"]), "hailong.ratelimit")
    client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return RedisRateLimiter(client, salt)


def get_rate_limiter(app: Flask) -> RateLimiter:
    """Return the app's limiter, built on first use."""
    limiter = app.extensions.get("hailong.ratelimiter")
    if limiter is None:
        limiter = app.extensions["hailong.ratelimiter"] = make_rate_limiter(app.config)
    return limiter


# Survey pages: a multi-page survey is a handful of POSTs, so these leave honest use far below.
CLIENT_LIMIT = (120, 600)    # per client (address), per 10 minutes
TOKEN_LIMIT = (3000, 3600)   # per counter or dossier token, per hour


def allow_survey_request(limiter: RateLimiter, *, token: str, client: str | None) -> bool:
    """Count one survey request against its token and its client; False once either is over.

    ``client`` is what identifies the sender (the remote address); it is only ever hashed.
    """
    allowed = limiter.hit(f"token:{token}", limit=TOKEN_LIMIT[0], window_seconds=TOKEN_LIMIT[1])
    if client:
        allowed = limiter.hit(f"client:{client}", limit=CLIENT_LIMIT[0],
                              window_seconds=CLIENT_LIMIT[1]) and allowed
    return allowed
