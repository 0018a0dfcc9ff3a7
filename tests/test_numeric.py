"""The arithmetic-derived comparison of result rows (tests/numeric.py) accepts rounding, such
as a cancelled variance, and still catches a real difference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.numeric import assert_results_match, variance_floor


def _rows() -> pd.DataFrame:
    return pd.DataFrame({
        "unit": ["A", "B"], "period": ["2026-05"] * 2, "scope": ["unit"] * 2,
        "index_id": ["overall", "c9_fb.r32"], "estimate": [0.8123, 1.0], "se": [0.0412, 0.0],
        "ci_low": [0.73, 0.768364], "ci_high": [0.89, 1.0], "df": [29.0, 13.0],
        "n": [30, 14], "n_eff": [27.5, 13.9], "deff": [1.21, np.nan], "n_responses": [30, 14]})


def test_cancelled_variance__zero_against_residue__matches() -> None:
    other = _rows()
    other.loc[1, ["se", "deff"]] = [5.015796385203187e-09, np.inf]  # the Xeon's raw path
    assert_results_match(_rows(), other)


@pytest.mark.parametrize(("column", "row", "change"), [
    ("se", 0, 1e-6), ("se", 1, 1e-5), ("estimate", 0, 1e-9), ("ci_low", 0, 1e-4),
    ("deff", 0, 1e-6), ("n", 0, 1)])
def test_real_difference__caught(column: str, row: int, change: float) -> None:
    other = _rows()
    other.loc[row, column] += change
    with pytest.raises(AssertionError):
        assert_results_match(_rows(), other)


def test_variance_floor__grows_with_terms_and_scale_squared() -> None:
    assert variance_floor(200, 1.0) == pytest.approx(2 * variance_floor(100, 1.0))
    assert variance_floor(100, 100.0) == pytest.approx(1e4 * variance_floor(100, 1.0))
    assert 2.5e-17 < variance_floor(14, 1.0) < 1e-12
