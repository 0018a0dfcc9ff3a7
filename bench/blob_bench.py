"""Export files kept in the database (issue 18): time to store a file in 1 MiB chunk rows and
to stream it back, on SQLite and PostgreSQL, against copying the same file on disk.

Run (results in docs/benchmarks.md, section "Job files")::

    .venv/bin/python -m bench.blob_bench --mib 64 [--postgres postgresql://...]

Baseline in the same run: ``shutil.copyfile`` of the file on the local disk, the old way
(``instance/exports/``) to put an export where a download reads it. Reported: seconds and MB/s
for storing and for streaming (wall and CPU time), and each as a ratio to the baseline.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from webapp.jobs import blobs, store
from webapp.migrate import upgrade
from webapp.models import JobFile


def _timed(action) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def run(url: str, path: Path, label: str, baseline: float) -> None:
    engine = create_engine(url)
    size = path.stat().st_size
    with Session(engine) as session:
        job = store.create(session, "bench", None, {})
        session.commit()
        kept: list[JobFile] = []

        def put() -> None:
            kept.append(blobs.store_path(session, job.id, path))
            session.commit()
        put_wall, put_cpu = _timed(put)
        digest = hashlib.sha256()

        def get() -> None:
            for piece in blobs.stream(engine, kept[0].id, kept[0].chunks):
                digest.update(piece)
        get_wall, get_cpu = _timed(get)
        assert digest.hexdigest() == kept[0].sha256
        blobs.delete_files(session, job.id)
        session.commit()
    mb = size / 1e6
    print(f"{label:10} store {put_wall:6.2f} s ({mb / put_wall:6.0f} MB/s, cpu {put_cpu:5.2f} s, "
          f"{put_wall / baseline:5.1f}x copy)   stream {get_wall:6.2f} s "
          f"({mb / get_wall:6.0f} MB/s, cpu {get_cpu:5.2f} s, {get_wall / baseline:5.1f}x copy)")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mib", type=int, default=64)
    parser.add_argument("--postgres", help="an empty PostgreSQL database (its tables are dropped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "export.dta"
        source.write_bytes(random.Random(18).randbytes(args.mib * 1024 * 1024))
        baseline, _ = _timed(lambda: shutil.copyfile(source, folder / "copy.dta"))
        print(f"{args.mib} MiB file; baseline copyfile {baseline:.3f} s "
              f"({args.mib * 1.048576 / baseline:.0f} MB/s)")
        sqlite = f"sqlite:///{folder / 'bench.db'}"
        upgrade(sqlite)
        run(sqlite, source, "sqlite", baseline)
        if args.postgres:
            engine = create_engine(args.postgres)
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            engine.dispose()
            upgrade(args.postgres)
            run(args.postgres, source, "postgresql", baseline)


if __name__ == "__main__":
    main()
