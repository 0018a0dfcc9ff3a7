"""Selecting one adult within a sampled household: Kish grid and next birthday.

Kish (1949) lists the household's eligible adults in a fixed order (men oldest to youngest,
then women oldest to youngest) and reads the person's line from a selection table assigned to
the household in advance. The eight classic tables (A, B1, B2, C, D, E1, E2, F) are assigned in
proportions 1/6, 1/12, 1/12, 1/6, 1/6, 1/12, 1/12, 1/6; they give exactly ``1/k`` to each of
``k`` adults for k = 1..4 and 6, and unequal chances for 5 and more than 6 adults (the
table's known approximation), which :func:`kish_probabilities` reports so the weight can carry
it. Next birthday picks the adult whose birthday comes first on or after the interview date
(a quasi-random rule; its nominal probability is ``1/k``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from analysis.errors import AnalysisError

__all__ = ["KISH_TABLES", "kish_probabilities", "kish_select", "next_birthday_select"]

# Line selected for households of 1, 2, 3, 4, 5, 6-or-more adults; proportion of households.
KISH_TABLES: dict[str, tuple[float, tuple[int, ...]]] = {
    "A": (1 / 6, (1, 1, 1, 1, 1, 1)),
    "B1": (1 / 12, (1, 1, 1, 1, 2, 2)),
    "B2": (1 / 12, (1, 1, 1, 2, 2, 2)),
    "C": (1 / 6, (1, 1, 2, 2, 3, 3)),
    "D": (1 / 6, (1, 2, 2, 3, 4, 4)),
    "E1": (1 / 12, (1, 2, 3, 3, 3, 5)),
    "E2": (1 / 12, (1, 2, 3, 4, 5, 5)),
    "F": (1 / 6, (1, 2, 3, 4, 5, 6)),
}


def kish_probabilities(adults: int) -> np.ndarray:
    """Probability that each of ``adults`` listed adults is selected (before assigning a table)."""
    if adults < 1:
        raise AnalysisError("a household needs at least one eligible adult")
    column = min(adults, 6) - 1
    prob = np.zeros(adults)
    for share, lines in KISH_TABLES.values():
        prob[lines[column] - 1] += share
    return prob


def kish_select(rng: np.random.Generator, adults: int) -> tuple[str, int, float]:
    """Assign a Kish table at random and return ``(table, line, probability of that line)``.

    ``line`` is 1-based in the household's Kish listing order.
    """
    names = list(KISH_TABLES)
    shares = np.array([KISH_TABLES[name][0] for name in names])
    table = names[int(rng.choice(len(names), p=shares / shares.sum()))]
    line = KISH_TABLES[table][1][min(adults, 6) - 1]
    return table, line, float(kish_probabilities(adults)[line - 1])


def _days_until(birthday: tuple[int, int], today: dt.date) -> int:
    month, day = birthday
    if (month, day) == (2, 29):
        month, day = 3, 1  # not a leap year every year: celebrate on 1 March
    for year in (today.year, today.year + 1):
        date = dt.date(year, month, day)
        if date >= today:
            return (date - today).days
    raise AssertionError("unreachable")


def next_birthday_select(birthdays: Sequence[tuple[int, int]], today: dt.date) -> int:
    """Return the 0-based index of the adult whose birthday (month, day) comes next."""
    if not birthdays:
        raise AnalysisError("a household needs at least one eligible adult")
    waits = [_days_until(b, today) for b in birthdays]
    return int(np.argmin(waits))
