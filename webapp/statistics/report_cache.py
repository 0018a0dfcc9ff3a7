"""A memo of unit reports, so a page asked again (or its PDF) is not rebuilt.

Building a province's report takes most of a second (children's groups, changes, expectations)
although its indices are memoised. An entry is keyed on what it depends on: the data stamp of
:mod:`.indices_cache` (responses, dossier counts, survey versions with their retired flags, the
unit tree with names and codes), so an edit anywhere, made by any worker, gives a new key and no
view clears the memo; ``TTL_SECONDS`` bounds how long an entry lives. Each process keeps its
recent reports; with Redis configured a report built by one instance is found by every other
(:mod:`webapp.shared_cache`), under the same key.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from flask import current_app
from sqlalchemy.orm import Session

from .. import shared_cache
from ..fieldwork.indices import field_stamp
from ..models import Unit
from .indices_cache import data_stamp
from .onestop import unit_score_stamp
from .unit_report import UnitReport, build_unit_report

TTL_SECONDS = 600
MAX_ENTRIES = 128
_EXTENSION = "hailong.report_memo"
_lock = threading.Lock()


def _memo() -> OrderedDict[tuple[object, ...], tuple[float, UnitReport]]:
    # Kept on the app, so every app (and every test's app) starts empty.
    return current_app.extensions.setdefault(_EXTENSION, OrderedDict())


def cached_report(session: Session, survey_key: str, period: str, unit: Unit,
                  language: str = "vi", *, trend: bool = True) -> UnitReport:
    """``build_unit_report`` with memoisation; raises what it raises."""
    key = (survey_key, period, unit.code, language, trend, data_stamp(session),
           field_stamp(session), unit_score_stamp(session))
    memo, now = _memo(), time.monotonic()
    with _lock:
        hit = memo.get(key)
        if hit is not None and now - hit[0] < TTL_SECONDS:
            memo.move_to_end(key)
            return hit[1]
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    name = shared_cache.shared_key(app, "report", key)
    report = shared_cache.get(app, name)
    if not isinstance(report, UnitReport):
        report = build_unit_report(session, survey_key, period, unit, language, trend=trend)
        shared_cache.put(app, name, report, TTL_SECONDS)
    with _lock:
        memo[key] = (now, report)
        while len(memo) > MAX_ENTRIES:
            memo.popitem(last=False)
    return report


def clear() -> None:
    """Forget every report of this app (benchmarks timing a cold build)."""
    with _lock:
        _memo().clear()
