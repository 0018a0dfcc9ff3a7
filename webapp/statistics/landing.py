"""The figures of the staff landing page: each unit in scope, each survey with answers.

For every published survey with answers, the period is the one rule's default
(:func:`.default_period.default_period`: the latest month with enough answers, else a quarter),
and each visible unit gets the headline row of the kept indices (:mod:`.indices_cache`) with its
change since the period before, flagged as the unit page flags it. Nothing is estimated here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from ..auth.staff_units import UnitChoice, visible_units
from ..periods import parse_period
from ..survey_versions import latest_version, load_version, survey_keys
from .default_period import default_period
from .indices_cache import cached_indices_many
from .unit_report import (
    HEADLINE_LEVELS,
    Change,
    Figure,
    changes_between,
    figure_of,
    index_labels,
    unit_rows,
)

# A scope larger than this shows its top levels only; the unit pages go further down.
MAX_UNITS = 60


@dataclass(frozen=True)
class LandingRow:
    """One unit's headline in one survey and period (``figure`` None: no answers)."""

    unit: UnitChoice
    figure: Figure | None
    change: Change | None


@dataclass
class LandingSurvey:
    """One survey's table on the landing page."""

    survey: str
    period: str
    previous_period: str
    percent: bool
    rows: list[LandingRow] = field(default_factory=list)


def shown_units(session: Session, ids: Collection[int] | None) -> list[UnitChoice]:
    """The visible units in tree order; for a large scope, the upper levels only."""
    units = visible_units(session, ids)
    depth = max((u.depth for u in units), default=0)
    while depth > 0 and sum(1 for u in units if u.depth <= depth) > MAX_UNITS:
        depth -= 1
    return [u for u in units if u.depth <= depth][:MAX_UNITS]


def landing(session: Session, ids: Collection[int] | None, language: str,
            today: dt.date | None = None) -> list[LandingSurvey]:
    """Each survey with answers, its default period, and the headline of each shown unit."""
    units = shown_units(session, ids)
    out = []
    for key in survey_keys(session):
        period = default_period(session, key, today)
        version = latest_version(session, key)
        if period is None or version is None:
            continue
        definition = load_version(version)
        labels = index_labels(definition, language)
        current = parse_period(period)
        previous = str(current.previous())
        tables = cached_indices_many(session, key, [previous, period])
        block = LandingSurvey(key, period, previous,
                              definition.scoring_spec().get("method") != "papi")
        for unit in units:
            rows = unit_rows(tables[period].results, unit.code)
            heads = rows[rows["index_level"].isin(HEADLINE_LEVELS)] if not rows.empty else rows
            if heads.empty:
                block.rows.append(LandingRow(unit, None, None))
                continue
            figure = figure_of(heads.iloc[0], labels)
            change = changes_between(tables, period, previous, unit.code).get(figure.index_id)
            block.rows.append(LandingRow(unit, figure, change))
        out.append(block)
    return out
