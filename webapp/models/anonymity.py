"""Column helpers that keep a citizen's comment from being placed among the responses.

A sequential id or a precise time on a comment orders it among the responses stored around it;
a comment whose citizen left a phone number would then sit between the neighbours' answers.
Comments therefore get random ids and keep their times to the month only.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import BigInteger, Integer

# 64-bit on PostgreSQL; SQLite's INTEGER PRIMARY KEY is already 64-bit (and must stay INTEGER
# to remain the rowid).
RandomIdType = BigInteger().with_variant(Integer(), "sqlite")
# Below 2**53 so the id survives JSON and JavaScript unchanged.
RANDOM_ID_LIMIT = 2**53


def random_row_id() -> int:
    """A random positive row id: it tells nothing about when or in what order a row came."""
    return secrets.randbelow(RANDOM_ID_LIMIT - 1) + 1


def month_start(moment: dt.datetime | None = None) -> dt.datetime:
    """The first instant (UTC) of the month of ``moment`` (now by default)."""
    moment = (moment or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def months_later(moment: dt.datetime, months: int) -> dt.datetime:
    """The first instant of the month ``months`` after the month of ``moment``."""
    start = month_start(moment)
    index = start.year * 12 + start.month - 1 + months
    return start.replace(year=index // 12, month=index % 12 + 1)
