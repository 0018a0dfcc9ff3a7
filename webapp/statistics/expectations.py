"""What citizens most want improved: the expectations grid ranked, with intervals.

The grid is scored by the same path as the indices (its own block of cells kept in the
database, :mod:`.stat_cells`, turned into results by ``analysis.cell_stats`` through
:mod:`.indices_cache`): each row is a "criterion" whose share is the weighted share of citizens
who chose the scale's strongest wish (``TOP_CODE``, "Rất nhiều") among those who answered it,
with hailong's default weights, the corrected linearised variance and the default interval. So
the page, its roll-ups and the API share one computation. A question counts as the expectations
question when it is a grid on a priority scale (``EXPECTATION_SCALES``). The 2017 form asks
instead to pick up to three improvement areas (a multiple choice on ``CHOICE_SCALES``): each
area is then the share of citizens who picked it among those who answered the question.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

import survey_defs

EXPECTATION_SCALES = ("priority3",)
CHOICE_SCALES = ("expectations",)
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
    """Answer ids and labels of the expectations grid (or of the pick-up-to-N question's
    choices, as ``question#code``), if the survey has one."""
    grid = [(f"{q.id}.{row.id}", row.label) for q in definition.questions
            if q.type == "grid" and q.scale in EXPECTATION_SCALES for row in q.rows]
    if grid:
        return grid
    return [(f"{q.id}#{choice.code}", choice.label) for q in definition.questions
            if q.type == "multiple" and q.scale in CHOICE_SCALES
            for choice in definition.scales[q.scale].choices]


def expectation_kind(definition: survey_defs.SurveyDefinition) -> str | None:
    """``"grid"`` (wanted very much), ``"choice"`` (picked among up to N) or None."""
    rows = expectation_rows(definition)
    if not rows:
        return None
    return "choice" if "#" in rows[0][0] else "grid"


def expectation_spec(definition: survey_defs.SurveyDefinition) -> dict[str, Any] | None:
    """The expectations as a scoring block (one share per row or choice), or None."""
    rows = expectation_rows(definition)
    if not rows:
        return None
    top = [1] if expectation_kind(definition) == "choice" else [TOP_CODE]
    return {"method": "sipas", "satisfied_codes": top, "excluded_codes": [],
            "element_method": "criterion_mean",
            "elements": [{"id": "expectations", "criteria": [a for a, _ in rows]}]}


def rank_from_results(definition: survey_defs.SurveyDefinition, rows: pd.DataFrame
                      ) -> list[Expectation]:
    """Rank a unit's expectation rows (result rows of one unit and scope), most wanted first.

    Suppressed shares (too few answers) are left out, as on the rest of the page.
    """
    if rows.empty:
        return []
    found = rows[rows["index_level"] == "criterion"].set_index("index_id")
    out = []
    for answer_id, labels in expectation_rows(definition):
        if answer_id not in found.index:
            continue
        row = found.loc[answer_id]
        if int(row["n"]) == 0 or pd.isna(row["estimate"]):
            continue
        out.append(Expectation(answer_id, labels, float(row["estimate"]),
                               _num(row["ci_low"]), _num(row["ci_high"]), int(row["n"])))
    return sorted(out, key=lambda e: -e.estimate)


def _num(value: Any) -> float:
    return math.nan if value is None or pd.isna(value) else float(value)
