"""A small in-process memo of ``compute_indices``, so a unit page's six periods are quick.

An entry is reused only while the data it was computed from is unchanged: the key holds the
database, the arguments and a stamp of the responses, dossier counts, survey versions and units
(counts and highest ids; sums of dossiers). Entries also expire after ``TTL_SECONDS``, which
bounds staleness from edits the stamp cannot see (a unit moved to another parent).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import DossierCount, Response, SurveyVersion, Unit
from .indices import IndexTable, compute_indices

TTL_SECONDS = 600
MAX_ENTRIES = 256

_lock = threading.Lock()
_memo: OrderedDict[tuple[object, ...], tuple[float, IndexTable]] = OrderedDict()


def data_stamp(session: Session) -> tuple[object, ...]:
    """Counts, highest ids and sums that change whenever indices could change."""
    responses = session.execute(select(func.count(), func.max(Response.id))).one()
    dossiers = session.execute(select(func.count(), func.max(DossierCount.id),
                                      func.sum(DossierCount.dossiers))).one()
    versions = session.execute(select(func.count(), func.max(SurveyVersion.id))).one()
    units = session.execute(select(func.count(), func.max(Unit.id),
                                   func.sum(Unit.parent_id))).one()
    return (*responses, *dossiers, *versions, *units)


def cached_indices(session: Session, survey_key: str, period: str,
                   unit_code: str | None = None) -> IndexTable:
    """``compute_indices`` with memoisation; the result is the same table."""
    key = (str(session.get_bind().url), survey_key, period, unit_code, data_stamp(session))
    now = time.monotonic()
    with _lock:
        hit = _memo.get(key)
        if hit is not None and now - hit[0] < TTL_SECONDS:
            _memo.move_to_end(key)
            return hit[1]
    table = compute_indices(session, survey_key, period, unit_code)
    with _lock:
        _memo[key] = (now, table)
        while len(_memo) > MAX_ENTRIES:
            _memo.popitem(last=False)
    return table


def clear() -> None:
    """Forget every entry (tests)."""
    with _lock:
        _memo.clear()
