"""The scorecard problem catalogue: codes HL7xx (errors) and HL79x (warnings).

Shape problems (YAML syntax, unknown or missing keys, wrong types, ids, Vietnamese labels) reuse
the survey language's HL1xx/HL2xx/HL5xx codes, so an author learns one catalogue.
"""

from __future__ import annotations

from enum import Enum

from survey_defs.errors import CatalogueCode, Detail


def _e(name: str, template: str) -> Detail:
    return Detail("error", name, template)


def _w(name: str, template: str) -> Detail:
    return Detail("warning", name, template)


class ScorecardCode(CatalogueCode, Enum):
    """Scorecard-specific problems (same interface as :class:`survey_defs.Code`)."""

    HL701 = _e("points do not add up", "the maximum points of {what} add up to {got}, but "
               "its own maximum is {expected}. Correct the parts or the total.")
    HL702 = _e("total not reached", "the domains add up to {got} points; the scorecard's "
               "total_points is {expected}. Load or correct the missing points.")
    HL703 = _e("leaf without rule", "'{value}' has no sub-criteria, so it needs a scoring "
               "'rule' (yesno, levels, proportional or survey).")
    HL704 = _e("rule on a parent", "'{value}' has sub-criteria; its points are their sum. "
               "Move the rule to the sub-criteria.")
    HL705 = _e("bad levels", "{detail}. Each level gives a share of the maximum between 0 "
               "and 1; shares must be distinct and one level must give 1 (full points).")
    HL706 = _e("bad proportional rule", "{detail}. 'zero_at' and 'full_at' must differ: "
               "points = max x (value - zero_at) / (full_at - zero_at), clipped to 0..max.")
    HL707 = _e("untagged conversion", "a survey-based rule needs a 'conversion' with "
               "'source' and 'verification' saying where the rule comes from; {detail}.")
    HL708 = _e("unknown survey index", "'{value}' is not 'survey.index' of a known survey "
               "({allowed}). Correct the reference.")
    HL709 = _e("survey criterion self-scored", "'{value}' takes its value from a survey, so "
               "it is not self-scored: set self_scored_by: none.")
    HL710 = _e("bands gap or overlap", "{detail}. Classification bands must be sorted from "
               "high to low by min_percent, the last starting at 0.")
    HL711 = _e("negative points", "maximum points {value} is negative. Points are 0 or more.")
    HL712 = _e("year out of range", "year {value} is outside 2000..2100.")
    HL713 = _e("point table", "{detail}.")
    HL791 = _w("points to be loaded", "{count} item(s) have no maximum points yet (null); "
               "load them from the official annex with 'hailong parindex points'.")
