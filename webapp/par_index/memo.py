"""Scorecard figures kept for one transaction of one session.

A page shows a unit's totals, its ranks among peers, last year's ranks and the domains' ranks:
each of these needs every peer's totals. Computing them once per transaction (instead of once
per question asked) keeps a page's work proportional to its peers. Anything written through
the session (a flush) or the end of the transaction forgets them, so a figure is never older
than what this session could read.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

T = TypeVar("T")
KEY = "par_index.memo"


def remembered(session: Session, key: Hashable, make: Callable[[], T]) -> T:
    """``make()``, computed once per transaction of ``session`` for ``key``."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # changes not yet written would not be seen; the flush forgets
    store: dict[Hashable, Any] = session.info.setdefault(KEY, {})
    if key not in store:
        store[key] = make()
    return store[key]


def forget(session: Session, *_: object) -> None:
    """Drop what this session remembered (its data may have changed)."""
    session.info.pop(KEY, None)


for _name in ("after_flush", "after_commit", "after_soft_rollback"):
    event.listen(Session, _name, forget)
