"""Reliability under load: every submission stored exactly once, with and without faults.

Run: ``.venv/bin/python -m bench.reliability_bench [--submissions 20000] [--clients 64]
[--workers 3] [--databases sqlite,postgresql] [--faults none,kill]``.

gunicorn serves ``wsgi:app`` (production mode) on SQLite (WAL) or on a private PostgreSQL 15
cluster started for the run (so it can be restarted without touching any shared server).
``--clients`` threads post ``--submissions`` complete SIPAS responses; every tenth one is posted
again with the same submission id once acknowledged (a double tap). A client retries a
submission with the same id until it is acknowledged (303): broken connections, 5xx, 429.

Fault plans: ``none``; ``kill``: SIGKILL one gunicorn worker when 30% of the submissions are
acknowledged (and, on PostgreSQL, restart the database at 60%). Then every row is read back:
stored, duplicated, lost, half written (a response without its comment or with answers
altered), stored without acknowledgement.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from bench.harness import gunicorn, hailong_env, prepare_site, private_postgres
from bench.loadclient import Fault, check_stored, percentile, run_load


def run_one(database: str, plan: str, args: argparse.Namespace) -> dict[str, object]:
    """One load on a fresh database; return the counts."""
    with ExitStack() as stack:
        cluster = None
        if database == "sqlite":
            url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='hailong-rb-')) / 'load.db'}"
        else:
            cluster = stack.enter_context(private_postgres())
            url = cluster.url
        site = prepare_site(url, counters=args.clients)
        server = stack.enter_context(gunicorn("wsgi:app", workers=args.workers,
                                              env=hailong_env(url)))
        faults: list[Fault] = []
        if plan == "kill":
            faults.append((0.3, "SIGKILL gunicorn worker", server.kill_worker))
            if cluster is not None:
                faults.append((0.6, "PostgreSQL restart (fast shutdown)", cluster.restart))
        started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        report = run_load(server.base, site.tokens, site.form, total=args.submissions,
                          clients=args.clients, faults=faults)
        server.stop()
        check = check_stored(url, report)
    errors = dict(report.errors)
    return {
        "database": database, "faults": report.faults or ["none"], "started": started,
        "sent": report.sent, "posts": report.requests, "acknowledged": report.acknowledged,
        "resent_same_id": report.resent, "resent_acknowledged": report.resent_acknowledged,
        "gave_up": report.gave_up, "stored": check.stored, "duplicated": check.duplicated,
        "lost": check.lost, "stored_unacknowledged": check.stored_unacknowledged,
        "half_written": check.half_written,
        "server_errors": sum(n for kind, n in errors.items() if kind.startswith("HTTP 5")),
        "errors_retried": errors, "seconds": round(report.seconds, 1),
        "per_second": round(report.acknowledged / report.seconds, 1),
        "p99_ms": round(percentile(report.latencies, 0.99) * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=20000)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--faults", default="none,kill")
    args = parser.parse_args()
    results = []
    for database in args.databases.split(","):
        for plan in args.faults.split(","):
            results.append(run_one(database, plan, args))
            print(json.dumps(results[-1]), flush=True)
    bad = [r for r in results if r["lost"] or r["duplicated"] or r["half_written"]
           or r["gave_up"] or r["acknowledged"] != r["sent"]]
    raise SystemExit(1 if bad else 0)


if __name__ == "__main__":
    main()
