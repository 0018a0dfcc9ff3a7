"""Rate limits: fixed windows, salted hashes only, short expiry; in memory and in Redis."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.conftest import require_or_skip
from webapp import config as hl_config
from webapp import create_app
from webapp.respond.ratelimit import (
    CLIENT_LIMIT,
    MemoryRateLimiter,
    RedisRateLimiter,
    allow_survey_request,
    get_rate_limiter,
)

REDIS_URL = "redis://127.0.0.1:6379/15"


class Clock:
    """A clock tests move by hand."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_memory__allows_limit_then_refuses_until_next_window() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(clock=clock)
    assert [limiter.hit("ip:203.0.113.7", limit=3, window_seconds=60) for _ in range(4)] == [
        True, True, True, False]
    assert limiter.hit("ip:203.0.113.8", limit=3, window_seconds=60)  # another key counts apart
    clock.now += 60
    assert limiter.hit("ip:203.0.113.7", limit=3, window_seconds=60)


def test_memory__stores_salted_hashes_only() -> None:
    limiter = MemoryRateLimiter()
    limiter.hit("ip:203.0.113.7", limit=3, window_seconds=60)
    stored = " ".join(limiter.stored_keys())
    assert "203.0.113.7" not in stored
    assert limiter.hashed("ip:203.0.113.7") in stored
    assert MemoryRateLimiter().hashed("ip:203.0.113.7") != limiter.hashed("ip:203.0.113.7")


def test_memory__expired_windows_forgotten() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(clock=clock)
    limiter.hit("a", limit=1, window_seconds=10)
    clock.now += 3600
    for i in range(1000):
        limiter.hit(f"k{i}", limit=1, window_seconds=10)
    assert not any(limiter.hashed("a") in slot for slot in limiter.stored_keys())


def test_allow_survey_request__client_limit_then_refused_other_client_fine() -> None:
    limiter = MemoryRateLimiter(clock=Clock())
    limit = CLIENT_LIMIT[0]
    results = [allow_survey_request(limiter, token="t", client="198.51.100.1")
               for _ in range(limit + 1)]
    assert all(results[:limit]) and not results[limit]
    assert allow_survey_request(limiter, token="t", client="198.51.100.2")
    assert allow_survey_request(limiter, token="t", client=None)


@pytest.fixture
def redis_client() -> Iterator[Any]:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError:
        require_or_skip(f"no Redis at {REDIS_URL}")
    yield client
    client.close()


def test_redis__counts_shared_across_limiters_with_expiry(redis_client: Any) -> None:
    namespace = f"hailong:test:{secrets.token_hex(4)}"
    clock = Clock()
    salt = b"s" * 32
    first = RedisRateLimiter(redis_client, salt, clock, namespace=namespace)
    second = RedisRateLimiter(redis_client, salt, clock, namespace=namespace)  # another worker
    try:
        assert first.hit("ip:203.0.113.7", limit=2, window_seconds=30)
        assert second.hit("ip:203.0.113.7", limit=2, window_seconds=30)
        assert not first.hit("ip:203.0.113.7", limit=2, window_seconds=30)
        keys = [k.decode() for k in redis_client.scan_iter(f"{namespace}:*")]
        assert keys == [first.redis_key("ip:203.0.113.7", 30)]
        assert "203.0.113.7" not in keys[0]
        assert 0 < redis_client.ttl(keys[0]) <= 31
        clock.now += 30
        assert first.hit("ip:203.0.113.7", limit=2, window_seconds=30)
    finally:
        for key in redis_client.scan_iter(f"{namespace}:*"):
            redis_client.delete(key)


def test_redis__unreachable__fails_open(caplog: pytest.LogCaptureFixture) -> None:
    redis = pytest.importorskip("redis")
    client = redis.Redis(host="127.0.0.1", port=1, socket_timeout=0.2,
                         socket_connect_timeout=0.2)
    limiter = RedisRateLimiter(client, b"s" * 32)
    assert limiter.hit("x", limit=0, window_seconds=60)
    assert "Redis unavailable" in caplog.text
    client.close()


@pytest.mark.parametrize(("redis_url", "kind"), [(None, MemoryRateLimiter),
                                                 (REDIS_URL, RedisRateLimiter)])
def test_get_rate_limiter__by_config_and_cached(tmp_path: Any, redis_url: str | None,
                                                kind: type) -> None:
    environ = {"DATABASE_URL": f"sqlite:///{tmp_path}/t.db"}
    if redis_url:
        pytest.importorskip("redis")
        environ["REDIS_URL"] = redis_url
    app: Flask = create_app(hl_config.TestConfig(environ=environ, instance_path=tmp_path))
    limiter = get_rate_limiter(app)
    assert isinstance(limiter, kind) and get_rate_limiter(app) is limiter
    app.extensions["hailong.engine"].dispose()
