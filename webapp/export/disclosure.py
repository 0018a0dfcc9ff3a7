"""Disclosure control: scrubbing free text and k-anonymity by local suppression.

k-anonymity (Sweeney 2002) is required of the respondent items (gender, age band, ...) together
with the unit: every combination of their values that appears in the file, counting a
suppressed value as its own category "missing", must be shared by at least ``k`` responses.
Local suppression (as sdcMicro's ``localSuppression``; Templ 2017, sec. 3.5) repeatedly blanks,
in each response of a too-small combination, the value of the item that is rarest within the
response's unit, until no such combination is left. The unit itself is never suppressed (the
indices are published per unit); a response whose items are all suppressed reveals only its
unit, so combinations without any item value are not counted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..phone import scrub_phones

DEFAULT_K = 5
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# ID numbers (CMND 9 digits, CCCD 12 digits) and any other long number: a run of 9 or more
# digits, spaces, dots or dashes between them allowed (phone numbers: ``webapp.phone``).
LONG_NUMBER = re.compile(r"(?<!\d)\+?\d(?:[\s.\-]?\d){8,}(?!\d)")
EMAIL_MARK = "[email đã xoá]"
NUMBER_MARK = "[số đã xoá]"


def scrub_text(text: str) -> str:
    """Remove e-mail addresses, phone numbers and ID numbers from a free-text answer.

    Phone numbers are found by ``webapp.phone``, the definition the contact box uses, so any
    number the app accepts as a phone is removed however it is spelled.
    """
    return LONG_NUMBER.sub(NUMBER_MARK, scrub_phones(EMAIL.sub(EMAIL_MARK, text), NUMBER_MARK))


@dataclass
class SuppressionReport:
    """What local suppression changed."""

    k: int
    items: list[str]
    rows: int = 0
    cells: dict[str, int] = field(default_factory=dict)
    rows_touched: int = 0
    rows_fully_suppressed: int = 0
    units_below_k: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"k": self.k, "items": self.items, "rows": self.rows, "cells": self.cells,
                "rows_touched": self.rows_touched,
                "rows_fully_suppressed": self.rows_fully_suppressed,
                "units_below_k": self.units_below_k}


def _codes(values: pd.Series) -> np.ndarray:
    codes, _ = pd.factorize(values, use_na_sentinel=True)
    return codes.astype(np.int64)  # -1 = missing


def _group_of(unit: np.ndarray, codes: np.ndarray) -> np.ndarray:
    group = unit.copy()
    for j in range(codes.shape[1]):
        col = codes[:, j] + 1
        group = pd.factorize(group * (int(col.max(initial=0)) + 1) + col)[0].astype(np.int64)
    return group


def local_suppression(units: pd.Series, items: pd.DataFrame,
                      k: int = DEFAULT_K) -> tuple[np.ndarray, SuppressionReport]:
    """Return a boolean matrix (rows × items, True = blank this value) and its report.

    ``units`` and ``items`` are aligned by position; missing item values stay missing.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    names = list(items.columns)
    report = SuppressionReport(k, names, rows=len(items))
    unit = _codes(units.reset_index(drop=True))
    codes = np.column_stack([_codes(items[c].reset_index(drop=True)) for c in names]) \
        if names else np.zeros((len(items), 0), dtype=np.int64)
    mask = np.zeros(codes.shape, dtype=bool)
    for _ in range(codes.shape[1] + 1):
        bad = _violations(unit, codes, k)
        if not bad.any():
            break
        freq = np.column_stack([_within_unit_frequency(unit, codes[:, j])
                                for j in range(codes.shape[1])])
        freq = np.where(codes >= 0, freq, np.inf)
        rows = np.flatnonzero(bad)
        cols = np.argmin(freq[rows], axis=1)
        codes[rows, cols] = -1
        mask[rows, cols] = True
    report.cells = {name: int(mask[:, j].sum()) for j, name in enumerate(names)}
    report.rows_touched = int(mask.any(axis=1).sum())
    report.rows_fully_suppressed = int((mask.any(axis=1) & (codes < 0).all(axis=1)).sum())
    sizes = pd.Series(units.to_numpy()).value_counts()
    report.units_below_k = {str(u): int(n) for u, n in sizes[sizes < k].items()}
    return mask, report


def _violations(unit: np.ndarray, codes: np.ndarray, k: int) -> np.ndarray:
    if codes.shape[1] == 0:
        return np.zeros(len(unit), dtype=bool)
    group = _group_of(unit, codes)
    size = np.bincount(group)[group]
    return (size < k) & (codes >= 0).any(axis=1)


def _within_unit_frequency(unit: np.ndarray, col: np.ndarray) -> np.ndarray:
    pair = pd.factorize(unit * (int(col.max(initial=0)) + 2) + (col + 1))[0]
    return np.bincount(pair)[pair].astype(float)


def k_anonymity_violations(frame: pd.DataFrame, unit: str, items: Sequence[str],
                           k: int) -> pd.DataFrame:
    """Combinations of ``unit`` and ``items`` with at least one item value and fewer than ``k``
    responses (empty when the file is k-anonymous in hailong's sense)."""
    cols = [unit, *items]
    keyed = frame[cols].astype(object).where(frame[cols].notna(), "<NA>")
    sizes = keyed.groupby(cols, dropna=False).size().rename("n").reset_index()
    has_value = (sizes[list(items)] != "<NA>").any(axis=1)
    return sizes[has_value & (sizes["n"] < k)]
