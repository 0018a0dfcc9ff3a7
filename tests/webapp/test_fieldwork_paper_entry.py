"""Double data entry: two clerks type a paper form blind; agreement stores it, disagreement
waits for a supervisor, who decides item by item; only then is there a field answer."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.webapp.fieldwork_helpers import PASSWORD, setup_field, sign_in
from tests.webapp.staff_helpers import token_in
from webapp.administration.users import create_user
from webapp.fieldwork.paper import form_code
from webapp.models import FieldAnswer, FieldInterview, PaperEntry


def count(session: Session, model) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(model)) or 0


# Items of the PAPI form as printed: answer ids and the codes a clerk types.
FORM = {"used_certification": "1", "applied_land_title": "0", "d4_denounce_amount": "20"}


def _clerks(session: Session) -> dict[str, FlaskClient]:
    create_user(session, email="clerk2@t.vn", role="interviewer", unit_code="FW",
                password=PASSWORD)
    create_user(session, email="boss@t.vn", role="analyst", unit_code="FW", password=PASSWORD)
    return {}


def _client(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    sign_in(client, email)
    return client


def _open(client: FlaskClient, respondent: str) -> str:
    reply = client.get(f"/staff/fieldwork/entry/?sample=s&code={form_code(respondent)}")
    assert reply.status_code == 302, reply.get_data(as_text=True)[:300]
    return reply.headers["Location"]


def _type(client: FlaskClient, path: str, values: dict[str, str], outcome: str = "1.1"):  # type: ignore[no-untyped-def]
    token = token_in(client.get(path).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, "_disposition": outcome, **values})


def test_two_entries_agree__stored_once_entries_gone(app: Flask, session: Session,
                                                     tmp_path: Path) -> None:
    field = setup_field(session, tmp_path)
    _clerks(session)
    respondent = field.a_ids[0]
    first, second = _client(app, "iv.a@t.vn"), _client(app, "clerk2@t.vn")
    path = _open(first, respondent)
    assert _type(first, path, FORM).status_code == 303
    assert count(session, PaperEntry) == 1 and count(session, FieldAnswer) == 0
    # The same clerk cannot give the second entry.
    assert _type(first, path, FORM).status_code == 303
    assert count(session, PaperEntry) == 1
    # The second clerk types blind: the first entry's values are not on the page.
    page = second.get(_open(second, respondent)).get_data(as_text=True)
    assert 'value="20"' not in page
    assert _type(second, path, FORM).status_code == 303
    assert count(session, PaperEntry) == 0
    assert count(session, FieldInterview) == 1 and count(session, FieldAnswer) == 1
    interview = session.scalars(select(FieldInterview)).one()
    assert (interview.source, interview.disposition) == ("paper", "1.1")
    answer = session.scalars(select(FieldAnswer)).one()
    assert answer.answers == {"used_certification": "1", "applied_land_title": "0",
                              "d4_denounce_amount": "20"}
    # A third typing of a stored form is refused, nothing changes.
    third = _client(app, "boss@t.vn")
    _type(third, path, FORM)
    assert count(session, FieldAnswer) == 1 and count(session, PaperEntry) == 0


def test_entries_differ__supervisor_resolves_per_item(app: Flask, session: Session,
                                                      tmp_path: Path) -> None:
    field = setup_field(session, tmp_path)
    _clerks(session)
    respondent = field.b_ids[1]
    first, second = _client(app, "iv.b@t.vn"), _client(app, "clerk2@t.vn")
    path = _open(first, respondent)
    _type(first, path, FORM)
    _type(second, path, {**FORM, "d4_denounce_amount": "200", "applied_land_title": ""})
    assert count(session, PaperEntry) == 2 and count(session, FieldAnswer) == 0
    boss = _client(app, "boss@t.vn")
    listing = boss.get("/staff/fieldwork/entry/").get_data(as_text=True)
    member = field.members[respondent]
    resolve = f"/staff/fieldwork/entry/{member}/resolve"
    assert resolve in listing
    # Clerks do not resolve.
    assert second.get(resolve).status_code == 403
    page = boss.get(resolve).get_data(as_text=True)
    # Exactly the two differing items are shown, by printed number, never by internal id.
    assert page.count('type="radio"') == 4
    assert "d4_denounce_amount" not in page.split("<form", 1)[1].split('name="pick-')[0]
    assert "Câu" in page or "Mục" in page
    token = token_in(page)
    # An undecided item: nothing stored.
    reply = boss.post(resolve, data={"csrf_token": token, "pick-d4_denounce_amount": "20"})
    assert reply.status_code == 303 and count(session, FieldAnswer) == 0
    reply = boss.post(resolve, data={"csrf_token": token, "pick-d4_denounce_amount": "20",
                                     "pick-applied_land_title": "0"})
    assert reply.status_code == 303
    assert count(session, PaperEntry) == 0 and count(session, FieldAnswer) == 1
    assert session.scalars(select(FieldAnswer)).one().answers == {
        "used_certification": "1", "applied_land_title": "0", "d4_denounce_amount": "20"}
    assert boss.get(resolve).status_code == 404  # resolved: nothing left to resolve


def test_entry__invalid_codes__page_again_nothing_saved(app: Flask, session: Session,
                                                        tmp_path: Path) -> None:
    field = setup_field(session, tmp_path)
    clerk = _client(app, "iv.a@t.vn")
    bad = clerk.get(f"/staff/fieldwork/entry/?sample=s&code={field.a_ids[0]}*00")
    assert bad.status_code == 422 and "hai chữ số" in bad.get_data(as_text=True)
    path = _open(clerk, field.a_ids[0])
    reply = _type(clerk, path, {**FORM, "used_certification": "7"})
    assert reply.status_code == 422
    reply = _type(clerk, path, {**FORM, "d4_denounce_amount": "9999"})
    assert reply.status_code == 422
    reply = _type(clerk, path, FORM, outcome="2.11")  # a refusal with answers typed
    assert reply.status_code == 422
    assert count(session, PaperEntry) == 0


def test_non_interview__both_agree__disposition_without_answers(app: Flask, session: Session,
                                                                tmp_path: Path) -> None:
    field = setup_field(session, tmp_path)
    _clerks(session)
    first, second = _client(app, "iv.a@t.vn"), _client(app, "clerk2@t.vn")
    path = _open(first, field.a_ids[2])
    _type(first, path, {}, outcome="2.20")
    _type(second, path, {}, outcome="2.20")
    assert count(session, FieldInterview) == 1 and count(session, FieldAnswer) == 0
    assert session.scalars(select(FieldInterview)).one().disposition == "2.20"


def test_entry__viewers_and_managers_refused(app: Flask, session: Session,
                                             tmp_path: Path) -> None:
    field = setup_field(session, tmp_path)
    create_user(session, email="view@t.vn", role="viewer", unit_code="FW", password=PASSWORD)
    viewer = _client(app, "view@t.vn")
    member = field.members[field.a_ids[0]]
    for path in ("/staff/fieldwork/entry/", f"/staff/fieldwork/entry/{member}",
                 f"/staff/fieldwork/entry/{member}/resolve"):
        assert viewer.get(path).status_code == 403, path


def test_close__refused_while_forms_wait__then_discarded_on_request(
        runner, app: Flask, session: Session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from webapp.cli import main

    field = setup_field(session, tmp_path)
    clerk = _client(app, "iv.a@t.vn")
    _type(clerk, _open(clerk, field.a_ids[0]), FORM)
    result = runner.invoke(main, ["fieldwork", "close", "--sample", "s"])
    assert result.exit_code == 1 and "1 paper form(s)" in result.output
    assert count(session, PaperEntry) == 1
    result = runner.invoke(main, ["fieldwork", "close", "--sample", "s",
                                  "--discard-unfinished-entries"])
    assert result.exit_code == 0, result.output
    assert count(session, PaperEntry) == 0
