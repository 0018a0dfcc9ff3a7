"""A unit's own measured figure beside the official published one.

Only indices hailong measures itself are compared, each on the official scale: SIPAS (official
%, hailong's share satisfied x 100) and PAPI (official total of 8-80, hailong's ``total`` on the
same scale). hailong's counter survey asks the people a unit has just served, the official
surveys a provincial household sample: the difference is shown, not explained away.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from ..models import OfficialResult, Unit
from ..statistics.indices import IndicesError
from ..statistics.indices_cache import cached_indices
from ..statistics.unit_report import unit_rows
from .official import official_results

# official index -> (hailong survey, index id, factor to the official scale)
MEASURED = {"SIPAS": ("sipas", "overall", Decimal(100)), "PAPI": ("papi", "total", Decimal(1))}


@dataclass(frozen=True)
class Comparison:
    """An official figure and hailong's estimate for the same unit and year."""

    official: OfficialResult
    estimate: Decimal
    ci_low: Decimal | None
    ci_high: Decimal | None
    n: int
    difference: Decimal
    inside: bool | None


def _dec(value: object, factor: Decimal) -> Decimal | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    if number != number:  # NaN
        return None
    return (Decimal(str(round(number, 6))) * factor).quantize(Decimal("0.01"))


def compare_with_official(session: Session, unit: Unit, year: int) -> list[Comparison]:
    """Each whole-index official result of ``unit`` in ``year`` that hailong also measures."""
    out = []
    for official in official_results(session, unit.id, year):
        mapping = MEASURED.get(official.index_key.upper())
        if mapping is None or official.component:
            continue
        survey, index_id, factor = mapping
        try:
            table = cached_indices(session, survey, str(year), unit.code)
        except (IndicesError, LookupError):
            continue
        rows = unit_rows(table.results, unit.code)
        rows = rows[rows["index_id"] == index_id] if not rows.empty else rows
        if rows.empty:
            continue
        row = rows.iloc[0]
        estimate = _dec(row["estimate"], factor)
        if estimate is None:
            continue
        low, high = _dec(row["ci_low"], factor), _dec(row["ci_high"], factor)
        inside = None if low is None or high is None else low <= official.score <= high
        out.append(Comparison(official, estimate, low, high, int(row["n"]),
                              estimate - official.score, inside))
    return out
