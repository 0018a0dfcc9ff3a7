"""Raking all bootstrap replicates at once equals raking each one with :func:`rake`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.design import SurveyDesign
from analysis.errors import AnalysisError
from analysis.weighting import rake, rake_replicates

MARGINS = [pd.DataFrame({"sex": ["F", "M"], "Freq": [520.0, 480.0]}),
           pd.DataFrame({"age": ["1", "2", "3"], "Freq": [400.0, 350.0, 250.0]})]


def _design(seed: int) -> tuple[SurveyDesign, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = 90
    frame = pd.DataFrame({"stratum": np.repeat(["a", "b", "c"], 30),
                          "psu": [f"p{i // 3}" for i in range(n)],
                          "sex": rng.choice(["F", "M"], n), "age": rng.choice(["1", "2", "3"], n),
                          "w": rng.uniform(5, 15, n)})
    design = SurveyDesign.from_frame(frame, weight="w", strata="stratum", cluster=["psu"])
    factors = rng.choice([0.0, 1.5, 3.0], size=(n, 12), p=[0.2, 0.6, 0.2])
    return design, design.weights[:, None] * factors


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rake_replicates__equal_rake_per_replicate(seed: int) -> None:
    design, reps = _design(seed)
    together = rake_replicates(design, reps, MARGINS)
    for r in range(reps.shape[1]):
        one = rake(design.with_weights(reps[:, r]), MARGINS, max_iter=2000,
                   epsilon=1e-12).weights
        assert np.allclose(together[:, r], one, rtol=1e-9, atol=1e-12)
        # Each replicate meets every margin.
        frame = design.frame.assign(_w=together[:, r])
        assert np.allclose(frame.groupby("sex")["_w"].sum().to_numpy(), [520, 480], rtol=1e-9)
        assert np.allclose(frame.groupby("age")["_w"].sum().to_numpy(), [400, 350, 250],
                           rtol=1e-9)


def test_rake_replicates__replicate_without_a_cell__named() -> None:
    design, reps = _design(4)
    reps[(design.frame["age"] == "3").to_numpy(), 6] = 0.0
    with pytest.raises(AnalysisError, match=r"replicate 7: margin cell \{'age': '3'\}"):
        rake_replicates(design, reps, MARGINS)
