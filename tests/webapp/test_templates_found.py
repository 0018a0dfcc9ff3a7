"""Every template a view renders, extends, includes or imports is found by the app's loader
(templates live beside their feature's blueprint; a missing template_folder shows up here)."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"
RENDERED = re.compile(r"render_template\(\s*\"([^\"]+\.html)\"")
REFERENCED = re.compile(r"{%-?\s*(?:extends|include|from|import)\s+\"([^\"]+\.html)\"")


def _names() -> set[str]:
    names = set()
    for path in WEBAPP.rglob("*.py"):
        names |= set(RENDERED.findall(path.read_text(encoding="utf-8")))
    for path in WEBAPP.rglob("*.html"):
        names |= set(REFERENCED.findall(path.read_text(encoding="utf-8")))
    return names


def test_every_template_named__is_found(app: Flask) -> None:
    names = _names()
    assert len(names) >= 20  # the pattern still finds the templates the views name
    missing = []
    for name in sorted(names):
        try:
            app.jinja_env.get_template(name)
        except Exception as exc:  # noqa: BLE001 - report every missing one at once
            missing.append(f"{name}: {exc!r}")
    assert missing == []
