"""Survey definitions: load, check, version and export the YAML instruments (no Flask here)."""

from __future__ import annotations

from survey_defs.answers import AnswerError, validate_answers
from survey_defs.errors import Code, DefinitionError, Problem
from survey_defs.load import (
    SHIPPED_DIR,
    LoadResult,
    check_paths,
    content_hash,
    load_definition,
    shipped_paths,
)
from survey_defs.model import Choice, GridRow, Question, Scale, SurveyDefinition
from survey_defs.versioning import scoring_changes

__all__ = [
    "SHIPPED_DIR",
    "AnswerError",
    "Choice",
    "Code",
    "DefinitionError",
    "GridRow",
    "LoadResult",
    "Problem",
    "Question",
    "Scale",
    "SurveyDefinition",
    "check_paths",
    "content_hash",
    "load_definition",
    "scoring_changes",
    "shipped_paths",
    "validate_answers",
]
