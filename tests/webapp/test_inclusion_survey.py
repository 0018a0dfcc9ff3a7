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
