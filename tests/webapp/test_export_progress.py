"""Progress of long exports: on the job page while it runs, and as a bar on the command line."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import PERIOD, USERS, build_world, login
from webapp.cli import main
from webapp.export.service import ExportRequest, run_export
from webapp.jobs import store
from webapp.models import User


def test_job_page__running_export_shows_progress_and_refreshes(
        app: Flask, session: Session, client: FlaskClient) -> None:
    build_world(session)
    analyst = session.scalar(select(User).where(User.email == USERS["analyst"][0]))
    assert analyst is not None
    job = store.create(session, "export", analyst.id,
                       {"survey": "sipas", "period": "2026-01..2026-06", "fmt": "dta"},
                       total=1200)
    session.commit()
    assert store.claim(session, job.id, "worker-1")
    store.advance(session, job.id, "worker-1", 300)
    login(client, "analyst")
    page = client.get(f"/staff/exports/{job.public_id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers.get("Refresh") == "2"
    assert '<progress max="100" value="25">' in text and "2026-01..2026-06" in text


def test_run_export__progress_counts_both_passes(app: Flask, session: Session,
                                                 tmp_path: Path) -> None:
    build_world(session, responses_per_unit=6)
    ticks: list[int] = []
    result = run_export(session, ExportRequest("sipas", PERIOD, "sav", tmp_path / "p",
                                               chunk=7), actor="test", progress=ticks.append)
    assert sum(ticks) == 2 * result.rows > 0
    assert max(ticks) <= 7 and len(ticks) >= 2 * (result.rows // 7)


def test_cli_export__progress_bar_on_stderr(app: Flask, session: Session, runner,  # type: ignore[no-untyped-def]
                                            tmp_path: Path) -> None:
    build_world(session, responses_per_unit=4)
    result = runner.invoke(main, ["export", "--survey", "sipas", "--period", PERIOD,
                                  "--format", "dta", "--out", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert "exporting" in result.stderr
