"""Recordings (upload checks, storage in the database, the public audio route, the page's
"Nghe" button) and the per-unit pictorial scale (audited, scored identically)."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.webapp.audio_helpers import wav_tone
from tests.webapp.staff_helpers import World, build_world, csrf_token, login
from tests.webapp.survey_helpers import answer_everything, submit
from webapp.models import AuditEntry, Counter, Response, SurveyAudio
from webapp.respond.tokens import sign_counter_token
from webapp.survey_versions import latest_version


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def _survey_path(app: Flask, session: Session, world: World, unit: str = "A") -> str:
    counter = session.get(Counter, world.counters[unit])
    assert counter is not None
    return "/s/" + sign_counter_token(counter, app.config)


def _upload(client: FlaskClient, version_id: int, data: bytes, filename: str,
            item: str = "exp_feedback", language: str = "vi"):  # type: ignore[no-untyped-def]
    path = f"/admin/surveys/{version_id}/listening"
    return client.post(path, data={
        "csrf_token": csrf_token(client, path), "item": item, "language": language,
        "file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def _count(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(SurveyAudio)) or 0


def test_recording__stored_in_the_database_served_and_offered_on_the_page(
        app: Flask, client: FlaskClient, session: Session, world: World) -> None:
    login(client, "admin")
    version = latest_version(session, "sipas")
    assert version is not None
    page = client.get(f"/admin/surveys/{version.id}/listening").get_data(as_text=True)
    assert "exp_feedback" not in re.sub(r'value="[^"]*"', "", page)  # labels, never ids
    wav = wav_tone(1.5)
    response = _upload(client, version.id, wav, "cau-hoi-1.wav")
    assert response.status_code == 303
    audio = session.scalars(select(SurveyAudio)).one()
    assert (audio.media_type, audio.duration_ms, audio.size_bytes) == ("audio/wav", 1500,
                                                                       len(wav))
    assert session.scalar(select(AuditEntry).where(
        AuditEntry.action == "survey_audio.upload")) is not None

    citizen = app.test_client()
    survey = citizen.get(_survey_path(app, session, world)).get_data(as_text=True)
    assert f'data-audio="/nghe/{audio.id}"' in survey
    assert survey.count('class="say" hidden') >= 2  # every question has its button
    served = citizen.get(f"/nghe/{audio.id}")
    assert served.status_code == 200 and served.mimetype == "audio/wav"
    assert served.data == wav
    again = citizen.get(f"/nghe/{audio.id}", headers={"If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304
    # Another language: the Vietnamese recording is not offered on the English page.
    english = citizen.post(_survey_path(app, session, world),
                           data={"action": "lang:en", "csrf_token": ""})
    english_html = english.get_data(as_text=True)
    assert 'lang="en"' in english_html and 'data-audio="' not in english_html
    # Replacing keeps one recording per item and language.
    assert _upload(client, version.id, wav_tone(2.0), "lai.wav").status_code == 303
    assert _count(session) == 1


@pytest.mark.parametrize(("data", "name", "item", "language", "why"), [
    (b"hello, not audio at all" * 10, "fake.mp3", "exp_feedback", "vi", "MP3, OGG, WAV"),
    (b"", "empty.wav", "exp_feedback", "vi", "empty.wav"),
    (b"RIFF\x00\x00\x00\x00WAVEjunk", "broken.wav", "exp_feedback", "vi", "broken.wav"),
    (None, "long.wav", "exp_feedback", "vi", "61"),
    (None, "ok.wav", "no_such_question", "vi", None),
    (None, "ok.wav", "exp_feedback", "v1", "vi, en, cmo"),
])
def test_refused_upload__says_why_and_stores_nothing(
        client: FlaskClient, session: Session, world: World, data: bytes | None, name: str,
        item: str, language: str, why: str | None) -> None:
    login(client, "admin")
    version = latest_version(session, "sipas")
    assert version is not None
    if data is None:
        data = wav_tone(61.0) if name == "long.wav" else wav_tone(1.0)
    response = _upload(client, version.id, data, name, item=item, language=language)
    assert response.status_code == 400
    if why:
        assert why in response.get_data(as_text=True)
    assert _count(session) == 0


def test_oversized_file__refused_before_it_is_parsed(app: Flask) -> None:
    # Checked directly: a 1 MB multipart body makes the test client spool to a file it
    # never closes.
    from webapp.inclusion.audio_files import AudioRejected, check_audio

    with app.test_request_context(), pytest.raises(AudioRejected, match="1024"):
        check_audio(b"\xff\xfb" + b"\x00" * (1024 * 1024 + 10), "big.mp3")


def _walk(app: Flask, path: str) -> tuple[list[str], dict[str, object]]:
    client = app.test_client()
    html = client.get(path).get_data(as_text=True)
    pages = [html]
    for _ in range(12):
        action = "send" if 'value="send"' in html else "next"
        response = submit(client, path, html, answer_everything(html, "4"), action)
        if response.status_code == 303:
            return pages, {}
        html = response.get_data(as_text=True)
        pages.append(html)
    raise AssertionError("the survey never ended")


def test_pictorial_scale__chosen_per_unit_audited_and_scored_identically(
        app: Flask, client: FlaskClient, session: Session, world: World) -> None:
    path = _survey_path(app, session, world)
    words_pages, _ = _walk(app, path)
    assert not any("#face" in p for p in words_pages)

    login(client, "admin")
    assert "Xã An" in client.get("/admin/pictorial").get_data(as_text=True)
    response = client.post("/admin/units/A/pictorial", data={
        "csrf_token": csrf_token(client, "/admin/pictorial"), "pictorial": "y"})
    assert response.status_code == 303
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "unit.pictorial_scale"))
    assert entry is not None and entry.target == "A" and entry.detail == {"before": False,
                                                                           "after": True}
    faces_pages, _ = _walk(app, path)
    grid = next(p for p in faces_pages if "#face" in p)
    assert grid.count('<symbol id="face') == 5  # drawn once per page
    assert 'class="opts scale faces"' in grid
    # The same choices, the same codes: only the picture differs.
    def radios(pages: list[str]) -> list[list[str]]:
        return [re.findall(r'<input type="radio"[^>]*>', p) for p in pages]

    assert radios(faces_pages) == radios(words_pages)
    # Unit B still answers in words.
    b_page = app.test_client().get(_survey_path(app, session, world, "B")).get_data(
        as_text=True)
    assert "<symbol" not in b_page

    session.expire_all()
    stored = session.scalars(select(Response).order_by(Response.id)).all()
    assert len(stored) == 2
    assert stored[0].answers == stored[1].answers
    assert any(isinstance(v, int) and v == 4 for v in stored[1].answers.values())
