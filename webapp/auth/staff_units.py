"""Units as staff pick them: the visible part of the tree, in tree order with depths."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Unit
from ..unit_tree import tree_order


@dataclass(frozen=True)
class UnitChoice:
    """A unit in tree order; ``depth`` counts from the top of the visible part."""

    code: str
    name_vi: str
    name_en: str | None
    depth: int


def visible_units(session: Session, ids: Collection[int] | None) -> list[UnitChoice]:
    """The units with ``ids`` (every unit when None), parents before children."""
    units = list(session.scalars(select(Unit).order_by(Unit.code)))
    if ids is not None:
        units = [u for u in units if u.id in ids]
    return [UnitChoice(unit.code, unit.name_vi, unit.name_en, depth)
            for unit, depth in tree_order(units)]
