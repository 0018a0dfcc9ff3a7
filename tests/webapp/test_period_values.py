"""Periods as values: stepping back, recent runs, labels (no database, no app)."""

from __future__ import annotations

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from webapp.periods import Period, PeriodError, parse_period
from webapp.template_helpers import period_choices


def _month_number(year: int, month: int) -> int:
    """Months since year 0: the reference arithmetic the value's own stepping is checked against."""
    return 12 * year + month - 1


@pytest.mark.parametrize(("text", "previous"), [
    ("2026-01", "2025-12"), ("2026-07", "2026-06"), ("2026-Q1", "2025-Q4"),
    ("2026-Q3", "2026-Q2"), ("2026", "2025"), ("2000-12", "2000-11"),
])
def test_previous__steps_back_one_period_of_the_same_kind(text: str, previous: str) -> None:
    assert str(parse_period(text).previous()) == previous


@seed(14)
@settings(max_examples=300, derandomize=True)
@given(year=st.integers(1901, 2999), month=st.integers(1, 12),
       kind=st.sampled_from(["month", "quarter", "year"]), count=st.integers(1, 30))
def test_recent__is_consecutive_and_ends_with_the_period(year: int, month: int, kind: str,
                                                         count: int) -> None:
    period = {"month": Period.month_of, "quarter": Period.quarter_of}.get(
        kind, lambda y, _m: Period.year_of(y))(year, month)
    run = period.recent(count)
    span = {"month": 1, "quarter": 3, "year": 12}[kind]
    assert len(run) == count and run[-1] == period
    assert all(p.kind == kind for p in run)
    starts = [_month_number(p.year, p.first_month) for p in run]
    assert starts == [starts[-1] - span * (count - 1 - i) for i in range(count)]
    # each period reads back from its own text
    assert all(parse_period(str(p)) == p for p in run)


def test_quarter_of__holds_the_month() -> None:
    assert [str(Period.quarter_of(2026, m)) for m in (1, 3, 4, 9, 10, 12)] == [
        "2026-Q1", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2026-Q4"]


def test_label__in_the_readers_conventions() -> None:
    assert parse_period("2026-Q3").label("vi") == "Quý III/2026"
    assert parse_period("2026-07").label("vi") == "Tháng 7/2026"
    assert parse_period("2026").label("vi") == "Năm 2026"
    assert parse_period("2026-Q4").label("en") == "Q4 2026"
    assert parse_period("2026-01").label("en") == "January 2026"


def test_parse__bad_text_names_the_forms() -> None:
    with pytest.raises(PeriodError, match="YYYY, YYYY-Qn or YYYY-MM"):
        parse_period("2026-13")


def test_period_choices__newest_first_across_the_year_boundary() -> None:
    choices = period_choices("2026-02", months=3, quarters=3, years=2)
    assert choices == {"month": ["2026-02", "2026-01", "2025-12"],
                       "quarter": ["2026-Q1", "2025-Q4", "2025-Q3"], "year": ["2026", "2025"]}
    assert period_choices("not a period") == {"month": [], "quarter": [], "year": []}
