"""The unit report (PDF and spreadsheet) is drawn by the job worker: the address answers "being
drawn" (and reloads itself) until the job is done, then serves the file from the database
(issue 18)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import PERIOD, build_world, login
from webapp import create_app
from webapp.config import TestConfig as AppConfig
from webapp.jobs.runner import run_job
from webapp.models import Job, JobStatus, Unit
from webapp.statistics.report_cache import cached_report

PDF = f"/staff/units/A/report.pdf?survey=sipas&period={PERIOD}"


XLSX = f"/staff/units/A/report.xlsx?survey=sipas&period={PERIOD}"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(("url", "title", "magic", "content_type", "name"), [
    (PDF, "Báo cáo PDF", b"%PDF", "application/pdf", "hailong-A-sipas-2026-05.pdf"),
    (XLSX, "Báo cáo dạng bảng tính", b"PK\x03\x04", XLSX_TYPE, "hailong-A-sipas-2026-05.xlsx"),
])
def test_report__waits_for_the_worker_then_served(session: Session, database_url: str,
                                                  app: Flask, tmp_path: Path, url: str,
                                                  title: str, magic: bytes, content_type: str,
                                                  name: str) -> None:
    build_world(session, responses_per_unit=20)
    queued = create_app(AppConfig(environ={"DATABASE_URL": database_url,
                                           "HAILONG_JOBS_IMMEDIATE": "0"},
                                  instance_path=tmp_path / "q"))
    client = queued.test_client()
    login(client, "manager")
    waiting = client.get(url)
    text = waiting.get_data(as_text=True)
    assert waiting.status_code == 202 and waiting.headers["Refresh"] == "2"
    assert "Báo cáo đang được vẽ" in text and "Tải lại trang" in text
    assert f"<h1>{title} · " in text
    assert client.get(url).status_code == 202  # asked again: the same job, not a second one
    jobs = list(session.scalars(select(Job).where(Job.kind == "unit_report")))
    assert len(jobs) == 1 and jobs[0].status == JobStatus.QUEUED
    assert run_job(queued, jobs[0].id, "worker-1") == "done"  # what `hailong worker` does
    ready = client.get(url)
    body = ready.get_data()
    ready.close()
    assert ready.status_code == 200 and body.startswith(magic)
    assert ready.headers["Content-Type"] == content_type
    assert name in ready.headers["Content-Disposition"]
    assert ready.headers["Content-Length"] == str(len(body))
    assert session.scalar(select(func.count()).select_from(Job)) == 1
    queued.extensions["hailong.engine"].dispose()


def test_spreadsheet_job__same_workbook_as_drawn_directly(session: Session, app: Flask) -> None:
    """The worker's workbook holds what the report holds: the headline of the page's report,
    in the language of the request (English here)."""
    build_world(session, responses_per_unit=20)
    client = app.test_client()
    login(client, "manager")
    client.get("/lang/en?next=/staff/")
    reply = client.get(XLSX)
    book = load_workbook(io.BytesIO(reply.get_data()))
    reply.close()
    assert book.sheetnames[:2] == ["About", "Headline"]
    unit = session.scalar(select(Unit).where(Unit.code == "A"))
    assert unit is not None
    with app.app_context():
        report = cached_report(session, "sipas", PERIOD, unit, "en")
    assert report.main is not None and report.main.estimate is not None
    assert book["Headline"]["B2"].value == pytest.approx(report.main.estimate)
    job = session.scalar(select(Job).where(Job.kind == "unit_report"))
    assert job is not None and job.request["format"] == "xlsx"
    assert job.request["language"] == "en"


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
