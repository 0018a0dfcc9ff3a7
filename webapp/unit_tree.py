"""The unit tree and its merger history, and the scope one request may see (:class:`UnitScope`).

Every walk along ``parent_id`` (subtrees, ancestors, children, the child → parent map of the
roll-ups, paths from the top) and along ``successor_id`` (the units merged into one, the units
one was merged into) lives here; features ask these functions or the request's scope instead of
walking the links themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Unit


def subtree_ids(session: Session, root_id: int) -> set[int]:
    """Return the ids of ``root_id`` and every unit below it, at any depth."""
    tree = select(Unit.id).where(Unit.id == root_id).cte("subtree", recursive=True)
    tree = tree.union_all(select(Unit.id).where(Unit.parent_id == tree.c.id))
    return set(session.scalars(select(tree.c.id)))


def children_of(session: Session, unit: Unit) -> list[Unit]:
    """The units directly below ``unit``, by code."""
    return list(session.scalars(select(Unit).where(Unit.parent_id == unit.id)
                                .order_by(Unit.code)))


def ancestors(unit: Unit) -> list[Unit]:
    """The units above ``unit``, its parent first, up to the top (a cycle stops the walk)."""
    return _chain(unit, lambda u: u.parent)


def tree_order(units: Sequence[Unit]) -> list[tuple[Unit, int]]:
    """``units`` parents before children, each with its depth below the top of the given
    part (a unit whose parent is not among them starts at depth 0); siblings keep their order."""
    present = {u.id for u in units}
    below: dict[int | None, list[Unit]] = {}
    for unit in units:
        below.setdefault(unit.parent_id if unit.parent_id in present else None, []).append(unit)
    out: list[tuple[Unit, int]] = []
    stack = [(unit, 0) for unit in reversed(below.get(None, []))]
    while stack:  # depth first without recursion (a deep tree stays within the stack)
        unit, depth = stack.pop()
        out.append((unit, depth))
        stack.extend((child, depth + 1) for child in reversed(below.get(unit.id, [])))
    return out


def unit_parents(session: Session) -> dict[str, str]:
    """Child unit code → parent unit code of the whole tree, for roll-ups up the tree."""
    parent = select(Unit.id, Unit.code).subquery()
    rows = session.execute(select(Unit.code, parent.c.code)
                           .join(parent, Unit.parent_id == parent.c.id)).all()
    return dict(rows)


def paths_from_top(rows: Collection[tuple[int, str, str, int | None]]
                   ) -> dict[str, tuple[tuple[str, str], ...]]:
    """For rows ``(id, code, name, parent_id)`` of the tree: code → the ``(code, name)`` of
    each unit from the top down to it (a cycle stops the walk)."""
    by_id = {r[0]: r for r in rows}
    paths: dict[str, tuple[tuple[str, str], ...]] = {}
    for row in rows:
        path: list[tuple[str, str]] = []
        node: tuple[int, str, str, int | None] | None = row
        seen: set[int] = set()
        while node is not None and node[0] not in seen:
            seen.add(node[0])
            path.append((node[1], node[2]))
            node = by_id.get(node[3]) if node[3] is not None else None
        paths[row[1]] = tuple(reversed(path))
    return paths


def predecessors(session: Session, unit: Unit) -> list[Unit]:
    """Units that were merged into ``unit``, directly or through earlier mergers, by code."""
    found: list[Unit] = []
    frontier = [unit.id]
    seen = {unit.id}
    while frontier:
        rows = session.scalars(select(Unit).where(Unit.successor_id.in_(frontier))).all()
        frontier = [u.id for u in rows if u.id not in seen]
        seen.update(frontier)
        found.extend(u for u in rows if u.id in frontier)
    return sorted(found, key=lambda u: u.code)


def successors(unit: Unit) -> list[Unit]:
    """The units ``unit`` was merged into, the nearest first (a cycle stops the walk)."""
    return _chain(unit, lambda u: u.successor)


def _chain(unit: Unit, step: Callable[[Unit], Unit | None]) -> list[Unit]:
    """Follow ``step`` from ``unit`` until it ends or comes back to a unit already seen (bad
    data can hold a cycle; the walk must still end)."""
    out: list[Unit] = []
    seen = {unit.id}
    node = step(unit)
    while node is not None and node.id not in seen:
        seen.add(node.id)
        out.append(node)
        node = step(node)
    return out


class UnitNotFound(LookupError):
    """No unit has the code asked for."""


class UnitOutsideScope(PermissionError):
    """The unit exists but lies outside what the principal may see."""


@dataclass(frozen=True)
class UnitScope:
    """The units one request is about.

    ``root``: the unit asked for (None: the principal's whole view); ``ids``: the units below
    it that the principal may see (None: every unit); ``parents``: the root's ancestors the
    principal may see, its parent first (empty at the top of their view); ``predecessors``:
    the units merged into the root, directly or earlier, by code; ``successors``: the units
    the root was merged into, the nearest first.

    Resolved once per request (``webapp.auth.access.request_scope``) and passed down, so a unit
    code is looked up and its subtree, ancestors and mergers are walked once.
    """

    root: Unit | None
    ids: frozenset[int] | None
    parents: tuple[Unit, ...] = ()
    predecessors: tuple[Unit, ...] = ()
    successors: tuple[Unit, ...] = ()

    def __contains__(self, unit_id: object) -> bool:
        return self.ids is None or unit_id in self.ids

    @property
    def parent(self) -> Unit | None:
        """The root's parent, when the principal may see it."""
        return self.parents[0] if self.parents else None


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
    # Visible ancestors: the principal's subtree is closed upwards only to its own top.
    above = tuple(u for u in _visible_prefix(ancestors(unit), visible))
    return UnitScope(unit, frozenset(subtree_ids(session, unit.id)), above,
                     tuple(predecessors(session, unit)), tuple(successors(unit)))


def _visible_prefix(chain: list[Unit], visible: Collection[int] | None) -> list[Unit]:
    out = []
    for unit in chain:
        if visible is not None and unit.id not in visible:
            break
        out.append(unit)
    return out
