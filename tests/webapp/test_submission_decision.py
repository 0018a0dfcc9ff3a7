"""The survey submission decision as a pure function: (context, posted page) -> outcome.

No server and no database: the context is built from the shipped SIPAS definition and
unsaved model objects, the form is a MultiDict as the browser would post it.
"""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from survey_defs import SHIPPED_DIR, load_definition
from webapp.models import ProcedureField, SurveyVersion, Unit
from webapp.respond.context import SurveyContext
from webapp.respond.flow import CONTACT_INPUT, FIELD_INPUT, PHONE_INPUT
from webapp.respond.responses import Origin
from webapp.respond.submission import (
    Notice,
    RecordResponse,
    ShowPage,
    decide,
    read_posted_page,
)

SIPAS = load_definition(SHIPPED_DIR / "sipas.yaml").definition
VALID_ID = "0123456789abcdef0123456789abcdef"
FRESH_ID = "f" * 32
LANGUAGES = ("vi", "en")
LAST_PAGE = 99  # past the last page: the flow takes the last page shown (where "send" sits)


def _context(*, field_known: bool = True) -> SurveyContext:
    fields = (ProcedureField(id=7, code="HT", name_vi="Hộ tịch"),)
    origin = Origin(unit_id=1, channel="counter", counter_id=3,
                    field_id=7 if field_known else None)
    return SurveyContext(origin, Unit(id=1, code="X1", name_vi="Xã"),
                         SurveyVersion(id=11, survey_key="sipas", version=1), SIPAS, fields)


def _complete() -> list[tuple[str, str]]:
    rows = [(f"c9.r{n}", "4") for n in range(15, 31)]
    return rows + [("exp_feedback", "0")]


def _post(ctx: SurveyContext, fields: list[tuple[str, str]], *, action: str = "send",
          submission_id: str = VALID_ID, csrf_ok: bool = True, within_limits: bool = True,
          page: int = LAST_PAGE) -> ShowPage | RecordResponse:
    form = MultiDict([*fields, ("action", action), ("submission_id", submission_id),
                      ("page", str(page))])
    posted = read_posted_page(ctx, form, csrf_ok=csrf_ok, within_limits=within_limits)
    return decide(ctx, posted, languages=LANGUAGES, fresh_id=FRESH_ID)


def test_complete_answers__recorded_with_the_tokens_origin_and_the_procedure() -> None:
    outcome = _post(_context(), _complete())
    assert isinstance(outcome, RecordResponse)
    assert outcome.origin.field_id == 7 and outcome.origin.counter_id == 3
    assert outcome.submission_id == VALID_ID and outcome.contact_phone is None
    assert outcome.context == {"procedure": "Hộ tịch", "field": "HT"}
    assert outcome.answers["c9.r15"] == "4"


def test_malformed_submission_id__replaced_by_a_fresh_one() -> None:
    outcome = _post(_context(), _complete(), submission_id="x")
    assert isinstance(outcome, RecordResponse) and outcome.submission_id == FRESH_ID


def test_rate_limited__page_again_429_with_everything_kept_as_posted() -> None:
    outcome = _post(_context(), _complete(), submission_id="x", within_limits=False)
    assert isinstance(outcome, ShowPage)
    assert (outcome.status, outcome.notice) == (429, Notice.TOO_MANY)
    assert outcome.submission_id == "x"  # the same submission when pressed again
    assert outcome.answers["exp_feedback"] == "0"


def test_expired_form__never_recorded_answers_kept() -> None:
    outcome = _post(_context(), _complete(), csrf_ok=False)
    assert isinstance(outcome, ShowPage) and outcome.notice is Notice.EXPIRED
    assert outcome.status is None and outcome.step.errors == {}
    assert outcome.submission_id == VALID_ID and outcome.answers["c9.r30"] == "4"


@pytest.mark.parametrize(("action", "language"), [("lang:en", "en"), ("lang:fr", None)])
def test_language_button__stays_on_the_page(action: str, language: str | None) -> None:
    outcome = _post(_context(), _complete(), action=action)
    assert isinstance(outcome, ShowPage)
    assert outcome.language == language and outcome.step.errors == {}


def test_field_unknown__first_page_asks_for_it() -> None:
    outcome = _post(_context(field_known=False), _complete(), action="next", page=0)
    assert isinstance(outcome, ShowPage) and FIELD_INPUT in outcome.step.errors
    picked = _post(_context(field_known=False), [*_complete(), (FIELD_INPUT, "7")])
    assert isinstance(picked, RecordResponse) and picked.origin.field_id == 7


def test_contact_me__needs_a_comment_and_a_phone_number() -> None:
    ticked = [(CONTACT_INPUT, "1"), (PHONE_INPUT, "0912 345 678")]
    without_comment = _post(_context(), [*_complete(), *ticked])
    assert isinstance(without_comment, ShowPage)
    assert CONTACT_INPUT in without_comment.step.errors
    assert without_comment.step.page is not None
    assert "comment" in without_comment.step.page.question_ids  # sent back to the comment
    bad_phone = _post(_context(), [*_complete(), ("comment", "Chờ lâu"), (CONTACT_INPUT, "1"),
                                   (PHONE_INPUT, "12")])
    assert isinstance(bad_phone, ShowPage) and CONTACT_INPUT in bad_phone.step.errors
    good = _post(_context(), [*_complete(), ("comment", "Chờ lâu"), *ticked])
    assert isinstance(good, RecordResponse) and good.contact_phone == "0912 345 678"


def test_back__goes_back_without_errors() -> None:
    outcome = _post(_context(), [("exp_feedback", "0")], action="back", page=2)
    assert isinstance(outcome, ShowPage) and outcome.step.errors == {}


def test_incomplete_send__shows_the_page_with_the_missing_answers() -> None:
    outcome = _post(_context(), [("exp_feedback", "0")])
    assert isinstance(outcome, ShowPage) and outcome.step.errors
    assert outcome.status is None  # the view answers 422 for a page with errors
