"""Several app instances behind one address share their abuse limits through Redis."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.conftest import require_or_skip
from tests.webapp.survey_helpers import setup_counter
from webapp import create_app
from webapp.config import TestConfig as AppConfig
from webapp.respond.ratelimit import CLIENT_LIMIT
from webapp.respond.tokens import sign_counter_token

REDIS_URL = "redis://127.0.0.1:6379/3"


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


def _instance(database_url: str, tmp_path: Path, name: str) -> Flask:
    folder = tmp_path / name
    folder.mkdir()
    return create_app(AppConfig(environ={"DATABASE_URL": database_url,
                                          "REDIS_URL": REDIS_URL}, instance_path=folder))


def test_two_instances__share_one_client_limit_through_redis(
        app: Flask, session: Session, database_url: str, tmp_path: Path,
        redis_client: Any) -> None:
    path = "/s/" + sign_counter_token(setup_counter(session), app.config)
    first, second = (_instance(database_url, tmp_path, n) for n in ("a", "b"))
    limit, window = CLIENT_LIMIT
    clients = [first.test_client(), second.test_client()]
    for _attempt in range(3):
        # Limits count in fixed windows: a run that straddles a window's end is run again.
        started = int(time.time() // window)
        address = f"10.77.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
        env = {"REMOTE_ADDR": address}
        statuses = [clients[i % 2].get(path, environ_base=env).status_code
                    for i in range(limit)]
        over = [c.get(path, environ_base=env).status_code for c in clients]
        if int(time.time() // window) == started:
            break
    assert statuses == [200] * limit  # 60 on each instance, all within the shared limit
    assert over == [429, 429]  # the next one is refused on either instance
    # Another citizen is not affected, and Redis holds no address in clear.
    other = {"REMOTE_ADDR": "10.78.0.1"}
    assert clients[1].get(path, environ_base=other).status_code == 200
    keys = [k.decode() for k in redis_client.scan_iter("hailong:rl:*")]
    assert keys and not any(address in k for k in keys)
    for instance in (first, second):
        instance.extensions["hailong.engine"].dispose()


def test_instances_without_redis__count_apart(app: Flask, session: Session,
                                              database_url: str, tmp_path: Path) -> None:
    # The contrast that makes the test above meaningful: memory limits are per process.
    path = "/s/" + sign_counter_token(setup_counter(session), app.config)
    first = app.test_client()
    second_app = create_app(AppConfig(environ={"DATABASE_URL": database_url},
                                      instance_path=tmp_path))
    second = second_app.test_client()
    limit, window = CLIENT_LIMIT
    for attempt in range(3):
        started = int(time.time() // window)
        env = {"REMOTE_ADDR": f"10.79.0.{attempt}"}
        statuses = [first.get(path, environ_base=env).status_code for _ in range(limit + 1)]
        elsewhere = second.get(path, environ_base=env).status_code
        if int(time.time() // window) == started:
            break
    assert statuses == [200] * limit + [429]
    assert elsewhere == 200
    second_app.extensions["hailong.engine"].dispose()
