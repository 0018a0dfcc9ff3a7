"""Scorecards (PAR INDEX and provincial cascades) as definitions, beside the survey language.

A scorecard is YAML: domains (lĩnh vực) -> criteria (tiêu chí) -> sub-criteria (tiêu chí thành
phần), each with maximum points (null until loaded from the official annex), a scoring rule on
every leaf, required evidence, who self-scores and who appraises. Problems use the survey
language's HL1xx-HL5xx codes for shape and HL7xx for scorecard rules.
"""

from __future__ import annotations

from survey_defs.scorecards.errors import ScorecardCode
from survey_defs.scorecards.load import (
    check_scorecard_paths,
    known_surveys,
    load_scorecard,
    point_problems,
    shipped_scorecards,
    with_points,
)
from survey_defs.scorecards.model import Band, Item, Level, Rule, Scorecard

__all__ = [
    "Band",
    "Item",
    "Level",
    "Rule",
    "Scorecard",
    "ScorecardCode",
    "check_scorecard_paths",
    "known_surveys",
    "load_scorecard",
    "point_problems",
    "shipped_scorecards",
    "with_points",
]
