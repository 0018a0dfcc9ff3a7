"""Server time of the staff pages and the indices API on the demo data (Flask test client).

    .venv/bin/python -m bench.staff_pages [--repeat 15] [--cold 5]

Loads ``hailong demo`` (3000 responses, ten communes, twelve months) into a throwaway SQLite
database, signs in as the administrator and times, in one process:
- the province page (LD, latest month) "first": every cache emptied before each request;
- the same page warm (indices and charts cached), a commune's page warm, and the API warm.
Prints one JSON object of medians in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from bench.common import bench_app
from webapp.administration.apikeys import create_api_key
from webapp.db import get_session
from webapp.demo.loader import load_demo
from webapp.statistics import indices_cache
from webapp.statistics.stat_cells import latest_month


def _clear_all(app: Flask) -> None:
    indices_cache.clear()
    with app.app_context():
        try:
            from webapp.statistics import report_cache

            report_cache.clear()
        except ImportError:  # pragma: no cover - trees without the report memo
            pass
    try:
        from webapp.statistics import charts

        clear = getattr(charts, "clear_cache", None)
        if clear is not None:
            clear()
    except ImportError:  # pragma: no cover - older trees without the module
        pass


def _median_ms(call: Callable[[], object], repeat: int, before: Callable[[], None] | None = None
               ) -> float:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def _get(client: FlaskClient, url: str,
         headers: dict[str, str] | None = None) -> Callable[[], None]:
    def call() -> None:
        response = client.get(url, headers=headers or {})
        assert response.status_code == 200, (url, response.status_code)

    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--cold", type=int, default=5)
    args = parser.parse_args()
    app = bench_app()
    with app.app_context():
        session = get_session()
        report = load_demo(session, app.config)
        raw, _ = create_api_key(session, name="bench")
        period = latest_month(session, "sipas")
    email, password = next((e, p) for role, e, p in report.logins if role == "admin")
    client = app.test_client()
    from tests.webapp.staff_helpers import csrf_token

    token = csrf_token(client)
    client.post("/auth/login", data={"email": email, "password": password, "csrf_token": token})
    province = f"/staff/units/LD?survey=sipas&period={period}"
    commune = f"/staff/units/LD-DS?survey=sipas&period={period}"
    api = f"/api/v1/indices?survey=sipas&period={period}&unit=LD"
    auth = {"Authorization": f"Bearer {raw}"}

    def clear() -> None:
        _clear_all(app)

    result = {
        "period": period,
        "province_first_ms": _median_ms(_get(client, province), args.cold, clear),
        "province_warm_ms": _median_ms(_get(client, province), args.repeat),
        "commune_warm_ms": _median_ms(_get(client, commune), args.repeat),
        "api_first_ms": _median_ms(_get(client, api, auth), args.cold, clear),
        "api_warm_ms": _median_ms(_get(client, api, auth), args.repeat),
        "province_page_bytes": len(client.get(province).get_data()),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
