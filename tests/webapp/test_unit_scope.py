"""A request's unit scope: the unit asked for, the units below it the principal may see."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from webapp.models import Unit
from webapp.unit_tree import UnitNotFound, UnitOutsideScope, resolve_scope


@pytest.fixture
def tree(session: Session) -> dict[str, int]:
    """P > A > A1 > A11, and P > B."""
    province = Unit(code="P", name_vi="Tỉnh", unit_type="province")
    a = Unit(code="A", name_vi="A", unit_type="district", parent=province)
    a1 = Unit(code="A1", name_vi="A1", unit_type="commune", parent=a)
    a11 = Unit(code="A11", name_vi="A11", unit_type="office", parent=a1)
    b = Unit(code="B", name_vi="B", unit_type="district", parent=province)
    session.add_all([province, a, a1, a11, b])
    session.commit()
    return {u.code: u.id for u in (province, a, a1, a11, b)}


def test_scope__unit_code_narrows_to_its_subtree_at_any_depth(session: Session,
                                                               tree: dict[str, int]) -> None:
    scope = resolve_scope(session, None, "A")
    assert scope.root is not None and scope.root.code == "A"
    assert scope.ids == {tree["A"], tree["A1"], tree["A11"]}
    assert tree["A11"] in scope and tree["B"] not in scope


def test_scope__without_a_code_is_the_principals_whole_view(session: Session,
                                                            tree: dict[str, int]) -> None:
    everything = resolve_scope(session, None, None)
    assert everything.root is None and everything.ids is None and tree["B"] in everything
    mine = resolve_scope(session, {tree["A"], tree["A1"]}, "")
    assert mine.root is None and mine.ids == {tree["A"], tree["A1"]}


def test_scope__unknown_and_outside_units_are_refused(session: Session,
                                                      tree: dict[str, int]) -> None:
    with pytest.raises(UnitNotFound, match="'Z'"):
        resolve_scope(session, None, "Z")
    visible = {tree["A"], tree["A1"], tree["A11"]}
    with pytest.raises(UnitOutsideScope, match="'B'"):
        resolve_scope(session, visible, "B")
    assert resolve_scope(session, visible, "A1").ids == {tree["A1"], tree["A11"]}
