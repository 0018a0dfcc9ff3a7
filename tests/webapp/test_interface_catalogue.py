"""Issue 20, part 3 and 4: the citizen's interface texts and the procedure fields' names travel
in the translators' spreadsheet, are checked like the labels, and a language is offered only
once both its labels and its interface are complete."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from openpyxl import load_workbook
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tests.webapp.survey_helpers import setup_counter
from tests.webapp.translation_helpers import TEST_LANGUAGE, fill
from webapp.cli import main
from webapp.extensions import LANGUAGE_COOKIE
from webapp.inclusion.interface_texts import citizen_msgids, field_key, interface_key
from webapp.models import InterfaceTranslation, SurveyTranslation
from webapp.respond.tokens import sign_counter_token

CONTINUE = interface_key("Continue")
THANKS = interface_key("Thank you!")


@pytest.fixture
def counter_path(app: Flask, session: Session) -> str:
    return "/s/" + sign_counter_token(setup_counter(session), app.config)


def _export(runner: FlaskCliRunner, tmp_path: Path) -> Path:
    out = tmp_path / "sipas-qaa.xlsx"
    result = runner.invoke(main, ["translations", "export", "--survey", "sipas", "--lang",
                                  TEST_LANGUAGE, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _import(runner: FlaskCliRunner, path: Path) -> str:
    result = runner.invoke(main, ["translations", "import", str(path)])
    return f"{result.exit_code} {result.output}"


def test_msgids__the_citizen_pages_texts_and_no_staff_text() -> None:
    found = set(citizen_msgids())
    for msgid in ("Continue", "Send", "Listen", "Thank you!", "Please answer this question.",
                  "Which field was your procedure in?",
                  "Please choose the field of your procedure."):
        assert msgid in found, msgid
    assert "Sign out and start the kiosk" not in found  # the kiosk's staff page is not asked
    assert "Recordings" not in found


def test_export__interface_and_field_rows_after_the_labels(
        runner: FlaskCliRunner, counter_path: str, tmp_path: Path) -> None:
    rows = list(load_workbook(_export(runner, tmp_path))["translation"].iter_rows(
        values_only=True))
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id[CONTINUE][1:4] == ("interface", "Tiếp tục", "Continue")
    assert by_id[field_key("HT")][1:4] == ("field", "Hộ tịch", "Civil status")
    kinds = [r[1] for r in rows[1:]]
    first_interface = kinds.index("interface")
    assert set(kinds[:first_interface]) <= {"language", "title", "heading", "question",
                                            "hint", "row", "choice"}
    assert kinds.count("interface") == len(citizen_msgids())


@pytest.mark.parametrize(("skip", "overrides", "expected"), [
    (CONTINUE, {}, f"'{CONTINUE}' is missing (Vietnamese: 'Tiếp tục')"),
    (None, {interface_key("Part %(n)s of %(total)s"): "[qaa] Phần %(n)s"},
     "placeholders differ"),
    (None, {field_key("DD"): ""}, "qaa': no translation"),
])
def test_import__bad_interface_row__located_and_nothing_stored(
        runner: FlaskCliRunner, counter_path: str, session: Session, tmp_path: Path,
        skip: str | None, overrides: dict[str, str], expected: str) -> None:
    filled = fill(_export(runner, tmp_path), tmp_path / "filled.xlsx", skip=skip,
                  overrides=overrides)
    output = _import(runner, filled)
    assert output.startswith("1 ") and expected in output and "filled.xlsx:" in output
    session.expire_all()
    for model in (InterfaceTranslation, SurveyTranslation):
        assert session.scalar(select(func.count()).select_from(model)) == 0


def test_interface_incomplete__language_not_offered__coverage_says_why(
        runner: FlaskCliRunner, client: FlaskClient, counter_path: str, session: Session,
        tmp_path: Path) -> None:
    assert _import(runner, fill(_export(runner, tmp_path), tmp_path / "f.xlsx")).startswith("0")
    assert f'value="lang:{TEST_LANGUAGE}"' in client.get(counter_path).get_data(as_text=True)
    session.execute(delete(InterfaceTranslation).where(InterfaceTranslation.key == THANKS))
    session.commit()
    assert f'value="lang:{TEST_LANGUAGE}"' not in client.get(counter_path).get_data(
        as_text=True)
    report = runner.invoke(main, ["translations", "coverage"]).output
    total = len(citizen_msgids())
    assert f"interface {TEST_LANGUAGE}: {total - 1}/{total}" in report
    assert "labels complete, interface incomplete: not offered" in report


def test_survey_in_the_third_language__buttons_errors_fields_and_thanks_from_the_sheet(
        runner: FlaskCliRunner, client: FlaskClient, counter_path: str, tmp_path: Path) -> None:
    overrides = {CONTINUE: "Tiếp tục (qaa)", field_key("HT"): "Hộ tịch (qaa)",
                 interface_key("Please choose the field of your procedure."): "Chọn (qaa)",
                 THANKS: "Cảm ơn (qaa)"}
    filled = fill(_export(runner, tmp_path), tmp_path / "f.xlsx", overrides=overrides)
    assert _import(runner, filled).startswith("0")
    page = client.post(counter_path, data={"action": f"lang:{TEST_LANGUAGE}"}).get_data(
        as_text=True)
    assert f'lang="{TEST_LANGUAGE}"' in page
    assert re.search(r'value="next"[^>]*>Tiếp tục \(qaa\)<', page)
    assert "Hộ tịch (qaa)" in page and ">Tiếp tục<" not in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    refused = client.post(counter_path, data={"action": "next", "csrf_token": csrf.group(1)})
    assert refused.status_code == 422 and "Chọn (qaa)" in refused.get_data(as_text=True)
    client.set_cookie(LANGUAGE_COOKIE, TEST_LANGUAGE)
    thanks = client.get("/d/done").get_data(as_text=True)
    assert "Cảm ơn (qaa)" in thanks and f'lang="{TEST_LANGUAGE}"' in thanks
    client.set_cookie(LANGUAGE_COOKIE, "vi")  # back to Vietnamese: the catalogue again
    assert "Xin cảm ơn Ông/Bà!" in client.get("/d/done").get_data(as_text=True)
