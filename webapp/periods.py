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

    @classmethod
    def month_of(cls, year: int, month: int) -> Period:
        """The month ``year-month``."""
        return cls(year, month, month)

    @classmethod
    def quarter_of(cls, year: int, month: int) -> Period:
        """The quarter holding the month ``year-month``."""
        first = 3 * ((month - 1) // 3) + 1
        return cls(year, first, first + 2)

    @classmethod
    def year_of(cls, year: int) -> Period:
        """The calendar year ``year``."""
        return cls(year, 1, 12)

    @property
    def quarter(self) -> int:
        """The quarter (1-4) holding the period's first month."""
        return (self.first_month + 2) // 3

    def months(self) -> list[str]:
        """The months covered, as ``YYYY-MM``."""
        return [f"{self.year:04d}-{m:02d}" for m in range(self.first_month, self.last_month + 1)]

    def previous(self) -> Period:
        """The period of the same kind just before this one (December before January)."""
        span = self.last_month - self.first_month + 1
        first, year = self.first_month - span, self.year
        if first < 1:
            first, year = first + 12, year - 1
        return Period(year, first, first + span - 1)

    def recent(self, count: int) -> list[Period]:
        """``count`` periods of this kind ending with this one, oldest first."""
        out = [self]
        while len(out) < count:
            out.append(out[-1].previous())
        return out[::-1]

    def label(self, language: str = "vi") -> str:
        """The period as a reader writes it: ``Quý III/2026``, ``Tháng 7/2026``, ``Năm 2026``
        (English: ``Q3 2026``, ``July 2026``, ``2026``)."""
        if language == "vi":
            if self.kind == "year":
                return f"Năm {self.year}"
            if self.kind == "quarter":
                return f"Quý {_ROMAN[self.quarter]}/{self.year}"
            return f"Tháng {self.first_month}/{self.year}"
        if self.kind == "year":
            return f"{self.year}"
        if self.kind == "quarter":
            return f"Q{self.quarter} {self.year}"
        return f"{_MONTHS_EN[self.first_month - 1]} {self.year}"

    def __str__(self) -> str:
        if self.kind == "year":
            return f"{self.year:04d}"
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{self.quarter}"
        return f"{self.year:04d}-{self.first_month:02d}"


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


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
