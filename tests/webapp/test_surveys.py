"""Publishing definitions as frozen versions, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import survey_defs
from webapp.administration.surveys import PublishError, delete_version, publish_definition
from webapp.cli import main
from webapp.models import Response, SurveyVersion, Unit

SIPAS = survey_defs.SHIPPED_DIR / "sipas.yaml"


def versions(session: Session) -> list[tuple[str, int]]:
    return list(session.execute(select(SurveyVersion.survey_key, SurveyVersion.version)
                                .order_by(SurveyVersion.survey_key, SurveyVersion.version)))


def test_publish__twice_same_text__one_version(session: Session) -> None:
    first = publish_definition(session, SIPAS)
    again = publish_definition(session, SIPAS)
    assert first.created and not again.created
    assert again.version.id == first.version.id
    assert versions(session) == [("sipas", 1)]
    stored = session.get(SurveyVersion, first.version.id)
    loaded = survey_defs.load_definition(SIPAS).definition
    assert (stored.definition_text, stored.content_hash) == (loaded.source_text,
                                                             loaded.content_hash)
    assert len(stored.content_hash) == 64


def test_publish__label_change__new_version_no_scoring_change(session: Session) -> None:
    publish_definition(session, SIPAS)
    text = SIPAS.read_text(encoding="utf-8").replace("Trụ sở sạch sẽ, văn minh",
                                                     "Trụ sở sạch sẽ, văn minh, thoáng mát")
    result = publish_definition(session, SIPAS, text=text)
    assert result.created and result.version.version == 2
    assert result.scoring_changes == ()


def test_publish__satisfied_codes_changed__reported_and_stored(session: Session) -> None:
    publish_definition(session, SIPAS)
    text = SIPAS.read_text(encoding="utf-8").replace("satisfied_codes: [4, 5]",
                                                     "satisfied_codes: [5]")
    assert text != SIPAS.read_text(encoding="utf-8")
    result = publish_definition(session, SIPAS, text=text)
    assert result.version.version == 2 and result.scoring_changes
    assert any("satisfied" in change for change in result.scoring_changes)
    assert session.get(SurveyVersion, result.version.id).scoring_changes


def test_publish__invalid_definition__refused_nothing_stored(session: Session,
                                                             tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(SIPAS.read_text(encoding="utf-8").replace("scale: sat5", "scale: sat55", 1),
                      encoding="utf-8")
    with pytest.raises(PublishError, match="broken.yaml:"):
        publish_definition(session, broken)
    assert versions(session) == []


def test_delete_version__with_responses__refused(session: Session) -> None:
    version = publish_definition(session, SIPAS).version
    unit = Unit(code="U1", name_vi="Xã Một", unit_type="commune")
    session.add(unit)
    session.flush()
    session.add(Response(public_id="a" * 32, submission_id="s" * 32,
                         survey_version_id=version.id, unit_id=unit.id, period="2026-11",
                         channel="web", answers={}))
    session.commit()
    with pytest.raises(PublishError, match="has 1 response"):
        delete_version(session, version.id)
    assert versions(session) == [("sipas", 1)]


def test_delete_version__unanswered__deleted(session: Session) -> None:
    version = publish_definition(session, SIPAS).version
    delete_version(session, version.id)
    assert session.scalar(select(func.count()).select_from(SurveyVersion)) == 0


def test_cli_defs_check__shipped__ok_and_broken__exit_1(runner: FlaskCliRunner,
                                                        tmp_path: Path) -> None:
    result = runner.invoke(main, ["defs", "check"])
    assert result.exit_code == 0, result.output
    broken = tmp_path / "broken.yaml"
    broken.write_text(SIPAS.read_text(encoding="utf-8").replace("scale: sat5", "scale: sat55", 1),
                      encoding="utf-8")
    result = runner.invoke(main, ["defs", "check", str(broken)])
    assert result.exit_code == 1
    assert f"{broken}:" in result.output and "sat55" in result.output


def test_cli_defs_publish__all_shipped(runner: FlaskCliRunner, session: Session) -> None:
    result = runner.invoke(main, ["defs", "publish"])
    assert result.exit_code == 0, result.output
    assert {key for key, _ in versions(session)} == {p.stem for p in survey_defs.shipped_paths()}
