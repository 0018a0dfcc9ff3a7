"""Design construction: checked up front with design-level messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import DesignError, LonelyPSU, SurveyDesign, mean
from tests.analysis.conftest import read_api


def _frame(**extra) -> pd.DataFrame:
    base = {
        "s": ["a", "a", "b", "b", "c", "c"],
        "psu": [1, 2, 3, 4, 5, 6],
        "w": [1.0, 2.0, 1.5, 1.5, 2.0, 2.0],
        "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
    }
    base.update(extra)
    return pd.DataFrame(base)


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan])
def test_from_frame__non_positive_or_missing_weight__raises(bad: float) -> None:
    frame = _frame(w=[1.0, bad, 1.5, 1.5, 2.0, 2.0])
    with pytest.raises(DesignError, match="weight"):
        SurveyDesign.from_frame(frame, weight="w", strata="s")


def test_from_frame__text_weight__raises() -> None:
    frame = _frame(w=["1", "x", "1", "1", "1", "1"])
    with pytest.raises(DesignError, match="not numeric.*'x'"):
        SurveyDesign.from_frame(frame, weight="w")


def test_from_frame__unknown_column__raises() -> None:
    with pytest.raises(DesignError, match="'zz' is not in the data"):
        SurveyDesign.from_frame(_frame(), weight="w", strata="zz")


def test_from_frame__clusters_not_nested__raises_with_hint() -> None:
    frame = _frame(psu=[1, 2, 2, 3, 4, 5])
    with pytest.raises(DesignError, match="nest=True"):
        SurveyDesign.from_frame(frame, weight="w", strata="s", cluster="psu")


def test_from_frame__nest__renumbers_clusters_within_strata() -> None:
    frame = _frame(psu=[1, 2, 1, 2, 1, 2])
    design = SurveyDesign.from_frame(frame, weight="w", strata="s", cluster="psu", nest=True)
    assert design.degf == 3


def test_from_frame__single_psu_stratum__fails_by_default() -> None:
    frame = _frame(s=["a", "a", "b", "b", "b", "c"])
    with pytest.raises(DesignError, match="stratum 'c' has only one PSU"):
        SurveyDesign.from_frame(frame, weight="w", strata="s")


@pytest.mark.parametrize("policy", [LonelyPSU.CERTAINTY, LonelyPSU.ADJUST, LonelyPSU.AVERAGE])
def test_from_frame__single_psu_stratum__policy_allows_it(policy: LonelyPSU) -> None:
    frame = _frame(s=["a", "a", "b", "b", "b", "c"])
    design = SurveyDesign.from_frame(frame, weight="w", strata="s", lonely_psu=policy)
    assert mean(design, "y").se > 0


def test_from_frame__fpc_below_sample_size__raises() -> None:
    frame = _frame(N=[1.5] * 6)  # 1.5 schools in strata where 2 were sampled
    with pytest.raises(DesignError, match="more than 100% sampling"):
        SurveyDesign.from_frame(frame, weight="w", strata="s", fpc="N")


def test_from_frame__fpc_mixing_fractions_and_counts__raises() -> None:
    frame = _frame(N=[0.5, 0.5, 10, 10, 10, 10])
    with pytest.raises(DesignError, match="mixes fractions"):
        SurveyDesign.from_frame(frame, weight="w", strata="s", fpc="N")


def test_from_frame__fpc_fraction__equals_population_size() -> None:
    by_fraction = SurveyDesign.from_frame(_frame(f=[0.1] * 6), weight="w", strata="s", fpc="f")
    by_count = SurveyDesign.from_frame(_frame(N=[20] * 6), weight="w", strata="s", fpc="N")
    assert mean(by_fraction, "y").se == pytest.approx(mean(by_count, "y").se, rel=1e-12)


def test_from_frame__single_psu_design__raises() -> None:
    frame = _frame(psu=[1] * 6)
    with pytest.raises(DesignError, match="only one primary sampling unit"):
        SurveyDesign.from_frame(frame, weight="w", cluster="psu")


def test_design__is_immutable() -> None:
    design = SurveyDesign.from_frame(_frame(), weight="w", strata="s")
    with pytest.raises(ValueError, match="read-only"):
        design.weights[0] = 5.0
    with pytest.raises(AttributeError):
        design.weights = np.ones(6)  # type: ignore[misc]


def test_subset__keeps_rows_and_zeroes_weights() -> None:
    design = SurveyDesign.from_frame(_frame(), weight="w", strata="s")
    sub = design.subset(design.frame["s"] == "a")
    assert sub.nrow == 6 and sub.n == 2
    assert list(sub.weights) == [1.0, 2.0, 0, 0, 0, 0]
    assert sub.degf == 1


def test_subset__wrong_length__raises() -> None:
    design = SurveyDesign.from_frame(_frame(), weight="w", strata="s")
    with pytest.raises(DesignError, match="mask has 2 entries"):
        design.subset(np.array([True, False]))


def test_from_frame__apiclus1_districts_across_school_types__need_nest() -> None:
    # R: svydesign(id = ~dnum, strata = ~stype, weights = ~pw, data = apiclus1) stops with
    # "Clusters not nested in strata at top level; you may want nest=TRUE."
    frame = read_api("apiclus1.csv")
    with pytest.raises(DesignError, match="not nested in strata.*nest=True"):
        SurveyDesign.from_frame(frame, weight="pw", strata="stype", cluster="dnum")
