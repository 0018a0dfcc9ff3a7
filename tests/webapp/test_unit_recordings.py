"""Units' own recordings: the nearest unit's take wins over its ancestors' and the survey-wide
one, on the survey page of every unit below it; the listening pages alone may run a script."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from tests.webapp.audio_helpers import wav_tone
from tests.webapp.staff_helpers import World, build_world, login
from webapp.inclusion.services import recordings, save_audio, set_pictorial_scale
from webapp.models import Counter, Unit
from webapp.respond.tokens import sign_counter_token
from webapp.security import recorder_nonce
from webapp.survey_versions import latest_version


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def _save(app: Flask, session: Session, unit: Unit | None, item: str = "exp_feedback") -> int:
    version = latest_version(session, "sipas")
    assert version is not None
    with app.test_request_context():
        audio = save_audio(session, version, item_id=item, language="vi",
                           data=wav_tone(0.6), filename="x.wav", user_id=None, unit=unit)
    session.commit()
    return audio.id


def test_recordings__nearest_unit_wins_then_ancestors_then_survey_wide(
        app: Flask, session: Session, world: World) -> None:
    unit = {code: session.get(Unit, uid) for code, uid in world.units.items()}
    shared = _save(app, session, None)
    province = _save(app, session, unit["P"])
    commune = _save(app, session, unit["A"])
    only_shared = _save(app, session, None, "sat5=4")
    version = latest_version(session, "sipas")
    assert version is not None

    def heard(code: str | None) -> dict[str, int]:
        return recordings(session, version.id, "vi", world.units[code] if code else None)

    assert heard("A1") == {"exp_feedback": commune, "sat5=4": only_shared}  # parent A's
    assert heard("A")["exp_feedback"] == commune
    assert heard("B")["exp_feedback"] == province  # B has none: the province's
    assert heard(None)["exp_feedback"] == shared  # no unit (interviewer mode): survey-wide
    assert recordings(session, version.id, "en", world.units["A1"]) == {}
    # Replacing a unit's take keeps one row per unit, label and language.
    assert _save(app, session, unit["A"]) == commune


def test_survey_page__plays_the_units_take(app: Flask, client: FlaskClient, session: Session,
                                         world: World) -> None:
    _save(app, session, None)
    own = _save(app, session, session.get(Unit, world.units["A"]))
    counter = session.get(Counter, world.counters["A1"])
    assert counter is not None
    page = client.get("/s/" + sign_counter_token(counter, app.config)).get_data(as_text=True)
    assert f'data-audio="/nghe/{own}' in page


def test_listening_page__script_and_blob_audio_allowed_there_only(
        app: Flask, client: FlaskClient, session: Session, world: World) -> None:
    login(client, "manager")
    version = latest_version(session, "sipas")
    assert version is not None
    reply = client.get(f"/admin/units/A/surveys/{version.id}/listening")
    policy = reply.headers["Content-Security-Policy"]
    nonce = re.search(r"script-src 'nonce-([^']+)'", policy)
    assert nonce and f'<script nonce="{nonce.group(1)}">' in reply.get_data(as_text=True)
    assert "media-src 'self' blob:" in policy
    counter = session.get(Counter, world.counters["A"])
    assert counter is not None
    survey = client.get("/s/" + sign_counter_token(counter, app.config))
    assert "blob:" not in survey.headers["Content-Security-Policy"]
    assert "script-src" not in client.get("/admin/pictorial").headers["Content-Security-Policy"]
    with app.test_request_context("/admin/pictorial"), pytest.raises(RuntimeError):
        recorder_nonce()


def test_survey_page__faces_and_recordings_read_in_one_statement(
        app: Flask, client: FlaskClient, session: Session, world: World) -> None:
    """However many questions and choices a page shows, its faces option and recordings are
    one statement (issue 18: they were a query per ancestor, one for the recordings and one
    for the faces)."""
    own = _save(app, session, session.get(Unit, world.units["A"]))
    unit = session.get(Unit, world.units["A1"])
    assert unit is not None
    set_pictorial_scale(session, unit, True, None)
    session.commit()
    counter = session.get(Counter, world.counters["A1"])
    assert counter is not None
    path = "/s/" + sign_counter_token(counter, app.config)
    client.get(path)  # the first request of a process also loads the definition
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = app.extensions["hailong.engine"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        page = client.get(path).get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert f'data-audio="/nghe/{own}' in page  # the first page has no satisfaction scale
    inclusion = [s for s in statements if "survey_audio" in s or "unit_survey_options" in s]
    assert len(inclusion) == 1, inclusion


def test_recordings__a_parent_cycle_ends(app: Flask, session: Session, world: World) -> None:
    """Bad data (A under A1 under A) neither loops nor hides the unit's own recording."""
    a, a1 = session.get(Unit, world.units["A"]), session.get(Unit, world.units["A1"])
    assert a is not None and a1 is not None
    own = _save(app, session, a1)
    a.parent_id = a1.id
    session.commit()
    version = latest_version(session, "sipas")
    assert version is not None
    assert recordings(session, version.id, "vi", a1.id) == {"exp_feedback": own}
