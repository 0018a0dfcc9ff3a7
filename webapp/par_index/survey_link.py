"""Survey-based criteria take their value from hailong's own indices of the unit.

A rule ``index: sipas.overall`` reads the estimate of index ``overall`` of survey ``sipas``
for the assessed unit over the assessment's year (its subtree roll-up when it has one), and
converts it to points by the rule's tagged linear conversion.

The sociological survey of officials (``par_officials``) is not post-stratified to dossier
counts as the citizens' surveys are: its respondents are the unit's officials, not people
served at a counter, so every answer counts once (equal weights) over the unit's subtree.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.units import unit_results

from ..models import Assessment, Unit
from ..statistics.indices_cache import cached_indices
from ..statistics.microdata import load_responses
from ..statistics.unit_report import unit_rows
from ..survey_versions import latest_version, load_version
from ..unit_tree import subtree_ids, unit_parents
from .assessment import card_for, set_survey_value

# Surveys of officials: answered by the unit's leaders and civil servants, weighted equally.
OFFICIALS_SURVEYS = frozenset({"par_officials"})


def officials_results(session: Session, survey_key: str, unit_code: str,
                      year: int) -> pd.DataFrame:
    """Result rows (``analysis.units.RESULT_COLUMNS``) of an officials' survey for the
    unit's subtree over ``year``, every answer weighted 1; empty without answers."""
    version = latest_version(session, survey_key)
    unit_id = session.scalar(select(Unit.id).where(Unit.code == unit_code))
    if version is None or unit_id is None:
        raise LookupError(f"survey {survey_key!r} or unit {unit_code!r} is not known")
    frame = load_responses(session, survey_key, str(year), subtree_ids(session, unit_id))
    if frame.empty:
        return pd.DataFrame()
    frame = frame.assign(weight=1.0)
    return unit_results(frame, load_version(version).scoring_spec(), weight="weight",
                        parents=unit_parents(session))


def unit_index_value(session: Session, survey_index: str, unit_code: str,
                     year: int) -> Decimal | None:
    """The unit's estimate of ``survey.index`` for ``year``, or None without data."""
    survey_key, index_id = survey_index.split(".", 1)
    if survey_key in OFFICIALS_SURVEYS:
        results = officials_results(session, survey_key, unit_code, year)
    else:
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
