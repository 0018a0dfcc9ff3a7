"""Signed counter tokens: the non-guessable part of the URL printed on a counter's QR poster.

A counter token is ``<key version>.<counter id>.<generation>.<mac>``, for example
``v2.1f.1.qT0x3mV8c2Fh9L1wY6bZ``: the counter id and generation in base 36, and the first
15 bytes (120 bits) of ``HMAC-SHA256(key, "hailong-counter|<version>|<id>|<generation>")`` in
URL-safe base64 without padding. It is short, so the QR code stays coarse and scans from a metre.

The counter id is not secret (ids are sequential); the MAC is what makes a token impossible to
guess or forge. ``Counter.token_generation`` is part of the signed message, so bumping it
(``services.counters.retire_counter_codes``) retires every poster printed for that counter.

Keys and rotation
-----------------
``HAILONG_QR_KEYS`` holds the keyring, newest first: ``"v2:<secret>,v1:<secret>"``. New posters
are signed with the first key; tokens signed with any key still listed keep working. To rotate:

1. prepend a new key (``v3:<new secret>,v2:<old>,...``) and restart: new posters use ``v3``;
2. reprint the posters during a grace period, while ``v2`` posters keep working;
3. remove ``v2`` from the list: posters still signed with it stop working.

Versions are 1-8 letters or digits; a secret is at least 16 characters, or the literal
``@SECRET_KEY``, which derives the key from ``SECRET_KEY`` exactly as the default does. Without
``HAILONG_QR_KEYS`` the keyring is the single key ``0:@SECRET_KEY``; so to rotate away from the
default, set ``HAILONG_QR_KEYS="v1:<new secret>,0:@SECRET_KEY"``, reprint, then drop the second
entry. Changing ``SECRET_KEY`` itself retires every poster signed with a derived key.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, joinedload

from ..config import ConfigError
from ..models import Counter

DERIVED = "@SECRET_KEY"
DEFAULT_VERSION = "0"
MAC_BYTES = 15  # 120 bits; base64 without padding: 20 characters
MIN_SECRET_LENGTH = 16
_VERSION_RE = re.compile(r"[A-Za-z0-9]{1,8}")
_TOKEN_RE = re.compile(r"([A-Za-z0-9]{1,8})\.([0-9a-z]{1,7})\.([0-9a-z]{1,7})\.([A-Za-z0-9_-]{20})")


class InvalidToken(Exception):
    """A counter or dossier token that must not open a survey.

    ``reason`` is one of ``malformed``, ``bad_signature``, ``retired``, ``unknown``,
    ``expired`` and ``used``; pages may show a friendlier text per reason.
    """

    REASONS = ("malformed", "bad_signature", "retired", "unknown", "expired", "used")

    def __init__(self, reason: str) -> None:
        if reason not in self.REASONS:
            raise ValueError(f"unknown InvalidToken reason {reason!r}")
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Keyring:
    """Signing keys by version, newest first: the first signs, all of them verify."""

    keys: tuple[tuple[str, bytes], ...]

    @property
    def current(self) -> tuple[str, bytes]:
        """The (version, key) that signs new tokens."""
        return self.keys[0]

    def get(self, version: str) -> bytes | None:
        """The key of ``version``, or None when it is not (or no longer) in the ring."""
        for name, key in self.keys:
            if name == version:
                return key
        return None


def derive_key(secret_key: str, label: str) -> bytes:
    """Derive a purpose-specific key from ``SECRET_KEY`` (HMAC-SHA256 with a fixed label)."""
    return hmac.new(secret_key.encode(), label.encode(), hashlib.sha256).digest()


def _secret_key(config: Mapping[str, Any]) -> str:
    secret = config.get("SECRET_KEY")
    if not secret:
        raise ConfigError("SECRET_KEY is not set: QR and dossier tokens cannot be signed.")
    return str(secret)


def counter_keyring(config: Mapping[str, Any]) -> Keyring:
    """Build the counter-token keyring from ``HAILONG_QR_KEYS``, else from ``SECRET_KEY``."""
    spec = (config.get("HAILONG_QR_KEYS") or "").strip() or f"{DEFAULT_VERSION}:{DERIVED}"
    secret = config.get("SECRET_KEY") if DERIVED in spec else None
    return _keyring(spec, str(secret) if secret else None)


@functools.lru_cache(maxsize=8)
def _keyring(spec: str, secret_key: str | None) -> Keyring:
    # Parsed once per process and setting (every survey request checks a token with it).
    config = {"SECRET_KEY": secret_key}
    keys: list[tuple[str, bytes]] = []
    for entry in spec.split(","):
        version, sep, secret = entry.strip().partition(":")
        if not sep or not _VERSION_RE.fullmatch(version):
            raise ConfigError(f"HAILONG_QR_KEYS entry {entry.strip()!r} is not "
                              "'<version>:<secret>' with a version of 1-8 letters or digits.")
        if any(version == seen for seen, _ in keys):
            raise ConfigError(f"HAILONG_QR_KEYS lists version {version!r} twice.")
        if secret == DERIVED:
            key = derive_key(_secret_key(config), "hailong.counter-token")
        elif len(secret) < MIN_SECRET_LENGTH:
            raise ConfigError(f"HAILONG_QR_KEYS secret of version {version!r} is shorter "
                              f"than {MIN_SECRET_LENGTH} characters.")
        else:
            key = secret.encode()
        keys.append((version, key))
    return Keyring(tuple(keys))


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out


def _mac(key: bytes, version: str, counter_id: int, generation: int) -> str:
    message = f"hailong-counter|{version}|{counter_id}|{generation}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()[:MAC_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign_counter_token(counter: Counter, config: Mapping[str, Any]) -> str:
    """Return the current token of ``counter``, signed with the newest key."""
    version, key = counter_keyring(config).current
    generation = counter.token_generation
    mac = _mac(key, version, counter.id, generation)
    return f"{version}.{_b36(counter.id)}.{_b36(generation)}.{mac}"


def verify_counter_token(session: Session, token: str, config: Mapping[str, Any]) -> Counter:
    """Return the counter a token opens, or raise InvalidToken with the reason.

    ``malformed``: not a token at all (e.g. truncated); ``bad_signature``: forged, or signed with
    a key no longer in the ring; ``unknown``: no such counter; ``retired``: the counter's codes
    were retired (generation bumped) or the counter is inactive.
    """
    counter_id, generation = signed_counter(token, config)
    # The unit comes in the same round trip: the survey needs it next.
    counter = session.get(Counter, counter_id, options=[joinedload(Counter.unit)])
    return counter_in_force(counter, generation)


def signed_counter(token: str, config: Mapping[str, Any]) -> tuple[int, int]:
    """The counter id and generation a token is signed for, checked without the database;
    raise InvalidToken (``malformed``, ``bad_signature``) otherwise."""
    match = _TOKEN_RE.fullmatch(token or "")
    if match is None:
        raise InvalidToken("malformed")
    version, id_text, generation_text, mac = match.groups()
    counter_id, generation = int(id_text, 36), int(generation_text, 36)
    if _b36(counter_id) != id_text or _b36(generation) != generation_text:
        # One spelling per token (no leading zeros, lower case): otherwise ``0.09.1.`` and
        # ``0.9.01.`` open the same counter, each with a rate-limit budget of its own.
        raise InvalidToken("malformed")
    key = counter_keyring(config).get(version)
    if key is None or not hmac.compare_digest(mac, _mac(key, version, counter_id, generation)):
        raise InvalidToken("bad_signature")
    return counter_id, generation


def counter_in_force(counter: Counter | None, generation: int) -> Counter:
    """The counter a signed token names, if it still opens surveys; raise InvalidToken
    (``unknown``, ``retired``) otherwise."""
    if counter is None:
        raise InvalidToken("unknown")
    if generation != counter.token_generation or not counter.active:
        raise InvalidToken("retired")
    return counter
