"""The API's one failure type, answered as JSON by the blueprint's error handler."""

from __future__ import annotations


class ApiError(Exception):
    """An API failure answered as ``{"error", "message", "field"}`` with ``status``."""

    def __init__(self, status: int, error: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.error, self.message, self.field = status, error, message, field
