"""Interrupted interviews in interviewer mode: saved with their page, resumed where they
stopped, one answer stored in the end; never resumed, a break-off (AAPOR 2.12) at close."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.webapp.fieldwork_helpers import setup_field, sign_in
from tests.webapp.survey_helpers import answer_everything, submit
from webapp.fieldwork.samples import close_fieldwork, get_sample
from webapp.models import FieldAnswer, FieldInterview, InterviewDraft


def count(session: Session, model) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_interview__paused_then_resumed__one_answer(app: Flask, session: Session,
                                                      tmp_path: Path) -> None:
    field = setup_field(session, tmp_path)
    member = field.members[field.a_ids[0]]
    path = f"/staff/fieldwork/interviews/{member}"
    client = app.test_client()
    sign_in(client, "iv.a@t.vn")
    html = client.get(path).get_data(as_text=True)
    second = submit(client, path, html, answer_everything(html, "1"))
    assert second.status_code == 200
    html = second.get_data(as_text=True)
    page_marker = html.split('name="page" value="', 1)[1].split('"', 1)[0]
    on_page = answer_everything(html, "2")
    paused = submit(client, path, html, on_page, "pause")
    assert paused.status_code == 303 and paused.headers["Location"].endswith("/assignments")
    assert count(session, InterviewDraft) == 1
    assert count(session, FieldInterview) == 0 and count(session, FieldAnswer) == 0
    listing = client.get("/staff/fieldwork/assignments").get_data(as_text=True)
    assert "Tiếp tục cuộc phỏng vấn đang dở" in listing
    # Resumed on the page where it stopped, with the answers given on it.
    resumed = client.get(path).get_data(as_text=True)
    assert f'name="page" value="{page_marker}"' in resumed
    draft = session.scalars(select(InterviewDraft)).one()
    for name, value in on_page.items():  # the page's answers, kept and shown ticked
        assert draft.answers.get(name) == value, (name, draft.answers)
        assert f'name="{name}" value="{value}" checked' in resumed, name
    html = resumed
    for _ in range(40):
        if 'value="send"' in html:
            break
        html = submit(client, path, html, answer_everything(html, "1")).get_data(as_text=True)
    sent = submit(client, path, html, answer_everything(html, "1"), "send")
    assert sent.status_code == 303
    assert count(session, FieldAnswer) == 1 and count(session, FieldInterview) == 1
    assert count(session, InterviewDraft) == 0
    assert session.scalars(select(FieldInterview.disposition)).one() == "1.1"


def test_interview__paused_never_resumed__break_off_at_close(
        app: Flask, session: Session, tmp_path: Path) -> None:
    field = setup_field(session, tmp_path)
    member = field.members[field.a_ids[1]]
    path = f"/staff/fieldwork/interviews/{member}"
    client = app.test_client()
    sign_in(client, "iv.a@t.vn")
    html = client.get(path).get_data(as_text=True)
    assert submit(client, path, html, answer_everything(html, "1"), "pause").status_code == 303
    assert count(session, InterviewDraft) == 1
    close_fieldwork(session, get_sample(session, "s"))
    session.expire_all()
    assert count(session, InterviewDraft) == 0 and count(session, FieldAnswer) == 0
    interview = session.scalars(select(FieldInterview)).one()
    assert (interview.sample_member_id, interview.disposition) == (member, "2.12")
