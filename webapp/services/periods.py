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
