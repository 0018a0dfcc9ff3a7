"""Background jobs: the job table's state machine, reaping of jobs whose worker died, files in
chunked rows (bytes identical, streamed), downloads only to the owner, and expiry cleanup."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from tests.webapp.staff_helpers import PASSWORD, PERIOD, build_world, csrf_token, login
from webapp.administration.users import PASSWORD_METHOD
from webapp.cli import main
from webapp.jobs import blobs, store
from webapp.jobs.runner import JobFailed, JobRun, register, run_job
from webapp.models import BlobChunk, Job, JobFile, JobStatus, Role, Unit, User
from webapp.models.base import utcnow


def _job(session: Session, owner: int | None = None, **request: object) -> Job:
    job = store.create(session, "test", owner, dict(request) or {"n": 1}, total=10)
    session.commit()
    return job


def test_state_machine__each_move_only_from_its_state_and_by_its_worker(
        app: Flask, session: Session) -> None:
    job = _job(session)
    assert job.status == JobStatus.QUEUED and len(job.public_id) == 24
    assert store.claim(session, job.id, "w1")
    assert not store.claim(session, job.id, "w2")  # a duplicate queue message does nothing
    store.advance(session, job.id, "w1", 4)
    with pytest.raises(store.JobGone):
        store.advance(session, job.id, "w2", 1)  # not w2's job
    assert not store.finish(session, job.id, "w2", {"x": 1}, None)
    assert not store.mark_expired(session, job.id)  # only a finished job expires
    assert store.finish(session, job.id, "w1", {"x": 1}, utcnow())
    assert not store.fail(session, job.id, "w1", "too late")  # done stays done
    session.refresh(job)
    assert (job.status, job.progress_done, job.attempts, job.result, job.error) == \
        (JobStatus.DONE, 4, 1, {"x": 1}, None)
    assert store.mark_expired(session, job.id)
    session.refresh(job)
    assert job.status == JobStatus.EXPIRED
    other = _job(session)
    assert store.claim(session, other.id, "w1") and store.fail(session, other.id, "w1", "why")
    session.refresh(other)
    assert (other.status, other.error) == (JobStatus.FAILED, "why")


def test_reaper__stale_job_retried_once_then_failed_with_reason(app: Flask,
                                                                  session: Session) -> None:
    job, fresh = _job(session), _job(session)
    assert store.claim(session, job.id, "host:1") and store.claim(session, fresh.id, "host:2")
    later = utcnow() + dt.timedelta(seconds=61)
    # Within the limit nothing is touched.
    assert store.reap(session, 60, now=utcnow() + dt.timedelta(seconds=30)) == []
    store.heartbeat(session, fresh.id, "host:2")
    reaped = store.reap(session, 60, now=later, job_ids=[job.id])
    assert [(r.job_id, r.retried) for r in reaped] == [(job.id, True)]
    session.refresh(job)
    assert job.status == JobStatus.QUEUED and job.worker is None
    assert "host:1 stopped answering" in (job.error or "")
    # The dead worker's late progress is refused.
    with pytest.raises(store.JobGone):
        store.advance(session, job.id, "host:1", 1)
    assert store.claim(session, job.id, "host:3")
    reaped = store.reap(session, 60, now=utcnow() + dt.timedelta(seconds=61), job_ids=[job.id])
    assert [(r.job_id, r.retried) for r in reaped] == [(job.id, False)]
    session.refresh(job)
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert "host:3 stopped answering" in (job.error or "") and "2 attempts" in (job.error or "")
    session.refresh(fresh)
    assert fresh.status == JobStatus.RUNNING  # its worker is alive


@register("test-fails")
def _fails(run: JobRun) -> dict[str, object]:
    raise JobFailed("the survey was withdrawn")


@register("test-crashes")
def _crashes(run: JobRun) -> dict[str, object]:
    raise ZeroDivisionError


@register("test-reaped")
def _reaped_while_running(run: JobRun) -> dict[str, object]:
    # Another process decides this worker is dead (as after a long pause): the next tick stops.
    with run.control.bind.connect() as conn:  # type: ignore[union-attr]
        conn.execute(Job.__table__.update().where(Job.id == run.job.id)
                     .values(heartbeat_at=utcnow() - dt.timedelta(hours=1)))
        conn.commit()
    assert store.reap(run.control, 60, job_ids=[run.job.id])
    run.tick(1)
    return {"never": True}


@register("test-keeps")
def _keeps(run: JobRun) -> dict[str, object]:
    path = run.workdir / "out.bin"
    path.write_bytes(bytes(range(256)) * 10)
    run.tick(10)
    return {"files": [run.keep(path).name]}


@pytest.mark.parametrize(("kind", "outcome", "status", "error"), [
    ("test-keeps", "done", JobStatus.DONE, None),
    ("test-fails", "failed", JobStatus.FAILED, "the survey was withdrawn"),
    ("test-crashes", "failed", JobStatus.FAILED, "unexpected error in the worker "
                                                 "(ZeroDivisionError)"),
    ("test-reaped", "gone", JobStatus.QUEUED, "stopped answering"),
    ("no-such-kind", "failed", JobStatus.FAILED, "no worker code for jobs of kind"),
])
def test_run_job__outcomes(app: Flask, session: Session, kind: str, outcome: str, status: str,
                           error: str | None) -> None:
    job = store.create(session, kind, None, {}, total=10)
    session.commit()
    assert run_job(app, job.id, "w") == outcome
    assert run_job(app, job.id, "w2") in (None, "gone", "done")  # runs only if requeued
    session.expire_all()
    stored = session.get(Job, job.id)
    assert stored is not None
    if outcome == "gone":  # requeued, then run again by w2, reaped again: out of attempts
        assert stored.status == JobStatus.FAILED and "gave up after 2" in (stored.error or "")
        return
    assert stored.status == status
    assert (stored.error is None) if error is None else (error in (stored.error or ""))
    if status == JobStatus.DONE:
        assert stored.progress_done == 10 and stored.expires_at is not None
        files = blobs.files_of(session, job.id)
        assert [(f.name, f.size) for f in files] == [("out.bin", 2560)]


@pytest.mark.parametrize("size", [0, 1, blobs.CHUNK_SIZE, 3 * blobs.CHUNK_SIZE + 12345])
def test_blobs__round_trip_bytes_identical(app: Flask, session: Session, size: int) -> None:
    job = _job(session)
    data = random.Random(size).randbytes(size)
    stored = blobs.store(session, job.id, "x.dta", io.BytesIO(data))
    session.commit()
    expected_chunks = -(-size // blobs.CHUNK_SIZE)
    assert (stored.size, stored.chunks) == (size, expected_chunks)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    pieces = list(blobs.stream(app.extensions["hailong.engine"], stored.id, stored.chunks))
    assert len(pieces) == expected_chunks and b"".join(pieces) == data
    assert all(len(p) == blobs.CHUNK_SIZE for p in pieces[:-1])
    assert blobs.delete_files(session, job.id) == 1
    session.commit()
    assert session.scalar(select(func.count()).select_from(BlobChunk)) == 0


def _second_analyst(session: Session) -> None:
    unit = session.scalar(select(Unit).where(Unit.code == "A"))
    session.add(User(email="analyst2.a@t.vn", role=Role.ANALYST, unit=unit,
                     password_hash=generate_password_hash(PASSWORD, method=PASSWORD_METHOD)))
    session.commit()


def _export(client: FlaskClient) -> tuple[str, list[str]]:
    token = csrf_token(client, "/staff/exports/")
    posted = client.post("/staff/exports/", data={
        "csrf_token": token, "survey": "sipas", "period": PERIOD, "format": "dta", "k": "3"})
    assert posted.status_code == 302, posted.get_data(as_text=True)[:300]
    job = posted.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    page = client.get(f"/staff/exports/{job}").get_data(as_text=True)
    return job, sorted(set(re.findall(rf'/staff/exports/{job}/([^"]+)"', page)))


def test_download__streamed_to_the_owner_only(app: Flask, session: Session,
                                              client: FlaskClient) -> None:
    build_world(session, responses_per_unit=20)
    _second_analyst(session)
    login(client, "analyst")
    job, names = _export(client)
    assert names and any(n.endswith(".dta") for n in names)
    data_name = next(n for n in names if n.endswith(".dta"))
    reply = client.get(f"/staff/exports/{job}/{data_name}")
    assert reply.status_code == 200 and reply.is_streamed
    body = reply.get_data()
    reply.close()
    stored = session.scalar(select(JobFile).where(JobFile.name == data_name))
    assert stored is not None and body.startswith(b"<stata_dta>")
    assert reply.headers["Content-Length"] == str(len(body)) == str(stored.size)
    assert hashlib.sha256(body).hexdigest() == stored.sha256
    assert "attachment" in reply.headers["Content-Disposition"]
    assert client.get(f"/staff/exports/{job}/no-such-file.csv").status_code == 404
    other = app.test_client()  # same role, same unit, not the owner
    signed = other.post("/auth/login", data={"email": "analyst2.a@t.vn", "password": PASSWORD,
                                             "csrf_token": csrf_token(other)})
    assert signed.status_code == 302
    assert other.get(f"/staff/exports/{job}").status_code == 404
    assert other.get(f"/staff/exports/{job}/{data_name}").status_code == 404
    viewer = app.test_client()
    login(viewer, "viewer")
    assert viewer.get(f"/staff/exports/{job}/{data_name}").status_code == 403
    anonymous = app.test_client().get(f"/staff/exports/{job}/{data_name}")
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]


def test_cleanup__expired_files_deleted_page_says_so(app: Flask, session: Session,
                                                     client: FlaskClient) -> None:
    build_world(session, responses_per_unit=10)
    login(client, "analyst")
    old, names = _export(client)
    kept, _ = _export(client)
    assert session.scalar(select(func.count()).select_from(JobFile)) == 2 * len(names)
    old_job = store.by_public_id(session, old)
    assert old_job is not None
    old_job.expires_at = utcnow() - dt.timedelta(minutes=1)
    session.commit()
    result = app.test_cli_runner().invoke(main, ["jobs", "cleanup"])
    assert result.exit_code == 0 and "expired jobs cleaned: 1" in result.output, result.output
    session.expire_all()
    assert session.get(Job, old_job.id).status == JobStatus.EXPIRED  # type: ignore[union-attr]
    remaining = set(session.scalars(select(JobFile.job_id)))
    assert old_job.id not in remaining and len(remaining) == 1  # the other job's files stay
    orphans = session.scalar(select(func.count()).select_from(BlobChunk).where(
        BlobChunk.file_id.not_in(select(JobFile.id))))
    assert orphans == 0
    page = client.get(f"/staff/exports/{old}").get_data(as_text=True)
    assert "đã bị xoá khi hết thời hạn lưu" in page, page[:800]
    assert client.get(f"/staff/exports/{old}/{names[0]}").status_code == 404
    assert client.get(f"/staff/exports/{kept}/{names[0]}").status_code == 200


def test_job_page__queued_for_minutes__says_no_worker_runs(app: Flask, session: Session,
                                                            client: FlaskClient) -> None:
    build_world(session)
    analyst = session.scalar(select(User).where(User.email == "analyst.a@t.vn"))
    assert analyst is not None
    request = {"survey": "sipas", "period": PERIOD, "fmt": "csv"}
    fresh = store.create(session, "export", analyst.id, request, total=10)
    old = store.create(session, "export", analyst.id, request, total=10)
    old.created_at = utcnow() - dt.timedelta(minutes=5)
    session.commit()
    login(client, "analyst")
    warning = "lệnh hailong worker phải đang chạy"
    page = client.get(f"/staff/exports/{fresh.public_id}")
    assert page.headers.get("Refresh") == "2"
    assert "Đang chờ" in page.get_data(as_text=True)
    assert warning not in page.get_data(as_text=True)
    assert warning in client.get(f"/staff/exports/{old.public_id}").get_data(as_text=True)
