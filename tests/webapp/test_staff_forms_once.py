"""A staff create form sent twice makes one record; a new plan has no "after" yet."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import PERIOD, World, build_world, login, token_in
from webapp.followup.actions import baseline_for
from webapp.models import ActionPlan, AuditEntry, Counter, User

PLANS = "/staff/units/A/actions?survey=sipas&period="


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, responses_per_unit=30)


def _once(page: str, after: str = "") -> str:
    """The one-time token of the first form on ``page`` after the text ``after``."""
    match = re.search(r'name="once" value="([^"]+)"', page[page.index(after):])
    assert match, "the form carries no one-time token"
    return match.group(1)


def _count(session: Session, model: type) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_action_plan__double_submit__one_record(client: FlaskClient, world: World,
                                                session: Session) -> None:
    login(client, "manager")
    page = client.get(PLANS + PERIOD).get_data(as_text=True)
    data = {"csrf_token": token_in(page), "once": _once(page, "<h2>"),
            "index_id": "c9.r17", "owner": "Văn phòng", "deadline": "2026-06-30",
            "description": "Thêm ghế chờ"}
    first = client.post(PLANS + PERIOD, data=data)
    second = client.post(PLANS + PERIOD, data=data)
    assert first.status_code == second.status_code == 302
    assert _count(session, ActionPlan) == 1
    shown = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "đã được lưu một lần" in shown
    # A fresh rendering of the form is a new token: a second remedy is recorded.
    page = client.get(PLANS + PERIOD).get_data(as_text=True)
    client.post(PLANS + PERIOD, data=data | {"once": _once(page, "<h2>")})
    assert _count(session, ActionPlan) == 2


def test_action_plan__new_plan__before_is_not_after(client: FlaskClient, world: World,
                                                    session: Session) -> None:
    login(client, "manager")
    page = client.get(PLANS + PERIOD).get_data(as_text=True)
    client.post(PLANS + PERIOD, data={
        "csrf_token": token_in(page), "index_id": "c9.r17", "owner": "Văn phòng",
        "deadline": "2026-06-30", "description": "Thêm ghế chờ"})
    plan = session.scalar(select(ActionPlan))
    assert plan is not None and plan.baseline_period == PERIOD   # May 2026 is over
    html = client.get(PLANS + PERIOD).get_data(as_text=True)
    row = html.split("Thêm ghế chờ")[1].split("</tr>")[0]
    assert row.count("Tháng 5/2026") == 2                 # once as "before", once in the note
    assert "Chưa có kỳ sau" in row


def test_baseline__running_period__is_the_one_before() -> None:
    today = dt.date(2026, 12, 4)
    assert baseline_for("2026-12", today) == "2026-11"
    assert baseline_for("2026-Q4", today) == "2026-Q3"
    assert baseline_for("2026-11", today) == "2026-11"


def test_counter_create__double_submit__one_counter(client: FlaskClient, world: World,
                                                    session: Session) -> None:
    login(client, "admin")
    page = client.get("/admin/units/A/counters").get_data(as_text=True)
    before = _count(session, Counter)
    form = page[page.index('action="/admin/units/A/counters"'):]
    data = {"new-csrf_token": token_in(page), "once": _once(form),
            "new-code": "A-Q9", "new-name_vi": "Quầy số 9"}
    for _ in range(2):
        assert client.post("/admin/units/A/counters", data=data).status_code == 303
    assert _count(session, Counter) == before + 1


def test_user_create__double_submit__one_account(client: FlaskClient, world: World,
                                                 session: Session) -> None:
    login(client, "admin")
    page = client.get("/admin/").get_data(as_text=True)
    form = page[page.index('action="/admin/users"'):]
    data = {"user-csrf_token": token_in(page), "once": _once(form),
            "user-email": "moi@t.vn", "user-role": "viewer", "user-unit": "A"}
    first = client.post("/admin/users", data=data)
    second = client.post("/admin/users", data=data)
    assert first.status_code == second.status_code == 302
    assert _count(session, User) == 6
    assert "đã được lưu một lần" in client.get("/admin/").get_data(as_text=True)


def test_comment_reply__double_submit__saved_once(client: FlaskClient, world: World,
                                                  session: Session) -> None:
    login(client, "manager")
    page = client.get("/staff/comments/?unit=A").get_data(as_text=True)
    assert "Ai sẽ thấy câu trả lời" in page
    cid = world.comments["A"]
    data = {"csrf_token": token_in(page), "action": "reply", "reply": "Đã thêm ghế.",
            "once": _once(page, f'id="c{cid}"')}
    for _ in range(2):
        assert client.post(f"/staff/comments/{cid}", data=data).status_code == 302
    session.expire_all()
    replies = session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action.like("comments.%"),
                                    AuditEntry.target.like(f"%{cid}%")))
    assert replies == 1


def test_comment_reply__empty__refused_in_vietnamese(client: FlaskClient, world: World) -> None:
    login(client, "manager")
    page = client.get("/staff/comments/?unit=A").get_data(as_text=True)
    cid = world.comments["A"]
    answer = client.post(f"/staff/comments/{cid}", data={
        "csrf_token": token_in(page), "action": "reply", "reply": "  "}, follow_redirects=True)
    assert "Câu trả lời đang trống" in answer.get_data(as_text=True)


def test_api_key_create__double_submit__one_key(client: FlaskClient, world: World,
                                                session: Session) -> None:
    from webapp.models import ApiKey

    login(client, "admin")
    page = client.get("/admin/").get_data(as_text=True)
    form = page[page.index('action="/admin/apikeys"'):]
    data = {"key-csrf_token": token_in(page), "once": _once(form), "key-name": "Cổng dịch vụ",
            "key-unit": ""}
    for _ in range(2):
        assert client.post("/admin/apikeys", data=data).status_code == 302
    assert _count(session, ApiKey) == 1
