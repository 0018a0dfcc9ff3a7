"""Field-survey weights: base weights, non-response adjustment, raking to census margins, trim.

The chain (Valliant, Dever & Kreuter 2013, ch. 13-14; Kalton & Flores-Cervantes 2003):

1. base weight ``1 / prob`` from the draw (:mod:`analysis.sampling`);
2. non-response adjustment within weighting classes: in class ``c`` each respondent's weight is
   multiplied by ``sum of base weights of eligible sampled units / sum over respondents``, so
   respondents carry the class's whole sampled weight (ineligible units are dropped before);
3. raking to population margins (sex, age group, ethnicity, urban/rural ...) read from a CSV
   with columns ``variable, category, population`` (:func:`read_margins`), through
   :func:`analysis.weighting.rake`, which keeps the calibration record for the variance;
4. trimming (:func:`analysis.weighting.trim`).

The variance follows the design (:class:`analysis.design.SurveyDesign` with ``stratum``,
``psu``, ``ssu``; certainty first-stage units are their own strata, see
:mod:`analysis.sampling.multistage`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.design import SurveyDesign
from analysis.errors import AnalysisError
from analysis.weighting import rake, trim

__all__ = ["field_design", "nonresponse_adjust", "read_margins"]


def nonresponse_adjust(sample: pd.DataFrame, *, weight: str, responded: str,
                       classes: Sequence[str]) -> pd.Series:
    """Return adjusted weights for every row (0 for non-respondents), within ``classes``."""
    missing = [c for c in [weight, responded, *classes] if c not in sample.columns]
    if missing:
        raise AnalysisError(f"the sample has no column {missing[0]!r}")
    w = pd.to_numeric(sample[weight], errors="coerce").astype(float)
    if w.isna().any() or (w <= 0).any():
        raise AnalysisError(f"weight column {weight!r} must be positive in every row")
    r = sample[responded].astype(bool)
    keys = sample[list(classes)].astype(str).agg("|".join, axis=1) if classes else \
        pd.Series("all", index=sample.index)
    sampled = w.groupby(keys).transform("sum")
    answered = w.where(r, 0.0).groupby(keys).transform("sum")
    empty = sorted(set(keys[answered == 0]))
    if empty:
        raise AnalysisError(f"weighting class {empty[0]!r} has no respondents: merge classes")
    return pd.Series(np.where(r, w * sampled / answered, 0.0), index=sample.index)


def read_margins(path: str | Path) -> list[pd.DataFrame]:
    """Read raking margins from CSV (``variable, category, population``), one frame per variable."""
    table = pd.read_csv(path, dtype={"variable": str, "category": str}, keep_default_na=False)
    needed = {"variable", "category", "population"}
    if not needed <= set(table.columns):
        raise AnalysisError(f"{Path(path).name}: margins need columns "
                            f"variable, category, population (found {list(table.columns)})")
    population = pd.to_numeric(table["population"], errors="coerce")
    if population.isna().any() or (population < 0).any():
        line = int(np.flatnonzero(population.isna() | (population < 0))[0]) + 2
        raise AnalysisError(f"{Path(path).name}:{line}: column 'population': "
                            "must be a non-negative number")
    totals = population.groupby(table["variable"]).sum()
    if not np.allclose(totals.to_numpy(), totals.iloc[0], rtol=1e-9):
        raise AnalysisError(f"{Path(path).name}: the margins have different totals "
                            f"{totals.to_dict()}; raking needs one population")
    return [pd.DataFrame({variable: part["category"].to_numpy(),
                          "Freq": population[part.index].to_numpy(dtype=float)})
            for variable, part in table.groupby("variable", sort=False)]


def field_design(respondents: pd.DataFrame, *, weight: str,
                 margins: Sequence[pd.DataFrame] | None = None,
                 trim_upper: float | None = None,
                 strata: str = "stratum", clusters: Sequence[str] = ("psu", "ssu"),
                 ) -> SurveyDesign:
    """The respondents' design: strata and clusters, optionally raked then trimmed."""
    frame = respondents.copy()
    for margin in margins or ():
        for column in margin.columns:
            if column != "Freq" and column in frame.columns:
                frame[column] = frame[column].astype(str)
    design = SurveyDesign.from_frame(frame, weight=weight, strata=strata,
                                     cluster=list(clusters))
    if margins:
        design = rake(design, margins, epsilon=1e-13)
    if trim_upper is not None:
        design = trim(design, upper=trim_upper)
    return design
