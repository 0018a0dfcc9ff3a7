"""Targets (đạt / chưa đạt), lost points year on year, owners and remedies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.webapp.par_index_helpers import add_units, add_user, publish_card
from webapp.models import Role
from webapp.par_index.assessment import AssessmentError, open_assessment, self_score, submit
from webapp.par_index.results import result_for
from webapp.par_index.targets import (
    add_remedy,
    lost_points,
    previous_result,
    set_cause,
    set_target,
    verdicts,
)


def _assess(session: Session, unit, version, user, values):  # type: ignore[no-untyped-def]
    a = open_assessment(session, unit, version, user)
    for code, value in values.items():
        self_score(session, a, code, value=value, explanation="giải trình", user=user)
    submit(session, a, user)
    return a


@pytest.fixture
def two_years(session: Session, tmp_path: Path) -> dict:
    units = add_units(session, tmp_path)
    v2023 = publish_card(session, tmp_path, year=2023)
    v2024 = publish_card(session, tmp_path, year=2024)
    m1 = add_user(session, "m1@xa1.vn", Role.UNIT_MANAGER, units["XA1"])
    m2 = add_user(session, "m2@xa2.vn", Role.UNIT_MANAGER, units["XA2"])
    o1 = add_user(session, "o1@xa1.vn", Role.ANALYST, units["XA1"])
    rev = add_user(session, "rev@dso.vn", Role.UNIT_MANAGER, units["DSO"])
    _assess(session, units["XA1"], v2023, m1, {"1.1": "yes", "1.2": "full", "2.1": "0.9"})
    now = _assess(session, units["XA1"], v2024, m1,
                  {"1.1": "yes", "1.2": "half", "2.1": "0.85"})
    _assess(session, units["XA2"], v2024, m2, {"1.1": "yes", "1.2": "full", "2.1": "1"})
    return {"a": now, "m1": m1, "m2": m2, "o1": o1, "rev": rev}


def test_verdicts__targets_from_the_level_above(session: Session, two_years: dict) -> None:
    w = two_years
    a = w["a"]
    with pytest.raises(AssessmentError, match="level above"):
        set_target(session, a, "", "level", by=w["m1"], value=Decimal(80))
    with pytest.raises(AssessmentError, match="needs a value"):
        set_target(session, a, "", "level", by=w["rev"])
    set_target(session, a, "", "level", by=w["rev"], value=Decimal(80))
    set_target(session, a, "1.1", "no_worse", by=w["rev"])
    set_target(session, a, "2.1", "level", by=w["rev"], value=Decimal(1))
    set_target(session, a, "1", "top_half", by=w["rev"])
    result = result_for(session, a)
    assert (result.total, result.percent, result.rank, result.out_of) == (
        5, Decimal("50.00"), 2, 2)
    found = verdicts(session, result, previous_result(session, a))
    assert found[""].achieved is False and found[""].expected == 80
    assert found["1.1"].achieved is True and found["1.1"].expected == 2
    assert found["2.1"].achieved is True  # lost 3 points, but met its own target of 1
    assert found["1.2"].achieved is False and found["1.2"].target is None
    assert (found["1"].achieved, found["1"].rank, found["1"].out_of) == (False, 2, 2)
    # Replacing a target keeps one row.
    set_target(session, a, "", "level", by=w["rev"], value=Decimal(50))
    assert verdicts(session, result, None)[""].achieved is True


def test_lost_points__worst_first_with_owner_cause_and_remedy(session: Session,
                                                              two_years: dict) -> None:
    w = two_years
    a = w["a"]
    with pytest.raises(AssessmentError, match="outside this unit"):
        add_remedy(session, a, "2.1", owner=w["m2"], deadline=dt.date(2025, 6, 30),
                   description="x", by=w["m1"])
    plan = add_remedy(session, a, "2.1", owner=w["o1"], deadline=dt.date(2025, 6, 30),
                      description="Rà soát quy trình để giảm hồ sơ trễ hạn", by=w["m1"])
    set_cause(session, a, "2.1", "Thiếu công chức một cửa", w["m1"])
    result = result_for(session, a)
    lost = lost_points(session, result, previous_result(session, a))
    assert [(lp.item_code, lp.lost, lp.previous, lp.change) for lp in lost] == [
        ("2.1", Decimal(3), Decimal(2), Decimal(-1)),
        ("1.2", Decimal(2), Decimal(4), Decimal(-2)),
    ]
    assert lost[0].cause == "Thiếu công chức một cửa"
    assert [(p.id, owner.email if owner else None) for p, owner in lost[0].plans] == [
        (plan.id, "o1@xa1.vn")]
    assert plan.status == "open" and plan.baseline_period == "2024"
