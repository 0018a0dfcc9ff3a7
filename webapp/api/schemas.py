"""Checking JSON request bodies into typed values, with the field at fault on failure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


class BadRequest(ValueError):
    """A request body that is not what the endpoint takes; ``field`` names the culprit."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class MintRequest:
    """A checked ``POST /api/v1/dossier-tokens`` body."""

    dossier_code: str
    procedure_code: str
    counter_code: str | None
    unit_code: str | None
    received_at: dt.datetime
    due_at: dt.datetime
    returned_at: dt.datetime | None


REQUIRED = ("dossier_code", "procedure_code", "received_at", "due_at")
OPTIONAL = ("counter_code", "unit_code", "returned_at")
TIMES = ("received_at", "due_at", "returned_at")


def _string(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None and name in OPTIONAL:
        return None
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(name, "must be a non-empty string")
    if len(value) > 100:
        raise BadRequest(name, "must be at most 100 characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise BadRequest(name, "must not contain control characters (such as NUL)")
    return value.strip()


def _time(text: str | None, name: str) -> dt.datetime | None:
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise BadRequest(name, f"{text!r} is not an ISO 8601 date-time, e.g. "
                               "2026-11-27T09:30:00+07:00") from None
    if moment.tzinfo is None:
        raise BadRequest(name, "needs a UTC offset, e.g. 2026-11-27T09:30:00+07:00")
    return moment


def parse_mint_request(body: Any) -> MintRequest:
    """Check a mint request body; raise BadRequest naming the first field at fault."""
    if not isinstance(body, dict):
        raise BadRequest(None, "the body must be a JSON object")
    unknown = sorted(set(body) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise BadRequest(unknown[0], f"unknown field; expected {', '.join(REQUIRED + OPTIONAL)}")
    for name in REQUIRED:
        if body.get(name) is None:
            raise BadRequest(name, "is required")
    values = {name: _string(body, name) for name in REQUIRED + OPTIONAL}
    times = {name: _time(values[name], name) for name in TIMES}
    return MintRequest(
        dossier_code=values["dossier_code"] or "", procedure_code=values["procedure_code"] or "",
        counter_code=values["counter_code"], unit_code=values["unit_code"],
        received_at=times["received_at"], due_at=times["due_at"],  # type: ignore[arg-type]
        returned_at=times["returned_at"],
    )
