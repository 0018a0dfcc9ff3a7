"""Benchmark: what folding one response into the kept cells costs, next to storing it.

Run: ``.venv/bin/python -m bench.cell_topup_cost [--responses 200] [--database URL]``.

The kept statistics (``webapp.statistics.stat_cells``) are topped up by the next statistics
request. Doing it inside the submission's own transaction instead would add, to every storing
POST, what a refresh of one response costs. In one process (test client, no sockets), on a
fresh database with one commune, each round posts a complete SIPAS final page (the storing
POST of ``bench/submit_bench.py``) and then refreshes the cells, which then hold exactly that
one new response. Reported: CPU and wall time per storing POST and per one-response refresh,
and the database statements of each. CPU rather than wall time is the figure to read on a
shared machine; the wall time shows the round trips and the commit.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import re
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import event
from werkzeug.datastructures import MultiDict

from bench.harness import prepare_site, site_app
from bench.loadclient import address
from webapp.db import get_engine, get_session
from webapp.statistics import stat_cells
from webapp.statistics.indices_cache import scored_blocks

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=200)
    parser.add_argument("--database", default=None, help="default: a new SQLite file")
    parser.add_argument("--profile", action="store_true",
                        help="also print where the refreshes' time goes (cProfile)")
    args = parser.parse_args()
    profiler = cProfile.Profile() if args.profile else None
    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'topup.db'}"
    site = prepare_site(url, counters=1)
    app = site_app(url)
    client = app.test_client()
    path = "/s/" + site.tokens[0]
    csrf = _CSRF.search(client.get(path).get_data(as_text=True))
    assert csrf is not None
    statements: list[str] = []
    event.listen(app.extensions["hailong.engine"], "before_cursor_execute",
                 lambda _c, _cur, statement, *_a: statements.append(statement))
    with app.app_context():
        _, blocks = scored_blocks(get_session(), "sipas")
        engine = get_engine()
        stat_cells.refresh(engine, "sipas", blocks)  # the set exists before the rounds
    post_cpu, post_wall, fold_cpu, fold_wall = [], [], [], []
    post_sql = fold_sql = 0
    for number in range(args.responses + 10):
        form = MultiDict([*site.form, ("csrf_token", csrf.group(1)),
                          ("submission_id", uuid.uuid4().hex)])
        statements.clear()
        cpu, wall = time.process_time(), time.perf_counter()
        reply = client.post(path, data=form, environ_base={"REMOTE_ADDR": address(number)})
        spent_post = (time.process_time() - cpu, time.perf_counter() - wall)
        assert reply.status_code == 303, reply.status_code
        counted_post = len(statements)
        statements.clear()
        with app.app_context():
            cpu, wall = time.process_time(), time.perf_counter()
            if profiler and number >= 10:
                profiler.enable()
            stat_cells.refresh(engine, "sipas", blocks)
            if profiler:
                profiler.disable()
            spent_fold = (time.process_time() - cpu, time.perf_counter() - wall)
        if number < 10:  # warm-up
            continue
        post_cpu.append(spent_post[0])
        post_wall.append(spent_post[1])
        fold_cpu.append(spent_fold[0])
        fold_wall.append(spent_fold[1])
        post_sql, fold_sql = counted_post, len(statements)

    def ms(values: list[float]) -> float:
        return round(statistics.median(values) * 1000, 2)

    print(json.dumps({
        "database": url.split(":", 1)[0], "responses": args.responses,
        "storing_post": {"cpu_ms": ms(post_cpu), "wall_ms": ms(post_wall),
                         "statements": post_sql},
        "refresh_one_response": {"cpu_ms": ms(fold_cpu), "wall_ms": ms(fold_wall),
                                 "statements": fold_sql},
        "refresh_over_post_cpu": round(statistics.median(fold_cpu)
                                       / statistics.median(post_cpu), 2),
    }, indent=2))
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(
            r"webapp/|analysis/|pandas/core/frame.py:\d+\(__init__\)|commit", 25)


if __name__ == "__main__":
    main()
