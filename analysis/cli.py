"""``python -m analysis estimate``: rerun any estimate on a CSV file.

Usage (as ``shared/design.md``)::

    python -m analysis estimate DATA.csv --weight COL [--strata COL] [--psu COL[,COL2]]
        [--fpc COL[,COL2]] (--mean COL | --total COL | --prop "COL==VALUE" | --ratio NUM/DEN)
        [--by COL] [--poststratify COL[,COL...]=FILE.csv] [--rake COL=FILE.csv ...]
        [--ci-method logit|beta|wilson|mean|likelihood|xlogit|asin] [--level 0.95]
        [--df design|inf]

Extra options: ``--lonely-psu fail|certainty|adjust|average`` (default fail),
``--nest``, and ``--empty-cells error|collapse`` with ``--collapse-within COL`` for
post-stratification cells that have population but no respondents (see
:mod:`analysis.weighting`). Output: a JSON list on stdout of objects with keys ``group`` (null
without ``--by``), ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``df`` (``"Inf"``
for the normal quantile), ``n``, ``deff`` (null where undefined). Errors: one
message on stderr naming the file, column and reason; exit status 2; nothing
on stdout. Post-stratification is applied before raking when both are given.

Degrees of freedom as R: by default the normal quantile for ``--mean``, ``--total`` and
``--ratio`` (``confint``), and ``degf`` of the design for ``--prop`` (``svyciprop``; with
``--by``, the domain's ``degf``, as ``svyby(..., svyciprop)``). ``--df design`` asks for the
t quantile with the full design's ``degf`` for means, totals and ratios.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import estimators, weighting
from analysis.design import LonelyPSU, SurveyDesign
from analysis.errors import AnalysisError
from analysis.intervals import METHODS
from analysis.results import DomainEstimates, Estimate

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m analysis``."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    est = sub.add_parser("estimate", help="estimate a mean, total, proportion or ratio")
    est.add_argument("data", type=Path, metavar="DATA.csv")
    est.add_argument("--weight", required=True, metavar="COL")
    est.add_argument("--strata", metavar="COL")
    est.add_argument("--psu", metavar="COL[,COL2]")
    est.add_argument("--fpc", metavar="COL[,COL2]")
    what = est.add_mutually_exclusive_group(required=True)
    what.add_argument("--mean", metavar="COL")
    what.add_argument("--total", metavar="COL")
    what.add_argument("--prop", metavar="COL==VALUE")
    what.add_argument("--ratio", metavar="NUM/DEN")
    est.add_argument("--by", metavar="COL")
    est.add_argument("--poststratify", metavar="COL[,COL...]=FILE.csv")
    est.add_argument("--empty-cells", choices=("error", "collapse"), default="error")
    est.add_argument("--collapse-within", metavar="COL")
    est.add_argument("--rake", action="append", default=[], metavar="COL=FILE.csv")
    est.add_argument("--ci-method", choices=METHODS)
    est.add_argument("--level", type=float, default=0.95)
    est.add_argument("--df", choices=("design", "inf"))
    est.add_argument("--lonely-psu", choices=[p.value for p in LonelyPSU], default="fail")
    est.add_argument("--nest", action="store_true")
    return parser


def _read_csv(path: Path, what: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path)
    except FileNotFoundError as exc:
        raise AnalysisError(f"{what} {path}: file not found") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise AnalysisError(f"{what} {path}: not a readable CSV file ({exc})") from exc


def _spec(text: str, option: str) -> tuple[list[str], Path]:
    columns, sep, file = text.partition("=")
    if not sep or not columns or not file:
        raise AnalysisError(f"{option} expects COL[,COL...]=FILE.csv, got {text!r}")
    return [c.strip() for c in columns.split(",")], Path(file)


def _calibrate(design: SurveyDesign, args: argparse.Namespace) -> SurveyDesign:
    if args.poststratify:
        columns, path = _spec(args.poststratify, "--poststratify")
        table = _read_csv(path, "population file")
        try:
            design = weighting.poststratify(
                design,
                columns,
                table,
                empty_cells=args.empty_cells,
                collapse_within=args.collapse_within,
            )
        except AnalysisError as exc:
            raise AnalysisError(f"--poststratify {path}: {exc}") from exc
    if args.rake:
        margins = []
        for text in args.rake:
            columns, path = _spec(text, "--rake")
            table = _read_csv(path, "margin file")
            missing = [c for c in [*columns, "Freq"] if c not in table.columns]
            if missing:
                raise AnalysisError(f"--rake {path}: no column {missing[0]!r}")
            margins.append(table[[*columns, "Freq"]])
        design = weighting.rake(design, margins)
    return design


def _estimate(design: SurveyDesign, args: argparse.Namespace) -> list[dict[str, object]]:
    if args.ci_method and args.prop is None:
        raise AnalysisError("--ci-method applies to --prop only")
    common: dict[str, Any] = {"level": args.level, "df": args.df}
    fn: Callable[..., Estimate]
    values: tuple[str, ...]
    if args.prop is not None:
        if "==" not in args.prop:
            raise AnalysisError(f"--prop expects COL==VALUE, got {args.prop!r}")
        fn, values = estimators.proportion, (args.prop,)
        common["method"] = args.ci_method or "logit"
    elif args.ratio is not None:
        num, sep, den = args.ratio.partition("/")
        if not sep or not num or not den:
            raise AnalysisError(f"--ratio expects NUM/DEN, got {args.ratio!r}")
        fn, values = estimators.ratio, (num.strip(), den.strip())
    else:
        fn = estimators.mean if args.mean is not None else estimators.total
        values = (args.mean if args.mean is not None else args.total,)
    if args.by:
        result: DomainEstimates = estimators.by(design, args.by, fn, *values, **common)
        return result.to_records()
    single: Estimate = fn(design, *values, **common)
    return [single.to_dict(None)]


def run(args: argparse.Namespace) -> list[dict[str, object]]:
    """Run ``estimate`` for parsed arguments; raise :class:`AnalysisError` on bad input."""
    if not 0 < args.level < 1:
        raise AnalysisError(f"--level must be between 0 and 1, got {args.level}")
    frame = _read_csv(args.data, "data file")
    try:
        design = SurveyDesign.from_frame(
            frame,
            weight=args.weight,
            strata=args.strata,
            cluster=args.psu,
            fpc=args.fpc,
            lonely_psu=LonelyPSU(args.lonely_psu),
            nest=args.nest,
        )
        design = _calibrate(design, args)
        return _estimate(design, args)
    except AnalysisError as exc:
        raise AnalysisError(f"{args.data}: {exc}") from exc


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: print JSON to stdout, or an error to stderr and return 2."""
    args = build_parser().parse_args(argv)
    try:
        records = run(args)
    except AnalysisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(records, indent=2, ensure_ascii=False, allow_nan=False))
    return 0
