"""The raw-row path: every response of the scope read and scored (the reference).

The product computes every index from the kept cells (``webapp.statistics.indices_cache``); this
computes the same table from the rows with ``analysis.units.unit_results``, which the R
reference tests check, so tests compare the product's numbers with it.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.units import unit_results
from webapp.models import Unit
from webapp.periods import parse_period
from webapp.statistics.indices import IndexTable, IndicesError, ordered
from webapp.statistics.microdata import load_dossier_counts, load_responses
from webapp.survey_versions import latest_version, load_version
from webapp.unit_tree import subtree_ids, unit_parents


def compute_indices(session: Session, survey_key: str, period: str,
                    unit_code: str | None = None) -> IndexTable:
    """Score a survey for a period: every unit in the subtree of ``unit_code`` (all units
    when None), plus roll-ups of each ancestor, with hailong's default weights."""
    parsed = parse_period(period)
    version = latest_version(session, survey_key)
    if version is None:
        raise IndicesError(f"survey {survey_key!r} is not published")
    spec = load_version(version).scoring_spec()
    unit_ids = None
    if unit_code is not None:
        unit_id = session.scalar(select(Unit.id).where(Unit.code == unit_code))
        if unit_id is None:
            raise IndicesError(f"unknown unit code {unit_code!r}")
        unit_ids = subtree_ids(session, unit_id)
    responses = load_responses(session, survey_key, parsed, unit_ids)
    if responses.empty:
        return IndexTable(survey_key, str(parsed), pd.DataFrame(), 0)
    dossiers = load_dossier_counts(session, parsed, unit_ids)
    parents = unit_parents(session)
    if unit_ids is not None:
        # Roll-ups inside the subtree only; a unit without responses of its own still links
        # its children to its parent.
        inside = set(session.scalars(select(Unit.code).where(Unit.id.in_(list(unit_ids)))))
        parents = {child: parent for child, parent in parents.items()
                   if child in inside and parent in inside}
    results = unit_results(responses, spec, dossiers=dossiers, parents=parents,
                           unmatched="drop")
    return IndexTable(survey_key, str(parsed), ordered(results), len(responses))
