"""What citizens most want improved: the expectations grid ranked, with intervals.

The shares come from ``analysis`` (default weights, the default design and a survey
proportion with its logit interval), over the same microdata frames as ``compute_indices``.
A question counts as the expectations question when it is a grid on a priority scale
(``EXPECTATION_SCALES``); ``TOP_CODE`` is the scale's strongest wish ("Rất nhiều").
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

import survey_defs
from analysis import proportion
from analysis.errors import AnalysisError
from analysis.units import default_design, default_weights

from .microdata import load_dossier_counts, load_responses
from .periods import parse_period

EXPECTATION_SCALES = ("priority3",)
TOP_CODE = 3


@dataclass(frozen=True)
class Expectation:
    """Share of citizens who want an aspect improved "very much"."""

    answer_id: str
    labels: dict[str, str]
    estimate: float
    ci_low: float
    ci_high: float
    n: int


def expectation_rows(definition: survey_defs.SurveyDefinition) -> list[tuple[str, dict[str, str]]]:
    """Answer ids and labels of the expectations grid, if the survey has one."""
    return [(f"{q.id}.{row.id}", row.label) for q in definition.questions
            if q.type == "grid" and q.scale in EXPECTATION_SCALES for row in q.rows]


def rank_expectations(session: Session, definition: survey_defs.SurveyDefinition,
                      survey_key: str, period: str,
                      unit_ids: Collection[int] | None) -> list[Expectation]:
    """Rank the expectations of a unit subtree in a period, most wanted first."""
    rows = expectation_rows(definition)
    if not rows:
        return []
    parsed = parse_period(period)
    responses = load_responses(session, survey_key, parsed, unit_ids)
    if responses.empty:
        return []
    weights = default_weights(responses, load_dossier_counts(session, parsed, unit_ids),
                              unmatched="drop")
    if weights.frame.empty:
        return []
    design = default_design(weights)
    frame = design.frame
    out = []
    for answer_id, labels in rows:
        if answer_id not in frame:
            continue
        values = pd.to_numeric(frame[answer_id], errors="coerce")
        wants = np.where(values.isna(), np.nan, (values == TOP_CODE).astype(float))
        n = int(values.notna().sum())
        if n == 0:
            continue
        try:
            est = proportion(design, wants)
        except AnalysisError:
            continue
        out.append(Expectation(answer_id, labels, est.estimate, est.ci_low, est.ci_high, n))
    return sorted(out, key=lambda e: -e.estimate)
