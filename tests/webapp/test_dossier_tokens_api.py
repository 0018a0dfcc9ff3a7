"""Dossier tokens: API keys, the minting endpoint, single use, and what is (not) stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.administration.apikeys import authenticate_api_key, create_api_key, revoke_api_key
from webapp.models import ApiKey, Counter, DossierToken, Procedure, ProcedureField, Unit
from webapp.respond.dossier_tokens import (
    DossierContext,
    consume_dossier_token,
    hash_dossier_code,
    peek_dossier_token,
)
from webapp.respond.tokens import InvalidToken

BODY = {"dossier_code": "000.00.12.H39-261127-0001", "procedure_code": "1.001234",
        "counter_code": "C1-Q1", "received_at": "2026-11-20T08:00:00+07:00",
        "due_at": "2026-11-25T17:00:00+07:00", "returned_at": "2026-11-24T10:00:00+07:00"}


@pytest.fixture
def places(session: Session) -> dict[str, Any]:
    province = Unit(code="P", name_vi="Tỉnh", unit_type="province")
    c1 = Unit(code="C1", name_vi="Xã Một", unit_type="commune", parent=province)
    c2 = Unit(code="C2", name_vi="Xã Hai", unit_type="commune", parent=province)
    c1.counters = [Counter(code="C1-Q1", name_vi="Quầy số 1")]
    c2.counters = [Counter(code="C2-Q1", name_vi="Quầy số 1")]
    field = ProcedureField(code="HT", name_vi="Hộ tịch")
    procedure = Procedure(national_code="1.001234", name_vi="Đăng ký khai sinh", field=field)
    session.add_all([province, c1, c2, procedure])
    session.commit()
    return {"province": province, "c1": c1, "c2": c2, "procedure": procedure, "field": field}


@pytest.fixture
def key(session: Session, places: dict[str, Any]) -> str:
    raw, _ = create_api_key(session, name="Một cửa C1", unit_code="C1")
    return raw


def _post(client: FlaskClient, body: Any, key: str | None) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return client.post("/api/v1/dossier-tokens", json=body, headers=headers)


def test_create_api_key__stored_hashed__authenticates(session: Session,
                                                      places: dict[str, Any]) -> None:
    raw, key = create_api_key(session, name="Một cửa", unit_code="C1")
    assert raw.startswith(key.prefix + "_") and len(raw) > 40
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert authenticate_api_key(session, raw) is key
    assert authenticate_api_key(session, raw[:-1]) is None
    revoke_api_key(session, key.prefix)
    assert authenticate_api_key(session, raw) is None


def test_post__valid__201_with_token_url_qr(client: FlaskClient, session: Session, key: str,
                                            places: dict[str, Any]) -> None:
    answer = _post(client, BODY, key)
    assert answer.status_code == 201, answer.json
    data = answer.json
    assert data["url"] == f"http://127.0.0.1:8000/d/{data['token']}"
    assert data["qr_svg"].startswith("<svg") and data["qr_svg"].endswith("</svg>")
    expires = dt.datetime.fromisoformat(data["expires_at"])
    assert dt.timedelta(days=29) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(days=30)
    stored = session.scalars(select(DossierToken)).one()
    # Neither the token nor the dossier code is stored in clear.
    assert stored.token_hash == hashlib.sha256(data["token"].encode()).hexdigest()
    assert BODY["dossier_code"] not in json.dumps([str(v) for v in vars(stored).values()])
    assert stored.dossier_hash == hash_dossier_code(BODY["dossier_code"], client.application.config)
    assert peek_dossier_token(session, data["token"]) == DossierContext(
        unit_id=places["c1"].id, counter_id=places["c1"].counters[0].id,
        procedure_id=places["procedure"].id, field_id=places["field"].id, on_time=True)


@pytest.mark.parametrize(("returned_at", "on_time"), [
    ("2026-11-26T08:00:00+07:00", False),
    ("2026-11-25T17:00:00+07:00", True),   # on the deadline is on time
    ("2026-11-25T10:00:00Z", True),        # 17:00 in Vietnam
    (None, None),
])
def test_post__on_time_from_returned_and_due(client: FlaskClient, session: Session, key: str,
                                             returned_at: str | None,
                                             on_time: bool | None) -> None:
    answer = _post(client, BODY | {"returned_at": returned_at}, key)
    assert answer.status_code == 201, answer.json
    assert peek_dossier_token(session, answer.json["token"]).on_time is on_time


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic abc", "Bearer "])
def test_post__missing_or_unknown_key__401(client: FlaskClient, places: dict[str, Any],
                                           header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    answer = client.post("/api/v1/dossier-tokens", json=BODY, headers=headers)
    assert answer.status_code == 401
    assert answer.json["error"] == "unauthorized"
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_post__revoked_key__401(client: FlaskClient, session: Session, key: str) -> None:
    revoke_api_key(session, key[: len("hlk_") + 8])
    assert _post(client, BODY, key).status_code == 401


@pytest.mark.parametrize(("change", "status", "field", "message"), [
    ({"procedure_code": "9.999"}, 422, "procedure_code", "unknown procedure code"),
    ({"counter_code": "NOPE"}, 422, "counter_code", "unknown counter code"),
    ({"counter_code": "C2-Q1"}, 403, "counter_code", "outside this API key's scope"),
    ({"counter_code": None, "unit_code": "C2"}, 403, "unit_code", "outside"),
    ({"counter_code": None, "unit_code": "ZZ"}, 422, "unit_code", "unknown unit code"),
    ({"counter_code": "C1-Q1", "unit_code": "C2"}, 422, "counter_code", "in unit 'C2'"),
    ({"due_at": "2026-11-19T08:00:00+07:00"}, 422, "due_at", "before received_at"),
    ({"returned_at": "2026-11-19T08:00:00+07:00"}, 422, "returned_at", "before received_at"),
    ({"due_at": "2026-11-25T17:00:00"}, 400, "due_at", "UTC offset"),
    ({"received_at": "yesterday"}, 400, "received_at", "not an ISO 8601"),
    ({"received_at": 1732600000}, 400, "received_at", "non-empty string"),
    ({"dossier_code": ""}, 400, "dossier_code", "non-empty string"),
    ({"dossier_code": None}, 400, "dossier_code", "required"),
    ({"procedureCode": "1.001234"}, 400, "procedureCode", "unknown field"),
])
def test_post__invalid_body__status_field_and_reason(client: FlaskClient, session: Session,
                                                     key: str, change: dict[str, Any],
                                                     status: int, field: str,
                                                     message: str) -> None:
    answer = _post(client, BODY | change, key)
    assert answer.status_code == status, answer.json
    assert answer.json["field"] == field and message in answer.json["message"]
    assert session.scalar(select(DossierToken)) is None


def test_post__not_json__400(client: FlaskClient, key: str) -> None:
    answer = client.post("/api/v1/dossier-tokens", data="dossier=1",
                         headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 400 and "JSON object" in answer.json["message"]


def test_post__unscoped_key__any_unit_but_unit_needed(client: FlaskClient, session: Session,
                                                      places: dict[str, Any]) -> None:
    raw, _ = create_api_key(session, name="Tỉnh")
    assert _post(client, BODY | {"counter_code": "C2-Q1"}, raw).status_code == 201
    answer = _post(client, BODY | {"counter_code": None, "dossier_code": "X2"}, raw)
    assert answer.status_code == 422 and answer.json["field"] == "unit_code"


def test_post__scoped_key_without_place__key_unit(client: FlaskClient, session: Session,
                                                  key: str, places: dict[str, Any]) -> None:
    answer = _post(client, BODY | {"counter_code": None}, key)
    assert answer.status_code == 201
    context = peek_dossier_token(session, answer.json["token"])
    assert context.unit_id == places["c1"].id and context.counter_id is None


def test_post__same_dossier_twice__409(client: FlaskClient, key: str) -> None:
    assert _post(client, BODY, key).status_code == 201
    answer = _post(client, BODY, key)
    assert answer.status_code == 409 and answer.json["field"] == "dossier_code"


def test_post__csrf_on__api_exempt_other_posts_not(client: FlaskClient, key: str) -> None:
    # TestConfig keeps CSRF on: a cookie-less POST elsewhere is refused, the API is exempt.
    client.application.add_url_rule("/probe", "probe", lambda: "ok", methods=["POST"])
    assert client.post("/probe").status_code == 400
    assert _post(client, BODY, key).status_code == 201


def _mint(client: FlaskClient, key: str, **change: Any) -> str:
    answer = _post(client, BODY | {"dossier_code": f"D-{len(change)}"} | change, key)
    assert answer.status_code == 201, answer.json
    return answer.json["token"]


def test_consume__twice__second_refused_as_used(client: FlaskClient, session: Session,
                                                key: str) -> None:
    raw = _mint(client, key)
    assert consume_dossier_token(session, raw).on_time is True
    session.commit()
    with pytest.raises(InvalidToken) as info:
        consume_dossier_token(session, raw)
    assert info.value.reason == "used"
    with pytest.raises(InvalidToken, match="used"):
        peek_dossier_token(session, raw)


def test_consume__rolled_back__token_still_usable(client: FlaskClient, session: Session,
                                                  key: str) -> None:
    raw = _mint(client, key)
    consume_dossier_token(session, raw)
    session.rollback()  # the response could not be stored: the token is not spent
    assert peek_dossier_token(session, raw).on_time is True


def test_consume__used_at_coarse__no_link_to_response(client: FlaskClient, session: Session,
                                                      key: str) -> None:
    raw = _mint(client, key)
    consume_dossier_token(session, raw)
    session.commit()
    stored = session.scalars(select(DossierToken)).one()
    used = stored.used_at
    assert (used.day, used.hour, used.minute, used.second) == (1, 0, 0, 0)
    assert not any("response" in column.name for column in DossierToken.__table__.columns)


def test_consume__expired__expired(client: FlaskClient, session: Session, key: str) -> None:
    raw = _mint(client, key)
    stored = session.scalars(select(DossierToken)).one()
    stored.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    session.commit()
    for use in (peek_dossier_token, consume_dossier_token):
        with pytest.raises(InvalidToken) as info:
            use(session, raw)
        assert info.value.reason == "expired"


@pytest.mark.parametrize(("raw", "reason"), [("", "malformed"), ("x" * 200, "malformed"),
                                             ("forged-token-000000000000000000", "unknown")])
def test_consume__bad_token__reason(session: Session, raw: str, reason: str) -> None:
    with pytest.raises(InvalidToken) as info:
        consume_dossier_token(session, raw)
    assert info.value.reason == reason


def test_openapi__valid_31_document_describing_endpoint(client: FlaskClient) -> None:
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document = json.loads(answer.data)
    assert document["openapi"].startswith("3.1")
    operation = document["paths"]["/api/v1/dossier-tokens"]["post"]
    assert set(operation["responses"]) >= {"201", "400", "401", "422"}
    refs = [v for v in _walk(document) if isinstance(v, str) and v.startswith("#/")]
    for ref in refs:  # every $ref resolves
        node: Any = document
        for part in ref[2:].split("/"):
            node = node[part]


def _walk(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return [v for value in node.values() for v in _walk(value)]
    if isinstance(node, list):
        return [v for value in node for v in _walk(value)]
    return [node]


def test_cli_apikeys_create_list_revoke(runner: FlaskCliRunner, app: Flask,
                                        places: dict[str, Any]) -> None:
    from webapp.cli import main

    created = runner.invoke(main, ["apikeys", "create", "--name", "Một cửa", "--unit", "C1"])
    assert created.exit_code == 0, created.output
    raw = created.output.split("key: ")[1].split()[0]
    with app.app_context():
        from webapp.db import get_session

        key = authenticate_api_key(get_session(), raw)
        assert isinstance(key, ApiKey) and key.unit_id == places["c1"].id
        prefix = key.prefix
    listed = runner.invoke(main, ["apikeys", "list"])
    assert prefix in listed.output and raw not in listed.output
    revoked = runner.invoke(main, ["apikeys", "revoke", prefix])
    assert revoked.exit_code == 0, revoked.output
    with app.app_context():
        assert authenticate_api_key(get_session(), raw) is None
    bad = runner.invoke(main, ["apikeys", "create", "--name", "x", "--unit", "ZZ"])
    assert bad.exit_code == 1 and "unknown unit code 'ZZ'" in bad.output


def test_post__over_rate_limit__429(client: FlaskClient, key: str,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("webapp.api.views.MINT_LIMIT_PER_MINUTE", 1)
    assert _post(client, BODY, key).status_code == 201
    answer = _post(client, BODY | {"dossier_code": "other"}, key)
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "60"


def test_consume__two_sessions_race__exactly_one_wins(app: Flask, client: FlaskClient,
                                                      session: Session, key: str) -> None:
    import threading

    raw = _mint(client, key)
    make_session = app.extensions["hailong.sessionmaker"]
    first, second = make_session(), make_session()
    outcome: list[str] = []
    try:
        peek_dossier_token(second, raw)  # the second page load saw the token unused
        second.rollback()
        consume_dossier_token(first, raw)  # the first holds the row until it commits

        def race() -> None:
            try:
                consume_dossier_token(second, raw)
                second.commit()
                outcome.append("won")
            except InvalidToken as exc:
                second.rollback()
                outcome.append(exc.reason)

        thread = threading.Thread(target=race)
        thread.start()
        thread.join(timeout=0.5)  # it waits on the first transaction's lock
        first.commit()
        thread.join(timeout=15)
    finally:
        first.close()
        second.close()
    assert outcome == ["used"]
