"""The unit tree: a unit's subtree, and the scope one request may see (:class:`UnitScope`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Unit


def subtree_ids(session: Session, root_id: int) -> set[int]:
    """Return the ids of ``root_id`` and every unit below it, at any depth."""
    tree = select(Unit.id).where(Unit.id == root_id).cte("subtree", recursive=True)
    tree = tree.union_all(select(Unit.id).where(Unit.parent_id == tree.c.id))
    return set(session.scalars(select(tree.c.id)))


class UnitNotFound(LookupError):
    """No unit has the code asked for."""


class UnitOutsideScope(PermissionError):
    """The unit exists but lies outside what the principal may see."""


@dataclass(frozen=True)
class UnitScope:
    """The units one request is about: ``root`` (the unit asked for, or None for the principal's
    whole view) and ``ids``, the units below it that the principal may see (None: every unit).

    Resolved once per request (``webapp.auth.access.request_scope``) and passed down, so a unit
    code is looked up and its subtree walked once.
    """

    root: Unit | None
    ids: frozenset[int] | None

    def __contains__(self, unit_id: object) -> bool:
        return self.ids is None or unit_id in self.ids


def resolve_scope(session: Session, visible: Collection[int] | None,
                  unit_code: str | None) -> UnitScope:
    """The scope of a principal who may see ``visible`` (None: every unit), narrowed to the
    subtree of ``unit_code`` when one is given.

    Raises UnitNotFound for an unknown code and UnitOutsideScope for a unit the principal may
    not see (pages answer 404 and 403).
    """
    if not unit_code:
        return UnitScope(None, None if visible is None else frozenset(visible))
    unit = session.scalar(select(Unit).where(Unit.code == unit_code))
    if unit is None:
        raise UnitNotFound(f"unknown unit code {unit_code!r}")
    if visible is not None and unit.id not in visible:
        raise UnitOutsideScope(f"unit {unit_code!r} is outside your scope")
    return UnitScope(unit, frozenset(subtree_ids(session, unit.id)))
