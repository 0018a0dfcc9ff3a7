"""Counters' survey URLs, finding counters by code, and retiring printed codes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Counter, Unit
from . import audit
from .tokens import sign_counter_token


class CounterNotFound(LookupError):
    """No counter (or more than one) matches the code given."""


def counter_url(counter: Counter, config: Mapping[str, Any]) -> str:
    """Return the public survey URL of ``counter``, as printed in its QR code."""
    return f"{config['HAILONG_BASE_URL'].rstrip('/')}/s/{sign_counter_token(counter, config)}"


def retire_counter_codes(session: Session, counter: Counter, *,
                         user_id: int | None = None) -> None:
    """Make every printed code of ``counter`` stop working (bump its token generation)."""
    counter.token_generation += 1
    audit.record(session, "counters.retire_codes", target=f"counter:{counter.id}",
                 user_id=user_id, detail={"generation": counter.token_generation})
    session.commit()


def find_counter(session: Session, code: str, unit_code: str | None = None) -> Counter:
    """Return the counter with ``code`` (in ``unit_code`` when given), else CounterNotFound.

    Counter codes are unique within a unit; without ``unit_code`` the code must be unique overall.
    """
    query = select(Counter).where(Counter.code == code)
    if unit_code is not None:
        query = query.join(Unit).where(Unit.code == unit_code)
    found = list(session.scalars(query.limit(2)))
    if not found:
        where = f" in unit {unit_code!r}" if unit_code else ""
        raise CounterNotFound(f"unknown counter code {code!r}{where}")
    if len(found) > 1:
        raise CounterNotFound(f"counter code {code!r} exists in several units: give the unit")
    return found[0]


def find_unit(session: Session, code: str) -> Unit:
    """Return the unit with ``code``, else raise LookupError."""
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise LookupError(f"unknown unit code {code!r}")
    return unit


def unit_counters(session: Session, unit: Unit) -> list[Counter]:
    """Return the active counters of ``unit``, ordered by code."""
    query = (select(Counter).where(Counter.unit_id == unit.id, Counter.active.is_(True))
             .order_by(Counter.code))
    return list(session.scalars(query))
