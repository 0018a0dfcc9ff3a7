"""Turning service results into API JSON (URLs and QR codes are built here, not in models)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..counters.qr import qr_svg
from ..models import DossierToken
from ..respond.dossier_tokens import dossier_url


def iso(moment: dt.datetime) -> str:
    """Write a stored UTC time as ISO 8601 with its offset."""
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat(timespec="seconds")


def dossier_token_created(raw: str, token: DossierToken,
                          config: Mapping[str, Any]) -> dict[str, Any]:
    """The 201 body of ``POST /api/v1/dossier-tokens``."""
    url = dossier_url(raw, config)
    return {"token": raw, "url": url, "expires_at": iso(token.expires_at), "qr_svg": qr_svg(url)}
