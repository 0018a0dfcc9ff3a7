"""Scoring of SIPAS, PAPI and one-stop indices from a definition's scoring block.

The scoring block is plain data (``definition.scoring_spec()``); nothing here imports
``survey_defs``. Public entry points:

* :func:`score` — every output of a block on one :class:`~analysis.design.SurveyDesign`
  (or a subset of one), as :class:`~analysis.results.Estimate` objects;
* :func:`build_composite` — the block as a linear composite of ratio estimators;
* :func:`interval` — intervals for bounded estimates (default :data:`DEFAULT_CI_METHOD`);
* :func:`band_of` — the one-stop band of a points share.

Per-unit results for many units at once are in :func:`analysis.units.unit_results`.
"""

from analysis.intervals import BOUNDED_METHODS as METHODS
from analysis.intervals import DEFAULT_CI_METHOD, interval
from analysis.scoring.composite import LinearComposite, band_of, build_composite
from analysis.scoring.estimate import influence_values, score

__all__ = [
    "DEFAULT_CI_METHOD",
    "METHODS",
    "LinearComposite",
    "band_of",
    "build_composite",
    "influence_values",
    "interval",
    "score",
]
