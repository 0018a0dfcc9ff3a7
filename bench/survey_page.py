"""Benchmark: weight and first render of the survey's first page on a slow phone network.

Run: ``.venv/bin/python -m bench.survey_page [--runs 5]``. Needs Debian's chromium.

Measures, for the survey's first page and for a baseline (the same page's form HTML alone, no
styles), under Chromium's "Slow 3G" network emulation (the DevTools/Puppeteer preset: 2,000 ms
latency, 400 kbit/s down and up) with a 4x CPU slowdown: bytes transferred (compressed), number
of requests, and the first contentful paint. Both pages are served by the same server in the
same run, so their ratio is meaningful even on a noisy machine.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.common import bench_app, served
from tests.webapp.survey_helpers import setup_counter
from webapp.db import get_session
from webapp.respond.tokens import sign_counter_token

SLOW_3G = {
    "offline": False,
    "latency": 2000,
    "downloadThroughput": 500 * 1000 / 8 * 0.8,
    "uploadThroughput": 500 * 1000 / 8 * 0.8,
}


def measure(browser, url: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Load ``url`` once in a fresh context; return bytes, requests and first paint (ms)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    sizes: dict[str, int] = {}
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    page.goto(url, wait_until="load")
    paint = page.evaluate("""() => new Promise(resolve => {
        new PerformanceObserver(list => {
            const e = list.getEntriesByName('first-contentful-paint')[0];
            if (e) resolve(e.startTime);
        }).observe({type: 'paint', buffered: true});
        setTimeout(() => resolve(null), 10000);
    })""")
    context.close()
    return {"bytes": sum(sizes.values()), "requests": len(sizes), "fcp_ms": paint}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = bench_app()
    with app.app_context():
        counter = setup_counter(get_session())
        token = sign_counter_token(counter, app.config)
    executable = shutil.which("chromium")
    if not executable:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    with served(app) as base, sync_playwright() as playwright:
        survey_url = f"{base}/s/{token}"
        html = app.test_client().get(f"/s/{token}").get_data(as_text=True)
        baseline = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
        static = Path(app.static_folder or "") / "_bench_baseline.html"
        static.write_text(baseline, encoding="utf-8")
        try:
            browser = playwright.chromium.launch(
                executable_path=executable,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            rows = {"survey": [], "baseline": []}
            for _ in range(args.runs):
                rows["survey"].append(measure(browser, survey_url))
                rows["baseline"].append(measure(browser, f"{base}/static/_bench_baseline.html"))
            browser.close()
        finally:
            static.unlink()
    summary = {}
    for name, runs in rows.items():
        summary[name] = {
            "bytes": runs[0]["bytes"],
            "requests": runs[0]["requests"],
            "fcp_ms_median": statistics.median(r["fcp_ms"] for r in runs),
            "fcp_ms_all": [round(r["fcp_ms"]) for r in runs],
        }
    summary["fcp_ratio_survey_to_baseline"] = (
        summary["survey"]["fcp_ms_median"] / summary["baseline"]["fcp_ms_median"]
    )
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
