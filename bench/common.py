"""Shared set-up for benchmarks: a migrated throwaway database and a served app."""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from werkzeug.serving import make_server

from webapp import create_app
from webapp.config import TestConfig
from webapp.migrate import upgrade


def bench_app(database_url: str | None = None) -> Flask:
    """An app on ``database_url`` (default: a new SQLite file), migrated to head."""
    folder = Path(tempfile.mkdtemp(prefix="hailong-bench-"))
    url = database_url or f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    return create_app(TestConfig(environ={"DATABASE_URL": url}, instance_path=folder))


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free loopback port; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
