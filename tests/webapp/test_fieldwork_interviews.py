"""Interviewer mode: an interviewer fills the survey on a sampled person's behalf; the return is
stored as an imported ODK return is (same service), once, and without the person."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import survey_defs
from survey_defs.field_xlsform import write_field_xlsform
from tests.webapp.fieldwork_helpers import PHONE, setup_field, sign_in
from tests.webapp.survey_helpers import answer_everything, form_of, submit
from webapp.fieldwork.samples import get_sample
from webapp.models import FieldAnswer, FieldInterview, Role, SampleMember, User


def count(session: Session, model) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(model)) or 0


def _fill(client, path: str) -> str:  # type: ignore[no-untyped-def]
    """Answer every page; return the last page, ready to send."""
    html = client.get(path).get_data(as_text=True)
    for _ in range(40):
        if 'value="send"' in html:
            return html
        reply = submit(client, path, html, answer_everything(html, "1"))
        assert reply.status_code == 200, reply.get_data(as_text=True)[:400]
        html = reply.get_data(as_text=True)
    raise AssertionError("no last page")


def test_interview__stored_like_an_odk_return__once(app: Flask, session: Session,
                                                    tmp_path: Path) -> None:
    field = setup_field(session, tmp_path)
    respondent = field.a_ids[0]
    path = f"/staff/fieldwork/interviews/{field.members[respondent]}"
    client = app.test_client()
    sign_in(client, "iv.a@t.vn")
    first = client.get(path)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    html = first.get_data(as_text=True)
    assert respondent in html and "Interviewer mode" not in html  # Vietnamese by default
    assert "đọc to" in html  # the interviewer's wording, not the citizen's
    assert PHONE not in html
    last = _fill(client, path)
    answers = answer_everything(last, "1")
    sent = submit(client, path, last, answers, "send")
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/assignments")
    again = submit(client, path, last, answers, "send")  # a double submit
    assert again.status_code == 303
    assert count(session, FieldInterview) == 1 and count(session, FieldAnswer) == 1
    interview = session.scalars(select(FieldInterview)).one()
    assert (interview.disposition, interview.source) == ("1.1", "interviewer")
    assert interview.interview_minutes is not None and interview.interview_minutes >= 0
    member = session.get(SampleMember, field.members[respondent])
    assert member is not None and interview.sample_member_id == member.id
    stored = session.scalars(select(FieldAnswer)).one()
    assert (stored.stratum, stored.base_weight) == (member.stratum, member.base_weight)
    # Single stage: the PSU is the household itself, so its label would name the respondent.
    assert member.psu == respondent and stored.psu != respondent
    assert stored.attributes["village"] == "A"
    # The keys are the interviewer XLSForm's names, as an ODK/Kobo export carries them.
    write_field_xlsform(survey_defs.load_definition(
        Path(survey_defs.__file__).parent / "papi.yaml").definition, tmp_path / "f.xlsx")
    names = {row[1] for row in load_workbook(tmp_path / "f.xlsx")["survey"]
             .iter_rows(min_row=2, values_only=True)}
    assert stored.answers and set(stored.answers) <= names
    assert all(isinstance(v, str) for v in stored.answers.values())
    # Nothing in the stored answers names the person.
    for value in (respondent, PHONE, "Hộ A"):
        assert value not in str(stored.answers) and value not in str(stored.attributes)
    # A completed respondent is no longer offered for interview.
    page = client.get("/staff/fieldwork/assignments").get_data(as_text=True)
    assert f'/staff/fieldwork/interviews/{member.id}"' not in page
    assert f'/staff/fieldwork/interviews/{field.members[field.a_ids[1]]}"' in page


def test_interview__missing_answer__page_again_nothing_stored(app: Flask, session: Session,
                                                              tmp_path: Path) -> None:
    field = setup_field(session, tmp_path)
    path = f"/staff/fieldwork/interviews/{field.members[field.a_ids[0]]}"
    client = app.test_client()
    sign_in(client, "iv.a@t.vn")
    html = client.get(path).get_data(as_text=True)
    reply = submit(client, path, html, {"d4_denounce_amount": "9999"}, "send")
    assert reply.status_code == 422  # the citizen pages' validation: at most 500
    assert count(session, FieldInterview) == 0
    # An expired token keeps the answers and stores nothing.
    fields = [(k, v) for k, v in form_of(html).fields if k != "csrf_token"]
    stale = "".join(f'<input type="hidden" name="{k}" value="{v}">' for k, v in fields)
    reply = submit(client, path, stale, answer_everything(html, "1"))
    assert reply.status_code == 200 and "vẫn được giữ" in reply.get_data(as_text=True)
    assert count(session, FieldInterview) == 0


def test_outcome__non_interview_recorded_once__no_answers(app: Flask, session: Session,
                                                          tmp_path: Path) -> None:
    field = setup_field(session, tmp_path)
    member = field.members[field.a_ids[1]]
    client = app.test_client()
    sign_in(client, "iv.a@t.vn")
    page = client.get("/staff/fieldwork/assignments").get_data(as_text=True)
    token = form_of(page).fields[0][1]
    data = {"csrf_token": token, "disposition": "2.11", "submission_id": "abc123"}
    for _ in range(2):
        reply = client.post(f"/staff/fieldwork/interviews/{member}/outcome", data=data)
        assert reply.status_code == 303
    assert count(session, FieldInterview) == 1 and count(session, FieldAnswer) == 0
    assert session.scalars(select(FieldInterview)).one().disposition == "2.11"
    bad = client.post(f"/staff/fieldwork/interviews/{member}/outcome",
                      data={**data, "disposition": "1.1", "submission_id": "x2"})
    assert bad.status_code == 400  # a complete interview goes through the questions
    assert count(session, FieldInterview) == 1
    page = client.get("/staff/fieldwork/assignments").get_data(as_text=True)
    assert "Từ chối" in page  # the last outcome, in words


def test_interviewer__only_own_assignments__404_for_others(app: Flask, session: Session,
                                                           tmp_path: Path) -> None:
    field = setup_field(session, tmp_path)
    client = app.test_client()
    sign_in(client, "iv.b@t.vn")
    page = client.get("/staff/fieldwork/assignments").get_data(as_text=True)
    assert PHONE not in page and "Hộ A" not in page and "Hộ B" in page
    a_member = field.members[field.a_ids[0]]
    assert client.get(f"/staff/fieldwork/interviews/{a_member}").status_code == 404
    token = form_of(page).fields[0][1]
    reply = client.post(f"/staff/fieldwork/interviews/{a_member}/outcome",
                        data={"csrf_token": token, "disposition": "2.20",
                              "submission_id": "k"})
    assert reply.status_code == 404
    assert client.get("/staff/fieldwork/interviews/999999").status_code == 404
    assert count(session, FieldInterview) == 0


def test_interviewer_role__no_other_staff_page(app: Flask, session: Session,
                                               tmp_path: Path) -> None:
    setup_field(session, tmp_path)
    client = app.test_client()
    sign_in(client, "iv.a@t.vn")
    home = client.get("/staff/")
    assert home.status_code == 302 and home.headers["Location"].endswith(
        "/staff/fieldwork/assignments")
    for path in ("/staff/units/FW?survey=papi", "/staff/comments/", "/admin/",
                 "/staff/exports/", "/staff/parindex/FW/2024"):
        assert client.get(path).status_code == 403, path
    assert client.get("/api/v1/indices?survey=papi&period=2026-05").status_code == 403
    menu = client.get("/staff/fieldwork/assignments").get_data(as_text=True)
    assert 'href="/staff/fieldwork/assignments"' in menu
    assert 'href="/staff/comments/"' not in menu and 'href="/staff/"' not in menu


def test_closed_sample__interview_gone(app: Flask, session: Session, tmp_path: Path) -> None:
    from webapp.fieldwork.samples import close_fieldwork

    field = setup_field(session, tmp_path)
    client = app.test_client()
    sign_in(client, "iv.a@t.vn")
    close_fieldwork(session, get_sample(session, "s"))
    member = field.members[field.a_ids[0]]
    assert client.get(f"/staff/fieldwork/interviews/{member}").status_code == 404


def test_assign__only_to_interviewers(session: Session, tmp_path: Path) -> None:
    import pytest

    from webapp.fieldwork.samples import SampleError, assign

    setup_field(session, tmp_path)
    viewer = User(email="v@t.vn", password_hash="!", role=Role.VIEWER)
    session.add(viewer)
    session.commit()
    sample = get_sample(session, "s")
    with pytest.raises(SampleError, match="not an active interviewer"):
        assign(session, sample, viewer, [sample.members[0].psu])


def test_users_create__interviewer_role_needs_a_unit(runner, session: Session) -> None:  # type: ignore[no-untyped-def]
    from webapp.cli import main
    from webapp.models import Unit

    session.add(Unit(code="FW", name_vi="Xã Thực Địa", unit_type="commune"))
    session.commit()
    result = runner.invoke(main, ["users", "create", "--email", "iv@t.vn", "--role",
                                  "interviewer"])
    assert result.exit_code != 0 and "scoped to a unit" in result.output
    result = runner.invoke(main, ["users", "create", "--email", "iv@t.vn", "--role",
                                  "interviewer", "--unit", "FW"])
    assert result.exit_code == 0, result.output
    user = session.scalars(select(User).where(User.email == "iv@t.vn")).one()
    assert user.role is Role.INTERVIEWER and user.unit is not None and user.unit.code == "FW"
