"""Probability samples: textbook inclusion probabilities and seeded simulations.

Simulation tolerance: with R = 1,000 independent draws, a unit's inclusion count is binomial
(R, p), so its frequency has standard error sqrt(p(1-p)/R). Each unit is allowed 4.5 SE: a
two-sided normal tail of 6.8e-6 per unit, so over the 155 units checked in this file (2 x 32
equal-probability, 32 PPS, 54 PAPI villages, 5 Kish lines) the familywise chance of a false
failure is below 0.11% (Bonferroni) for a correct sampler. The
seeds are fixed and numpy's PCG64 stream is the same on every CPU, so the outcome is
reproducible; the bound says the fixed seed was not picked to hide an error.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analysis.errors import AnalysisError
from analysis.sampling import (
    MultiStageDesign,
    draw_multistage,
    draw_stratified,
    kish_probabilities,
    kish_select,
    next_birthday_select,
    pps_inclusion_probabilities,
)
from analysis.sampling.multistage import DESIGNS_DIR

DRAWS = 1000
Z = 4.5


def _assert_frequencies(counts: np.ndarray, prob: np.ndarray, draws: int = DRAWS) -> None:
    freq = counts / draws
    se = np.sqrt(prob * (1 - prob) / draws)
    bad = np.flatnonzero(np.abs(freq - prob) > Z * se + 1e-12)
    assert bad.size == 0, f"units {bad.tolist()}: freq {freq[bad]} vs prob {prob[bad]}"


# ---- textbook probabilities -------------------------------------------------------------------
def test_pps__no_large_unit__is_n_x_over_total() -> None:
    prob, certain = pps_inclusion_probabilities(np.array([10, 20, 30, 40]), 2)
    np.testing.assert_allclose(prob, [0.2, 0.4, 0.6, 0.8])
    assert not certain.any()


def test_pps__large_unit__taken_with_certainty_and_rest_rescaled() -> None:
    # 2 * 100 / 200 = 1: certain; then 1 unit from the remaining 100.
    prob, certain = pps_inclusion_probabilities(np.array([10, 20, 30, 40, 100]), 2)
    np.testing.assert_allclose(prob, [0.1, 0.2, 0.3, 0.4, 1.0])
    assert certain.tolist() == [False, False, False, False, True]


def test_pps__certainty_is_iterative() -> None:
    # 3*50/100 = 1.5 -> certain; 2*30/50 = 1.2 -> certain; 1 unit from 20.
    prob, certain = pps_inclusion_probabilities(np.array([50, 30, 10, 5, 5]), 3)
    np.testing.assert_allclose(prob, [1, 1, 0.5, 0.25, 0.25])
    assert certain.tolist() == [True, True, False, False, False]


def test_pps__forced_unit__certain_whatever_its_size() -> None:
    prob, certain = pps_inclusion_probabilities(np.array([1, 2, 3, 4]), 2,
                                                np.array([True, False, False, False]))
    np.testing.assert_allclose(prob, [1, 2 / 9, 3 / 9, 4 / 9])
    assert certain.tolist() == [True, False, False, False]


@pytest.mark.parametrize(("sizes", "n", "forced", "message"), [
    ([1, 2], 3, None, "cannot draw 3 units from 2"),
    ([1, -2], 1, None, "non-negative"),
    ([1, 2, 3], 1, [True, True, False], "smaller than the 2 forced"),
    ([0, 0, 5], 2, None, "remaining units have size 0"),
])
def test_pps__impossible_request__says_why(sizes, n, forced, message) -> None:
    with pytest.raises(AnalysisError, match=message):
        pps_inclusion_probabilities(np.array(sizes), n,
                                    None if forced is None else np.array(forced))


# ---- single-stage simulations -----------------------------------------------------------------
def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = []
    for stratum, count in (("urban", 12), ("rural", 20)):
        for i in range(count):
            rows.append({"unit": f"{stratum}-{i:02d}", "commune": stratum,
                         "households": int(rng.integers(5, 60)), "seat": i == 3})
    frame = pd.DataFrame(rows)
    frame.loc[frame["unit"] == "rural-07", "households"] = 900  # certainty by size
    return frame


def _simulate(method: str, **kwargs) -> tuple[np.ndarray, pd.DataFrame]:
    frame = _frame()
    rng = np.random.default_rng(20261204)
    counts = pd.Series(0, index=frame["unit"])
    first = None
    for _ in range(DRAWS):
        sample = draw_stratified(frame, strata="commune", unit_id="unit", method=method,
                                 rng=rng, **kwargs)
        sample = sample[sample["role"] == "sample"]
        counts[sample["unit"]] += 1
        first = sample if first is None else first
    return counts.to_numpy(), first


def _probs(sample: pd.DataFrame, units: pd.Series) -> np.ndarray:
    return sample.set_index("unit")["prob"].reindex(units).to_numpy()


@pytest.mark.slow
@pytest.mark.parametrize("method", ["srs", "systematic"])
def test_equal_probability__frequencies_match_n_over_N(method: str) -> None:
    counts, _ = _simulate(method, size={"urban": 3, "rural": 5})
    frame = _frame()
    prob = np.where(frame["commune"] == "urban", 3 / 12, 5 / 20)
    _assert_frequencies(counts, prob)


@pytest.mark.slow
def test_pps_with_certainty__frequencies_match_textbook_probabilities() -> None:
    frame = _frame()
    counts, _ = _simulate("pps", size=4, size_measure="households", certainty="seat")
    expected = np.empty(len(frame))
    for _stratum, part in frame.groupby("commune"):
        prob, _ = pps_inclusion_probabilities(part["households"].to_numpy(), 4,
                                              part["seat"].to_numpy())
        expected[part.index] = prob
    assert expected[frame["unit"] == "rural-07"][0] == 1.0
    assert (counts[frame["seat"].to_numpy()] == DRAWS).all()
    _assert_frequencies(counts, expected)


def test_draw__carries_design_variables_and_is_reproducible() -> None:
    frame = _frame()
    one = draw_stratified(frame, strata="commune", unit_id="unit", size=4, method="pps",
                          size_measure="households", certainty="seat",
                          rng=np.random.default_rng(5))
    two = draw_stratified(frame, strata="commune", unit_id="unit", size=4, method="pps",
                          size_measure="households", certainty="seat",
                          rng=np.random.default_rng(5))
    pd.testing.assert_frame_equal(one, two)
    assert {"stratum", "psu", "prob", "base_weight"} <= set(one.columns)
    assert len(one) == 8 and one.groupby("stratum").size().tolist() == [4, 4]
    np.testing.assert_allclose(one["base_weight"] * one["prob"], 1.0)
    assert (one["psu"] == one["unit"]).all()
    # Sum of weights estimates the number of units only in expectation; the sum of prob over the
    # frame is n exactly, checked per stratum from the textbook formula.
    rural = frame[frame["commune"] == "rural"]
    prob, _ = pps_inclusion_probabilities(rural["households"].to_numpy(), 4,
                                          rural["seat"].to_numpy())
    assert prob.sum() == pytest.approx(4)


def test_srs_replacements__ordered_distinct_and_outside_the_sample() -> None:
    sample = draw_stratified(_frame(), strata="commune", unit_id="unit", size=3, method="srs",
                             replacements=4, rng=np.random.default_rng(1))
    for _, part in sample.groupby("stratum"):
        main = part[part["role"] == "sample"]
        spare = part[part["role"] == "replacement"]
        assert len(main) == 3 and spare["replacement_rank"].tolist() == [1, 2, 3, 4]
        assert not set(main["unit"]) & set(spare["unit"])


def test_draw__bad_requests__say_what_is_wrong() -> None:
    frame = _frame()
    with pytest.raises(AnalysisError, match="stratum 'urban': cannot draw 13 units from 12"):
        draw_stratified(frame, strata="commune", size=13, method="srs",
                        rng=np.random.default_rng(0))
    with pytest.raises(AnalysisError, match="PPS needs a size measure"):
        draw_stratified(frame, size=2, method="pps", rng=np.random.default_rng(0))
    with pytest.raises(AnalysisError, match="column 'nope' is not in the frame"):
        draw_stratified(frame, strata="nope", size=2, method="srs",
                        rng=np.random.default_rng(0))


# ---- multi-stage (PAPI design) ----------------------------------------------------------------
def papi_frame() -> pd.DataFrame:
    """One province, 6 districts x 3 communes x 3 villages, unequal sizes, seats flagged."""
    rng = np.random.default_rng(11)
    rows = []
    for d in range(6):
        for c in range(3):
            for v in range(3):
                rows.append({"province": "P1", "district": f"D{d}", "commune": f"D{d}C{c}",
                             "village": f"D{d}C{c}V{v}", "adults": int(rng.integers(40, 400)),
                             "district_capital": d == 0, "district_seat": c == 0,
                             "commune_seat": v == 0})
    return pd.DataFrame(rows)


def _village_probabilities(frame: pd.DataFrame) -> pd.Series:
    """Second path: the product of stage probabilities, written out stage by stage."""
    districts = frame.groupby("district").agg(adults=("adults", "sum"),
                                              forced=("district_capital", "max"))
    pd_, _ = pps_inclusion_probabilities(districts["adults"].to_numpy(), 3,
                                         districts["forced"].to_numpy())
    p_district = dict(zip(districts.index, pd_, strict=True))
    out = {}
    for district, part in frame.groupby("district"):
        communes = part.groupby("commune").agg(adults=("adults", "sum"),
                                               forced=("district_seat", "max"))
        pc, _ = pps_inclusion_probabilities(communes["adults"].to_numpy(), 2,
                                            communes["forced"].to_numpy())
        for commune, p_c in zip(communes.index, pc, strict=True):
            villages = part[part["commune"] == commune]
            pv, _ = pps_inclusion_probabilities(villages["adults"].to_numpy(), 2,
                                                villages["commune_seat"].to_numpy())
            for village, p_v in zip(villages["village"], pv, strict=True):
                out[village] = p_district[district] * p_c * p_v
    return pd.Series(out)


def test_papi_design_file__loads_the_published_stages() -> None:
    design = MultiStageDesign.load(DESIGNS_DIR / "papi.yaml")
    assert [(s.level, s.n, s.certainty) for s in design.stages] == [
        ("district", 3, "district_capital"), ("commune", 2, "district_seat"),
        ("village", 2, "commune_seat")]
    assert design.persons is not None
    assert (design.persons.n, design.persons.replacements) == (20, 10)


@pytest.mark.slow
def test_papi_design__village_frequencies_match_product_of_stage_probabilities() -> None:
    frame = papi_frame()
    design = MultiStageDesign.load(DESIGNS_DIR / "papi.yaml")
    expected = _village_probabilities(frame)
    rng = np.random.default_rng(4242)
    counts = pd.Series(0, index=expected.index)
    for _ in range(DRAWS):
        units = draw_multistage(frame, design, rng).units
        assert len(units) == 3 * 2 * 2
        np.testing.assert_allclose(units["prob"].to_numpy(),
                                   expected[units["village"]].to_numpy(), rtol=1e-12)
        counts[units["village"]] += 1
    assert counts["D0C0V0"] == DRAWS  # capital district, its seat commune, that commune's seat
    _assert_frequencies(counts.to_numpy(), expected.to_numpy())


def test_papi_design__persons_drawn_from_lists_with_replacements_and_design_variables() -> None:
    frame = papi_frame()
    persons = pd.DataFrame([{"province": "P1", "district": r.district, "commune": r.commune,
                             "village": r.village, "resident": f"{r.village}-{i}"}
                            for r in frame.itertuples() for i in range(r.adults)])
    design = MultiStageDesign.load(DESIGNS_DIR / "papi.yaml")
    sample = draw_multistage(frame, design, np.random.default_rng(3), persons).persons
    assert sample is not None
    main = sample[sample["role"] == "sample"]
    assert main.groupby("village").size().eq(20).all()
    assert sample[sample["role"] == "replacement"].groupby("village").size().eq(10).all()
    assert not sample["resident"].duplicated().any()
    expected = _village_probabilities(frame)
    adults = frame.set_index("village")["adults"]
    villages = main["village"]
    np.testing.assert_allclose(
        main["prob"], expected[villages].to_numpy() * 20 / adults[villages].to_numpy())
    np.testing.assert_allclose(main["base_weight"], 1 / main["prob"])
    capital = main[main["district"] == "D0"]
    assert (capital["stratum"] == "P1/D0").all() and (capital["psu"] == capital["commune"]).all()
    other = main[main["district"] != "D0"]
    assert (other["stratum"] == "P1").all() and (other["psu"] == other["district"]).all()
    assert (other["ssu"] == other["commune"]).all()


def test_papi_design__missing_column__named() -> None:
    design = MultiStageDesign.load(DESIGNS_DIR / "papi.yaml")
    with pytest.raises(AnalysisError, match="no column 'commune_seat'"):
        draw_multistage(papi_frame().drop(columns="commune_seat"), design,
                        np.random.default_rng(0))


# ---- within-household selection ---------------------------------------------------------------
@pytest.mark.parametrize(("adults", "expected"), [
    (1, [1]), (2, [1 / 2] * 2), (3, [1 / 3] * 3), (4, [1 / 4] * 4),
    (5, [1 / 6, 1 / 6, 1 / 4, 1 / 6, 1 / 4]),  # Kish's tables are unequal for 5 adults
    (6, [1 / 6] * 6),
])
def test_kish__probabilities_from_the_tables(adults: int, expected: list[float]) -> None:
    np.testing.assert_allclose(kish_probabilities(adults), expected)


def test_kish__simulated_selection_matches_probabilities() -> None:
    rng = np.random.default_rng(99)
    counts = np.zeros(5)
    for _ in range(DRAWS):
        _, line, p = kish_select(rng, 5)
        counts[line - 1] += 1
        assert p == pytest.approx(kish_probabilities(5)[line - 1])
    _assert_frequencies(counts, kish_probabilities(5))


def test_next_birthday__picks_the_nearest_birthday_on_or_after_today() -> None:
    today = dt.date(2026, 12, 4)
    assert next_birthday_select([(1, 10), (12, 4), (12, 25)], today) == 1
    assert next_birthday_select([(1, 10), (11, 30), (12, 25)], today) == 2
    assert next_birthday_select([(11, 30), (1, 10)], today) == 1  # wraps to next year
    assert next_birthday_select([(2, 29), (3, 2)], dt.date(2027, 2, 28)) == 0


def test_flags_and_sizes__text_from_a_csv__read_or_rejected() -> None:
    frame = _frame()
    frame["seat"] = np.where(frame["seat"], "1", "0")
    frame["households"] = frame["households"].astype(str)
    text = draw_stratified(frame, strata="commune", unit_id="unit", size=4, method="pps",
                           size_measure="households", certainty="seat",
                           rng=np.random.default_rng(5))
    typed = draw_stratified(_frame(), strata="commune", unit_id="unit", size=4, method="pps",
                            size_measure="households", certainty="seat",
                            rng=np.random.default_rng(5))
    assert text["prob"].tolist() == typed["prob"].tolist()
    frame.loc[0, "seat"] = "maybe"
    with pytest.raises(AnalysisError, match="column 'seat': 'maybe' is not 1/0"):
        draw_stratified(frame, strata="commune", size=4, method="pps",
                        size_measure="households", certainty="seat",
                        rng=np.random.default_rng(5))
    frame = papi_frame()
    frame["adults"] = frame["adults"].astype(object)
    frame.loc[3, "adults"] = "many"
    with pytest.raises(AnalysisError, match="size measure 'adults': 'many'"):
        draw_multistage(frame, MultiStageDesign.load(DESIGNS_DIR / "papi.yaml"),
                        np.random.default_rng(0))
