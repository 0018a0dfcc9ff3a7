"""Exports over a range of months (``FROM..TO``): parsing, CLI, web form, codebook."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import PERIOD, PREVIOUS, build_world, csrf_token, login
from webapp.cli import main
from webapp.export.service import ExportRequest, run_export
from webapp.periods import (
    Period,
    PeriodError,
    PeriodOrderError,
    PeriodRange,
    parse_period,
    parse_period_span,
)
from webapp.statistics.microdata import load_responses


def test_parse_period_span__ranges_and_single_periods() -> None:
    half = parse_period_span("2026-01..2026-06")
    assert isinstance(half, PeriodRange) and str(half) == "2026-01..2026-06"
    assert half.months() == [f"2026-{m:02d}" for m in range(1, 7)]
    across = parse_period_span(" 2025-Q4..2026-02 ")
    assert across.months() == ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02"]
    assert parse_period_span("2025..2026").months()[0] == "2025-01"
    assert len(parse_period_span("2025..2026").months()) == 24
    for single in ("2026", "2026-Q3", "2026-07"):
        assert parse_period_span(single) == parse_period(single)
        assert isinstance(parse_period_span(single), Period)
    assert parse_period_span("2026-03..2026-03") == parse_period("2026-03")


@pytest.mark.parametrize(("text", "error", "message"), [
    ("2026-06..2026-01", PeriodOrderError, "starts after it ends"),
    ("2026..2026-03", PeriodOrderError, "starts after it ends"),
    ("2026-01..2026-13", PeriodError, "the end of period range"),
    ("2026-1..2026-03", PeriodError, "the start of period range"),
    ("2026-01..", PeriodError, "one period on each side"),
    ("2026-01..2026-02..2026-03", PeriodError, "one period on each side"),
    ("2026-01...2026-02", PeriodError, "the end of period range"),
    ("2026-01-2026-02", PeriodError, "is not written YYYY"),
])
def test_parse_period_span__clear_errors(text: str, error: type[Exception],
                                         message: str) -> None:
    with pytest.raises(error, match=message):
        parse_period_span(text)


def test_export_range__rows_of_every_month_period_label_codebook(
        app: Flask, session: Session, tmp_path: Path) -> None:
    build_world(session, responses_per_unit=8)
    span = f"{PREVIOUS}..{PERIOD}"
    result = run_export(session, ExportRequest("sipas", span, "csv", tmp_path / "r"),
                        actor="test")
    data = pd.read_csv(result.data_file, encoding="utf-8-sig", keep_default_na=False,
                       na_values=[""])
    both = len(load_responses(session, "sipas", PREVIOUS)) \
        + len(load_responses(session, "sipas", PERIOD))
    assert len(data) == result.rows == both > 0
    assert set(data["month"]) == {PREVIOUS, PERIOD}
    assert set(data["period"]) == {span}
    assert (data["stratum"] == data["unit"] + "|" + span).all()
    assert result.data_file.name == "hailong_sipas_2026_04_to_2026_05.csv"
    ddi = next(p for p in result.files if p.name.endswith("_codebook.xml"))
    assert span in ddi.read_text(encoding="utf-8")
    # Weights: each unit's dossiers of both months, as for one period of two months.
    assert data.groupby("poststratum")["weight"].sum().gt(0).all()


def test_cli_export_range__reversed_range_refused_nothing_written(
        app: Flask, session: Session, runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    build_world(session, responses_per_unit=3)
    out = tmp_path / "bad"
    result = runner.invoke(main, ["export", "--survey", "sipas", "--period",
                                  f"{PERIOD}..{PREVIOUS}", "--format", "csv", "--out",
                                  str(out)])
    assert result.exit_code == 1 and "starts after it ends" in result.output
    assert not out.exists()
    ok = runner.invoke(main, ["export", "--survey", "sipas", "--period",
                              f"{PREVIOUS}..{PERIOD}", "--format", "csv", "--out", str(out)])
    assert ok.exit_code == 0, ok.output
    assert (out / "hailong_sipas_2026_04_to_2026_05.csv").exists()


def test_export_form__range_errors_flashed(app: Flask, session: Session,
                                          client: FlaskClient) -> None:
    build_world(session)
    login(client, "analyst")
    # The staff pages speak Vietnamese by default.
    for period, message in ((f"{PERIOD}..{PREVIOUS}", "có kỳ bắt đầu sau kỳ kết thúc"),
                            ("2026-04..2026-5", "Xin kiểm tra kỳ: YYYY")):
        token = csrf_token(client, "/staff/exports/")
        posted = client.post("/staff/exports/", data={
            "csrf_token": token, "survey": "sipas", "period": period, "format": "csv",
            "k": "5"}, follow_redirects=True)
        assert message in posted.get_data(as_text=True)
