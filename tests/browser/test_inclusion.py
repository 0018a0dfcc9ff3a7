"""Issue 20 as a citizen meets it, in Chromium at 360 px: a recorded question heard, the whole
survey answered on the pictorial scale in a third language loaded from a translator's
spreadsheet, one response stored with its language and an ethnic group of the official list;
the first page still one request and under 30 KB with JavaScript off."""

from __future__ import annotations

import gzip
import urllib.request
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.webapp.audio_helpers import wav_tone
from tests.webapp.survey_helpers import setup_counter
from tests.webapp.translation_helpers import TEST_LANGUAGE, fill
from webapp.inclusion.services import save_audio, set_pictorial_scale
from webapp.inclusion.translations import export_sheet, import_sheet
from webapp.models import Response
from webapp.respond.tokens import sign_counter_token
from webapp.survey_versions import latest_version, load_version

pytestmark = pytest.mark.browser

PAGE_WEIGHT_LIMIT = 30 * 1024
MNONG = "20"  # Mnông in the official list
# Every media element that plays reports its source (the page's player is not in the DOM).
WATCH_AUDIO = """() => { window.__played = [];
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function () {
    this.addEventListener('ended', () => window.__played.push(this.currentSrc), {once: true});
    return play.apply(this, arguments);
  }; }"""


@pytest.fixture
def survey_url(app: Flask, session: Session, live_server: str, tmp_path: Path) -> str:
    counter = setup_counter(session)
    set_pictorial_scale(session, counter.unit, True, None)
    version = latest_version(session, "sipas")
    assert version is not None
    with app.test_request_context():
        save_audio(session, version, item_id="exp_feedback", language=TEST_LANGUAGE,
                   data=wav_tone(0.8), filename="exp_feedback.wav", user_id=None)
    session.commit()
    exported = tmp_path / "sipas-qaa.xlsx"
    export_sheet(session, "sipas", TEST_LANGUAGE, exported)
    import_sheet(session, fill(exported, tmp_path / "filled.xlsx"))
    return f"{live_server}/s/{sign_counter_token(counter, app.config)}"


def _answer_page(page) -> None:  # type: ignore[no-untyped-def]
    """Tap the face for 'Hài lòng' (4) where offered, Mnông for ethnicity, else the first."""
    groups = page.evaluate("""() => [...new Set([...document.querySelectorAll(
        'input[type=radio],input[type=checkbox]')].map(i => i.name))]""")
    for name in groups:
        if name == "_contact":
            continue
        wanted = MNONG if name == "ethnicity" else "4"
        choice = page.locator(f'input[name="{name}"][value="{wanted}"]')
        target = choice if choice.count() else page.locator(f'input[name="{name}"]').first
        folded = target.locator("xpath=ancestor::details[not(@open)]/summary")
        if folded.count():
            folded.click()
        target.locator("xpath=..").click()


def test_citizen__hears_a_recording_answers_with_faces_in_a_third_language(
        browser, survey_url: str, session: Session) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.add_init_script(f"({WATCH_AUDIO})()")
    page.goto(survey_url)
    page.click(f'button[value="lang:{TEST_LANGUAGE}"]')
    expect(page.locator("html")).to_have_attribute("lang", TEST_LANGUAGE)
    expect(page.locator("legend", has_text="[qaa]").first).to_be_visible()

    listen = page.locator("button.say[data-audio]")
    expect(listen).to_be_visible()
    listen.click()
    page.wait_for_function("() => window.__played.length > 0")
    assert "/nghe/" in page.evaluate("() => window.__played[0]")

    faces_seen = 0
    for _ in range(12):
        faces_seen += page.locator(".opts.faces svg.face").count()
        _answer_page(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        if page.locator('button[value="send"]').count():
            page.click('button[value="send"]')
            break
        page.click('button[value="next"]')
    expect(page.locator("h1")).to_be_visible()
    assert faces_seen >= 16 * 5  # the satisfaction grid was answered on faces

    session.expire_all()
    stored = session.scalars(select(Response)).one()
    assert stored.language == TEST_LANGUAGE
    assert stored.answers["ethnicity"] == int(MNONG)
    version = latest_version(session, "sipas")
    assert version is not None
    definition = load_version(version)
    satisfaction = [v for k, v in stored.answers.items()
                    if k in definition.answer_ids() and getattr(
                        definition.scale_of(k), "id", None) == "sat5"]
    assert satisfaction and set(satisfaction) == {4}  # the faces store the scale's codes
    context.close()


def test_english_grid_with_faces__fits_360_pixels(browser, survey_url: str) -> None:  # type: ignore[no-untyped-def]
    """English scale labels ("Dissatisfied") are longer than a fifth of a phone: they wrap."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.goto(survey_url)
    page.click('button[value="lang:en"]')
    expect(page.locator("html")).to_have_attribute("lang", "en")
    for part in (2, 3, 4):
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        _answer_page(page)
        page.click('button[value="next"]')
        expect(page.locator(".step")).to_have_text(f"Part {part} of 6")
    context.close()


def test_first_page__one_request_under_30kb_without_javascript(
        browser, survey_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 360, "height": 740},
                                  java_script_enabled=False)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(survey_url)
    expect(page.locator(".step")).to_be_visible()
    assert len(requests) == 1, requests  # no audio, no script, no picture fetched
    req = urllib.request.Request(survey_url, headers={"Accept-Encoding": "gzip"})  # noqa: S310
    with urllib.request.urlopen(req) as answer:  # noqa: S310 - loopback test server
        body = answer.read()
    html = gzip.decompress(body)
    assert len(body) <= PAGE_WEIGHT_LIMIT and b'class="say" hidden' in html
    context.close()
