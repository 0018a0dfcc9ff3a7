"""Single-use dossier tokens, printed on receipts by the one-stop system.

What is stored keeps a response from being traced back to a person:

- the raw token is returned once and only its SHA-256 is kept (it has 192 random bits);
- the dossier code is kept only as an HMAC keyed from ``SECRET_KEY`` (to refuse a second token
  for the same dossier), never in clear;
- using a token sets ``used_at`` and nothing else: no link to the response. ``used_at`` is
  rounded down to the first day of its month (the only time a response keeps), so the order in
  which tokens were used cannot be matched with the order in which responses were stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..counters.service import CounterNotFound, find_counter
from ..models import ApiKey, Counter, DossierToken, Procedure, Unit
from ..models.base import utcnow
from ..unit_tree import subtree_ids
from .tokens import InvalidToken, derive_key

TOKEN_BYTES = 24  # 192 bits, 32 URL-safe characters
MAX_TTL_DAYS = 366


class DossierTokenRequestError(ValueError):
    """A mint request the service refuses; ``field`` names the input at fault.

    ``status`` is the HTTP status an API answers with: 422 for values that are well-formed but
    wrong (unknown codes, impossible times), 403 for a unit outside the key's scope, 409 for a
    dossier that already has a token.
    """

    def __init__(self, field: str, message: str, status: int = 422) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.status = status


@dataclass(frozen=True)
class DossierContext:
    """What a dossier token tells the survey: where, which procedure, and whether on time."""

    unit_id: int
    counter_id: int | None
    procedure_id: int | None
    field_id: int | None
    on_time: bool | None


def hash_token(raw: str) -> str:
    """Return the stored form of a dossier token."""
    return hashlib.sha256(raw.encode()).hexdigest()


def hash_dossier_code(code: str, config: Mapping[str, Any]) -> str:
    """Return the keyed hash under which a dossier code is kept."""
    key = derive_key(str(config["SECRET_KEY"]), "hailong.dossier-code")
    return hmac.new(key, code.strip().encode(), hashlib.sha256).hexdigest()


def dossier_url(raw: str, config: Mapping[str, Any]) -> str:
    """Return the public survey URL of a dossier token."""
    return f"{config['HAILONG_BASE_URL'].rstrip('/')}/d/{raw}"


def _month_start(moment: dt.datetime) -> dt.datetime:
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; hailong stores UTC everywhere.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _resolve_place(session: Session, api_key: ApiKey, counter_code: str | None,
                   unit_code: str | None) -> tuple[Unit, Counter | None]:
    counter = None
    if counter_code is not None:
        try:
            counter = find_counter(session, counter_code, unit_code)
        except CounterNotFound as exc:
            raise DossierTokenRequestError("counter_code", str(exc)) from None
        unit = counter.unit
    elif unit_code is not None:
        found = session.scalar(select(Unit).where(Unit.code == unit_code))
        if found is None:
            raise DossierTokenRequestError("unit_code", f"unknown unit code {unit_code!r}")
        unit = found
    elif api_key.unit is not None:
        unit = api_key.unit
    else:
        raise DossierTokenRequestError("unit_code",
                                       "give counter_code or unit_code (the key is not scoped "
                                       "to a unit)")
    if api_key.unit_id is not None and unit.id not in subtree_ids(session, api_key.unit_id):
        field = "counter_code" if counter_code is not None else "unit_code"
        raise DossierTokenRequestError(field, f"unit {unit.code!r} is outside this API key's "
                                              "scope", status=403)
    return unit, counter


def _check_times(received_at: dt.datetime, due_at: dt.datetime,
                 returned_at: dt.datetime | None) -> None:
    for name, value in (("received_at", received_at), ("due_at", due_at),
                        ("returned_at", returned_at)):
        if value is not None and value.tzinfo is None:
            raise DossierTokenRequestError(name, "needs a UTC offset, e.g. "
                                                 "2026-11-27T09:30:00+07:00")
    if due_at < received_at:
        raise DossierTokenRequestError("due_at", "is before received_at")
    if returned_at is not None and returned_at < received_at:
        raise DossierTokenRequestError("returned_at", "is before received_at")


def mint_dossier_token(session: Session, *, api_key: ApiKey, dossier_code: str,
                       procedure_code: str, counter_code: str | None, unit_code: str | None,
                       received_at: dt.datetime, due_at: dt.datetime,
                       returned_at: dt.datetime | None, config: Mapping[str, Any],
                       ttl_days: int = 30) -> tuple[str, DossierToken]:
    """Create a single-use token for a dossier and commit it; return the raw token once.

    The token inherits the unit, counter, procedure, field and on-time status
    (``returned_at <= due_at``; None while the dossier is not returned). A dossier gets one token
    only: a second request for the same dossier code is refused (409).
    """
    if not dossier_code.strip() or len(dossier_code) > 100:
        raise DossierTokenRequestError("dossier_code", "must be 1-100 characters")
    if not 1 <= ttl_days <= MAX_TTL_DAYS:
        raise DossierTokenRequestError("ttl_days", f"must be 1-{MAX_TTL_DAYS}")
    _check_times(received_at, due_at, returned_at)
    procedure = session.scalar(select(Procedure).where(Procedure.national_code == procedure_code))
    if procedure is None:
        raise DossierTokenRequestError("procedure_code",
                                       f"unknown procedure code {procedure_code!r}")
    unit, counter = _resolve_place(session, api_key, counter_code, unit_code)
    dossier_hash = hash_dossier_code(dossier_code, config)
    if session.scalar(select(DossierToken.id).where(DossierToken.dossier_hash == dossier_hash)):
        raise DossierTokenRequestError("dossier_code", "a token was already issued for this "
                                                       "dossier", status=409)
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    token = DossierToken(
        token_hash=hash_token(raw), dossier_hash=dossier_hash, unit_id=unit.id,
        counter_id=counter.id if counter else None, procedure_id=procedure.id,
        field_id=procedure.field_id,
        on_time=None if returned_at is None else returned_at <= due_at,
        created_at=now, expires_at=now + dt.timedelta(days=ttl_days),
    )
    session.add(token)
    session.commit()
    return raw, token


def _context(token: DossierToken) -> DossierContext:
    return DossierContext(unit_id=token.unit_id, counter_id=token.counter_id,
                          procedure_id=token.procedure_id, field_id=token.field_id,
                          on_time=token.on_time)


def _find(session: Session, raw: str) -> DossierToken:
    if not raw or len(raw) > 100:
        raise InvalidToken("malformed")
    token = session.scalar(select(DossierToken).where(DossierToken.token_hash == hash_token(raw)))
    if token is None:
        raise InvalidToken("unknown")
    return token


def peek_dossier_token(session: Session, raw: str) -> DossierContext:
    """Return a token's context without using it, or raise InvalidToken (unknown/used/expired)."""
    token = _find(session, raw)
    if token.used_at is not None:
        raise InvalidToken("used")
    if _aware(token.expires_at) <= utcnow():
        raise InvalidToken("expired")
    return _context(token)


def consume_dossier_token(session: Session, raw: str) -> DossierContext:
    """Mark a token used, atomically, and return its context; does not commit.

    The caller stores the response in the same transaction and commits, so a token is used
    exactly when a response is stored. Raises InvalidToken (unknown/used/expired) otherwise.
    """
    now = utcnow()
    result = session.execute(
        update(DossierToken)
        .where(DossierToken.token_hash == hash_token(raw or ""),
               DossierToken.used_at.is_(None), DossierToken.expires_at > now)
        .values(used_at=_month_start(now))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        peek_dossier_token(session, raw)  # raises with the reason
        raise InvalidToken("used")  # pragma: no cover - a concurrent use between the two
    token = _find(session, raw)
    session.refresh(token)
    return _context(token)
