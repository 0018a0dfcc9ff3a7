"""Probability sampling for field surveys: frames in, sampled rows with design variables out.

Pure numpy/pandas, reproducible from a seed (``numpy.random.Generator``). Every sampled row
carries ``stratum``, ``psu``, ``prob`` (overall inclusion probability) and ``base_weight``
(``1 / prob``), the variables :class:`analysis.design.SurveyDesign` needs.
"""

from analysis.sampling.household import kish_probabilities, kish_select, next_birthday_select
from analysis.sampling.multistage import MultiStageDesign, StageSpec, draw_multistage
from analysis.sampling.probabilities import pps_inclusion_probabilities
from analysis.sampling.single import (
    draw_stratified,
    pps_systematic_indices,
    srs_indices,
    systematic_indices,
)
from analysis.sampling.weights import field_design, nonresponse_adjust, read_margins

__all__ = [
    "MultiStageDesign",
    "StageSpec",
    "draw_multistage",
    "draw_stratified",
    "field_design",
    "kish_probabilities",
    "kish_select",
    "next_birthday_select",
    "nonresponse_adjust",
    "pps_inclusion_probabilities",
    "pps_systematic_indices",
    "read_margins",
    "srs_indices",
    "systematic_indices",
]
