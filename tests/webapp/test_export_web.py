"""The export page: analysts and administrators only, background job, downloads to the owner.

Jobs run inside the request here (TestConfig sets HAILONG_JOBS_IMMEDIATE); the scale-out test
(tests/webapp/test_scaleout_jobs.py) runs them in a real ``hailong worker``.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

import survey_defs
from tests.webapp.staff_helpers import PERIOD, build_world, csrf_token, login, publish_definition
from webapp.export.defaults import last_complete_quarter
from webapp.models import AuditEntry


@pytest.mark.parametrize("who", ["viewer", "manager"])
def test_export_page__other_roles_refused(app: Flask, session: Session, client: FlaskClient,
                                          who: str) -> None:
    build_world(session)
    login(client, who)
    assert client.get("/staff/exports/").status_code == 403
    assert client.post("/staff/exports/", data={"survey": "sipas"}).status_code in (400, 403)


def test_export_page__anonymous_sent_to_login(app: Flask, client: FlaskClient) -> None:
    response = client.get("/staff/exports/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_export_page__analyst_exports_own_subtree_in_background(
        app: Flask, session: Session, client: FlaskClient) -> None:
    build_world(session, responses_per_unit=30)
    login(client, "analyst")
    page = client.get("/staff/exports/")
    assert page.status_code == 200 and "sipas" in page.get_data(as_text=True)
    token = csrf_token(client, "/staff/exports/")
    posted = client.post("/staff/exports/", data={
        "csrf_token": token, "survey": "sipas", "period": PERIOD, "format": "csv", "k": "3"})
    assert posted.status_code == 302, posted.get_data(as_text=True)[:300]
    job = posted.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    status = client.get(f"/staff/exports/{job}")
    text = status.get_data(as_text=True)
    assert status.status_code == 200 and "Refresh" not in status.headers, text[:500]
    names = re.findall(rf'/staff/exports/{job}/([^"]+)"', text)
    data_name = next(n for n in names if n.endswith(".csv") and "composite" not in n)
    download = client.get(f"/staff/exports/{job}/{data_name}")
    data = download.get_data(as_text=True)
    download.close()  # the file is streamed from the database chunk by chunk; close it
    units = {line.split(",")[3].strip('"') for line in data.splitlines()[1:]}
    # The analyst's subtree only (a unit too small to publish is pooled under its parent).
    assert units and units <= {"A", "A1", "A~pooled"}
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "export.microdata"))
    assert entry is not None and entry.user_id is not None
    # Another analyst-level user cannot see or download this job.
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/staff/exports/")})
    login(client, "admin")
    assert client.get(f"/staff/exports/{job}").status_code == 404
    assert client.get(f"/staff/exports/{job}/{data_name}").status_code == 404


# Issue 21, finding 12: analysts could export with k = 1.
@pytest.mark.parametrize("k", ["1", "2"])
def test_export__analyst_below_the_k_floor__refused_nothing_started(
        app: Flask, session: Session, client: FlaskClient, k: str) -> None:
    from sqlalchemy import func

    from webapp.models import Job

    build_world(session, responses_per_unit=5)
    login(client, "analyst")
    token = csrf_token(client, "/staff/exports/")
    posted = client.post("/staff/exports/", data={
        "csrf_token": token, "survey": "sipas", "period": PERIOD, "format": "csv", "k": k})
    assert posted.status_code == 302 and posted.headers["Location"].endswith("/staff/exports/")
    assert session.scalar(select(func.count()).select_from(Job)) == 0
    assert "k = " in client.get("/staff/exports/").get_data(as_text=True)


def test_export__admin_may_choose_k_1(session: Session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from webapp.export.service import ExportRefused, ExportRequest, require_k_allowed
    from webapp.models import Role, User

    require_k_allowed(User(email="a@t.vn", role=Role.ADMIN), 1)
    with pytest.raises(ExportRefused):
        require_k_allowed(User(email="b@t.vn", role=Role.ANALYST), 2)
    require_k_allowed(User(email="b@t.vn", role=Role.ANALYST), 3)
    assert ExportRequest("sipas", PERIOD, "csv", tmp_path, k=1).k == 1


def _finished(client: FlaskClient, posted) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    assert posted.status_code == 302, posted.get_data(as_text=True)[:300]
    job = posted.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    return job, client.get(f"/staff/exports/{job}").get_data(as_text=True)


def test_export_page__defaults_explanations_one_zip(
        app: Flask, session: Session, client: FlaskClient) -> None:
    build_world(session, responses_per_unit=30)
    # A second survey without responses, first in alphabetical order: not the default.
    publish_definition(session, Path(survey_defs.__file__).parent / "onestop.yaml")
    session.commit()
    login(client, "analyst")
    page = client.get("/staff/exports/").get_data(as_text=True)
    assert re.search(r'<option value="sipas" selected>', page)
    assert 'option value="onestop">' in page
    assert f'value="{last_complete_quarter()}"' in page
    # Every option carries its sentence of explanation.
    for field in ("survey", "period", "format", "unit", "release", "agreement", "k", "language",
                  "text"):
        assert f'id="{field}-help"' in page, field
    token = csrf_token(client, "/staff/exports/")
    refused = client.post("/staff/exports/", data={
        "csrf_token": token, "survey": "sipas", "period": PERIOD, "format": "csv",
        "release": "scientific"}, follow_redirects=True)
    assert "cần có thoả thuận sử dụng dữ liệu" in refused.get_data(as_text=True)
    job, status = _finished(client, client.post("/staff/exports/", data={
        "csrf_token": token, "survey": "sipas", "period": PERIOD, "format": "csv",
        "release": "public"}))
    zip_name = re.search(rf'/staff/exports/{job}/([^"]+\.zip)"', status)
    assert zip_name is not None, status[:800]
    names = set(re.findall(rf'/staff/exports/{job}/([^"]+)"', status)) - {zip_name.group(1)}
    download = client.get(f"/staff/exports/{job}/{zip_name.group(1)}")
    body = download.get_data()
    download.close()
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        assert set(zf.namelist()) == names  # README and every file
        readme = zf.read(next(n for n in names if n.endswith("_README.md"))).decode("utf-8")
    assert all(f"`{n}`" in readme for n in names if not n.endswith("_README.md"))
    assert "reproduced.csv" in readme
