"""Exports requested from the web run in a background thread; their state lives on disk.

Each job has a folder ``<instance>/exports/<job id>/`` holding the export's files and a
``status.json`` (owner, request, progress, state, files), so any worker process can show it.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Any

from flask import Flask

from ..db import get_session
from ..models import User
from .service import (
    ExportError,
    ExportRequest,
    count_responses,
    export_scope,
    require_k_allowed,
    run_export,
)

STATUS = "status.json"
JOB_ID_BYTES = 12


def jobs_root(app: Flask) -> Path:
    """The folder holding every job's folder."""
    return Path(app.instance_path) / "exports"


def read_status(app: Flask, job_id: str) -> dict[str, Any] | None:
    """A job's status, or None for an unknown (or malformed) id."""
    if not job_id.isalnum():
        return None
    path = jobs_root(app) / job_id / STATUS
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _write_status(folder: Path, status: dict[str, Any]) -> None:
    tmp = folder / f"{STATUS}.tmp"
    tmp.write_text(json.dumps(status, ensure_ascii=False, default=str), encoding="utf-8")
    tmp.replace(folder / STATUS)


def start_job(app: Flask, user: User, request: ExportRequest) -> tuple[str, threading.Thread]:
    """Check access, then run the export in a thread; return the job id and the thread."""
    require_k_allowed(user, request.k)  # raises ExportRefused
    scope = export_scope(get_session(), user, request.unit_code)  # raises ExportRefused
    total = count_responses(get_session(), request, scope)
    job_id = secrets.token_hex(JOB_ID_BYTES)
    folder = jobs_root(app) / job_id
    folder.mkdir(parents=True)
    req = ExportRequest(**(asdict(request) | {"out_dir": folder}))
    status = {"owner": user.id, "state": "running", "done": 0, "total": 2 * total,
              "request": {k: v for k, v in asdict(req).items() if k != "out_dir"},
              "files": [], "error": None, "rows": None}
    _write_status(folder, status)
    thread = threading.Thread(target=_run, args=(app, user.id, req, folder, status),
                              name=f"export-{job_id}", daemon=True)
    thread.start()
    return job_id, thread


def _run(app: Flask, user_id: int, request: ExportRequest, folder: Path,
         status: dict[str, Any]) -> None:
    with app.app_context():
        session = get_session()
        user = session.get(User, user_id)

        def tick(rows: int) -> None:
            status["done"] += rows
            _write_status(folder, status)

        try:
            result = run_export(session, request, user=user, progress=tick)
        except ExportError as exc:
            status.update(state="failed", error=str(exc))
        else:
            extra = [p for p in (result.bundle, result.readme) if p is not None]
            status.update(state="done", rows=result.rows,
                          files=[p.name for p in [*extra, *result.files]],
                          bundle=result.bundle.name if result.bundle else None,
                          release=result.suppression.release)
        _write_status(folder, status)
