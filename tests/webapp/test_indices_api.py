"""GET /api/v1/indices: API key or staff session, scoped to a subtree, clear errors."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import PERIOD, World, build_world, login
from webapp.administration.apikeys import create_api_key, revoke_api_key

PATH = f"/api/v1/indices?survey=sipas&period={PERIOD}"


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, responses_per_unit=12)


def _bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def test_no_credentials__401_with_json_error(client: FlaskClient, world: World) -> None:
    response = client.get(PATH)
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


def test_unscoped_key__every_unit_with_intervals(client: FlaskClient, world: World,
                                                 session: Session) -> None:
    raw, _ = create_api_key(session, name="dashboard")
    body = client.get(PATH, headers=_bearer(raw)).get_json()
    assert body["survey"] == "sipas" and body["period"] == PERIOD and body["unit"] is None
    assert {r["unit"] for r in body["results"]} == {"P", "A", "A1", "B"}
    row = body["results"][0]
    for column in ("estimate", "ci_low", "ci_high", "n", "n_eff", "small_sample", "suppressed"):
        assert column in row


def test_scoped_key__own_subtree_only(client: FlaskClient, world: World,
                                      session: Session) -> None:
    raw, _ = create_api_key(session, name="commune A", unit_code="A")
    body = client.get(PATH, headers=_bearer(raw)).get_json()
    assert body["unit"] == "A" and {r["unit"] for r in body["results"]} == {"A", "A1"}
    assert client.get(PATH + "&unit=A1", headers=_bearer(raw)).status_code == 200
    outside = client.get(PATH + "&unit=B", headers=_bearer(raw))
    assert outside.status_code == 403 and outside.get_json()["field"] == "unit"
    assert client.get(PATH + "&unit=NOPE", headers=_bearer(raw)).status_code == 404


def test_revoked_key__401(client: FlaskClient, world: World, session: Session) -> None:
    raw, key = create_api_key(session, name="old")
    revoke_api_key(session, key.prefix)
    assert client.get(PATH, headers=_bearer(raw)).status_code == 401


def test_staff_session__user_subtree(client: FlaskClient, world: World) -> None:
    login(client, "manager_b")
    body = client.get(PATH).get_json()
    assert body["unit"] == "B" and {r["unit"] for r in body["results"]} == {"B"}
    assert client.get(PATH + "&unit=A").status_code == 403


@pytest.mark.parametrize(("query", "status", "field"), [
    ("period=2026-05", 400, "survey"),
    ("survey=sipas&period=2026-5", 400, "period"),
    ("survey=nope&period=2026-05", 404, "survey"),
])
def test_bad_request__error_names_the_field(client: FlaskClient, world: World, session: Session,
                                            query: str, status: int, field: str) -> None:
    raw, _ = create_api_key(session, name="x")
    response = client.get(f"/api/v1/indices?{query}", headers=_bearer(raw))
    assert response.status_code == status
    assert response.get_json()["field"] == field


def test_suppressed_numbers__null_not_nan(client: FlaskClient, world: World,
                                          session: Session) -> None:
    raw, _ = create_api_key(session, name="x")
    text = client.get(PATH, headers=_bearer(raw)).get_data(as_text=True)
    assert "NaN" not in text


def test_openapi__documents_indices(client: FlaskClient, world: World) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/indices"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"survey", "period", "unit"}
    assert {"200", "400", "401", "403", "404"} <= set(operation["responses"])
