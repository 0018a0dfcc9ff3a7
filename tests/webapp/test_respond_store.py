"""Storing a response in one guarded statement: the token's generation and the submission id
guard the insert itself (``respond.responses.store_response``)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_defs import SHIPPED_DIR, load_definition
from tests.webapp.survey_helpers import setup_counter
from webapp.models import Comment, Counter, Response, SurveyVersion
from webapp.respond.responses import Origin, store_response
from webapp.respond.tokens import InvalidToken
from webapp.survey_versions import load_version, version_in_force

SIPAS = load_definition(SHIPPED_DIR / "sipas.yaml").definition
ANSWERS: dict[str, object] = {f"c9.r{n}": "4" for n in range(15, 31)} | {
    "exp_feedback": "0", "comment": "Cán bộ tận tình"}


def _count(session: Session, model: type) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def _store(session: Session, counter: Counter, submission_id: str,
           generation: int) -> tuple[int, bool]:
    version = version_in_force(session, "sipas")
    assert version is not None
    origin = Origin(unit_id=counter.unit_id, channel="counter", counter_id=counter.id,
                    counter_generation=generation)
    return store_response(session, definition=SIPAS, survey_version_id=version.id,
                          origin=origin, answers=ANSWERS, submission_id=submission_id,
                          context={"procedure": "Hộ tịch", "field": "HT"})


def test_same_submission_id_twice__one_response_one_comment(session: Session) -> None:
    counter = setup_counter(session)
    first = _store(session, counter, "a" * 32, counter.token_generation)
    again = _store(session, counter, "a" * 32, counter.token_generation)
    assert first[1] is True and again == (first[0], False)
    assert _count(session, Response) == 1 and _count(session, Comment) == 1
    stored = session.get(Response, first[0])
    assert stored is not None and stored.answers["c9.r15"] == 4 and stored.counter_id == counter.id


def test_counter_retired_after_the_check__nothing_stored(session: Session) -> None:
    counter = setup_counter(session)
    checked = counter.token_generation
    counter.token_generation += 1  # an administrator retires the poster meanwhile
    session.commit()
    with pytest.raises(InvalidToken) as refused:
        _store(session, counter, "b" * 32, checked)
    assert refused.value.reason == "retired"
    assert _count(session, Response) == 0 and _count(session, Comment) == 0


def test_counter_deactivated_after_the_check__nothing_stored(session: Session) -> None:
    counter = setup_counter(session)
    counter.active = False
    session.commit()
    with pytest.raises(InvalidToken):
        _store(session, counter, "c" * 32, counter.token_generation)
    assert _count(session, Response) == 0


def test_retry_after_retirement__still_answers_with_the_stored_response(session: Session) -> None:
    counter = setup_counter(session)
    stored_id, _ = _store(session, counter, "d" * 32, counter.token_generation)
    checked = counter.token_generation
    counter.token_generation += 1
    session.commit()
    # The network retries a submission that was stored before the poster was retired.
    assert _store(session, counter, "d" * 32, checked) == (stored_id, False)


def test_version_in_force__definition_from_the_cache_matches_the_text(session: Session) -> None:
    setup_counter(session)
    version = version_in_force(session, "sipas")
    assert version is not None
    full = session.scalar(select(SurveyVersion.definition_text)
                          .where(SurveyVersion.id == version.id))
    assert full is not None
    parsed = load_version(version)
    assert parsed.content_hash == version.content_hash
    assert parsed is load_version(version)  # parsed once per process
