"""Time and peak memory of ``hailong export`` on a million synthetic SIPAS responses.

The responses are written straight into a SQLite file in bulk (not through the survey pages):
the demo province (units, counters, fields, dossier counts, the published SIPAS version) is
loaded first, then ``--responses`` rows with random but valid answers are inserted with
``executemany``. Each format is then exported in a child process run under ``/usr/bin/time -v``,
whose "Maximum resident set size" is the peak memory reported (the whole process: Python,
numpy, pyarrow and SQLite).

Run (results are in docs/benchmarks.md, section "Export")::

    .venv/bin/python -m bench.export_bench --responses 1000000

Baseline (issue 8.5), in the same run: ``tocsv``, pandas' ``DataFrame.to_csv`` of the same
table (the export's rows and columns, loaded untimed from the Parquet export) already in
memory; every format's time is also given as a ratio to it. ``read`` only reads the responses
in chunks, as the export does, and drops them: the part of an export spent in the database
and in parsing the answers.

Reported per format: wall time of the timed part, its CPU time (``time.process_time``: all
threads of the child), both as ratios to the baseline, the child's whole CPU time and peak
resident memory (``/usr/bin/time -v``), and the file size. On a shared machine the wall time
also holds the time spent waiting for a core; the CPU time does not.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from webapp import create_app
from webapp.config import TestConfig
from webapp.migrate import upgrade

PERIOD = "2026"
MONTHS = [f"2026-{m:02d}" for m in range(1, 12)]
BATCH = 50_000


def _app(db: Path):  # type: ignore[no-untyped-def]
    return create_app(TestConfig(environ={"DATABASE_URL": f"sqlite:///{db}"},
                                 instance_path=db.parent))


def generate(db: Path, responses: int, seed: int) -> float:
    """Create ``db`` with the demo structure and ``responses`` synthetic responses; seconds."""
    from webapp.db import get_session
    from webapp.demo.loader import load_demo
    from webapp.survey_versions import latest_version, load_version

    start = time.perf_counter()
    upgrade(f"sqlite:///{db}")
    app = _app(db)
    with app.app_context():
        session = get_session()
        load_demo(session, app.config, responses=10, seed=seed)
        version = latest_version(session, "sipas")
        assert version is not None
        definition = load_version(version)
        version_id = version.id
    con = sqlite3.connect(db)
    units = con.execute("SELECT u.id, c.id FROM unit u JOIN counter c ON c.unit_id = u.id "
                        "WHERE u.parent_id IS NOT NULL").fetchall()
    fields = con.execute("SELECT id, name_vi FROM procedure_field").fetchall()
    rng = np.random.default_rng(seed)
    done = 0
    while done < responses:
        size = min(BATCH, responses - done)
        rows = _rows(definition, version_id, units, fields, size, rng)
        con.executemany(
            "INSERT INTO response (public_id, submission_id, survey_version_id, unit_id, "
            "counter_id, field_id, period, channel, on_time, language, answers) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        con.commit()
        done += size
        print(f"  generated {done:,}", file=sys.stderr)
    con.close()
    return time.perf_counter() - start


def _rows(definition, version_id: int, units, fields, size: int,  # type: ignore[no-untyped-def]
          rng: np.random.Generator) -> list[tuple[object, ...]]:
    pick_unit = rng.integers(len(units), size=size)
    pick_field = rng.integers(len(fields), size=size)
    month = rng.integers(len(MONTHS), size=size)
    on_time = rng.random(size) < 0.9
    columns: dict[str, np.ndarray] = {}
    for q in definition.questions:
        for aid in q.answer_ids:
            scale = definition.scale_of(aid)
            if scale is None:
                continue
            codes = np.array(scale.codes)
            columns[aid] = codes[rng.integers(len(codes), size=size)]
    feedback = columns.get("exp_feedback")
    respondent = {q.id for q in definition.questions if q.section == "respondent"}
    rows = []
    for i in range(size):
        answers: dict[str, object] = {"procedure": fields[pick_field[i]][1]}
        for aid, values in columns.items():
            if aid.startswith("c9_fb.") and feedback is not None and feedback[i] != 1:
                continue
            if aid in respondent and (i * 7 + len(aid)) % 10 == 0:
                continue  # about a tenth of respondents skip each item
            answers[aid] = int(values[i])
        unit_id, counter_id = units[pick_unit[i]]
        rows.append((secrets.token_hex(16), secrets.token_hex(16), version_id, unit_id,
                     counter_id, fields[pick_field[i]][0], MONTHS[month[i]], "demo",
                     bool(on_time[i]), "vi", json.dumps(answers, ensure_ascii=False)))
    return rows


def child(db: Path, fmt: str, out: Path) -> None:
    """Run one export (or, for ``read``, the baseline) and print its figures as JSON."""
    from webapp.db import get_session
    from webapp.export.service import ExportRequest, run_export

    app = _app(db)
    if fmt == "tocsv":
        print(json.dumps(_to_csv_baseline(app, out)))
        return
    start, cpu = time.perf_counter(), time.process_time()
    if fmt == "read":
        print(json.dumps({"format": fmt, "rows": _read_only(app), "bytes": 0,
                          "seconds": round(time.perf_counter() - start, 1),
                          "cpu_timed": round(time.process_time() - cpu, 1)}))
        return
    with app.app_context():
        result = run_export(get_session(), ExportRequest("sipas", PERIOD, fmt, out / fmt),
                            actor="bench")
    print(json.dumps({"format": fmt, "rows": result.rows,
                      "seconds": round(time.perf_counter() - start, 1),
                      "cpu_timed": round(time.process_time() - cpu, 1),
                      "bytes": result.data_file.stat().st_size}))


def _to_csv_baseline(app, out: Path) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Time ``DataFrame.to_csv`` of the export table, loaded beforehand (untimed)."""
    import pandas as pd

    from webapp.db import get_session
    from webapp.export.service import ExportRequest, run_export

    source = next((out / "parquet").glob("hailong_*.parquet"), None) \
        if (out / "parquet").exists() else None
    if source is None:
        with app.app_context():
            source = run_export(get_session(), ExportRequest("sipas", PERIOD, "parquet",
                                                             out / "parquet"),
                                actor="bench").data_file
    frame = pd.read_parquet(source)
    target = out / "tocsv" / "baseline.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    start, cpu = time.perf_counter(), time.process_time()
    frame.to_csv(target, index=False, encoding="utf-8-sig")
    return {"format": "tocsv", "rows": len(frame), "bytes": target.stat().st_size,
            "seconds": round(time.perf_counter() - start, 1),
            "cpu_timed": round(time.process_time() - cpu, 1)}


def _read_only(app) -> int:  # type: ignore[no-untyped-def]
    """Baseline: only read the responses as the export does, in chunks, and drop them."""
    from webapp.db import get_session
    from webapp.periods import parse_period
    from webapp.statistics.microdata import iter_response_chunks

    with app.app_context():
        return sum(len(c) for c in iter_response_chunks(get_session(), "sipas",
                                                       parse_period(PERIOD)))


def measure(db: Path, fmt: str, out: Path) -> dict[str, object]:
    """Export ``fmt`` in a child process under ``/usr/bin/time -v``."""
    run = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-m", "bench.export_bench",
                          "--child", fmt, "--db", str(db), "--out", str(out)],
                         capture_output=True, text=True, check=True)
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
    figures["peak_rss_mib"] = round(int(peak.group(1)) / 1024) if peak else None
    # CPU time of the whole child (all threads, imports included): on a shared machine the
    # wall time also holds the time spent waiting for a core.
    cpu = [float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)",
                                         run.stderr)]
    figures["cpu_seconds"] = round(sum(cpu), 1) if cpu else None
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--formats", default="parquet,tocsv,read,csv,dta,sav",
                        help="Comma-separated; 'tocsv' is the baseline (pandas to_csv of the "
                             "table in memory), 'read' only reads the responses.")
    parser.add_argument("--db", type=Path, help="Reuse (or create) this SQLite file.")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hailong-export-bench-"))
    db = args.db or work / "bench.db"
    out = args.out or work / "out"
    if args.child:
        child(db, args.child, out)
        return
    if not db.exists():
        seconds = generate(db, args.responses, args.seed)
        print(f"generated {args.responses:,} responses into {db} in {seconds:.0f} s")
    results = {}
    for fmt in args.formats.split(","):
        results[fmt] = measure(db, fmt, out)
        print(json.dumps(results[fmt]), file=sys.stderr, flush=True)
    base = results.get("tocsv")
    print("| format | rows | time (s) | vs. to_csv | CPU (s) | CPU vs. to_csv | "
          "process CPU (s) | peak RSS (MiB) | file (MiB) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for fmt, f in results.items():
        ratio = f"{float(f['seconds']) / float(base['seconds']):.2f}" if base else "-"
        cpu = f.get("cpu_timed")
        cpu_ratio = f"{float(cpu) / float(base['cpu_timed']):.2f}" \
            if base and cpu and base.get("cpu_timed") else "-"
        print(f"| {fmt} | {f['rows']:,} | {f['seconds']} | {ratio} | {cpu or '-'} | "
              f"{cpu_ratio} | {f['cpu_seconds']} | {f['peak_rss_mib']} | "
              f"{int(f['bytes']) / 2**20:.0f} |", flush=True)


if __name__ == "__main__":
    main()
