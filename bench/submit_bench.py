"""Benchmark: complete SIPAS responses posted to gunicorn by concurrent clients.

Run: ``.venv/bin/python -m bench.submit_bench [--clients 32] [--workers 3] [--submissions 3000]
[--pg-url postgresql://postgres@127.0.0.1:5432/hl_ld_bench]``.

For each database (SQLite in WAL mode, PostgreSQL) gunicorn serves ``wsgi:app`` in production
mode with sync workers; ``--clients`` threads each open the survey once (cookie and CSRF
token) and then post complete final pages (every SIPAS answer and a comment, a fresh
submission id each time) back to back. The baseline, in the same run and with the same
gunicorn settings and client, is ``bench/bare_app.py``: the same routes doing nothing but
parsing the form and redirecting. Reported: acknowledged submissions per second, latency
percentiles of the POSTs, and the ratio to the baseline's throughput (closed loop: clients post
again as soon as answered). Then both are run at the same offered rate (paced clients; half of
hailong's closed-loop capacity by default) to show the latency a citizen sees below saturation.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from bench.harness import gunicorn, hailong_env, prepare_site
from bench.loadclient import LoadReport, check_stored, percentile, run_load
from webapp.config import normalise_database_url


def fresh_postgres(url: str) -> str:
    """Drop and create the database named in ``url``; return the URL."""
    parsed = make_url(normalise_database_url(url))
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    return parsed.render_as_string(hide_password=False)


def measure(base: str, tokens: list[str], form: list[tuple[str, str]], *, clients: int,
            submissions: int, rate: float | None = None) -> tuple[dict[str, float], LoadReport]:
    """Warm up, then post ``submissions`` from ``clients`` threads; return the figures and
    every submission sent (warm-up included)."""
    warm = run_load(base, tokens, form, total=max(clients * 4, 100), clients=clients,
                    resend_every=10**9, seed=0)
    report = run_load(base, tokens, form, total=submissions, clients=clients,
                      resend_every=10**9, seed=1, rate=rate)
    assert report.acknowledged == submissions, report.errors
    lat = report.latencies
    report.sent_ids.update(warm.sent_ids)
    report.acked_ids.update(warm.acked_ids)
    return {
        "acknowledged": report.acknowledged, "errors": sum(report.errors.values()),
        "seconds": round(report.seconds, 2),
        "per_second": round(report.acknowledged / report.seconds, 1),
        "p50_ms": round(percentile(lat, 0.50) * 1000, 1),
        "p95_ms": round(percentile(lat, 0.95) * 1000, 1),
        "p99_ms": round(percentile(lat, 0.99) * 1000, 1),
    }, report


def run_database(name: str, url: str, args: argparse.Namespace) -> dict[str, object]:
    """Measure hailong and the bare baseline on one database: flat out (closed loop), then
    both at the same offered rate (half of hailong's capacity unless ``--rate`` is given)."""
    site = prepare_site(url, counters=args.clients)
    run = {"clients": args.clients, "submissions": args.submissions}
    with gunicorn("bench.bare_app:app", workers=args.workers, env={}) as bare:
        baseline, _ = measure(bare.base, site.tokens, site.form, **run)
        with gunicorn("wsgi:app", workers=args.workers, env=hailong_env(url)) as server:
            hailong, sent = measure(server.base, site.tokens, site.form, **run)
            rate = args.rate or round(hailong["per_second"] / 2)
            paced = {"clients": args.clients, "rate": rate,
                     "submissions": int(min(args.submissions, rate * args.paced_seconds))}
            hailong_paced, more = measure(server.base, site.tokens, site.form, **paced)
        baseline_paced, _ = measure(bare.base, site.tokens, site.form, **paced)
    sent.sent_ids.update(more.sent_ids)
    sent.acked_ids.update(more.acked_ids)
    stored = check_stored(url, sent)
    return {"database": name, "closed_loop": {"baseline": baseline, "hailong": hailong},
            "ratio": round(hailong["per_second"] / baseline["per_second"], 3),
            "paced": {"rate": rate, "baseline": baseline_paced, "hailong": hailong_paced},
            "stored_check": stored.__dict__}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--submissions", type=int, default=3000)
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/hl_ld_bench")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--rate", type=float, default=None,
                        help="offered load of the paced runs (default: half of capacity)")
    parser.add_argument("--paced-seconds", type=float, default=30.0)
    args = parser.parse_args()
    results = []
    for name in args.databases.split(","):
        if name == "sqlite":
            url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='hailong-sb-')) / 'bench.db'}"
        else:
            url = fresh_postgres(args.pg_url)
        results.append(run_database(name, url, args))
        print(json.dumps(results[-1]), flush=True)
    print(json.dumps({"machine": {"cores": os.cpu_count(), "python": platform.python_version()},
                      "clients": args.clients, "workers": args.workers,
                      "submissions": args.submissions, "results": results}, indent=2))


if __name__ == "__main__":
    main()
