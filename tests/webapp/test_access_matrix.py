"""Every staff URL, asked as every role, for units inside and outside the user's subtree.

Tree: P -> A -> A1, P -> B. The managers, analyst and viewer of A see A and A1 only; the manager
of B sees B only; the administrator sees everything. Reading is open to every role inside the
subtree; acting (comments, action plans, notes) only to managers and administrators.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape as html_unescape
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

import survey_defs
from tests.webapp.audio_helpers import wav_tone
from tests.webapp.staff_helpers import USERS, World, build_world, login, token_in
from webapp.administration.surveys import publish_definition
from webapp.inclusion.services import pictorial_scale, save_audio
from webapp.models import ActionPlan, SurveyAudio, Unit
from webapp.survey_versions import latest_version

UNITS = ("P", "A", "A1", "B")
SEES = {"admin": set(UNITS), "manager": {"A", "A1"}, "analyst": {"A", "A1"},
        "viewer": {"A", "A1"}, "manager_b": {"B"}}
ACTS = {"admin", "manager", "manager_b"}
Q = "survey=sipas&period=2026-05"

READ = ["/staff/units/{u}?" + Q, "/staff/units/{u}/report.xlsx?" + Q,
        "/staff/units/{u}/report.pdf?" + Q,
        "/staff/units/{u}/actions?" + Q, "/staff/comments/?unit={u}",
        "/api/v1/indices?" + Q + "&unit={u}"]
WRITE = ["/staff/comments/{comment}", "/staff/units/{u}/actions?" + Q,
         "/staff/actions/{plan}/status", "/staff/comments/units/{u}/note",
         "/staff/units/{u}/onestop-scores?survey=onestop&period=2026-05"]
PLAIN = ["/staff/", "/staff/comments/", "/admin/", "/api/v1/indices?" + Q]
# Managers' pages (reading for them, not for analysts and viewers).
MANAGE = ["/admin/units/{u}/counters", "/admin/counters/{counter}/poster.svg"]
# Administrators only, whatever the unit.
ADMIN_WRITE = ["/admin/users", "/admin/users/{user}/active", "/admin/apikeys",
               "/admin/apikeys/hlk_00000000/revoke", "/admin/dossiers", "/admin/units",
               "/admin/units/A/edit", "/admin/units/A/counters", "/admin/counters/1/edit",
               "/admin/counters/1/retire-codes", "/admin/surveys/1", "/admin/surveys/1/retire",
               "/admin/surveys/1/activate", "/admin/surveys/1/listening"]
# Administrators only, read: the survey-wide recordings of a survey version. (A unit's own
# recordings and faces: test_role__units_record_and_choose_faces_inside below.)
ADMIN_READ = ["/admin/surveys/1/listening"]
# Scorecard pages (test_role__scorecard_pages below).
PAR_INDEX_RULES = {"/staff/parindex/", "/staff/parindex/<code>/<int:year>",
                   "/staff/parindex/<code>/<int:year>/open",
                   "/staff/parindex/<code>/<int:year>/items/<item>/score",
                   "/staff/parindex/<code>/<int:year>/submit",
                   "/staff/parindex/<code>/<int:year>/items/<item>/appraise",
                   "/staff/parindex/evidence/<int:file_id>",
                   "/staff/parindex/<code>/<int:year>/report.<fmt>",
                   "/staff/parindex/official",
                   "/staff/parindex/<code>/<int:year>/items/<item>/follow-up"}
# Field staff's pages (test_role__interviewer_pages below and tests/webapp/test_fieldwork*.py).
FIELDWORK_RULES = {"/staff/fieldwork/assignments", "/staff/fieldwork/interviews/<int:member_id>",
                   "/staff/fieldwork/interviews/<int:member_id>/outcome",
                   "/staff/fieldwork/entry/", "/staff/fieldwork/entry/<int:member_id>",
                   "/staff/fieldwork/entry/<int:member_id>/resolve",
                   "/staff/fieldwork/monitoring", "/staff/fieldwork/monitoring/<int:sample_id>",
                   "/staff/fieldwork/monitoring/<int:sample_id>/back-checks",
                   "/staff/fieldwork/back-checks/<int:check_id>"}
# Rules the matrix covers; a new staff URL must be added above and here.
COVERED = {"/staff/", "/staff/units/<code>", "/staff/units/<code>/report.<fmt>",
           "/staff/units/<code>/actions", "/staff/units/<code>/onestop-scores",
           "/staff/actions/<int:plan_id>/status", "/staff/comments/",
           "/staff/comments/<int:comment_id>", "/staff/comments/units/<code>/note",
           "/admin/", "/api/v1/indices", "/admin/units/<code>/counters",
           "/admin/counters/<int:counter_id>/poster.<fmt>", "/admin/users",
           "/admin/users/<int:user_id>/active", "/admin/apikeys",
           "/admin/apikeys/<prefix>/revoke", "/admin/dossiers", "/admin/units",
           "/staff/exports/", "/staff/exports/<job_id>", "/staff/exports/<job_id>/<path:name>",
           "/admin/units/<code>/edit", "/admin/counters/<int:counter_id>/edit",
           "/admin/counters/<int:counter_id>/retire-codes", "/admin/surveys/<int:version_id>",
           "/admin/surveys/<int:version_id>/<any(retire, activate):action>",
           "/admin/surveys/<int:version_id>/listening",
           "/admin/listening/<int:audio_id>/delete", "/admin/pictorial",
           "/admin/units/<code>/pictorial",
           "/admin/units/<code>/surveys/<int:version_id>/listening",
           *PAR_INDEX_RULES, *FIELDWORK_RULES}
# Microdata exports: administrators and analysts only (scoping: tests/webapp/test_export_web.py).
EXPORT_READ = ["/staff/exports/", "/staff/exports/no-such-job", "/staff/exports/no-such-job/x.csv"]
EXPORTERS = {"admin", "analyst"}


@pytest.fixture
def world(session: Session) -> World:
    world = build_world(session)
    publish_definition(session, Path(survey_defs.__file__).parent / "onestop.yaml")
    for code in UNITS:
        plan = ActionPlan(unit_id=world.units[code], survey_key="sipas", index_id="c9.r17",
                          baseline_period="2026-05", owner="Văn phòng",
                          deadline=dt.date(2026, 6, 30), description="Thêm ghế chờ")
        session.add(plan)
        session.flush()
        world.plans[code] = plan.id
    session.commit()
    return world


def _write_data(path: str, token: str) -> dict[str, str]:
    data = {"csrf_token": token}
    if "/comments/units/" in path:
        data |= {"published": "y", "note_vi": "Đã thêm ghế chờ."}
    elif "/comments/" in path:
        data |= {"action": "close"}
    elif path.endswith("/status"):
        data |= {"status": "done"}
    elif "/onestop-scores" in path:
        data |= {"tt01_5": "1"}
    else:
        data |= {"index_id": "c9.r17", "owner": "Văn phòng", "deadline": "2026-06-30",
                 "description": "Thêm ghế chờ"}
    return data


# Open to everyone on purpose (citizens, the public, health checks, API-key clients whose
# scoping is tested in test_dossier_tokens_api.py). Any rule in neither list fails below.
PUBLIC = {"/", "/healthz", "/lang/<code>", "/static/<path:filename>", "/public/units/<code>",
          "/auth/login", "/auth/logout", "/api/v1/openapi.json", "/api/v1/dossier-tokens",
          "/s/<token>", "/s/<token>/<survey_key>", "/s/<token>/done", "/k/<token>",
          "/k/<token>/<survey_key>", "/k/<token>/done", "/k/<token>/<survey_key>/done",
          "/d/<token>", "/d/<token>/<survey_key>", "/d/done",
          # A recording of a public survey label, for the survey's "Nghe" (listen) button.
          "/nghe/<int:audio_id>",
          # Shortcuts people type: redirects to /auth/login and /staff/exports/ (which checks
          # the role; tested below), revealing nothing themselves.
          "/login", "/export/"}


def test_every_rule__is_in_the_matrix_or_declared_public(app) -> None:  # type: ignore[no-untyped-def]
    rules = {r.rule for r in app.url_map.iter_rules()}
    assert rules - PUBLIC == COVERED, "a new URL must join the matrix or be declared public"
    assert not PUBLIC & COVERED


def test_every_staff_rule__is_in_the_matrix(app) -> None:  # type: ignore[no-untyped-def]
    rules = {r.rule for r in app.url_map.iter_rules()
             if r.rule.startswith(("/staff", "/admin", "/api/v1/indices"))}
    assert rules == COVERED


def test_anonymous__sent_to_sign_in_or_401(client: FlaskClient, world: World) -> None:
    for template in READ + PLAIN:
        path = template.format(u="A")
        expected = 401 if path.startswith("/api/") else 302
        assert client.get(path).status_code == expected, path
    for template in WRITE:
        path = template.format(u="A", comment=world.comments["A"],
                               plan=world.plans["A"])
        assert client.post(path, data={}).status_code in (302, 400), path


@pytest.mark.parametrize("who", sorted(USERS))
def test_role__reads_inside_only(client: FlaskClient, world: World, who: str) -> None:
    login(client, who)
    for code in UNITS:
        for template in READ:
            path = template.format(u=code)
            expected = 200 if code in SEES[who] else 403
            assert client.get(path).status_code == expected, (who, path)
    for template in READ:
        assert client.get(template.format(u="NOPE")).status_code == 404, template
    for path in PLAIN:
        expected = 403 if path == "/admin/" and who != "admin" else 200
        assert client.get(path).status_code == expected, (who, path)


@pytest.mark.parametrize("who", sorted(USERS))
def test_role__acts_inside_only_and_only_when_allowed(client: FlaskClient, world: World,
                                                      who: str) -> None:
    login(client, who)
    token = token_in(client.get("/staff/").get_data(as_text=True))
    for code in UNITS:
        for template in WRITE:
            path = template.format(u=code, comment=world.comments.get(code, 0),
                                   plan=world.plans[code])
            if code == "P" and "{comment}" in template:
                continue  # no comment at the province itself
            allowed = who in ACTS and code in SEES[who]
            status = client.post(path, data=_write_data(path, token)).status_code
            assert status == (302 if allowed else 403), (who, path, status)


@pytest.mark.parametrize("who", ["viewer", "manager_b"])
def test_lists__show_nothing_from_outside(client: FlaskClient, world: World, who: str) -> None:
    login(client, who)
    inbox = client.get("/staff/comments/").get_data(as_text=True)
    home = client.get("/staff/").get_data(as_text=True)
    inside = {"viewer": ("A", "A1"), "manager_b": ("B",)}[who]
    for code in ("A", "A1", "B"):
        shown = f"Ý kiến về {code}:" in inbox
        assert shown == (code in inside), (who, code)
    names = {"A": "Xã An", "B": "Xã Bình", "P": "Tỉnh Thử"}
    for code, name in names.items():
        assert (name in home) == (code in inside), (who, code)
    body = client.get("/api/v1/indices?" + Q).get_json()
    assert body["unit"] == ("A" if who == "viewer" else "B")


@pytest.mark.parametrize("who", sorted(USERS))
def test_role__counters_and_posters_for_managers_inside(client: FlaskClient, world: World,
                                                        who: str) -> None:
    login(client, who)
    for code in UNITS:
        for template in MANAGE:
            path = template.format(u=code, counter=world.counters[code])
            allowed = who in ACTS and code in SEES[who]
            assert client.get(path).status_code == (200 if allowed else 403), (who, path)


@pytest.mark.parametrize("who", sorted(USERS))
def test_role__units_record_and_choose_faces_inside(app, client: FlaskClient, world: World,  # type: ignore[no-untyped-def]
                                                    session: Session, who: str) -> None:
    """Managers (and administrators) record for, and choose faces of, the units they see;
    survey-wide recordings stay the administrators'."""
    version = latest_version(session, "sipas")
    assert version is not None
    with app.test_request_context():
        shared = save_audio(session, version, item_id="exp_feedback", language="vi",
                            data=wav_tone(0.5), filename="chung.wav", user_id=None)
        own = {code: save_audio(session, version, item_id="exp_feedback", language="vi",
                                data=wav_tone(0.5), filename=f"{code}.wav", user_id=None,
                                unit=session.get(Unit, world.units[code])).id
               for code in UNITS}
    session.commit()
    login(client, who)
    token = token_in(client.get("/staff/").get_data(as_text=True))
    pictorial = client.get("/admin/pictorial")
    assert pictorial.status_code == (200 if who in ACTS else 403), who
    for code in UNITS:
        allowed = who in ACTS and code in SEES[who]
        page = client.get(f"/admin/units/{code}/surveys/{version.id}/listening")
        assert page.status_code == (200 if allowed else 403), (who, code)
        if who in ACTS:  # the faces page lists exactly the units the manager may set
            listed = f"/admin/units/{code}/pictorial" in pictorial.get_data(as_text=True)
            assert listed == allowed, (who, code)
        reply = client.post(f"/admin/units/{code}/pictorial",
                            data={"csrf_token": token, "pictorial": "y"})
        assert reply.status_code == (303 if allowed else 403), (who, code)
        reply = client.post(f"/admin/listening/{own[code]}/delete", data={"csrf_token": token})
        assert reply.status_code == (303 if allowed else 403), (who, code)
        session.expire_all()
        assert (session.get(SurveyAudio, own[code]) is None) == allowed, (who, code)
        assert pictorial_scale(session, world.units[code]) == allowed, (who, code)
    reply = client.post(f"/admin/listening/{shared.id}/delete", data={"csrf_token": token})
    assert reply.status_code == (303 if who == "admin" else 403), who


@pytest.mark.parametrize("who", ["manager", "analyst", "viewer", "manager_b"])
def test_non_admin__administration_refused(client: FlaskClient, world: World, who: str,
                                           session: Session) -> None:
    login(client, who)
    token = token_in(client.get("/staff/").get_data(as_text=True))
    for template in ADMIN_WRITE:
        path = template.format(user=1)
        assert client.post(path, data={"csrf_token": token}).status_code == 403, (who, path)
    for path in ADMIN_READ:
        assert client.get(path).status_code == 403, (who, path)


@pytest.mark.parametrize("who", sorted(USERS))
def test_role__exports_for_analysts_and_admins_only(client: FlaskClient, world: World,
                                                    who: str) -> None:
    login(client, who)
    for path in EXPORT_READ:
        status = client.get(path).status_code
        if who not in EXPORTERS:
            assert status == 403, (who, path)
        else:
            assert status == (200 if path == "/staff/exports/" else 404), (who, path)
    token = token_in(client.get("/staff/").get_data(as_text=True))
    if who not in EXPORTERS:
        assert client.post("/staff/exports/", data={"csrf_token": token}).status_code == 403


def test_login_shortcut__leads_to_the_sign_in_form(client: FlaskClient) -> None:
    reply = client.get("/login")
    assert reply.status_code == 302 and reply.headers["Location"] == "/auth/login"
    reply = client.get("/login?next=/staff/comments/")
    assert reply.status_code == 302
    assert reply.headers["Location"] == "/auth/login?next=/staff/comments/"
    assert "Đăng nhập" in client.get("/login", follow_redirects=True).get_data(as_text=True)


@pytest.mark.parametrize("who", [None, *sorted(USERS)])
def test_export_shortcut__leads_to_exports__role_checked_there(client: FlaskClient,
                                                               world: World,
                                                               who: str | None) -> None:
    if who:
        login(client, who)
    for path in ("/export/", "/export"):
        reply = client.get(path, follow_redirects=True)
        final = reply.request.path
        if who is None:
            assert final == "/auth/login", path  # sign in first
        elif who in EXPORTERS:
            assert final == "/staff/exports/" and reply.status_code == 200, (who, path)
        else:
            assert reply.status_code == 403, (who, path)


def test_home_page__links_to_sign_in(client: FlaskClient, world: World) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'href="/auth/login"' in html and "Đăng nhập cho cán bộ" in html
    login(client, "viewer")
    assert 'href="/staff/"' in client.get("/").get_data(as_text=True)


# The GET pages each role uses, all of which must be reachable by following links from the
# menu (no URL typed by hand). Downloads and posters are found as links, not fetched.
REACHABLE = {"dashboard.home", "dashboard.unit_page", "actions.action_plans",
             "comments.inbox", "par_index.index"}
REACHABLE_BY = {
    "admin": REACHABLE | {"export.form", "admin.index", "counters.counters", "counters.poster",
                          "admin_edit.edit_unit", "counters.edit_counter"},
    "manager": REACHABLE | {"counters.counters", "counters.poster",
                            "inclusion.pictorial_units", "inclusion.unit_listening"},
    "manager_b": REACHABLE | {"counters.counters", "counters.poster",
                              "inclusion.pictorial_units", "inclusion.unit_listening"},
    "analyst": REACHABLE | {"export.form"},
    "viewer": REACHABLE,
}
_HREF = re.compile(r'<a [^>]*href="(/[^"#]*)"')


@pytest.mark.parametrize("who", sorted(USERS))
def test_menu__every_page_of_the_role_reachable_by_links(app, client: FlaskClient,  # type: ignore[no-untyped-def]
                                                          session: Session, who: str) -> None:
    build_world(session, responses_per_unit=12)  # with responses, so unit pages have a period
    login(client, who)
    adapter = app.url_map.bind("localhost")
    found: dict[str, int] = {}
    queue, seen = ["/staff/"], set()
    while queue and len(seen) < 60:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        reply = client.get(path)
        assert reply.status_code == 200, (who, path, reply.status_code)
        for href in _HREF.findall(reply.get_data(as_text=True)):
            href = html_unescape(href)
            try:
                endpoint, _ = adapter.match(href.split("?", 1)[0], method="GET")
            except HTTPException:
                continue
            found[endpoint] = found.get(endpoint, 0) + 1
            fetch = endpoint not in {"dashboard.unit_report_file", "counters.poster",
                                     "main.set_language", "static", "transparency.unit"}
            # A couple of pages per endpoint is enough to find what each page links to.
            if fetch and found[endpoint] <= 2 and href not in seen:
                queue.append(href)
    missing = REACHABLE_BY[who] - set(found)
    assert not missing, (who, missing)
    exporters_link = "export.form" in found
    assert exporters_link == (who in EXPORTERS), who
    assert ("admin.index" in found) == (who == "admin"), who


@pytest.mark.parametrize("who", sorted(USERS))
def test_role__scorecard_pages(client: FlaskClient, world: World, who: str, session: Session,
                               tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Reading inside the subtree; self-scoring, submitting and opening by the unit's own
    manager; appraising by a manager above; evidence never served outside its unit's tree."""
    from tests.webapp.par_index_helpers import setup_par

    ids = setup_par(session, tmp_path)
    login(client, who)
    for code in UNITS:
        status = client.get(f"/staff/parindex/{code}/2024").status_code
        assert status == (200 if code in SEES[who] else 403), (who, code)
    assert client.get("/staff/parindex/NOPE/2024").status_code == 404
    # The index lists exactly the assessed units the role may see (A and A1 are assessed).
    index = client.get("/staff/parindex/?year=2024")
    assert index.status_code == 200, who
    listed = set(re.findall(r'href="/staff/parindex/([A-Z0-9]+)/2024/report\.docx"',
                            index.get_data(as_text=True)))
    assert listed == SEES[who] & {"A", "A1"}, (who, listed)
    reads_a = 200 if "A" in SEES[who] else 403
    assert client.get("/staff/parindex/A/2024/report.docx").status_code == reads_a
    assert client.get("/staff/parindex/A/2024/report.pdf").status_code == reads_a
    evidence = client.get(f"/staff/parindex/evidence/{ids['evidence']}")
    assert evidence.status_code == reads_a, who
    if reads_a == 200:
        assert evidence.data == b"%PDF-1.4\n%%EOF\n"
    assert client.get("/staff/parindex/evidence/999999").status_code == 404
    token = token_in(client.get("/staff/").get_data(as_text=True))
    own_a = who in ("admin", "manager")
    posts = [
        ("/staff/parindex/A/2024/items/1.1/score", {"value": "no", "explanation": "x"}, own_a),
        ("/staff/parindex/A/2024/items/1.2/follow-up", {"action": "cause", "cause": "x"},
         own_a),
        # Targets come from the level above: the manager of A sets them for A1, not for A.
        ("/staff/parindex/A/2024/items/all/follow-up", {"action": "target", "kind": "top_half"},
         who == "admin"),
        ("/staff/parindex/A1/2024/items/all/follow-up", {"action": "target",
                                                        "kind": "no_worse"}, own_a),
        ("/staff/parindex/A/2024/submit", {}, own_a),
        ("/staff/parindex/A1/2024/items/1.1/appraise", {"reason": ""}, own_a),
        ("/staff/parindex/B/2024/open", {"version": str(ids["version"])},
         who in ("admin", "manager_b")),
    ]
    for path, data, allowed in posts:
        status = client.post(path, data={"csrf_token": token, **data}).status_code
        assert status == (302 if allowed else 403), (who, path, status)
    # Official results: administrators only, reading and loading.
    assert client.get("/staff/parindex/official").status_code == (200 if who == "admin"
                                                                    else 403)
    if who != "admin":
        assert client.post("/staff/parindex/official",
                           data={"csrf_token": token}).status_code == 403


@pytest.mark.parametrize("who", [None, *sorted(USERS)])
def test_role__interviewer_pages(client: FlaskClient, world: World, who: str | None) -> None:
    """Field pages are for interviewers (and administrators, who hold every role); what an
    interviewer sees and may not see: tests/webapp/test_fieldwork_interviews.py."""
    if who:
        login(client, who)
    reply = client.get("/staff/fieldwork/assignments")
    if who is None:
        assert reply.status_code == 302 and "/auth/login" in reply.headers["Location"]
        assert client.get("/staff/fieldwork/interviews/1").status_code == 302
        return
    assert reply.status_code == (200 if who == "admin" else 403), who
    if who == "admin":
        assert reply.headers["Cache-Control"] == "no-store"
    # Nobody opens a member not assigned to them (here: none exists).
    assert client.get("/staff/fieldwork/interviews/1").status_code == (
        404 if who == "admin" else 403)
    token = token_in(client.get("/staff/").get_data(as_text=True))
    posted = client.post("/staff/fieldwork/interviews/1/outcome",
                         data={"csrf_token": token, "disposition": "2.11",
                               "submission_id": "x"})
    assert posted.status_code == (404 if who == "admin" else 403)
    # Paper data entry: clerks (interviewers, analysts); resolving: analysts (and admins).
    clerk = who in ("admin", "analyst")
    assert client.get("/staff/fieldwork/entry/").status_code == (200 if clerk else 403), who
    assert client.get("/staff/fieldwork/entry/1").status_code == (404 if clerk else 403), who
    assert client.get("/staff/fieldwork/entry/1/resolve").status_code == (
        404 if clerk else 403), who
    # Monitoring and back-checks: supervisors (analysts, administrators) of the sample's unit.
    assert client.get("/staff/fieldwork/monitoring").status_code == (200 if clerk else 403)
    assert client.get("/staff/fieldwork/monitoring/1").status_code == (
        404 if clerk else 403), who
    for path in ("/staff/fieldwork/monitoring/1/back-checks", "/staff/fieldwork/back-checks/1"):
        assert client.post(path, data={"csrf_token": token, "share_percent": "10",
                                       "outcome": "confirmed"}).status_code == (
            404 if clerk else 403), (who, path)
