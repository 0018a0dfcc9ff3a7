"""Survey-based criteria take their value from hailong's own indices of the unit.

A rule ``index: sipas.overall`` reads the estimate of index ``overall`` of survey ``sipas``
for the assessed unit over the assessment's year (its subtree roll-up when it has one), and
converts it to points by the rule's tagged linear conversion.

Every survey goes through the kept statistics (``cached_indices``); the survey definition's
``weighting`` rule decides the weights, so the sociological survey of officials
(``par_officials``, ``weighting: equal``) counts every answer once, while the citizens' surveys
are post-stratified to dossier counts.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from ..models import Assessment
from ..statistics.indices_cache import cached_indices
from ..statistics.unit_report import unit_rows
from .assessment import card_for, set_survey_value


def unit_index_value(session: Session, survey_index: str, unit_code: str,
                     year: int) -> Decimal | None:
    """The unit's estimate of ``survey.index`` for ``year``, or None without data."""
    survey_key, index_id = survey_index.split(".", 1)
    results = cached_indices(session, survey_key, str(year), unit_code).results
    rows = unit_rows(results, unit_code)
    if rows.empty:
        return None
    rows = rows[rows["index_id"] == index_id]
    if rows.empty or rows.iloc[0]["estimate"] is None:
        return None
    estimate = float(rows.iloc[0]["estimate"])
    if estimate != estimate:  # NaN: no usable answers
        return None
    return Decimal(str(round(estimate, 6)))


def fill_survey_values(session: Session, assessment: Assessment) -> dict[str, Decimal | None]:
    """Score every survey-based item of ``assessment`` from the unit's own indices.

    Returns item code -> the index value used (None where the unit has no data; the item
    then keeps no score)."""
    used: dict[str, Decimal | None] = {}
    for item in card_for(session, assessment).leaves():
        if item.rule is None or item.rule.type != "survey" or item.rule.survey_index is None:
            continue
        value = unit_index_value(session, item.rule.survey_index, assessment.unit.code,
                                 assessment.year)
        used[item.code] = value
        if value is not None:
            set_survey_value(session, assessment, item.code, value)
    return used
