"""The citizen's side of issue 20 without JavaScript: the 54 ethnic groups on the page."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.webapp.survey_helpers import answer_everything, setup_counter, submit
from webapp.models import Response
from webapp.respond.tokens import sign_counter_token


@pytest.fixture
def counter_path(app: Flask, session: Session) -> str:
    counter = setup_counter(session)
    return "/s/" + sign_counter_token(counter, app.config)


def walk(client: FlaskClient, path: str, chosen: dict[str, str], *,
         code: str = "4") -> list[str]:
    """Answer every page (``chosen`` overrides); return the HTML of each page seen."""
    html = client.get(path).get_data(as_text=True)
    seen = [html]
    for _ in range(12):
        answers = answer_everything(html, code)
        answers.update({k: v for k, v in chosen.items() if k in answers})
        action = "send" if 'value="send"' in html else "next"
        response = submit(client, path, html, answers, action)
        if response.status_code == 303:
            return seen
        assert response.status_code == 200, response.get_data(as_text=True)[:2000]
        html = response.get_data(as_text=True)
        seen.append(html)
    raise AssertionError("the survey never ended")


def test_ethnicity__kinh_first_then_53_groups_by_letter_and_the_code_is_stored(
        client: FlaskClient, counter_path: str, session: Session) -> None:
    pages = walk(client, counter_path, {"ethnicity": "20"})
    page = next(p for p in pages if 'name="ethnicity"' in p)
    values = re.findall(r'name="ethnicity" value="(\d+)"', page)
    assert values[0] == "1" and sorted(map(int, values)) == list(range(1, 55))
    kinh = page.index('value="1"><span>Kinh</span>')
    details = page.index('<details class="more">')
    assert kinh < details  # Kinh on its own, the others folded (no JavaScript needed)
    assert "53 lựa chọn khác, xếp theo vần chữ cái" in page
    letters = re.findall(r'<p class="letter" aria-hidden="true">(\w+)</p>', page)
    assert letters == sorted(letters, key=lambda s: s.replace("Đ", "Dz")) and "Đ" not in letters
    # Within the letter M: Mạ, Mảng, Mnông, Mường in Vietnamese order.
    m_block = page.split('<p class="letter" aria-hidden="true">M</p>')[1].split("</div>")[0]
    assert re.findall(r"<span>([^<]+)</span>", m_block) == ["Mạ", "Mảng", "Mnông", "Mường"]
    session.expire_all()
    stored = session.scalars(select(Response)).one()
    assert stored.answers["ethnicity"] == 20 and stored.language == "vi"


def _grid_page(client: FlaskClient, path: str) -> tuple[str, str]:
    """(HTML of the satisfaction grid page, the HTML posted before it)."""
    html = client.get(path).get_data(as_text=True)
    for _ in range(6):
        if 'name="c9.r15"' in html:
            return html, html
        html = submit(client, path, html, answer_everything(html)).get_data(as_text=True)
    raise AssertionError("no grid page")


def test_grid__each_unanswered_row_marked_in_place_and_the_first_focused(
        client: FlaskClient, counter_path: str) -> None:
    grid, _ = _grid_page(client, counter_path)
    rows = re.findall(r'name="(c9\.r\d+)"', grid)
    rows = list(dict.fromkeys(rows))
    answered = {rows[0]: "4", rows[2]: "5"}
    response = submit(client, counter_path, grid, answered)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    missing = [r for r in rows if r not in answered]
    # One line above the grid (not one per row), then a message inside each unanswered row.
    assert page.count('class="err"') == 1 + 1 + len(missing)  # + the page's alert
    assert f"Còn {len(missing)} dòng dưới đây chưa trả lời" in page
    for row in missing:
        anchor = row.replace(".", "-")
        fieldset = page.split(f'aria-describedby="err-{anchor}"')[1].split("</fieldset>")[0]
        assert f'<p class="err" id="err-{anchor}">' in fieldset
    for row in answered:
        assert f'aria-describedby="err-{row.replace(".", "-")}"' not in page
    # Focus lands on the first unanswered row without any script.
    assert page.count(" autofocus") == 1
    assert re.search(rf'name="{re.escape(missing[0])}" value="\d+" autofocus', page)


def test_grid__rows_under_their_element_heading(client: FlaskClient, counter_path: str) -> None:
    grid, _ = _grid_page(client, counter_path)
    heading = '<h3 class="element">Công chức trực tiếp giải quyết công việc</h3>'
    assert grid.count('<h3 class="element">') == 4  # E1-E4 (E5 is the feedback grid)
    assert grid.index('name="c9.r22"') < grid.index(heading) < grid.index('name="c9.r23"')


@pytest.mark.parametrize("feedback", ["1", "0"])
def test_part_count__stable_whatever_the_answers(client: FlaskClient, counter_path: str,
                                                 feedback: str) -> None:
    html = client.get(counter_path).get_data(as_text=True)
    counts = []
    for _ in range(12):
        counts.append(re.search(r"Phần (\d+)/(\d+)", html).groups())  # type: ignore[union-attr]
        answers = answer_everything(html)
        if "exp_feedback" in answers:
            answers["exp_feedback"] = feedback
        action = "send" if 'value="send"' in html else "next"
        response = submit(client, counter_path, html, answers, action)
        if response.status_code == 303:
            break
        html = response.get_data(as_text=True)
    totals = {total for _n, total in counts}
    parts = [int(n) for n, _t in counts]
    assert len(totals) == 1 and parts == sorted(parts) and parts[0] == 1
    # Answering "no" skips the feedback page: the count jumps over it instead of shrinking.
    assert (len(parts) < int(totals.pop())) == (feedback == "0")


def test_oversized_comment__vietnamese_error_and_every_answer_kept(
        client: FlaskClient, counter_path: str) -> None:
    html = client.get(counter_path).get_data(as_text=True)
    given: dict[str, str | list[str]] = {}
    for _ in range(12):
        if 'name="comment"' in html:
            break
        answers = answer_everything(html)
        given.update(answers)
        html = submit(client, counter_path, html, answers).get_data(as_text=True)
    huge = "Quá dài. " * 350_000  # about 3 MB, past Werkzeug's own 500 KB form limit
    response = submit(client, counter_path, html, {**answer_everything(html), "comment": huge},
                      "send")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Xin vui lòng rút gọn câu trả lời" in page
    assert len(page) < 100_000  # the 3 MB are not sent back to the phone
    kept = [k for k in given if k != "_field"]
    assert kept and all(f'name="{k}"' in page for k in kept)  # carried as hidden fields


def test_post_beyond_the_request_limit__vietnamese_page(client: FlaskClient,
                                                        counter_path: str) -> None:
    response = client.post(counter_path, data={"comment": "x" * (9 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Quay lại" in response.get_data(as_text=True)


def test_home_page__same_duration_as_the_poster(client: FlaskClient) -> None:
    assert "khoảng 3 phút" in client.get("/").get_data(as_text=True)
