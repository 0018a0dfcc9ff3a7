"""Pre-rendered questions (``respond/fragments.py``): a cached unanswered question never hides
an answer, an error or the page's language."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.webapp.survey_helpers import answer_everything, page_answer_ids, setup_counter, submit
from webapp.respond.tokens import sign_counter_token


@pytest.fixture
def counter_path(app: Flask, session: Session) -> str:
    return "/s/" + sign_counter_token(setup_counter(session), app.config)


def test_cached_question__answer_and_error_marks_still_shown(client: FlaskClient,
                                                             counter_path: str) -> None:
    first = client.get(counter_path).get_data(as_text=True)
    assert client.get(counter_path).get_data(as_text=True).count("<fieldset") == \
        first.count("<fieldset")  # the second GET is served from the fragments
    answers = answer_everything(first)
    asked = sorted(page_answer_ids(first) - {"_field"})
    assert asked, "the first page asks a question"
    # Answer the field and leave the question unanswered: the error must be marked on it.
    refused = submit(client, counter_path, first, {"_field": answers["_field"]})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'aria-invalid="true"' in page
    assert not any(re.search(rf'name="{re.escape(a)}" value="[^"]*" checked', page) for a in asked)
    # Answered: the choice is checked although the unanswered version was cached.
    answered = submit(client, counter_path, first, answers, "stay")
    choice = answers[asked[0]]
    assert re.search(rf'name="{re.escape(asked[0])}" value="{choice}" checked', answered.get_data(
        as_text=True))


def test_cached_question__other_language_rendered_in_it(client: FlaskClient,
                                                        counter_path: str) -> None:
    vietnamese = client.get(counter_path).get_data(as_text=True)
    english = submit(client, counter_path, vietnamese, {}, "lang:en").get_data(as_text=True)
    assert "Part 1 of" in english
    legends = re.findall(r"<legend>([^<]+)", english)
    assert legends and not set(legends) & set(re.findall(r"<legend>([^<]+)", vietnamese))
