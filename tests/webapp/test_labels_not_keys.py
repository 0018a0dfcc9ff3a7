"""People see words, never keys: survey titles in the picker, role names, procedure field and
criterion names on comments, an account made as a viewer unless an administrator says otherwise."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import PERIOD, World, build_world, login
from webapp.models import Comment, ProcedureField

URL = "/staff/units/A?survey=sipas&period=" + PERIOD


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, responses_per_unit=12)


def _options(html: str, name: str) -> list[str]:
    select_html = html.split(f'<select name="{name}"')[1].split("</select>")[0]
    return [re.sub(r"\s+", " ", t).strip() for t in re.findall(r">([^<]+)</option>", select_html)]


@pytest.mark.parametrize(("language", "title"), [
    ("vi", "Khảo sát sự hài lòng của người dân"), ("en", "Citizen satisfaction with the service")])
def test_survey_picker__titles_not_keys(client: FlaskClient, world: World, language: str,
                                        title: str) -> None:
    login(client, "viewer")
    for url in (URL + f"&lang={language}", f"/staff/?lang={language}"):
        options = _options(client.get(url).get_data(as_text=True), "survey")
        assert options and all(o not in {"sipas", "papi", "onestop", "sipas_2017"}
                               for o in options)
        assert any(o.startswith(title) for o in options)


@pytest.mark.parametrize(("language", "words"), [
    ("vi", ["Quản trị viên", "Quản lý đơn vị", "Phân tích viên", "Người xem", "Điều tra viên"]),
    ("en", ["Administrator", "Unit manager", "Analyst", "Viewer", "Interviewer"])])
def test_user_form__role_words__viewer_by_default(client: FlaskClient, world: World,
                                                  language: str, words: list[str]) -> None:
    login(client, "admin")
    html = client.get(f"/admin/?lang={language}").get_data(as_text=True)
    role_select = html.split('name="user-role"')[1].split("</select>")[0]
    assert re.findall(r">([^<]+)</option>", role_select) == words
    selected = re.findall(r'<option selected value="([a-z_]+)"', role_select)
    assert selected == ["viewer"]
    users_table = html.split("<tbody>")[1].split("</tbody>")[0]
    assert "unit_manager" not in users_table and words[1] in users_table


def test_comments__field_and_criterion_names_not_codes(client: FlaskClient, world: World,
                                                       session: Session) -> None:
    comment = session.scalars(select(Comment)).first()
    assert comment is not None
    field = session.scalars(select(ProcedureField)).first()
    assert field is not None
    comment.field_id, comment.criterion = field.id, "c9.r15"
    session.commit()
    login(client, "admin")
    html = client.get("/staff/comments/").get_data(as_text=True)
    meta = " ".join(re.findall(r'<p class="meta">(.*?)</p>', html, flags=re.S))
    assert field.name_vi in meta and f"· {field.code} " not in meta
    assert "c9.r15" not in meta and "được cung cấp theo nhiều hình thức" in meta
    criteria = _options(html, "criterion")
    assert criteria and not any(re.fullmatch(r"c\d+(_\w+)?\.r\d+", c) for c in criteria)
