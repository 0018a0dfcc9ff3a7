"""Periods as written everywhere in hailong: ``YYYY``, ``YYYY-Qn`` or ``YYYY-MM``."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


class PeriodError(ValueError):
    """A period that is not written YYYY, YYYY-Qn or YYYY-MM."""


@dataclass(frozen=True, order=True)
class Period:
    """A year, quarter or month, and the months it covers."""

    year: int
    first_month: int
    last_month: int

    @property
    def kind(self) -> str:
        """``year``, ``quarter`` or ``month``."""
        span = self.last_month - self.first_month
        return {11: "year", 2: "quarter", 0: "month"}[span]

    def months(self) -> list[str]:
        """The months covered, as ``YYYY-MM``."""
        return [f"{self.year:04d}-{m:02d}" for m in range(self.first_month, self.last_month + 1)]

    def __str__(self) -> str:
        if self.kind == "year":
            return f"{self.year:04d}"
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{(self.first_month + 2) // 3}"
        return f"{self.year:04d}-{self.first_month:02d}"


def parse_period(text: str) -> Period:
    """Parse ``YYYY``, ``YYYY-Qn`` or ``YYYY-MM``; raise PeriodError naming the expected forms."""
    match = _PERIOD.match(text.strip())
    if not match:
        raise PeriodError(f"period {text!r} is not written YYYY, YYYY-Qn or YYYY-MM "
                          "(e.g. 2026, 2026-Q3, 2026-07)")
    year = int(match["year"])
    if match["quarter"]:
        q = int(match["quarter"])
        return Period(year, 3 * q - 2, 3 * q)
    if match["month"]:
        m = int(match["month"])
        return Period(year, m, m)
    return Period(year, 1, 12)


RANGE_SEPARATOR = ".."


class PeriodOrderError(PeriodError):
    """A period range whose start comes after its end."""


@dataclass(frozen=True, order=True)
class PeriodRange:
    """Consecutive months from the start of one period to the end of another, written
    ``FROM..TO`` (e.g. ``2026-01..2026-06``, ``2025-Q3..2026-Q2``); may cross years."""

    start: Period
    end: Period

    @property
    def kind(self) -> str:
        return "range"

    def months(self) -> list[str]:
        """The months covered, as ``YYYY-MM``."""
        out = []
        year, month = self.start.year, self.start.first_month
        while (year, month) <= (self.end.year, self.end.last_month):
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    def __str__(self) -> str:
        return f"{self.start}{RANGE_SEPARATOR}{self.end}"


def parse_period_span(text: str) -> Period | PeriodRange:
    """A single period (as :func:`parse_period`) or a range ``FROM..TO`` of two of them.

    A range whose two ends are the same period is that period. Errors name the side that is
    wrong, and a range that starts after it ends is refused.
    """
    if RANGE_SEPARATOR not in text:
        return parse_period(text)
    parts = text.strip().split(RANGE_SEPARATOR)
    if len(parts) != 2 or not all(p.strip() for p in parts):
        raise PeriodError(f"period range {text!r} is not written FROM..TO with one period on "
                          "each side (e.g. 2026-01..2026-06)")
    ends = []
    for side, part in zip(("start", "end"), parts, strict=True):
        try:
            ends.append(parse_period(part))
        except PeriodError as exc:
            raise PeriodError(f"the {side} of period range {text!r}: {exc}") from None
    start, end = ends
    if start == end:
        return start
    if (start.year, start.first_month) > (end.year, end.first_month) \
            or (start.year, start.last_month) > (end.year, end.last_month):
        raise PeriodOrderError(f"period range {text!r} starts after it ends: {start} must not "
                          f"start or end after {end}")
    return PeriodRange(start, end)
