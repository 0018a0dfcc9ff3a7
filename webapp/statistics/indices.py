"""Satisfaction indices per unit and period: one code path for pages, API and CLI."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.units import unit_results

from ..models import Unit
from ..periods import parse_period
from ..survey_versions import latest_version, load_version
from ..unit_tree import subtree_ids
from .microdata import load_dossier_counts, load_responses, unit_parents


class IndicesError(LookupError):
    """The indices cannot be computed as asked (unknown survey or unit)."""


@dataclass(frozen=True)
class IndexTable:
    """Per-unit results (the columns of ``analysis.units.RESULT_COLUMNS``) and what was
    left out of the weighting."""

    survey: str
    period: str
    results: pd.DataFrame
    responses: int


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


def ordered(results: pd.DataFrame) -> pd.DataFrame:
    """Result rows in one order (scope, unit, period; outputs in scoring order)."""
    if results.empty:
        return results
    out = results.sort_values(["scope", "unit", "period"], kind="stable").reset_index(drop=True)
    # Text columns as plain Python strings: pages filter these frames many times per request,
    # and comparisons on pandas' Arrow-backed strings cost ten times more on small frames.
    text = {c: object for c in ("unit", "period", "scope", "index_id", "index_level",
                                "ci_method", "band") if c in out.columns}
    return out.astype(text)
