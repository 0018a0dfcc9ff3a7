"""Real-browser fixtures: the app served on a loopback port, driven by Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import require_or_skip


def chromium_path() -> str | None:
    """Chromium from HAILONG_CHROMIUM or PATH (Debian's package installs /usr/bin/chromium)."""
    return os.environ.get("HAILONG_CHROMIUM") or shutil.which("chromium")


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the app on 127.0.0.1 on a free port for the duration of a test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Chromium shared by the browser tests of a session."""
    executable = chromium_path()
    if not executable:
        require_or_skip("Chromium is not installed (apt-get install chromium): browser tests "
                        "skipped")
    from playwright.sync_api import expect, sync_playwright

    # expect() waits for a page to reach a state; its 5 s default is a guess about one
    # machine's speed. Waiting longer costs nothing when the state comes early, and a loaded
    # 2-core CI machine must not turn a slow render into a failure.
    expect.set_options(timeout=60_000)

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync",
                  # A generated tone stands in for the microphone, granted without a prompt
                  # (the listening page's recorder); no other page asks for it.
                  "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
        )
        yield instance
        instance.close()


@pytest.fixture
def phone(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A page in a 360-pixel-wide phone viewport, Vietnamese by default."""
    context = browser.new_context(viewport={"width": 360, "height": 740},
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()
