"""Server time of a unit's page and of ``GET /api/v1/indices`` at a million responses.

The database is the export benchmark's synthetic SQLite file (demo province, ``--responses``
SIPAS responses over 11 months, inserted in bulk; made once and reused with ``--db``). Requests
go through Flask's test client in this process, so the time is the server's own (routing,
queries, statistics, templates, JSON), without a network. Measured, each ``--runs`` times:

* baseline ``/healthz`` (a bare endpoint of the same app);
* ``build``: building the kept cells (table ``stat_cell``) from no cells, once (what the first
  request after a migration or a new scoring definition costs; skipped when they exist);
* ``fresh worker``: a new process's first unit page (it reads the kept cells, not the
  responses), in a child process started after the cells exist;
* ``raw``: the raw-row reference ``compute_indices`` (tests/) once per scope, timed last;
* warm: the province's and a commune's page and API answer;
* after new responses: before each request ``--new`` responses are inserted, so the request
  must fold them in (an honest "warm": the data changed since the last answer).

Run (results in docs/benchmarks.md, section "Dashboard")::

    .venv/bin/python -m bench.dashboard_bench --db DASH.db --runs 20

``--url postgresql://...`` runs the same requests on a PostgreSQL database holding the same
rows (copied from the SQLite file once with ``--copy-to-postgres``).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sqlalchemy import JSON, create_engine, func, select, text
from werkzeug.security import generate_password_hash

from bench.export_bench import _rows, generate
from webapp import create_app
from webapp.administration.apikeys import create_api_key
from webapp.administration.users import PASSWORD_METHOD
from webapp.config import TestConfig
from webapp.migrate import upgrade
from webapp.models import Base, Response, Unit, User
from webapp.survey_versions import latest_version, load_version

# A fresh password each run for the bench's own admin account (set again below when the
# account already exists in a reused database): no constant credential in the repository.
PASSWORD = secrets.token_urlsafe(16)


def _timed(call: Callable[[], object], runs: int, before: Callable[[], None] | None = None,
           cpu: list[float] | None = None) -> list[float]:
    """Wall ms of each run; the process's CPU ms of each run appended to ``cpu`` (the machine
    is shared: CPU time shows the work apart from waiting for a core)."""
    out = []
    for _ in range(runs):
        if before is not None:
            before()
        start, used = time.perf_counter(), time.process_time()
        call()
        out.append((time.perf_counter() - start) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - used) * 1000)
    return out


def _row(name: str, ms: list[float], base: float, cpu: list[float] | None = None) -> str:
    med = statistics.median(ms)
    p95 = float(np.percentile(ms, 95))
    used = f"{statistics.median(cpu):,.1f}" if cpu else "–"
    return f"| {name} | {len(ms)} | {med:,.1f} | {p95:,.1f} | {used} | {med / base:,.0f} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="SQLite file (made if missing)")
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--new", type=int, default=5, help="responses added before each run")
    parser.add_argument("--period", default="2026-11")
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--url", help="database URL (default: the SQLite file --db)")
    parser.add_argument("--copy-to-postgres", metavar="URL",
                        help="copy the SQLite file's rows to this empty PostgreSQL database")
    parser.add_argument("--fresh", type=int, default=3, help="fresh worker processes timed")
    parser.add_argument("--fresh-only", action="store_true",
                        help="time only the fresh workers' first page")
    parser.add_argument("--first-page", metavar="UNIT", help=argparse.SUPPRESS)  # child
    args = parser.parse_args(argv)
    url = args.url or f"sqlite:///{args.db}"
    if args.copy_to_postgres:
        print(f"copied in {copy_to_postgres(args.db, args.copy_to_postgres):.0f} s")
        return 0
    if args.first_page:
        return _first_page(url, args.db.parent, args.first_page, args.period)
    if not args.db.exists():
        print(f"generating {args.responses:,} responses in {args.db} ...", flush=True)
        print(f"generated in {generate(args.db, args.responses, args.seed):.0f} s", flush=True)
    app = _app_at(url, args.db.parent)
    app.config["WTF_CSRF_ENABLED"] = False  # the bench signs in without reading the form
    from tests.reference_indices import compute_indices
    from webapp.db import get_session
    from webapp.statistics import stat_cells
    from webapp.statistics.indices_cache import scored_blocks

    with app.app_context():
        session = get_session()
        total = session.scalar(select(func.count(Response.id)))
        root = session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
        commune = session.scalar(select(Unit).where(Unit.parent_id == root.id)
                                 .order_by(Unit.id))
        province, small = root.code, commune.code
        email = "bench-admin@example.invalid"
        admin = session.scalar(select(User).where(User.email == email))
        if admin is None:
            admin = User(email=email, role="admin", password_hash="")
            session.add(admin)
        admin.password_hash = generate_password_hash(PASSWORD, method=PASSWORD_METHOD)
        session.commit()
        raw_key, _ = create_api_key(session, name="dashboard bench")
        version = latest_version(session, "sipas")
        definition, version_id = load_version(version), version.id
        start = time.perf_counter()
        blocks = scored_blocks(session, "sipas")[1]
        state = stat_cells.refresh(session.get_bind(), "sipas", blocks)
        built = (time.perf_counter() - start) * 1000
        print(f"kept cells ready (mark {state.mark:,}) in {built / 1000:,.1f} s", flush=True)
    engine = create_engine(url)
    with engine.connect() as con:
        units = con.execute(text("SELECT u.id, c.id FROM unit u JOIN counter c "
                                 "ON c.unit_id = u.id WHERE u.parent_id IS NOT NULL")).all()
        fields = con.execute(text("SELECT id, name_vi FROM procedure_field")).all()
    rng = np.random.default_rng(args.seed + 1)
    names = ["public_id", "submission_id", "survey_version_id", "unit_id", "counter_id",
             "field_id", "period", "channel", "on_time", "language", "answers"]
    insert = text(f"INSERT INTO response ({', '.join(names)}) "  # noqa: S608 (fixed names)
                  f"VALUES ({', '.join(':' + n for n in names)})")

    def submit() -> None:
        rows = _rows(definition, version_id, units, fields, args.new, rng)
        rows = [(*r[:6], args.period, *r[7:]) for r in rows]  # in the period shown
        with engine.begin() as con:
            con.execute(insert, [dict(zip(names, r, strict=True)) for r in rows])

    client = app.test_client()
    reply = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert reply.status_code == 302, reply.status_code
    auth = {"Authorization": f"Bearer {raw_key}"}

    def page(code: str) -> Callable[[], object]:
        def call() -> object:
            reply = client.get(f"/staff/units/{code}?survey=sipas&period={args.period}")
            assert reply.status_code == 200, reply.status_code
            return reply
        return call

    def api(code: str) -> Callable[[], object]:
        def call() -> object:
            reply = client.get(f"/api/v1/indices?survey=sipas&period={args.period}&unit={code}",
                               headers=auth)
            assert reply.status_code == 200, reply.status_code
            return reply
        return call

    def raw(code: str) -> Callable[[], object]:
        def call() -> object:
            with app.app_context():
                return compute_indices(get_session(), "sipas", args.period, code)
        return call

    print(f"{total:,} responses; province {province}, commune {small}; period {args.period}; "
          f"load average {os.getloadavg()}")
    base_cpu: list[float] = []
    base = _timed(lambda: client.get("/healthz"), args.runs, cpu=base_cpu)
    b = statistics.median(base)
    lines = [_row("baseline /healthz", base, b, base_cpu)]
    lines.append(_row("build or top up the kept cells (stat_cell)", [built], b))
    walls, cpus = [], []
    for _ in range(args.fresh):
        child = subprocess.run(
            [sys.executable, "-m", "bench.dashboard_bench", "--db", str(args.db), "--url", url,
             "--period", args.period, "--first-page", province], capture_output=True,
            text=True, check=False, env={**os.environ, "HAILONG_BENCH_PASSWORD": PASSWORD})
        if child.returncode:  # the fresh worker's own error, not just its exit status
            raise SystemExit(f"fresh worker failed:\n{child.stderr}")
        wall, cpu = (float(x) for x in child.stdout.split()[-2:])
        walls.append(wall)
        cpus.append(cpu)
    lines.append(_row("fresh worker: first unit page of a new process", walls, b, cpus))
    if args.fresh_only:
        print("\n".join(lines))
        return 0
    print(lines[-1], flush=True)
    for name, call in ((f"unit page, province {province}", page(province)),
                       (f"unit page, commune {small}", page(small)),
                       (f"API indices, province {province}", api(province)),
                       (f"API indices, commune {small}", api(small))):
        warm: list[float] = []
        lines.append(_row(f"{name}, warm", _timed(call, args.runs, cpu=warm), b, warm))
        # CPU of the request alone: the inserts run before the clock starts.
        after: list[float] = []
        lines.append(_row(f"{name}, after {args.new} new responses",
                          _timed(call, args.runs, submit, after), b, after))
        print(lines[-2], lines[-1], sep="\n", flush=True)
    # The raw-row reference last: it leaves this process holding gigabytes of frames, which
    # slowed every request timed after it several times over.
    lines.append(_row(f"raw path compute_indices, province {province}", _timed(raw(province), 1),
                      b))
    lines.append(_row(f"raw path compute_indices, commune {small}", _timed(raw(small), 1), b))
    print(f"load average at the end: {os.getloadavg()}")
    print("| request | runs | median (ms) | p95 (ms) | median CPU (ms) | median / baseline |")
    print("|---|---|---|---|---|---|")
    print("\n".join(lines))
    engine.dispose()
    return 0


def _app_at(url: str, instance: Path):  # type: ignore[no-untyped-def]
    return create_app(TestConfig(environ={"DATABASE_URL": url}, instance_path=instance))


def copy_to_postgres(db: Path, url: str) -> float:
    """Copy every table but the kept cells from the SQLite file to an empty PostgreSQL
    database migrated to head (responses with COPY); seconds."""
    start = time.perf_counter()
    upgrade(url)
    source = create_engine(f"sqlite:///{db}")
    target = create_engine(url)
    skip = {"stat_cell", "stat_cell_set", "alembic_version"}
    with source.connect() as src, target.begin() as dst:
        for table in Base.metadata.sorted_tables:
            if table.name in skip:
                continue
            columns = [c.name for c in table.columns]
            rows = src.execute(select(*table.columns)).yield_per(50_000)
            raw = dst.connection.dbapi_connection
            with raw.cursor() as cur, cur.copy(
                    f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                json_cols = {i for i, c in enumerate(table.columns)
                             if isinstance(c.type, JSON)}
                for row in rows:
                    copy.write_row([json.dumps(v, ensure_ascii=False) if i in json_cols
                                    and v is not None else v for i, v in enumerate(row)])
            # Random ids (field answers, comments) have no sequence to move on.
            if "id" in columns and table.c.id.autoincrement is not False:
                reset = (f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                         f"coalesce(max(id), 1)) FROM {table.name}")
                dst.execute(text(reset))
    with target.connect() as conn:  # planner statistics, as autovacuum would gather later
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    source.dispose()
    target.dispose()
    return time.perf_counter() - start


def _first_page(url: str, instance: Path, code: str, period: str) -> int:
    """Child: a new process signs in and asks one unit page; print its wall and CPU ms."""
    app = _app_at(url, instance)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    reply = client.post("/auth/login", data={"email": "bench-admin@example.invalid",
                                             "password": os.environ["HAILONG_BENCH_PASSWORD"]})
    assert reply.status_code == 302, reply.status_code
    start, cpu = time.perf_counter(), time.process_time()
    reply = client.get(f"/staff/units/{code}?survey=sipas&period={period}")
    took, cpu = (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000
    assert reply.status_code == 200, reply.status_code
    print(f"{took:.1f} {cpu:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
