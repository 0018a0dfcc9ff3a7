"""Benchmark: CPU time of one whole survey (every page, as a browser without JavaScript).

Run: ``.venv/bin/python -m bench.survey_walk_cpu [--surveys 200] [--database URL]``.

In one process, without gunicorn or sockets, a test client walks the SIPAS survey from the QR
link to the thank-you redirect (first page GET, a POST per page, the final POST that stores),
each walk from its own address. Reported: process CPU per walk and per request, split into the
final POST and the others. CPU time rather than wall time, because the machine is shared; the
baseline in the same run is the bare Flask app of ``bench/bare_app.py`` answering the same
number of requests. The figures feed the capacity arithmetic in ``docs/deploy.md``.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import tempfile
import time
from pathlib import Path

from werkzeug.datastructures import MultiDict

from bench.bare_app import app as bare_app
from bench.harness import prepare_site, site_app
from bench.loadclient import address
from tests.webapp.survey_helpers import answer_everything, form_of


def walk(client, path: str, number: int) -> tuple[int, float, float]:  # type: ignore[no-untyped-def]
    """Answer every page; return the requests made, the CPU seconds of all of them and of the
    final POST. Reading the pages and filling the forms (the browser's work) is not counted."""
    client.environ_base["REMOTE_ADDR"] = address(number)
    started = time.process_time()
    html = client.get(path).get_data(as_text=True)
    spent_all = time.process_time() - started
    for made in range(2, 14):
        answers = answer_everything(html)
        if 'name="comment"' in html:
            answers["comment"] = f"walk {number}"
        action = "send" if 'value="send"' in html else "next"
        fields = [(k, v) for k, v in form_of(html).fields if k not in answers]
        fields += [(k, v) for k, value in answers.items()
                   for v in (value if isinstance(value, list) else [value])]
        fields.append(("action", action))
        started = time.process_time()
        reply = client.post(path, data=MultiDict(fields))
        spent = time.process_time() - started
        spent_all += spent
        if reply.status_code == 303:
            return made, spent_all, spent
        assert reply.status_code == 200, reply.status_code
        html = reply.get_data(as_text=True)
    raise RuntimeError("the survey never ended")


def _tenth(values: list[float]) -> float:
    return sorted(values)[len(values) // 10]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--surveys", type=int, default=200)
    parser.add_argument("--database", default=None, help="default: a new SQLite file")
    parser.add_argument("--profile", action="store_true",
                        help="also print where the walks' time goes (cProfile, hailong's code)")
    args = parser.parse_args()
    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'walk.db'}"
    site = prepare_site(url, counters=1)
    app = site_app(url)
    client = app.test_client()
    path = "/s/" + site.tokens[0]
    for number in range(20):  # warm-up: templates compiled, caches filled
        walk(client, path, number)
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    requests = total = final = 0.0
    walks, finals = [], []
    for number in range(20, 20 + args.surveys):
        made, spent_all, spent = walk(client, path, number)
        requests += made
        total += spent_all
        final += spent
        walks.append(spent_all)
        finals.append(spent)
    if profiler:
        profiler.disable()
    bare = bare_app.test_client()
    form = dict(site.form) | {"submission_id": "x" * 32}
    started = time.process_time()
    for _ in range(int(requests)):
        bare.post(path, data=form)
    bare_total = time.process_time() - started
    per_request = total / requests
    print(json.dumps({
        "database": url.split(":", 1)[0], "surveys": args.surveys,
        "requests_per_survey": requests / args.surveys,
        "cpu_ms_per_survey": round(total / args.surveys * 1000, 2),
        "cpu_ms_final_post": round(final / args.surveys * 1000, 2),
        "cpu_ms_other_requests": round((total - final) / (requests - args.surveys) * 1000, 2),
        "cpu_ms_per_request": round(per_request * 1000, 2),
        "baseline_cpu_ms_per_request": round(bare_total / requests * 1000, 3),
        "ratio_per_request": round(per_request / (bare_total / requests), 1),
        # On a shared machine other processes inflate CPU time too (caches, frequency): the
        # median and the fastest tenth of the walks move less than the mean.
        "cpu_ms_per_survey_median": round(statistics.median(walks) * 1000, 2),
        "cpu_ms_per_survey_p10": round(_tenth(walks) * 1000, 2),
        "cpu_ms_final_post_median": round(statistics.median(finals) * 1000, 2),
        "cpu_ms_final_post_p10": round(_tenth(finals) * 1000, 2),
    }, indent=2))
    if profiler:
        # Timings under the profiler are inflated; read the shares, not the seconds.
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(r"webapp/|survey_defs/|flask_wtf|flask_babel|jinja2/environment", 30)


if __name__ == "__main__":
    main()
