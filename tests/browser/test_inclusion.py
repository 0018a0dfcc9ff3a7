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
from werkzeug.security import generate_password_hash

from tests.browser.test_guide import SHOTS, _save
from tests.webapp.audio_helpers import wav_tone
from tests.webapp.staff_helpers import PASSWORD
from tests.webapp.survey_helpers import setup_counter
from tests.webapp.translation_helpers import TEST_LANGUAGE, fill
from webapp.administration.users import PASSWORD_METHOD
from webapp.inclusion.services import save_audio, set_pictorial_scale
from webapp.inclusion.translations import export_sheet, import_sheet
from webapp.models import AuditEntry, Response, Role, SurveyAudio, Unit, User
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
    # The interface texts and the fields' names came from the same spreadsheet.
    expect(page.locator('button[value="next"]')).to_have_text("[qaa] Tiếp tục")
    expect(page.locator("label", has_text="[qaa] Hộ tịch")).to_be_visible()
    if SHOTS:  # the same page in both guides: the language is the translators'
        for guide in ("vi", "en"):
            _save(page.screenshot(), "inclusion-survey-third-language.png", guide)

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
    expect(page.locator("h1")).to_have_text("[qaa] Xin cảm ơn Ông/Bà!")
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


MANAGER = "manager.x1@t.vn"


def _sign_in_manager(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server + "/staff/")
    page.fill("input[name=email]", MANAGER)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/staff/")


@pytest.fixture
def unit_manager(session: Session, survey_url: str) -> int:
    """The manager of the survey's commune (signs in with PASSWORD); returns the unit id."""
    unit = session.scalars(select(Unit).where(Unit.code == "X1")).one()
    session.add(User(email=MANAGER, role=Role.UNIT_MANAGER, unit_id=unit.id,
                     password_hash=generate_password_hash(PASSWORD, method=PASSWORD_METHOD)))
    session.commit()
    return unit.id


def test_unit_manager__records_in_the_browser__citizen_hears_the_units_take(
        browser, live_server: str, survey_url: str, unit_manager: int,  # type: ignore[no-untyped-def]
        session: Session) -> None:
    """The manager records "exp_feedback" with the (fake) microphone; the take is uploaded
    through the file field, stored as the unit's, and played instead of the survey-wide one."""
    version = latest_version(session, "sipas")
    assert version is not None
    shared = session.scalars(select(SurveyAudio).where(SurveyAudio.unit_id.is_(None))).one()
    context = browser.new_context(viewport={"width": 1000, "height": 900}, locale="vi-VN",
                                  permissions=["microphone"])
    page = context.new_page()
    _sign_in_manager(page, live_server)
    page.click("nav.staff >> text=Nghe và khuôn mặt")
    page.click(f'a[href="/admin/units/X1/surveys/{version.id}/listening"]')
    expect(page.locator("#recorder")).to_be_visible()
    page.select_option("select[name=item]", "exp_feedback")
    page.fill("input[name=language]", TEST_LANGUAGE)
    page.click("#rec-start")
    expect(page.locator("#rec-stop")).to_be_enabled()
    page.wait_for_timeout(1500)  # a take longer than the 0.3 s minimum, whatever the load
    page.click("#rec-stop")
    expect(page.locator("#rec-preview")).to_be_visible()
    assert page.evaluate("document.querySelector('input[type=file]').files[0].name") \
        == "recording.wav"
    if SHOTS:
        _save(page.screenshot(full_page=True), "inclusion-recording.png", "vi")
    page.click("input[type=submit][name=submit]")
    expect(page.locator(".flash")).to_contain_text("Đã lưu")
    session.expire_all()
    take = session.scalars(select(SurveyAudio).where(
        SurveyAudio.unit_id == unit_manager)).one()
    assert (take.item_id, take.language, take.media_type) == ("exp_feedback", TEST_LANGUAGE,
                                                              "audio/wav")
    assert 1000 <= take.duration_ms <= 60_000
    audit = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "survey_audio.upload")).all()
    assert any((a.detail or {}).get("unit") == "X1" for a in audit)
    if SHOTS:
        page.goto(page.url + "?lang=en")
        _save(page.screenshot(full_page=True), "inclusion-recording.png", "en")
    context.close()

    citizen = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True)
    phone = citizen.new_page()
    phone.add_init_script(f"({WATCH_AUDIO})()")
    phone.goto(survey_url)
    phone.click(f'button[value="lang:{TEST_LANGUAGE}"]')
    phone.locator("button.say[data-audio]").first.click()
    phone.wait_for_function("() => window.__played.length > 0")
    played = phone.evaluate("() => window.__played[0]")
    assert played.endswith(f"/nghe/{take.id}") and not played.endswith(f"/nghe/{shared.id}")
    citizen.close()


def test_listening_page__without_javascript__uploads_a_file(
        browser, live_server: str, survey_url: str, unit_manager: int,  # type: ignore[no-untyped-def]
        session: Session, tmp_path: Path) -> None:
    version = latest_version(session, "sipas")
    assert version is not None
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _sign_in_manager(page, live_server)
    page.goto(f"{live_server}/admin/units/X1/surveys/{version.id}/listening")
    expect(page.locator("#recorder")).to_be_hidden()
    recording = tmp_path / "cau-hoi.wav"
    recording.write_bytes(wav_tone(1.2))
    page.select_option("select[name=item]", "exp_feedback")
    page.set_input_files("input[type=file]", str(recording))
    page.click("input[type=submit][name=submit]")
    expect(page.locator(".flash")).to_contain_text("Đã lưu")
    session.expire_all()
    assert session.scalars(select(SurveyAudio).where(
        SurveyAudio.unit_id == unit_manager)).one().language == "vi"
    context.close()
