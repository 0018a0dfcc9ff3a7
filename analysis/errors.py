"""Errors raised by :mod:`analysis`.

Every user-facing problem (bad design, bad column, failed calibration) is an
:class:`AnalysisError`, a :class:`ValueError`, so callers can catch one type and
show its message; the message names the column, stratum or file and says why.
"""

from __future__ import annotations


class AnalysisError(ValueError):
    """Base class for errors in the statistics package."""


class DesignError(AnalysisError):
    """The survey design is invalid (weights, strata, clusters, fpc, lonely PSUs)."""


class ConvergenceError(AnalysisError):
    """An iterative procedure (raking) did not converge."""
