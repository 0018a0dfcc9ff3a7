"""Sign-in throttling that an attacker cannot turn against the account's owner.

A lock on the account (five wrong passwords, fifteen minutes) let anyone lock anyone out, the
administrator included, again and again. Attempts are counted instead per client and account
(the owner signing in from their own client is not slowed by guesses from elsewhere) and per
client over all accounts (one client cannot spray many accounts). The limiter stores only
salted hashes of these keys, never an address in clear.
"""

from __future__ import annotations

import math

from flask import current_app, request

from ..respond.ratelimit import get_rate_limiter

WINDOW_SECONDS = 15 * 60
PER_CLIENT_AND_ACCOUNT = 10  # attempts of one client on one account per window
PER_CLIENT = 50  # attempts of one client over every account per window


def seconds_to_wait() -> int:
    """Whole seconds until a refused client may try again (the window's end)."""
    return max(1, math.ceil(get_rate_limiter(current_app).seconds_left(WINDOW_SECONDS)))


def sign_in_allowed(email: str) -> bool:
    """Count one sign-in attempt for ``email`` from this request's client; False when over.

    Both counters are hit on every attempt, so the budget cannot be probed for free.
    """
    limiter = get_rate_limiter(current_app)
    client = request.remote_addr or "unknown"
    account = limiter.hit(f"login:{client}:{email}", limit=PER_CLIENT_AND_ACCOUNT,
                          window_seconds=WINDOW_SECONDS)
    overall = limiter.hit(f"login-client:{client}", limit=PER_CLIENT,
                          window_seconds=WINDOW_SECONDS)
    return account and overall
