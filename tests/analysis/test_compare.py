"""Change between periods, Benjamini-Hochberg flags and quartile groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from analysis.compare import bh_flags, period_change, quartile_groups
from analysis.errors import AnalysisError


def _results(units: int, est1, est2, se=0.02, df=50) -> pd.DataFrame:
    rows = []
    for period, est in (("2026-09", est1), ("2026-10", est2)):
        for u in range(units):
            rows.append(
                {
                    "unit": f"u{u}",
                    "scope": "unit",
                    "index_id": "overall",
                    "period": period,
                    "estimate": est[u],
                    "se": se,
                    "df": df,
                }
            )
    return pd.DataFrame(rows)


def test_period_change__independent_samples_interval():
    res = _results(1, [0.70], [0.78], se=0.03, df=40)
    out = period_change(res, current="2026-10", previous="2026-09").iloc[0]
    se = np.sqrt(2 * 0.03**2)
    df = (2 * 0.03**2) ** 2 / (2 * 0.03**4 / 40)  # Welch-Satterthwaite: 80
    assert out["change"] == pytest.approx(0.08)
    assert out["se"] == pytest.approx(se)
    assert out["df"] == pytest.approx(df)
    t = stats.t.ppf(0.975, df)
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((0.08 - t * se, 0.08 + t * se))
    assert out["p_value"] == pytest.approx(2 * stats.t.sf(0.08 / se, df))


def test_period_change__bh_flags_match_statsmodels():
    rng = np.random.default_rng(0)
    before = rng.uniform(0.6, 0.9, 200)
    after = before + np.where(np.arange(200) < 20, 0.1, 0.0) + rng.normal(0, 0.02, 200)
    out = period_change(_results(200, before, after), current="2026-10", previous="2026-09")
    reject, q, _, _ = multipletests(out["p_value"], alpha=0.05, method="fdr_bh")
    np.testing.assert_array_equal(out["significant"].to_numpy(), reject)
    np.testing.assert_allclose(out["q_value"], q)
    assert out["significant"].iloc[:20].mean() > 0.8
    assert out["significant"].iloc[20:].mean() < 0.05


def test_bh_flags__missing_p_values_left_out_of_family():
    flags, q = bh_flags(np.array([0.001, np.nan, 0.04, 0.5]))
    assert flags.tolist() == [True, False, False, False]
    assert np.isnan(q[1])
    np.testing.assert_allclose(q[[0, 2, 3]], multipletests([0.001, 0.04, 0.5], method="fdr_bh")[1])


def test_period_change__suppressed_estimate__not_flagged():
    res = _results(3, [0.5, 0.5, 0.5], [0.9, np.nan, 0.5])
    out = period_change(res, current="2026-10", previous="2026-09")
    assert out["significant"].tolist() == [True, False, False]
    assert np.isnan(out.loc[1, "change"])


def test_quartile_groups__separated_units_are_certain():
    est = np.linspace(0.2, 0.95, 16)
    res = pd.DataFrame({"unit": [f"u{i}" for i in range(16)], "estimate": est, "se": 1e-4})
    out = quartile_groups(res, draws=500, seed=1)
    assert out["group"].tolist() == [4] * 4 + [3] * 4 + [2] * 4 + [1] * 4
    assert (out["group_certainty"] == 1.0).all()
    assert out["group_label_vi"].iloc[-1] == "Nhóm đạt điểm cao nhất"


def test_quartile_groups__noisy_units_are_uncertain_and_probabilities_sum_to_one():
    rng = np.random.default_rng(2)
    res = pd.DataFrame(
        {"unit": [f"u{i}" for i in range(40)], "estimate": rng.uniform(0.7, 0.8, 40), "se": 0.05}
    )
    out = quartile_groups(res, draws=1000, seed=3)
    assert out["group_certainty"].max() < 0.9
    probs = out[[f"p_group_{g}" for g in range(1, 5)]].sum(axis=1)
    np.testing.assert_allclose(probs, 1.0)
    assert (out["group"].value_counts().sort_index().to_numpy() == 10).all()


def test_quartile_groups__reproducible_and_missing_left_out():
    res = pd.DataFrame({"unit": list("abcdef"), "estimate": [1, 2, 3, 4, 5, np.nan], "se": 0.5})
    a = quartile_groups(res, seed=7)
    b = quartile_groups(res, seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert "f" not in set(a["unit"])
    with pytest.raises(AnalysisError, match="four units"):
        quartile_groups(res.iloc[:3])
