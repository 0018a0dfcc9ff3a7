"""API keys of integrations: high-entropy keys, stored as SHA-256, shown once, revocable.

A key looks like ``hlk_1a2b3c4d_<43 random characters>``. Its first part (``hlk_1a2b3c4d``) is
the visible prefix stored beside the hash, to tell keys apart. The rest carries 256 random bits,
so a plain SHA-256 (no salt, no slow hash) is enough: there is nothing to brute-force.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..models import ApiKey, Unit
from ..models.base import utcnow

KEY_PREFIX = "hlk_"


class ApiKeyError(ValueError):
    """An API-key request that cannot be carried out (unknown unit, unknown key...)."""


def hash_key(raw: str) -> str:
    """Return the stored form of a key: its SHA-256 in hex."""
    return hashlib.sha256(raw.encode()).hexdigest()


def create_api_key(session: Session, *, name: str, unit_code: str | None = None,
                   user_id: int | None = None) -> tuple[str, ApiKey]:
    """Create a key for integration ``name`` (scoped to ``unit_code``'s subtree when given).

    Returns the raw key, which is not stored and cannot be shown again, and the ApiKey row.
    """
    name = name.strip()
    if not name or len(name) > 100:
        raise ApiKeyError("the key's name must be 1-100 characters")
    unit_id = None
    if unit_code is not None:
        unit_id = session.scalar(select(Unit.id).where(Unit.code == unit_code))
        if unit_id is None:
            raise ApiKeyError(f"unknown unit code {unit_code!r}")
    prefix = f"{KEY_PREFIX}{secrets.token_hex(4)}"
    raw = f"{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(name=name, prefix=prefix, key_hash=hash_key(raw), unit_id=unit_id)
    session.add(key)
    session.flush()
    audit.record(session, "apikeys.create", target=prefix, user_id=user_id,
                 detail={"name": name, "unit": unit_code})
    session.commit()
    return raw, key


def revoke_api_key(session: Session, prefix: str, *, user_id: int | None = None) -> ApiKey:
    """Revoke the key with ``prefix``; requests with it are refused from now on."""
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None:
        raise ApiKeyError(f"no API key with prefix {prefix!r}")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        audit.record(session, "apikeys.revoke", target=prefix, user_id=user_id)
        session.commit()
    return key


def authenticate_api_key(session: Session, raw: str | None) -> ApiKey | None:
    """Return the active key matching ``raw``, or None (unknown, malformed or revoked)."""
    if not raw or not raw.startswith(KEY_PREFIX) or len(raw) > 200:
        return None
    key = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(raw)))
    if key is None or key.revoked_at is not None:
        return None
    return key


def list_api_keys(session: Session) -> list[ApiKey]:
    """Return every key, newest first (prefixes and names only are meaningful)."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at.desc(), ApiKey.id)))
