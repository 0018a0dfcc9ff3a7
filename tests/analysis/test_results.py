"""Immutable results and their JSON form."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

from analysis import by, mean
from analysis.results import Estimate, normal_or_t_ci


def _estimate(**changes) -> Estimate:
    base = dict(estimate=0.5, se=0.1, df=math.inf, n=10, deff=None, ci_low=0.3, ci_high=0.7,
                level=0.95, method="wald")  # fmt: skip
    base.update(changes)
    return Estimate(**base)


def test_estimate__is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        _estimate().se = 1.0  # type: ignore[misc]


def test_to_dict__inf_df_and_nan__are_strict_json() -> None:
    record = _estimate(se=math.nan, ci_low=math.nan).to_dict("A")
    assert record == {"group": "A", "estimate": 0.5, "se": None, "ci_low": None,
                      "ci_high": 0.7, "df": "Inf", "n": 10, "deff": None}  # fmt: skip
    json.dumps(record, allow_nan=False)


def test_to_dict__integral_df__is_an_integer() -> None:
    assert _estimate(df=197.0).to_dict()["df"] == 197


def test_normal_or_t_ci__matches_r_quantiles() -> None:
    # qnorm(0.975) = 1.9599639845400536; qt(0.975, 10) = 2.2281388519862739
    assert normal_or_t_ci(0.0, 1.0, math.inf, 0.95)[1] == pytest.approx(1.959963984540054, 1e-12)
    assert normal_or_t_ci(0.0, 1.0, 10, 0.95)[1] == pytest.approx(2.2281388519862739, 1e-12)


def test_domain_estimates__to_frame_and_get(dstrat) -> None:
    result = by(dstrat, "stype", mean, "api00")
    frame = result.to_frame()
    assert list(frame.index) == ["E", "H", "M"]
    assert frame.loc["H", "estimate"] == pytest.approx(625.82)
    assert result.get("M").n == 50
    assert len(result.to_records()) == 3
    with pytest.raises(KeyError):
        result.get("X")
