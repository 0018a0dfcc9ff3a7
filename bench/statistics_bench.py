"""Time and peak memory of per-unit SIPAS statistics, with R ``survey`` as the baseline.

Synthetic SIPAS-like data: responses spread over units (each unit 1-2 district roll-ups under one
province), 8 procedure fields with dossier counts per unit × field, the 19 criteria of the
shipped SIPAS definition answered on the 5-point scale (unit and field effects, 5% "no opinion",
5% unanswered). Two hailong paths are timed, each in a fresh child process under
``/usr/bin/time -v`` (wall time and peak resident memory of the whole process):

* ``cli``: ``python -m analysis estimate`` on a CSV file: per-unit post-stratified mean of
  ``y`` (the respondent's share of satisfied answers) with SEs, strata = unit, post-strata =
  unit × field, exactly R's ``svyby(~y, ~unit, postStratify(design, ~unit+field, pop), svymean)``;
* ``library``: ``analysis.units.unit_results`` on the same rows: every criterion, element and
  overall SIPAS index of every unit and every roll-up with intervals, hailong's default weights
  (the inner time of the call is reported beside the process's wall time).

Baseline in the same run: R ``survey`` on the R-sized problem (``--r-responses`` over
``--r-units``), then the same CSV through the hailong CLI; the estimates and SEs must agree to
1e-6 and the ratio of wall times is reported.

Run (results in docs/benchmarks.md, section "Statistics")::

    .venv/bin/python -m bench.statistics_bench --sizes 10000,100000,1000000
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

FIELDS = 8
DISTRICTS = 60
R_SCRIPT = r"""
suppressMessages(library(survey))
options(survey.lonely.psu = "certainty")
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
pop <- read.csv(args[2])
t0 <- proc.time()[["elapsed"]]
des <- svydesign(ids = ~1, strata = ~unit, weights = ~w0, data = d)
ps <- postStratify(des, ~unit + field, pop)
res <- svyby(~y, ~unit, ps, svymean)
elapsed <- proc.time()[["elapsed"]] - t0
out <- data.frame(unit = res$unit, estimate = res$y, se = SE(res))
writeLines(jsonlite::toJSON(list(elapsed = elapsed, rows = out), digits = NA,
                            auto_unbox = TRUE), args[3])
"""


def sipas_spec() -> dict:
    import survey_defs

    loaded = survey_defs.load_definition(survey_defs.SHIPPED_DIR / "sipas.yaml")
    return loaded.definition.scoring_spec()


def criteria(spec: dict) -> list[str]:
    return [c for e in spec["elements"] for c in e["criteria"]]


def make_data(n: int, units: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Responses (unit, period, field, criteria, y, w0) and dossier counts per unit × field."""
    rng = np.random.default_rng(seed)
    items = criteria(sipas_spec())
    unit = rng.integers(0, units, n)
    field = rng.choice(FIELDS, n, p=np.linspace(2, 0.5, FIELDS) / np.linspace(2, 0.5, FIELDS).sum())
    unit_effect = rng.normal(0.0, 0.6, units)
    field_effect = np.linspace(-0.4, 0.4, FIELDS)
    frame = pd.DataFrame(
        {
            "unit": np.char.add("u", unit.astype(str)),
            "period": "2026",
            "field": np.char.add("f", field.astype(str)),
            "w0": 1.0,
        }
    )
    base = unit_effect[unit] + field_effect[field]
    satisfied = np.zeros(n)
    valid = np.zeros(n)
    for item in items:
        latent = base + rng.normal(0.0, 1.0, n)
        codes = np.digitize(latent, [-1.6, -0.9, -0.2, 0.9]) + 1.0
        blank = rng.random(n)
        codes[blank < 0.05] = 9.0
        codes[blank > 0.95] = np.nan
        frame[item] = codes
        ok = ~np.isnan(codes) & (codes != 9)
        valid += ok
        satisfied += ok & (codes >= 4)
    frame["y"] = np.where(valid > 0, satisfied / np.maximum(valid, 1), 0.0)
    cells = frame.groupby(["unit", "field"], as_index=False).size()
    cells["Freq"] = cells["size"] * rng.integers(20, 60, len(cells))
    return frame, cells[["unit", "field", "Freq"]]


def parents_of(units: list[str]) -> dict[str, str]:
    """u<i> → d<i % 60> → p0."""
    tree = {u: f"d{int(u[1:]) % DISTRICTS}" for u in units}
    tree.update({f"d{j}": "p0" for j in range(DISTRICTS)})
    return tree


def write(folder: Path, n: int, units: int, seed: int) -> tuple[Path, Path, Path]:
    """The answers file (library path), the one-variable file (CLI and R) and the population."""
    frame, pop = make_data(n, units, seed)
    data = folder / f"data_{n}_{units}.csv"
    small = folder / f"y_{n}_{units}.csv"
    popfile = folder / f"pop_{n}_{units}.csv"
    frame.to_csv(data, index=False)
    frame[["unit", "field", "w0", "y"]].to_csv(small, index=False)
    pop.to_csv(popfile, index=False)
    return data, small, popfile


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """Run ``cmd`` under /usr/bin/time -v: wall seconds, peak RSS MiB, stdout."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} failed: {proc.stderr[-2000:]}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return wall, int(rss.group(1)) / 1024 if rss else float("nan"), proc.stdout


def cli_cmd(data: Path, pop: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "analysis",
        "estimate",
        str(data),
        "--weight",
        "w0",
        "--strata",
        "unit",
        "--mean",
        "y",
        "--by",
        "unit",
        "--poststratify",
        f"unit,field={pop}",
        "--lonely-psu",
        "certainty",
    ]


def library(data: Path, pop: Path) -> dict:
    """Child-process body: unit_results with roll-ups on the CSV; inner seconds and rows."""
    from analysis.units import unit_results

    frame = pd.read_csv(data, dtype={"period": str})
    dossiers = pd.read_csv(pop).rename(columns={"Freq": "count"}).assign(period="2026")
    start = time.perf_counter()
    out = unit_results(
        frame, sipas_spec(), dossiers=dossiers, parents=parents_of(sorted(frame["unit"].unique()))
    )
    return {"seconds": time.perf_counter() - start, "rows": len(out)}


def r_baseline(folder: Path, data: Path, pop: Path) -> dict:
    script = folder / "svyby.R"
    script.write_text(R_SCRIPT)
    out = folder / "r_out.json"
    wall, rss, _ = timed(["Rscript", str(script), str(data), str(pop), str(out)])
    result = json.loads(out.read_text())
    return {"wall": wall, "rss": rss, "inner": result["elapsed"], "rows": result["rows"]}


def compare(r_rows: list[dict], cli_out: str) -> float:
    """Largest absolute difference of estimates and SEs between R and the hailong CLI."""
    ours = {rec["group"]: rec for rec in json.loads(cli_out)}
    worst = 0.0
    for row in r_rows:
        mine = ours[row["unit"]]
        worst = max(worst, abs(mine["estimate"] - row["estimate"]), abs(mine["se"] - row["se"]))
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--r-responses", type=int, default=100_000)
    parser.add_argument("--r-units", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--library", nargs=2, metavar=("DATA", "POP"), help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help="folder for the CSV files (default: temporary)")
    args = parser.parse_args(argv)
    if args.library:
        print(json.dumps(library(Path(args.library[0]), Path(args.library[1]))))
        return 0
    folder = args.keep or Path(tempfile.mkdtemp(prefix="hailong-stats-"))
    folder.mkdir(parents=True, exist_ok=True)
    if shutil.which("Rscript"):
        _, small, pop = write(folder, args.r_responses, args.r_units, args.seed)
        r = r_baseline(folder, small, pop)
        wall, rss, out = timed(cli_cmd(small, pop))
        diff = compare(r["rows"], out)
        print(
            f"baseline R survey {args.r_responses}x{args.r_units}: wall {r['wall']:.2f} s "
            f"(svyby {r['inner']:.2f} s), peak {r['rss']:.0f} MiB"
        )
        print(
            f"hailong cli       {args.r_responses}x{args.r_units}: wall {wall:.2f} s, "
            f"peak {rss:.0f} MiB; max |diff| vs R {diff:.2e}; R/hailong {r['wall'] / wall:.1f}x"
        )
    else:
        print("Rscript not found: R baseline skipped")
    for n in [int(s) for s in args.sizes.split(",")]:
        data, small, pop = write(folder, n, args.units, args.seed)
        wall, rss, _ = timed(cli_cmd(small, pop))
        print(f"cli     {n:>9}x{args.units}: wall {wall:7.2f} s, peak {rss:6.0f} MiB")
        wall, rss, out = timed(
            [sys.executable, "-m", "bench.statistics_bench", "--library", str(data), str(pop)]
        )
        inner = json.loads(out)
        print(
            f"library {n:>9}x{args.units}: wall {wall:7.2f} s (unit_results "
            f"{inner['seconds']:.2f} s, {inner['rows']} result rows), peak {rss:6.0f} MiB"
        )
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
