"""The comments inbox: filters, assign, reply, close; the "you said, we did" note."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import USERS, World, build_world, login, token_in
from webapp.models import AuditEntry, Comment, UnitPublication, User


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def _post(client: FlaskClient, comment_id: int, **data: str):  # type: ignore[no-untyped-def]
    token = token_in(client.get("/staff/comments/").get_data(as_text=True))
    return client.post(f"/staff/comments/{comment_id}", data={"csrf_token": token, **data})


def test_inbox__filters_by_period_field_status(client: FlaskClient, world: World) -> None:
    login(client, "manager")
    assert "Ý kiến về A:" in client.get("/staff/comments/?period=2026-Q2").get_data(as_text=True)
    assert "Ý kiến về A:" not in client.get("/staff/comments/?period=2026-04").get_data(
        as_text=True)
    assert "Ý kiến về A:" not in client.get("/staff/comments/?status=closed").get_data(
        as_text=True)
    assert "Ý kiến về A:" not in client.get("/staff/comments/?field=HT").get_data(as_text=True)
    assert client.get("/staff/comments/?period=2026-13").status_code == 400


def test_inbox__unit_names_in_the_page_language(client: FlaskClient, world: World) -> None:
    login(client, "manager")
    vietnamese = client.get("/staff/comments/").get_data(as_text=True)
    assert '<p class="meta">Xã An ·' in vietnamese
    client.get("/lang/en?next=/staff/comments/")
    english = client.get("/staff/comments/").get_data(as_text=True)
    assert '<p class="meta">An Commune ·' in english
    assert '<p class="meta">Xã An ·' not in english


def test_follow_up__assign_reply_close_recorded(client: FlaskClient, world: World,
                                                session: Session) -> None:
    login(client, "manager")
    comment_id = world.comments["A1"]
    manager = session.scalar(select(User).where(User.email == USERS["manager"][0]))
    assert _post(client, comment_id, action="assign", assignee=str(manager.id)).status_code == 302
    assert _post(client, comment_id, action="reply", reply="Đã bố trí thêm ghế.").status_code == 302
    assert _post(client, comment_id, action="close").status_code == 302
    session.expire_all()
    comment = session.get(Comment, comment_id)
    assert comment.status == "closed" and comment.reply == "Đã bố trí thêm ghế."
    assert comment.assigned_to_id == manager.id
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"comments.assign", "comments.reply", "comments.close"} <= actions


def test_follow_up__assign_to_someone_outside__refused(client: FlaskClient, world: World,
                                                       session: Session) -> None:
    login(client, "manager")
    other = session.scalar(select(User).where(User.email == USERS["manager_b"][0]))
    response = _post(client, world.comments["A"], action="assign", assignee=str(other.id))
    assert response.status_code == 400


def test_follow_up__empty_reply__message_not_saved(client: FlaskClient, world: World,
                                                   session: Session) -> None:
    login(client, "manager")
    _post(client, world.comments["A"], action="reply", reply="  ")
    session.expire_all()
    assert session.get(Comment, world.comments["A"]).reply is None


def test_note__saved_for_unit(client: FlaskClient, world: World, session: Session) -> None:
    login(client, "manager")
    html = client.get("/staff/comments/?unit=A").get_data(as_text=True)
    assert "Người dân góp ý, chúng tôi đã làm" in html
    response = client.post("/staff/comments/units/A/note",
                           data={"csrf_token": token_in(html), "published": "y",
                                 "note_vi": "Đã thêm ghế chờ.", "note_en": ""})
    assert response.status_code == 302
    pub = session.get(UnitPublication, world.units["A"])
    assert pub.published and pub.note_vi == "Đã thêm ghế chờ." and pub.note_en is None


# Issue 21, finding 9: query arguments that clash with url_for's own parameters.
@pytest.mark.parametrize("query", ["comment_id=5", "endpoint=x", "_external=1&_scheme=https",
                                   "_anchor=x", "_method=POST", "values=1",
                                   "status=open&endpoint=x&_external=1"])
def test_inbox__url_for_arguments_in_the_query__normal_page(client: FlaskClient, world: World,
                                                           query: str) -> None:
    login(client, "manager")
    page = client.get(f"/staff/comments/?{query}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'action="/staff/comments/' in html  # follow-up forms, relative
    assert 'action="http' not in html and "endpoint=" not in html


@pytest.mark.parametrize("query", ["endpoint=1", "comment_id=5", "_external=1&_scheme=https"])
def test_follow_up__post_with_clashing_query__saved_and_redirected(
        client: FlaskClient, world: World, session: Session, query: str) -> None:
    login(client, "manager")
    token = token_in(client.get("/staff/comments/").get_data(as_text=True))
    comment_id = world.comments["A"]
    response = client.post(f"/staff/comments/{comment_id}?status=open&{query}",
                           data={"action": "reply", "reply": "Đã xử lý.",
                                 "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/comments/")
    assert "status=open" in response.headers["Location"]
    assert "endpoint" not in response.headers["Location"]
    session.expire_all()
    assert session.get(Comment, comment_id).reply == "Đã xử lý."


# Issue 21, finding 12: taking a citizen's phone number over from the staff member holding it.
def test_assign__comment_with_contact_held_by_another__asks_then_records(
        client: FlaskClient, world: World, session: Session) -> None:
    import datetime as dt

    from webapp.models import CommentContact
    from webapp.respond.contacts import attach_contact

    holder = session.scalar(select(User).where(User.email == USERS["manager"][0]))
    admin = session.scalar(select(User).where(User.email == USERS["admin"][0]))
    with_phone = session.get(Comment, world.comments["A1"])
    with_phone.assigned_to_id, with_phone.status = holder.id, "assigned"
    attach_contact(session, with_phone, "0912 345 678", now=dt.datetime.now(dt.UTC))
    session.commit()
    login(client, "admin")
    asked = _post(client, with_phone.id, action="assign", assignee=str(admin.id))
    assert asked.status_code == 200
    assert "Nhận số điện thoại liên hệ?" in asked.get_data(as_text=True)
    session.expire_all()
    assert session.get(Comment, with_phone.id).assigned_to_id == holder.id  # nothing changed
    confirmed = _post(client, with_phone.id, action="assign", assignee=str(admin.id),
                      confirm_contact="1")
    assert confirmed.status_code == 302
    session.expire_all()
    assert session.get(Comment, with_phone.id).assigned_to_id == admin.id
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "comments.assign")
                            .order_by(AuditEntry.id.desc())).first()
    assert entry.detail["contact_handed_over"] is True
    assert session.scalars(select(CommentContact)).one().comment_id == with_phone.id
    # A comment without a number is assigned without a question.
    plain = _post(client, world.comments["B"], action="assign", assignee=str(admin.id))
    assert plain.status_code == 302
