"""Survey statistics for hailong: designs, estimators, intervals and calibration weighting.

Pure pandas/numpy/scipy; nothing here imports the web application. The shape follows
R ``survey`` (Lumley 2010): a design described once (:class:`SurveyDesign`), pure estimator
functions, and immutable results (:class:`Estimate`).
"""

from analysis.design import LonelyPSU, SurveyDesign
from analysis.errors import AnalysisError, ConvergenceError, DesignError
from analysis.estimators import by, mean, proportion, ratio, total
from analysis.results import DomainEstimates, Estimate, normal_or_t_ci
from analysis.variance import total_variance
from analysis.weighting import poststratify, rake, trim

__all__ = [
    "AnalysisError",
    "ConvergenceError",
    "DesignError",
    "DomainEstimates",
    "Estimate",
    "LonelyPSU",
    "SurveyDesign",
    "by",
    "mean",
    "normal_or_t_ci",
    "poststratify",
    "proportion",
    "rake",
    "ratio",
    "total",
    "total_variance",
    "trim",
]
