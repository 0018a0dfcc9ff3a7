"""AAPOR dispositions and response rates, computed by hand from the Standard Definitions."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.errors import AnalysisError
from analysis.sampling.dispositions import classify, response_rates, response_rates_by


@pytest.mark.parametrize(("code", "category"), [
    ("1.1", "I"), ("1.2", "P"), ("2.11", "R"), ("2.12", "R"), ("2.20", "NC"), ("2.24", "NC"),
    ("2.31", "O"), ("3.11", "UH"), ("3.20", "UO"), ("3.90", "UO"), ("4.10", "NE"), ("4", "NE"),
])
def test_classify__aapor_codes(code: str, category: str) -> None:
    assert classify(code) == category


@pytest.mark.parametrize("code", ["", "5.1", "1.3", "x", "2.x", "1.1.1"])
def test_classify__not_a_code__rejected(code: str) -> None:
    with pytest.raises(AnalysisError, match="not an AAPOR disposition code"):
        classify(code)


def test_rates__hand_computed() -> None:
    # I=60 P=5 R=10 NC=8 O=2 UH=10 UO=5 NE=15.
    codes = (["1.1"] * 60 + ["1.2"] * 5 + ["2.11"] * 10 + ["2.20"] * 8 + ["2.30"] * 2
             + ["3.11"] * 10 + ["3.20"] * 5 + ["4.10"] * 15)
    rates = response_rates(codes)
    assert rates["RR1"] == pytest.approx(60 / 100)
    e = 85 / 100  # eligible among known: (60+5+10+8+2) / (85 + 15)
    assert rates["e"] == pytest.approx(e)
    assert rates["RR3"] == pytest.approx(60 / (85 + e * 15))
    assert response_rates(codes, e=0.5)["RR3"] == pytest.approx(60 / 92.5)


def test_rates_by__groups_and_empty_denominator() -> None:
    frame = pd.DataFrame({"village": ["A", "A", "A", "B"],
                          "disposition": ["1.1", "2.11", "3.20", "4.10"]})
    table = response_rates_by(frame, "village").set_index("group")
    assert table.loc["A", "RR1"] == pytest.approx(1 / 3)
    assert table.loc["A", "RR3"] == pytest.approx(1 / 3)  # e = 2/2 here
    assert math.isnan(table.loc["B", "RR1"])
