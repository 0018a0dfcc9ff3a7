"""The citizen's survey without JavaScript: pages, skip logic, validation, one stored response."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.webapp.survey_helpers import answer_everything, setup_counter, submit
from webapp.models import Comment, Counter, Response
from webapp.respond.tokens import sign_counter_token


@pytest.fixture
def counter_path(app: Flask, session: Session) -> str:
    counter = setup_counter(session)
    return "/s/" + sign_counter_token(counter, app.config)


def responses(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Response)) or 0


def walk(client: FlaskClient, path: str, *, feedback: str = "1", comment: str = "") -> list[str]:
    """Answer every page; return the HTML of each page seen."""
    html = client.get(path).get_data(as_text=True)
    seen = [html]
    for _ in range(12):
        answers = answer_everything(html)
        if "exp_feedback" in answers:
            answers["exp_feedback"] = feedback
        if 'name="comment"' in html:
            answers["comment"] = comment
        action = "send" if 'value="send"' in html else "next"
        response = submit(client, path, html, answers, action)
        if response.status_code == 303:
            return seen
        assert response.status_code == 200, response.get_data(as_text=True)[:2000]
        html = response.get_data(as_text=True)
        seen.append(html)
    raise AssertionError("the survey never ended")


def test_first_page__vietnamese_anonymous_with_field_picker(client: FlaskClient,
                                                           counter_path: str) -> None:
    html = client.get(counter_path).get_data(as_text=True)
    assert 'lang="vi"' in html and "Xã Đắk Song" in html
    assert "không hỏi Ông/Bà là ai" in html
    assert 'name="_field"' in html and 'name="exp_feedback"' in html
    assert "Phần 1/" in html


def test_whole_survey__stores_one_anonymous_response(client: FlaskClient, counter_path: str,
                                                    session: Session) -> None:
    pages = walk(client, counter_path, comment="Cần thêm ghế chờ.")
    assert len(pages) >= 4
    assert responses(session) == 1
    stored = session.scalar(select(Response))
    assert stored.channel == "counter" and stored.field_id is not None
    assert stored.period.count("-") == 1 and len(stored.period) == 7
    assert stored.answers["c9.r15"] == 4 and stored.answers["exp_feedback"] == 1
    assert stored.answers["procedure"] in {"Hộ tịch", "Đất đai"}
    assert session.scalar(select(Comment.body)) == "Cần thêm ghế chờ."
    # Nothing about the person or their device.
    columns = set(Response.__table__.columns.keys())
    assert not columns & {"ip", "ip_address", "user_agent", "name", "phone", "created_at"}


def test_no_feedback_experience__feedback_page_skipped(client: FlaskClient, counter_path: str,
                                                      session: Session) -> None:
    pages = walk(client, counter_path, feedback="0")
    assert not any('name="c9_fb.r31"' in page for page in pages)
    stored = session.scalar(select(Response))
    assert "c9_fb.r31" not in stored.answers
    with_feedback = walk(client, counter_path, feedback="1")
    assert any('name="c9_fb.r31"' in page for page in with_feedback)


def test_double_submit__same_submission_id__one_response(client: FlaskClient, counter_path: str,
                                                        session: Session) -> None:
    html = client.get(counter_path).get_data(as_text=True)
    last_html, last_answers = html, answer_everything(html)
    for _ in range(12):
        response = submit(client, counter_path, last_html, last_answers,
                          "send" if 'value="send"' in last_html else "next")
        if response.status_code == 303:
            break
        last_html = response.get_data(as_text=True)
        last_answers = answer_everything(last_html)
    # The citizen taps Send again (or the network retries the same form).
    again = submit(client, counter_path, last_html, last_answers, "send")
    assert again.status_code == 303
    assert responses(session) == 1


def test_missing_answer__error_next_to_question_in_vietnamese(client: FlaskClient,
                                                             counter_path: str,
                                                             session: Session) -> None:
    html = client.get(counter_path).get_data(as_text=True)
    response = submit(client, counter_path, html, {"_field": answer_everything(html)["_field"]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Xin vui lòng trả lời câu hỏi này." in page
    assert 'aria-invalid="true"' in page
    assert responses(session) == 0


def test_back__keeps_answers(client: FlaskClient, counter_path: str) -> None:
    html = client.get(counter_path).get_data(as_text=True)
    first = answer_everything(html)
    second = submit(client, counter_path, html, first).get_data(as_text=True)
    assert "Phần 2/" in second
    back = submit(client, counter_path, second, {}, "back").get_data(as_text=True)
    assert "Phần 1/" in back
    assert f'name="exp_feedback" value="{first["exp_feedback"]}" checked' in back


def test_expired_csrf__page_kept_with_notice(client: FlaskClient, counter_path: str,
                                            session: Session) -> None:
    html = client.get(counter_path).get_data(as_text=True)
    stale = html.replace('name="csrf_token" value="', 'name="csrf_token" value="stale')
    response = submit(client, counter_path, stale, answer_everything(html))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Câu trả lời của Ông/Bà vẫn được giữ" in page
    assert "Phần 1/" in page and " checked" in page
    assert responses(session) == 0


def test_language_switch__mid_survey__keeps_answers(client: FlaskClient,
                                                   counter_path: str) -> None:
    html = client.get(counter_path).get_data(as_text=True)
    answers = answer_everything(html)
    english = submit(client, counter_path, html, answers, "lang:en").get_data(as_text=True)
    assert 'lang="en"' in english and "Part 1 of" in english
    assert f'value="{answers["exp_feedback"]}" checked' in english


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-3],                                   # truncated
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # forged signature
    lambda t: "hello",                                  # not a token
])
def test_bad_token__friendly_page_nothing_stored(client: FlaskClient, counter_path: str,
                                                session: Session, mangle) -> None:  # type: ignore[no-untyped-def]
    token = counter_path.removeprefix("/s/")
    response = client.get("/s/" + mangle(token))
    assert response.status_code == 404
    assert "Không mở được phiếu khảo sát" in response.get_data(as_text=True)
    assert client.post("/s/" + mangle(token), data={"action": "send"}).status_code == 404
    assert responses(session) == 0


def test_retired_counter_code__410(client: FlaskClient, counter_path: str,
                                  session: Session) -> None:
    counter = session.scalar(select(Counter))
    counter.token_generation += 1
    session.commit()
    response = client.get(counter_path)
    assert response.status_code == 410
    assert "không còn được sử dụng" in response.get_data(as_text=True)


def test_kiosk__after_submission__restarts_fresh(client: FlaskClient, counter_path: str,
                                                session: Session) -> None:
    kiosk_path = counter_path.replace("/s/", "/k/")
    html = client.get(kiosk_path).get_data(as_text=True)
    assert 'http-equiv="refresh"' in html  # an abandoned form resets after inactivity
    for _ in range(12):
        action = "send" if 'value="send"' in html else "next"
        response = submit(client, kiosk_path, html, answer_everything(html), action)
        if response.status_code == 303:
            break
        html = response.get_data(as_text=True)
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'url={kiosk_path}"' in thanks and "Xin cảm ơn" in thanks
    assert session.scalar(select(Response.channel)) == "kiosk"
    # The kiosk shows no way to staff pages.
    assert "/login" not in thanks and "/admin" not in html


def test_rate_limit__too_many_posts__429_answers_kept(app: Flask, client: FlaskClient,
                                                     counter_path: str, session: Session,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from webapp.respond import ratelimit

    monkeypatch.setattr(ratelimit, "CLIENT_LIMIT", (3, 600))
    html = client.get(counter_path).get_data(as_text=True)  # the GET counts too
    answers = answer_everything(html)
    for _ in range(2):
        assert submit(client, counter_path, html, answers).status_code == 200
    limited = submit(client, counter_path, html, answers)
    assert limited.status_code == 429
    page = limited.get_data(as_text=True)
    assert "Câu trả lời của Ông/Bà vẫn được giữ" in page and " checked" in page
    assert responses(session) == 0


def test_rate_limit__token_guessing__throttled(client: FlaskClient, counter_path: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from webapp.respond import ratelimit

    monkeypatch.setattr(ratelimit, "CLIENT_LIMIT", (5, 600))
    statuses = [client.get(f"/s/0.1.1.{i:020d}").status_code for i in range(7)]
    assert statuses[:5] == [404] * 5 and statuses[5:] == [429, 429]


def test_thanks__unit_note__you_said_we_did(client: FlaskClient, counter_path: str,
                                           session: Session) -> None:
    from webapp.models import Unit, UnitPublication

    unit = session.scalar(select(Unit))
    session.add(UnitPublication(unit_id=unit.id, published=False,
                                note_vi="Đã thêm 20 ghế chờ theo góp ý của người dân."))
    session.commit()
    walk(client, counter_path)
    page = client.get(counter_path + "/done").get_data(as_text=True)
    assert 'lang="vi"' in page
    assert "Người dân góp ý, chúng tôi đã làm" in page
    assert "Đã thêm 20 ghế chờ" in page


def test_contact_me__phone_kept_apart_and_only_with_a_comment(client: FlaskClient,
                                                             counter_path: str,
                                                             session: Session) -> None:
    from webapp.models import CommentContact

    html = client.get(counter_path).get_data(as_text=True)
    for _ in range(12):
        answers = answer_everything(html)
        if 'name="comment"' in html:
            # Ticked without a usable number: refused on this page, nothing lost.
            answers.update({"comment": "Xin hướng dẫn thêm về lệ phí.", "_contact": "1",
                            "_phone": "12345"})
            refused = submit(client, counter_path, html, answers)
            assert refused.status_code == 422
            assert "ví dụ 0912 345 678" in refused.get_data(as_text=True)
            answers["_phone"] = "0912 345 678"
        response = submit(client, counter_path, html, answers,
                          "send" if 'value="send"' in html else "next")
        if response.status_code == 303:
            break
        html = response.get_data(as_text=True)
    stored = session.scalar(select(Response))
    assert "0912345678" not in str(stored.answers) and "_phone" not in stored.answers
    contact = session.scalar(select(CommentContact))
    assert contact.phone == "0912345678"
    comment = session.get(Comment, contact.comment_id)
    assert comment.body.startswith("Xin hướng dẫn") and comment.field_id == stored.field_id
    # Nothing joins the phone to the answers: no link, and the text left the answers.
    assert comment.response_id is None and "comment" not in stored.answers


def test_kiosk__opened_by_signed_in_staff__tablet_signed_out(app: Flask, client: FlaskClient,
                                                            session: Session) -> None:
    from tests.webapp.staff_helpers import build_world, login, token_in

    world = build_world(session)
    login(client, "manager")
    assert client.get("/staff/").status_code in {200, 302}
    counter = session.get(Counter, next(iter(world.counters.values())))
    kiosk = "/k/" + sign_counter_token(counter, app.config)
    page = client.get(kiosk)
    assert page.status_code == 200 and 'name="submission_id"' not in page.get_data(as_text=True)
    # The tablet is signed out by the page's POST (a plain GET never signs out: issue 21).
    assert client.post(kiosk, data={"action": "kiosk_start", "csrf_token": token_in(
        page.get_data(as_text=True))}).status_code == 303
    # The next person at the tablet finds no staff session.
    staff = client.get("/staff/")
    assert staff.status_code == 302 and "/auth/login" in staff.headers["Location"]
