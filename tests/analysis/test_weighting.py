"""Post-stratification, raking and trimming: rules and errors (R agreement is in
test_reference_extra.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis import AnalysisError, ConvergenceError, SurveyDesign, by, mean
from analysis.weighting import poststratify, rake, trim


@pytest.fixture
def units() -> SurveyDesign:
    # Two units; unit B has no respondents in field "y".
    frame = pd.DataFrame(
        {
            "unit": ["A"] * 6 + ["B"] * 4,
            "field": ["x", "x", "x", "y", "y", "y", "x", "x", "x", "x"],
            "sat": [1, 0, 1, 1, 1, 0, 1, 1, 0, 1],
            "w": [1.0] * 10,
        }
    )
    return SurveyDesign.from_frame(frame, weight="w")


POP = pd.DataFrame(
    {"unit": ["A", "A", "B", "B"], "field": ["x", "y", "x", "y"], "Freq": [30, 60, 20, 20]}
)


def test_poststratify__cell_sums__equal_population(units: SurveyDesign) -> None:
    full = POP.copy()
    full.loc[3, "Freq"] = 0  # B/y has no population: no empty cell
    design = poststratify(units, ["unit", "field"], full)
    cells = design.frame.assign(w=design.weights).groupby(["unit", "field"])["w"].sum()
    assert_allclose(cells.to_numpy(), [30, 60, 20])


def test_poststratify__empty_cell__raises_by_default(units: SurveyDesign) -> None:
    with pytest.raises(AnalysisError, match="population but no respondents.*'B'"):
        poststratify(units, ["unit", "field"], POP)


def test_poststratify__collapse_within_unit__keeps_unit_totals(units: SurveyDesign) -> None:
    design = poststratify(
        units, ["unit", "field"], POP, empty_cells="collapse", collapse_within="unit"
    )
    totals = design.frame.assign(w=design.weights).groupby("unit")["w"].sum()
    assert_allclose(totals.to_numpy(), [90, 40])
    assert_allclose(mean(design.subset(design.frame["unit"] == "B"), "sat").estimate, 0.75)


def test_poststratify__collapse_group_without_respondents__raises(units: SurveyDesign) -> None:
    pop = pd.concat([POP, pd.DataFrame({"unit": ["C"], "field": ["x"], "Freq": [5]})])
    with pytest.raises(AnalysisError, match="unit='C' has no respondents"):
        poststratify(units, ["unit", "field"], pop, empty_cells="collapse", collapse_within="unit")


def test_poststratify__cell_missing_from_population__raises(units: SurveyDesign) -> None:
    with pytest.raises(AnalysisError, match="has respondents but no population"):
        poststratify(units, ["unit", "field"], POP.iloc[:2])


def test_poststratify__population_without_freq__raises(units: SurveyDesign) -> None:
    with pytest.raises(AnalysisError, match="Freq"):
        poststratify(units, ["unit"], POP.drop(columns="Freq"))


def test_poststratify__numeric_labels__match_text_labels() -> None:
    frame = pd.DataFrame({"g": [1, 1, 2, 2], "y": [1.0, 2, 3, 4], "w": [1.0] * 4})
    design = SurveyDesign.from_frame(frame, weight="w")
    pop = pd.DataFrame({"g": ["1", "2.0"], "Freq": [10, 30]})
    assert_allclose(poststratify(design, ["g"], pop).weights, [5, 5, 15, 15])


def test_poststratify__domain_se__smaller_than_unweighted_when_cells_explain_y(
    units: SurveyDesign,
) -> None:
    full = POP.copy()
    full.loc[3, "Freq"] = 0
    design = poststratify(units, ["unit", "field"], full)
    result = by(design, "unit", mean, "sat")
    assert all(np.isfinite(e.se) for _, e in result)


def test_rake__margins_met(units: SurveyDesign) -> None:
    m1 = pd.DataFrame({"unit": ["A", "B"], "Freq": [90, 40]})
    m2 = pd.DataFrame({"sat": [0, 1], "Freq": [40, 90]})
    design = rake(units, [m1, m2])
    w = design.frame.assign(w=design.weights)
    assert_allclose(w.groupby("unit")["w"].sum().to_numpy(), [90, 40])
    assert_allclose(w.groupby("sat")["w"].sum().to_numpy(), [40, 90])


def test_rake__inconsistent_margins__raise_convergence_error(units: SurveyDesign) -> None:
    m1 = pd.DataFrame({"unit": ["A", "B"], "Freq": [90, 40]})
    m2 = pd.DataFrame({"sat": [0, 1], "Freq": [10, 10]})  # total 20, not 130
    with pytest.raises(ConvergenceError, match="did not converge in 5 iterations"):
        rake(units, [m1, m2], max_iter=5)


def test_trim__caps_and_redistributes_keeping_total() -> None:
    frame = pd.DataFrame({"w": [1.0, 1.0, 1.0, 10.0], "y": [1.0, 2, 3, 4]})
    design = SurveyDesign.from_frame(frame, weight="w")
    trimmed = trim(design, upper=5)
    # trimWeights(upper = 5): 10 -> 5, the 5 trimmed spread over the other three
    assert_allclose(trimmed.weights, [1 + 5 / 3] * 3 + [5])
    assert trimmed.sum_weights == pytest.approx(design.sum_weights)


def test_trim__strict__repeats_until_inside() -> None:
    frame = pd.DataFrame({"w": [1.0, 4.0, 4.0, 20.0], "y": [1.0, 2, 3, 4]})
    design = SurveyDesign.from_frame(frame, weight="w")
    trimmed = trim(design, upper=8, strict=True)
    assert trimmed.weights.max() <= 8 + 1e-12
    assert trimmed.sum_weights == pytest.approx(29.0)


def test_trim__reversed_bounds__raise() -> None:
    frame = pd.DataFrame({"w": [1.0, 2.0], "y": [1.0, 2.0]})
    design = SurveyDesign.from_frame(frame, weight="w")
    with pytest.raises(AnalysisError, match="reversed"):
        trim(design, lower=3, upper=2)
