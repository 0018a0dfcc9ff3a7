"""CSRF: every state-changing route of ``app.url_map`` refuses a request without a valid token.

The routes are enumerated, so a new POST/PUT/PATCH/DELETE route fails
``test_every_state_changing_route__is_covered`` until it is added here. Three kinds:

* staff forms: 400 without a token, with a token of another session or a garbled one; the
  database is unchanged; the same request with the session's token goes through;
* survey pages: exempt from the global check because they check the token themselves, so an
  expired page keeps the citizen's answers: without a valid token nothing is stored and the page
  is shown again with a notice;
* the JSON API (``/api/v1/``): exempt because it authenticates by an ``Authorization: Bearer``
  API key, which a browser never adds on its own to a cross-site request; a staff session
  cookie alone does not authorise a state change there (401, nothing stored).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

import survey_defs
from tests.webapp.audio_helpers import wav_tone
from tests.webapp.db_snapshot import snapshot
from tests.webapp.staff_helpers import USERS, World, build_world, login, token_in
from tests.webapp.survey_helpers import answer_everything, form_of, setup_counter, submit
from webapp.administration.apikeys import create_api_key
from webapp.administration.surveys import publish_definition
from webapp.models import (
    ActionPlan,
    BackCheck,
    PaperEntry,
    SampleMember,
    SurveyAudio,
    SurveyVersion,
    User,
)
from webapp.respond.tokens import sign_counter_token

SIPAS_TEXT = (Path(survey_defs.__file__).parent / "sipas.yaml").read_text(encoding="utf-8")
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
SURVEY = {"respond.counter_survey", "respond.kiosk_survey", "respond.dossier_survey"}
API = {"api.create_dossier_token"}
# The interviewer's survey pages check the token themselves, as the citizen's do (so an expired
# page keeps the answers): tests/webapp/test_fieldwork_interviews.py.
FIELD_SURVEY = {"fieldwork.interview"}

Case = tuple[str, dict[str, Any]]


def _file(content: bytes, name: str) -> tuple[bytes, str]:
    return content, name  # opened afresh for each request: werkzeug closes what it sends


# endpoint -> (world, key prefix, user ids) -> the path and form fields of a request that
# succeeds when it carries the session's token. The token field is added by the test.
STAFF: dict[str, Callable[[World, str, dict[str, int]], Case]] = {
    "admin.create_key": lambda w, k, u: ("/admin/apikeys", {"key-name": "Một cửa",
                                                           "key-unit": "A"}),
    "admin.revoke_key": lambda w, k, u: (f"/admin/apikeys/{k}/revoke", {}),
    "admin.import_dossiers": lambda w, k, u: ("/admin/dossiers", {"dossiers-file": _file(
        b"unit,field,period,count\nA,HT,2026-05,120\n", "counts.csv")}),
    "admin.import_units_view": lambda w, k, u: ("/admin/units", {"units-file": _file(
        "code,name_vi,unit_type,parent_code\nC,Xã Cát,commune,P\n".encode(), "units.csv")}),
    "admin.create_user_view": lambda w, k, u: ("/admin/users", {
        "user-email": "new.b@t.vn", "user-role": "viewer", "user-unit": "B",
        "user-password": ""}),
    "admin.toggle_user": lambda w, k, u: (f"/admin/users/{u['viewer']}/active", {}),
    "admin_edit.edit_unit": lambda w, k, u: ("/admin/units/A/edit", {
        "name_vi": "Xã An Mới", "name_en": "New An", "unit_type": "commune", "parent": "P",
        "successor": ""}),
    "counters.add_counter": lambda w, k, u: ("/admin/units/A/counters", {
        "new-code": "A-Q9", "new-name_vi": "Quầy số 9"}),
    "counters.edit_counter": lambda w, k, u: (f"/admin/counters/{w.counters['A']}/edit", {
        "name_vi": "Quầy một cửa", "active": "y"}),
    "counters.retire_codes": lambda w, k, u: (f"/admin/counters/{w.counters['A']}/retire-codes",
                                           {}),
    "admin_edit.survey_version": lambda w, k, u: (f"/admin/surveys/{w.versions['sipas']}", {
        "text": SIPAS_TEXT + "\n# sửa chữa nhỏ\n"}),
    "admin_edit.retire_version": lambda w, k, u: (f"/admin/surveys/{w.versions['sipas']}/activate",
                                             {}),
    "auth.logout": lambda w, k, u: ("/auth/logout", {}),
    "auth.login": lambda w, k, u: ("/auth/login", {"email": USERS["viewer"][0],
                                                   "password": "correct horse battery"}),
    "actions.action_status": lambda w, k, u: (f"/staff/actions/{w.plans['A']}/status",
                                                {"status": "done"}),
    "actions.action_plans": lambda w, k, u: ("/staff/units/A/actions?survey=sipas&period="
                                               "2026-05", {
        "index_id": "c9.r17", "owner": "Văn phòng", "deadline": "2026-06-30",
        "description": "Thêm ghế chờ"}),
    "dashboard.onestop_scores": lambda w, k, u: (
        "/staff/units/A/onestop-scores?survey=onestop&period=2026-05", {"tt01_5": "2"}),
    "comments.follow_up": lambda w, k, u: (f"/staff/comments/{w.comments['A']}",
                                           {"action": "close"}),
    "comments.save_note": lambda w, k, u: ("/staff/comments/units/A/note",
                                           {"published": "y", "note_vi": "Đã thêm ghế."}),
    "par_index.open_view": lambda w, k, u: ("/staff/parindex/B/2024/open",
                                            {"version": str(w.versions["test_xa"])}),
    "par_index.score_view": lambda w, k, u: ("/staff/parindex/A/2024/items/1.1/score", {
        "value": "no", "explanation": "Chưa ban hành",
        "evidence": _file(b"%PDF-1.4\n%%EOF\n", "ke-hoach.pdf")}),
    "par_index.official_upload": lambda w, k, u: ("/staff/parindex/official", {"file": _file(
        b"index,year,unit_code,component,score,maximum,rank,out_of,source\n"
        b"PAPI,2024,A,,41.02,80,54,63,papi.org.vn\n", "official.csv")}),
    "par_index.follow_up": lambda w, k, u: ("/staff/parindex/A/2024/items/2.1/follow-up", {
        "action": "remedy", "owner": USERS["manager"][0], "deadline": "2025-06-30",
        "description": "Nhắc hạn hồ sơ hằng tuần"}),
    "par_index.submit_view": lambda w, k, u: ("/staff/parindex/A/2024/submit", {}),
    "par_index.appraise_view": lambda w, k, u: ("/staff/parindex/A1/2024/items/1.2/appraise",
                                                {"score": "1", "reason": "Thiếu kế hoạch"}),
    "fieldwork.outcome": lambda w, k, u: (
        f"/staff/fieldwork/interviews/{w.members['admin']}/outcome",
        {"disposition": "2.20", "submission_id": "csrf-test"}),
    "paper_entry.type_form": lambda w, k, u: (
        f"/staff/fieldwork/entry/{w.members['admin']}",
        {"_disposition": "1.1", "used_certification": "1"}),
    "paper_entry.resolve_form": lambda w, k, u: (
        f"/staff/fieldwork/entry/{w.members['resolve']}/resolve",
        {"pick-used_certification": "1"}),
    "field_monitoring.select_view": lambda w, k, u: (
        f"/staff/fieldwork/monitoring/{w.members['sample']}/back-checks",
        {"share_percent": "20"}),
    "field_monitoring.outcome_view": lambda w, k, u: (
        f"/staff/fieldwork/back-checks/{w.members['check']}", {"outcome": "confirmed"}),
    "inclusion.upload_audio": lambda w, k, u: (f"/admin/surveys/{w.versions['sipas']}/listening",
                                               {"item": "exp_feedback", "language": "vi",
                                                "file": _file(wav_tone(1.0), "cau-hoi.wav")}),
    "inclusion.remove_audio": lambda w, k, u: (f"/admin/listening/{w.versions['audio']}/delete",
                                               {}),
    "inclusion.set_pictorial": lambda w, k, u: ("/admin/units/A/pictorial", {"pictorial": "y"}),
    "inclusion.unit_upload_audio": lambda w, k, u: (
        f"/admin/units/A/surveys/{w.versions['sipas']}/listening",
        {"item": "exp_feedback", "language": "vi", "file": _file(wav_tone(1.0), "xa-an.wav")}),
    "export.create": lambda w, k, u: ("/staff/exports/", {"survey": "sipas",
                                                          "period": "2026-05",
                                                          "format": "csv", "k": "5"}),
}


@pytest.fixture
def world(session: Session, tmp_path: Path) -> World:
    from tests.webapp.fieldwork_helpers import setup_field
    from tests.webapp.par_index_helpers import setup_par

    world = build_world(session)
    publish_definition(session, Path(survey_defs.__file__).parent / "onestop.yaml")
    world.versions["test_xa"] = setup_par(session, tmp_path)["version"]
    field = setup_field(session, tmp_path, a=USERS["admin"][0], unit_code="A")
    world.members["admin"] = field.members[field.a_ids[0]]
    # A paper form two clerks typed differently, waiting for a supervisor.
    world.members["resolve"] = member = field.members[field.b_ids[0]]
    sample_id = session.get(SampleMember, member).sample_id  # type: ignore[union-attr]
    world.members["sample"] = sample_id
    check = BackCheck(sample_id=sample_id, sample_member_id=field.members[field.a_ids[1]],
                      interviewer_id=session.scalar(select(User.id).where(
                          User.email == USERS["admin"][0])))
    session.add(check)
    session.flush()
    world.members["check"] = check.id
    clerks = [session.scalar(select(User.id).where(User.email == email))
              for email in (USERS["viewer"][0], USERS["analyst"][0])]
    for number, (clerk, code) in enumerate(zip(clerks, ("1", "0"), strict=True), start=1):
        session.add(PaperEntry(sample_id=sample_id, sample_member_id=member, entry_no=number,
                               clerk_id=clerk, disposition="1.1",
                               answers={"used_certification": code}))
    session.commit()
    plan = ActionPlan(unit_id=world.units["A"], survey_key="sipas", index_id="c9.r17",
                      baseline_period="2026-05", owner="Văn phòng",
                      deadline=dt.date(2026, 6, 30), description="Ghế")
    session.add(plan)
    session.commit()
    world.plans["A"] = plan.id
    world.versions["sipas"] = session.scalar(
        select(SurveyVersion.id).where(SurveyVersion.survey_key == "sipas"))
    audio = SurveyAudio(survey_version_id=world.versions["sipas"], item_id="c1",
                        language="vi", media_type="audio/wav", size_bytes=4, duration_ms=500,
                        sha256="0" * 64, data=b"RIFF")
    session.add(audio)
    session.commit()
    world.versions["audio"] = audio.id
    return world


def test_every_state_changing_route__is_covered(app: Flask) -> None:
    found = {rule.endpoint for rule in app.url_map.iter_rules()
             if STATE_CHANGING & set(rule.methods or ())}
    assert found == set(STAFF) | SURVEY | API | FIELD_SURVEY


def _request(world: World, session: Session, endpoint: str) -> Case:
    _, key = create_api_key(session, name="CSRF test", unit_code="A")
    users = {who: session.query(User).filter_by(email=email).one().id
             for who, (email, _, _) in USERS.items()}
    return STAFF[endpoint](world, key.prefix, users)


def _post(client: FlaskClient, path: str, data: dict[str, Any], token: str | None):  # type: ignore[no-untyped-def]
    fields = {k: (io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v
              for k, v in data.items()}
    if token is not None:
        fields["csrf_token"] = token
    return client.post(path, data=fields, content_type="multipart/form-data")


@pytest.mark.parametrize("endpoint", sorted(STAFF))
def test_staff_route__refuses_missing_foreign_or_garbled_token(app: Flask, world: World,
                                                                session: Session,
                                                                endpoint: str) -> None:
    path, data = _request(world, session, endpoint)
    client = app.test_client()
    if endpoint != "auth.login":
        login(client, "admin")
    own = token_in(client.get("/auth/login" if endpoint == "auth.login" else "/staff/")
                   .get_data(as_text=True))
    stranger = app.test_client()
    foreign = token_in(stranger.get("/auth/login").get_data(as_text=True))
    before = snapshot(session)
    for token in (None, foreign, own[:-4] + "AAAA", ""):
        response = _post(client, path, data, token)
        assert response.status_code == 400, (endpoint, token, response.status_code)
        assert "CSRF" in response.get_data(as_text=True), endpoint
    assert snapshot(session) == before, endpoint
    # The same request with the session's own token is accepted: the refusal was the token's.
    accepted = _post(client, path, data, own)
    assert accepted.status_code in (201, 302, 303), (endpoint, accepted.status_code)


def last_page(client: FlaskClient, path: str) -> str:
    """Answer every page but the last; return the last page, ready to send."""
    html = client.get(path).get_data(as_text=True)
    for _ in range(12):
        if 'value="send"' in html:
            return html
        html = submit(client, path, html, answer_everything(html)).get_data(as_text=True)
    raise AssertionError("no last page")


@pytest.mark.parametrize("prefix", ["s", "k"])
def test_survey__without_valid_token__nothing_stored(app: Flask, session: Session,
                                                     prefix: str) -> None:
    path = f"/{prefix}/" + sign_counter_token(setup_counter(session), app.config)
    client = app.test_client()
    html = last_page(client, path)
    before = snapshot(session)
    for bad in ("", "stale", None):
        fields = [(k, v) for k, v in form_of(html).fields if k != "csrf_token"]
        if bad is not None:
            fields.append(("csrf_token", bad))
        stripped = "".join(f'<input type="hidden" name="{k}" value="{v}">' for k, v in fields)
        response = submit(client, path, stripped, answer_everything(html), "send")
        assert response.status_code == 200
        assert "vẫn được giữ" in response.get_data(as_text=True)  # "your answers are kept"
    assert snapshot(session) == before
    sent = submit(client, path, html, answer_everything(html), "send")
    assert sent.status_code == 303  # with the page's own token the same answers are stored
    assert snapshot(session) != before


def test_api__session_cookie_alone_cannot_mint(app: Flask, world: World,
                                               session: Session) -> None:
    client = app.test_client()
    login(client, "admin")
    before = snapshot(session)
    response = client.post("/api/v1/dossier-tokens", json={
        "dossier_code": "HS-1", "procedure_code": "1.000001", "unit_code": "A",
        "received_at": "2026-05-02T08:00:00+07:00", "due_at": "2026-05-09T17:00:00+07:00"})
    assert response.status_code == 401
    assert snapshot(session) == before


def test_parindex_index__read_only_get_form(app: Flask, world: World) -> None:
    """The scorecard index changes nothing: its year form is a GET form without a token, and
    the route accepts no state-changing method (so it needs no CSRF check)."""
    client = app.test_client()
    login(client, "admin")
    page = client.get("/staff/parindex/?year=2024")
    assert page.status_code == 200
    forms = [f for f in re.findall(r"<form[^>]*>", page.get_data(as_text=True))
             if 'action="/staff/parindex/"' in f]
    assert len(forms) == 1 and 'method="get"' in forms[0]
    token = token_in(client.get("/staff/").get_data(as_text=True))
    assert client.post("/staff/parindex/", data={"csrf_token": token}).status_code == 405
