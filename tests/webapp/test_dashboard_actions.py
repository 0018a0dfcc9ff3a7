"""Action plans: a manager records a remedy for a weak criterion; before/after with intervals."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import PERIOD, PREVIOUS, World, build_world, login, token_in
from webapp.models import ActionPlan

BASE = "/staff/units/A/actions?survey=sipas&period="


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, responses_per_unit=30)


def test_remedy__recorded_then_before_and_after_shown(client: FlaskClient, world: World,
                                                      session: Session) -> None:
    login(client, "manager")
    page = client.get(BASE + PREVIOUS + "&criterion=c9.r17").get_data(as_text=True)
    assert '<option selected value="c9.r17">' in page
    response = client.post(BASE + PREVIOUS, data={
        "csrf_token": token_in(page), "index_id": "c9.r17", "owner": "Văn phòng UBND xã",
        "deadline": "2026-06-30", "description": "Sửa chữa, vệ sinh khu chờ"})
    assert response.status_code == 302
    plan = session.scalar(select(ActionPlan))
    assert plan.baseline_period == PREVIOUS and plan.owner == "Văn phòng UBND xã"
    later = client.get(BASE + PERIOD).get_data(as_text=True)
    assert "Trụ sở sạch sẽ, văn minh" in later and "Sửa chữa, vệ sinh khu chờ" in later
    assert "Tháng 4/2026: " in later and "Tháng 5/2026: " in later  # PREVIOUS, PERIOD
    assert "30/06/2026" in later  # the deadline, as Vietnamese writes a date
    assert later.count(", n=") == 2  # both figures carry their interval and n


def test_remedy__missing_owner__form_error_nothing_saved(client: FlaskClient, world: World,
                                                        session: Session) -> None:
    login(client, "manager")
    page = client.get(BASE + PERIOD).get_data(as_text=True)
    response = client.post(BASE + PERIOD, data={
        "csrf_token": token_in(page), "index_id": "c9.r17", "owner": "",
        "deadline": "2026-06-30", "description": "x"})
    assert response.status_code == 200
    assert session.scalar(select(ActionPlan)) is None


def test_remedy__viewer_sees_no_form(client: FlaskClient, world: World) -> None:
    login(client, "viewer")
    page = client.get(BASE + PERIOD).get_data(as_text=True)
    assert 'name="owner"' not in page
