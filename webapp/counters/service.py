"""Counters' survey URLs, finding counters by code, and retiring printed codes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..codes import CODE
from ..models import Counter, Unit
from ..respond.tokens import sign_counter_token


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


class CounterError(ValueError):
    """A counter edit was refused; the message names the field and the reason."""


COUNTER_CODE = CODE  # one syntax for unit and counter codes (webapp.codes)


def _names(name_vi: str, name_en: str) -> tuple[str, str | None]:
    name_vi, name_en = name_vi.strip(), name_en.strip()
    if not name_vi:
        raise CounterError("name_vi: the Vietnamese name is required")
    if len(name_vi) > 200 or len(name_en) > 200:
        raise CounterError("names are limited to 200 characters")
    return name_vi, name_en or None


def create_counter(session: Session, unit: Unit, *, code: str, name_vi: str, name_en: str = "",
                   user_id: int | None = None) -> Counter:
    """Add a counter to ``unit``; raise CounterError (nothing stored) for a bad or taken code."""
    code = code.strip()
    if not COUNTER_CODE.fullmatch(code):
        raise CounterError(f"code: {code!r} must be 1-40 letters, digits, '.', '_' or '-'")
    names = _names(name_vi, name_en)
    taken = session.scalar(select(Counter.id).where(Counter.unit_id == unit.id,
                                                    Counter.code == code))
    if taken is not None:
        raise CounterError(f"code: unit {unit.code} already has a counter {code!r}")
    counter = Counter(unit_id=unit.id, code=code, name_vi=names[0], name_en=names[1])
    session.add(counter)
    session.flush()
    audit.record(session, "counters.create", target=f"counter:{counter.id}", user_id=user_id,
                 detail={"unit": unit.code, "code": code})
    session.commit()
    return counter


def update_counter(session: Session, counter: Counter, *, name_vi: str, name_en: str,
                   active: bool, user_id: int | None = None) -> None:
    """Rename a counter or (de)activate it; an inactive counter's posters stop opening."""
    counter.name_vi, counter.name_en = _names(name_vi, name_en)
    counter.active = active
    audit.record(session, "counters.edit", target=f"counter:{counter.id}", user_id=user_id,
                 detail={"active": active})
    session.commit()
