"""A request's unit scope: the unit asked for, the units below it the principal may see."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Unit
from webapp.unit_tree import UnitNotFound, UnitOutsideScope, resolve_scope, tree_order


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


def test_scope__parents_stop_at_the_top_of_the_principals_view(session: Session,
                                                               tree: dict[str, int]) -> None:
    everything = resolve_scope(session, None, "A11")
    assert [u.code for u in everything.parents] == ["A1", "A", "P"]
    assert everything.parent is not None and everything.parent.code == "A1"
    # A district official sees A and below: A1's parent A is visible, the province is not.
    district = {tree["A"], tree["A1"], tree["A11"]}
    assert [u.code for u in resolve_scope(session, district, "A1").parents] == ["A"]
    top = resolve_scope(session, district, "A")
    assert top.parents == () and top.parent is None
    assert resolve_scope(session, None, "P").parent is None


def test_scope__merger_history_both_ways(session: Session, tree: dict[str, int]) -> None:
    """OLDER was merged into OLD1; OLD1 and OLD2 into B; B later into P."""
    b, p = session.get(Unit, tree["B"]), session.get(Unit, tree["P"])
    old1 = Unit(code="OLD1", name_vi="Cũ 1", unit_type="commune", successor=b)
    old2 = Unit(code="OLD2", name_vi="Cũ 2", unit_type="commune", successor=b)
    older = Unit(code="OLDER", name_vi="Cũ hơn", unit_type="commune", successor=old1)
    session.add_all([old1, old2, older])
    assert b is not None and p is not None
    b.successor = p
    session.commit()
    scope = resolve_scope(session, None, "B")
    assert [u.code for u in scope.predecessors] == ["OLD1", "OLD2", "OLDER"]
    assert [u.code for u in scope.successors] == ["P"]
    oldest = resolve_scope(session, None, "OLDER")
    assert oldest.predecessors == ()
    assert [u.code for u in oldest.successors] == ["OLD1", "B", "P"]


def test_tree_order__parents_first_depth_from_the_top_of_the_part_given(
        session: Session, tree: dict[str, int]) -> None:
    units = list(session.scalars(select(Unit).order_by(Unit.code)))
    assert [(u.code, d) for u, d in tree_order(units)] == [
        ("P", 0), ("A", 1), ("A1", 2), ("A11", 3), ("B", 1)]
    part = [u for u in units if u.code in {"A1", "A11", "B"}]  # A1's parent A is left out
    assert [(u.code, d) for u, d in tree_order(part)] == [("A1", 0), ("A11", 1), ("B", 0)]
