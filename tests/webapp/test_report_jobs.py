"""The unit report PDF is drawn by the job worker: the address answers "being drawn" (and
reloads itself) until the job is done, then serves the file from the database (issue 18)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import PERIOD, build_world, login
from webapp import create_app
from webapp.config import TestConfig as AppConfig
from webapp.jobs.runner import run_job
from webapp.models import Job, JobStatus

PDF = f"/staff/units/A/report.pdf?survey=sipas&period={PERIOD}"


def test_report_pdf__waits_for_the_worker_then_served(session: Session, database_url: str,
                                                      app: Flask, tmp_path: Path) -> None:
    build_world(session, responses_per_unit=20)
    queued = create_app(AppConfig(environ={"DATABASE_URL": database_url,
                                           "HAILONG_JOBS_IMMEDIATE": "0"},
                                  instance_path=tmp_path / "q"))
    client = queued.test_client()
    login(client, "manager")
    waiting = client.get(PDF)
    text = waiting.get_data(as_text=True)
    assert waiting.status_code == 202 and waiting.headers["Refresh"] == "2"
    assert "Báo cáo đang được vẽ" in text and "Tải lại trang" in text
    assert client.get(PDF).status_code == 202  # asked again: the same job, not a second one
    jobs = list(session.scalars(select(Job).where(Job.kind == "unit_report")))
    assert len(jobs) == 1 and jobs[0].status == JobStatus.QUEUED
    assert run_job(queued, jobs[0].id, "worker-1") == "done"  # what `hailong worker` does
    ready = client.get(PDF)
    body = ready.get_data()
    ready.close()
    assert ready.status_code == 200 and body.startswith(b"%PDF")
    assert ready.headers["Content-Type"] == "application/pdf"
    assert "hailong-A-sipas-2026-05.pdf" in ready.headers["Content-Disposition"]
    assert session.scalar(select(func.count()).select_from(Job)) == 1
    queued.extensions["hailong.engine"].dispose()


def test_report_pdf__another_user_gets_their_own_job(app: Flask, session: Session) -> None:
    build_world(session, responses_per_unit=20)
    first, second = app.test_client(), app.test_client()
    login(first, "manager")
    login(second, "admin")
    for client in (first, second):
        reply = client.get(PDF)
        assert reply.status_code == 200 and reply.get_data().startswith(b"%PDF")
        reply.close()
    owners = set(session.scalars(select(Job.owner_id).where(Job.kind == "unit_report")))
    assert len(owners) == 2
