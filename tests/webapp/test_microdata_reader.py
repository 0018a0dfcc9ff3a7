"""The response reader (services.microdata): fast path typed as one frame of the stored rows."""

from __future__ import annotations

import pandas as pd
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.demo.loader import demo_months, load_demo
from webapp.models import Counter, ProcedureField, Response, SurveyVersion, Unit
from webapp.periods import parse_period
from webapp.statistics.microdata import UNKNOWN_FIELD, iter_response_chunks, load_responses


def _reference(session: Session, period: str) -> pd.DataFrame:
    """The frame built the plain way: ORM objects → one dict per response → from_records."""
    p = parse_period(period)
    units = dict(session.execute(select(Unit.id, Unit.code)).all())
    counters = dict(session.execute(select(Counter.id, Counter.code)).all())
    fields = dict(session.execute(select(ProcedureField.id, ProcedureField.code)).all())
    versions = dict(session.execute(select(SurveyVersion.id, SurveyVersion.version)
                                    .where(SurveyVersion.survey_key == "sipas")).all())
    rows = []
    for r in session.scalars(select(Response).where(Response.period.in_(p.months()),
                                                    Response.survey_version_id.in_(versions))
                             .order_by(Response.public_id)):  # as exports are: never by id
        row = {"response_id": r.public_id, "survey_version": versions[r.survey_version_id],
               "unit": units[r.unit_id], "counter": counters.get(r.counter_id),
               "field": fields.get(r.field_id) or UNKNOWN_FIELD, "period": str(p),
               "month": r.period, "channel": r.channel, "on_time": r.on_time,
               "language": r.language}
        row.update(r.answers)
        rows.append(row)
    return pd.DataFrame.from_records(rows)


def _vary_answers(session: Session) -> None:
    """Give some stored responses lists, text, floats, gaps and a key holding mixed types."""
    responses = session.scalars(select(Response).order_by(Response.id)).all()
    for i, r in enumerate(responses[:60]):
        answers = dict(r.answers)
        answers["pick"] = [1, 3] if i % 3 else [2]
        if i % 4 == 0:
            answers["note"] = "Thủ tục nhanh, cán bộ tận tình"
        if i % 5 == 0:
            answers["score"] = 2.5
        elif i % 5 == 1:
            answers["score"] = 4
        answers.pop("gender", None) if i % 2 else None
        r.answers = answers
    session.commit()


def _mix_types(session: Session, year: str) -> None:
    """One key with a number in one response and text in another: Arrow cannot type them
    together, so that chunk is parsed one document at a time; the result must not differ."""
    a, b = session.scalars(select(Response).where(Response.period.startswith(year))
                           .order_by(Response.id).offset(70).limit(2)).all()
    a.answers = dict(a.answers) | {"mixed": 5}
    b.answers = dict(b.answers) | {"mixed": "năm"}
    session.commit()


def test_reader__same_frame_as_records_of_stored_rows(app: Flask, session: Session) -> None:
    load_demo(session, app.config, responses=150, seed=11)
    _vary_answers(session)
    period = demo_months()[-1][:4]
    expected = _reference(session, period)
    got = load_responses(session, "sipas", period)
    assert len(got) == len(expected) > 100
    pd.testing.assert_frame_equal(got, expected, check_dtype=True)
    # Rows come in public-id order, so which rows hold a pick is not known by position.
    picks = got["pick"].dropna()
    assert len(picks) > 0 and all(isinstance(p, list) for p in picks)
    assert got["pick"].isna().any()  # responses past the first 60 have none
    chunks = list(iter_response_chunks(session, "sipas", parse_period(period), chunk=25))
    assert [len(c) for c in chunks[:-1]] == [25] * (len(chunks) - 1)
    for frame, start in zip(chunks, range(0, len(expected), 25), strict=True):
        part = expected.iloc[start:start + 25].reset_index(drop=True).dropna(axis=1, how="all")
        pd.testing.assert_frame_equal(frame.dropna(axis=1, how="all")[part.columns], part,
                                      check_dtype=False)
    _mix_types(session, period)
    mixed = load_responses(session, "sipas", period)
    pd.testing.assert_frame_equal(mixed, _reference(session, period), check_dtype=True)
    assert set(mixed["mixed"].dropna().tolist()) == {5, "năm"}  # rows in public-id order


def test_reader__unknown_survey_or_empty_period__no_chunks(app: Flask,
                                                           session: Session) -> None:
    load_demo(session, app.config, responses=20, seed=11)
    assert list(iter_response_chunks(session, "nope", parse_period("2026"))) == []
    assert list(iter_response_chunks(session, "sipas", parse_period("1999"))) == []
    assert load_responses(session, "sipas", "1999").empty
