"""Translators' workflow: export a survey's labels, import the filled sheet (checked, all or
nothing), coverage per language, and the survey answered in the third language."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.webapp.survey_helpers import answer_everything, setup_counter, submit
from tests.webapp.translation_helpers import TEST_LANGUAGE, TEST_LANGUAGE_NAME, fill
from webapp.cli import main
from webapp.models import Response, SurveyTranslation
from webapp.respond.tokens import sign_counter_token


@pytest.fixture
def counter_path(app: Flask, session: Session) -> str:
    return "/s/" + sign_counter_token(setup_counter(session), app.config)


def _export(runner: FlaskCliRunner, tmp_path: Path) -> Path:
    out = tmp_path / "sipas-qaa.xlsx"
    result = runner.invoke(main, ["translations", "export", "--survey", "sipas", "--lang",
                                  TEST_LANGUAGE, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _stored(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(SurveyTranslation)) or 0


def test_export__every_label_with_vietnamese_english_and_an_empty_target(
        runner: FlaskCliRunner, counter_path: str, tmp_path: Path) -> None:
    sheet = load_workbook(_export(runner, tmp_path))["translation"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("id", "kind", "vi", "en", TEST_LANGUAGE)
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["exp_feedback"][2] and by_id["exp_feedback"][3]  # Vietnamese and English
    assert by_id["sat5=4"][2] == "Hài lòng" and by_id["sat5=4"][4] is None
    assert by_id["ethnicity=12"][2] == "Ê-đê"
    assert len({r[0] for r in rows[1:]}) == len(rows) - 1  # each label once


@pytest.mark.parametrize(("skip", "overrides", "expected"), [
    ("sat5=4", {}, "'sat5=4' is missing"),
    (None, {"sat5=4": ""}, "qaa': no translation"),
    (None, {"exp_feedback": "[qaa] %(n)s"}, "placeholders differ"),
    (None, {"no_such": "x"}, None),
])
def test_import__bad_sheet__located_errors_and_nothing_stored(
        runner: FlaskCliRunner, counter_path: str, session: Session, tmp_path: Path,
        skip: str | None, overrides: dict[str, str], expected: str | None) -> None:
    filled = fill(_export(runner, tmp_path), tmp_path / "filled.xlsx", skip=skip,
                  overrides=overrides)
    if expected is None:  # an id the version does not have, added by hand
        book = load_workbook(filled)
        book["translation"].append(["no_such", "question", "x", "x", "x"])
        book.save(filled)
        expected = "'no_such' is not a label of sipas"
    result = runner.invoke(main, ["translations", "import", str(filled)])
    assert result.exit_code == 1
    assert expected in result.output and "filled.xlsx:" in result.output
    assert "nothing was imported" in result.output
    assert _stored(session) == 0


def test_survey__third_language_offered_once_complete_and_recorded_with_the_answer(
        app: Flask, client: FlaskClient, runner: FlaskCliRunner, counter_path: str,
        session: Session, tmp_path: Path) -> None:
    first = client.get(counter_path).get_data(as_text=True)
    assert f'value="lang:{TEST_LANGUAGE}"' not in first
    decomposed = unicodedata.normalize("NFD", "[qaa] Phản hồi")
    filled = fill(_export(runner, tmp_path), tmp_path / "filled.xlsx",
                  overrides={"exp_feedback": decomposed})
    result = runner.invoke(main, ["translations", "import", str(filled)])
    assert result.exit_code == 0, result.output
    stored = session.scalar(select(SurveyTranslation.text).where(
        SurveyTranslation.label_id == "exp_feedback"))
    assert stored == unicodedata.normalize("NFC", decomposed)
    report = runner.invoke(main, ["translations", "coverage"]).output
    assert f"sipas v1 {TEST_LANGUAGE}:" in report and "complete, offered" in report

    page = client.get(counter_path).get_data(as_text=True)
    assert f'value="lang:{TEST_LANGUAGE}" lang="{TEST_LANGUAGE}" class="link">' \
           f"{TEST_LANGUAGE_NAME}</button>" in page
    switched = submit(client, counter_path, page, {}, f"lang:{TEST_LANGUAGE}")
    html = switched.get_data(as_text=True)
    assert f'<html lang="{TEST_LANGUAGE}">' in html
    assert "[qaa] Phản hồi" in html and "[qaa] Đã từng/Có" in html  # a question and its choices
    assert "Tiếp tục" in html  # the interface stays in Vietnamese, the catalogue language
    for _ in range(12):
        labels_translated = "[qaa] " in html
        assert labels_translated
        action = "send" if 'value="send"' in html else "next"
        response = submit(client, counter_path, html, answer_everything(html), action)
        if response.status_code == 303:
            break
        html = response.get_data(as_text=True)
    session.expire_all()
    answer = session.scalars(select(Response)).one()
    assert answer.language == TEST_LANGUAGE


def test_with_language__reaches_every_label_including_the_built_in_yes_no() -> None:
    from survey_defs import SHIPPED_DIR, load_definition
    from webapp.inclusion.items import label_items
    from webapp.inclusion.translations import with_language

    for file in ("sipas.yaml", "papi.yaml", "onestop.yaml", "sipas_2017.yaml"):
        definition = load_definition(SHIPPED_DIR / file).definition
        texts = {item.id: f"<{item.id}>" for item in label_items(definition)}
        local = with_language(definition, "qaa", texts)
        seen = {local.title["qaa"]}
        for q in local.questions:
            if q.from_context:
                continue
            seen.add(q.label["qaa"])
            seen.update(r.label["qaa"] for r in q.rows)
            scale = local.scale_of(q.id) if q.type != "number" and q.type != "text" else None
            if scale is not None:
                seen.update(c.label["qaa"] for c in scale.all_choices(True))
        # Every label reached, and the Vietnamese text is untouched.
        expected = {t for i, t in texts.items() if not i.endswith(":hint") and i != ":language"
                    and not i.startswith(":element:")}  # headings: test_inclusion_survey
        assert seen == expected, file
        assert local.questions[0].label["vi"] == definition.questions[0].label["vi"]
