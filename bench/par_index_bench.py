"""Server time of the PAR INDEX pages and the báo cáo for a district with its communes.

    .venv/bin/python -m bench.par_index_bench [--communes 15] [--districts 8] [--repeat 7]

Builds, in a throwaway SQLite database: a province with ``--districts`` districts, the first
with ``--communes`` communes; a commune scorecard and a district scorecard of 8 domains x 5
criteria x 2 sub-criteria (80 scored items, like the 88 of QĐ 876), each appraised for two
years in every unit. Signs in as the administrator and times, in one process (medians over
``--repeat``; CPU seconds of this process and wall milliseconds):
- the commune page and the district page (``/staff/parindex/<unit>/<year>``);
- the index page of the province (``/staff/parindex/?year=``);
- the báo cáo of the district and of a commune as DOCX and PDF (model + rendering).
Also counts how many times one assessment's totals are computed per request (``compute``):
with every peer computed once the count equals the peers of this year and last year.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask

from bench.common import bench_app
from tests.webapp.staff_helpers import PASSWORD, _password_hash, csrf_token
from webapp.db import get_session
from webapp.models import Assessment, CriterionScore, Role, Unit, User
from webapp.par_index import results
from webapp.par_index.assessment import open_assessment
from webapp.par_index.scorecards import import_points, publish_scorecard

DOMAINS, CRITERIA, PARTS = 8, 5, 2
LEAF_POINTS = "1.25"  # 80 leaves x 1.25 = 100


def card_yaml(key: str, level: str, year: int) -> str:
    """A scorecard of DOMAINS x CRITERIA x PARTS yes/no sub-criteria (points loaded later)."""
    lines = [f"key: {key}", f'version: "bench-{year}"', f"year: {year}", f"level: {level}",
             'title: {vi: "Bộ chỉ số thử", en: "Bench scorecard"}', "languages: [vi, en]",
             'sources: {HL: "hailong"}', "total_points: 100", "domains:"]
    for d in range(1, DOMAINS + 1):
        lines += [f'  - code: "{d}"', f'    name: {{vi: "Lĩnh vực {d}", en: "Domain {d}"}}',
                  "    max_points: null", "    source: HL", "    verification: I",
                  "    criteria:"]
        for c in range(1, CRITERIA + 1):
            lines += [f'      - code: "{d}.{c}"',
                      f'        name: {{vi: "Tiêu chí {d}.{c}", en: "Criterion {d}.{c}"}}',
                      "        max_points: null", "        sub_criteria:"]
            for p in range(1, PARTS + 1):
                lines += [f'          - code: "{d}.{c}.{p}"',
                          f'            name: {{vi: "Thành phần {d}.{c}.{p}"}}',
                          "            max_points: null", "            rule: {type: yesno}"]
    return "\n".join(lines) + "\n"


def points_csv(key: str, year: int) -> str:
    rows = ["scorecard,version,item_code,max_points"]
    for d in range(1, DOMAINS + 1):
        rows.append(f"{key},bench-{year},{d},12.5")
        for c in range(1, CRITERIA + 1):
            rows.append(f"{key},bench-{year},{d}.{c},2.5")
            rows += [f"{key},bench-{year},{d}.{c}.{p},{LEAF_POINTS}"
                     for p in range(1, PARTS + 1)]
    return "\n".join(rows) + "\n"


def build(app: Flask, communes: int, districts: int, folder: Path) -> dict[str, Any]:
    """Units, users, two years of appraised assessments; returns codes used by the timings."""
    rng = random.Random(16)
    with app.app_context():
        session = get_session()
        province = Unit(code="P", name_vi="Tỉnh Thử", unit_type="province")
        session.add(province)
        dists = [Unit(code=f"H{i}", name_vi=f"Huyện Số {i}", unit_type="district",
                      parent=province) for i in range(1, districts + 1)]
        xas = [Unit(code=f"H1-X{i}", name_vi=f"Xã Số {i}", unit_type="commune",
                    parent=dists[0]) for i in range(1, communes + 1)]
        session.add_all(dists + xas)
        admin = User(email="admin@bench.vn", role=Role.ADMIN, password_hash=_password_hash())
        session.add(admin)
        session.commit()
        for year in (2024, 2025):
            for key, level, units in (("bench_xa", "xa", xas), ("bench_huyen", "huyen", dists)):
                path = folder / f"{key}-{year}.yaml"
                path.write_text(card_yaml(key, level, year), encoding="utf-8")
                version = publish_scorecard(session, path)
                csv = folder / f"{key}-{year}.csv"
                csv.write_text(points_csv(key, year), encoding="utf-8")
                import_points(session, csv)
                for unit in units:
                    assessment = open_assessment(session, unit, version, admin)
                    for row in session.query(CriterionScore).filter_by(
                            assessment_id=assessment.id):
                        row.self_score = results.Decimal(LEAF_POINTS) \
                            if rng.random() < 0.85 else results.Decimal(0)
                        row.appraised_score = row.self_score
                    assessment.status = "appraised"
                session.commit()
        assert session.query(Assessment).count() == 2 * (communes + districts)
    return {"commune": xas[0].code, "district": dists[0].code}


def _median(call: Callable[[], object], repeat: int) -> tuple[float, float]:
    cpu, wall = [], []
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        call()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return round(statistics.median(cpu), 3), round(statistics.median(wall) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--communes", type=int, default=15)
    parser.add_argument("--districts", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    app = bench_app()
    folder = Path(app.instance_path)
    codes = build(app, args.communes, args.districts, folder)
    client = app.test_client()
    token = csrf_token(client)
    client.post("/auth/login", data={"email": "admin@bench.vn", "password": PASSWORD,
                                     "csrf_token": token})
    calls = {"n": 0}
    original = results.compute

    def counting(*a: Any, **k: Any) -> Any:
        calls["n"] += 1
        return original(*a, **k)

    results.compute = counting

    def get(url: str) -> Callable[[], None]:
        def call() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return call

    out: dict[str, Any] = {"communes": args.communes, "districts": args.districts,
                           "scored_items": DOMAINS * CRITERIA * PARTS}
    pages = {"commune_page": f"/staff/parindex/{codes['commune']}/2025",
             "district_page": f"/staff/parindex/{codes['district']}/2025",
             "index_page": "/staff/parindex/?year=2025",
             "district_report_docx": f"/staff/parindex/{codes['district']}/2025/report.docx",
             "district_report_pdf": f"/staff/parindex/{codes['district']}/2025/report.pdf",
             "commune_report_docx": f"/staff/parindex/{codes['commune']}/2025/report.docx"}
    for name, url in pages.items():
        calls["n"] = 0
        if client.get(url).status_code == 404:  # an older tree without this page
            continue
        out[f"{name}_computes"] = calls["n"]
        cpu, wall = _median(get(url), args.repeat)
        out[f"{name}_cpu_s"], out[f"{name}_ms"] = cpu, wall
    results.compute = original
    print(json.dumps(out))


if __name__ == "__main__":
    main()
