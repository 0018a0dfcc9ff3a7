"""The unit tree: finding a unit's subtree."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Unit


def subtree_ids(session: Session, root_id: int) -> set[int]:
    """Return the ids of ``root_id`` and every unit below it, at any depth."""
    tree = select(Unit.id).where(Unit.id == root_id).cte("subtree", recursive=True)
    tree = tree.union_all(select(Unit.id).where(Unit.parent_id == tree.c.id))
    return set(session.scalars(select(tree.c.id)))
