"""Command line for scorecards, official results and the báo cáo (registered in webapp.cli)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from flask.cli import with_appcontext

from survey_defs import DefinitionError

from ..csv_input import ImportRejected
from ..db import get_session


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(1)


@click.group("parindex")
def parindex() -> None:
    """Scorecards (PAR INDEX and provincial cascades)."""


@parindex.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False))
def parindex_check(paths: tuple[str, ...]) -> None:
    """Check scorecard files (the shipped ones without PATHS): 'file:line: CODE message'."""
    from survey_defs.scorecards import check_scorecard_paths, shipped_scorecards

    problems = check_scorecard_paths(paths or shipped_scorecards())
    for problem in problems:
        click.echo(problem.format())
    if any(p.severity == "error" for p in problems):
        sys.exit(1)


@parindex.command("publish")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def parindex_publish(file: str) -> None:
    """Check FILE.yaml and store it as a frozen scorecard version."""
    from .scorecards import ScorecardConflict, publish_scorecard

    try:
        row = publish_scorecard(get_session(), Path(file))
    except DefinitionError as exc:
        _fail(str(exc))
    except ScorecardConflict as exc:
        _fail(str(exc))
    click.echo(f"scorecard {row.key} version {row.version} ({row.year}) published")


@parindex.command("points")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def parindex_points(file: str) -> None:
    """Load a version's maximum points from FILE.csv (scorecard, version, item_code,
    max_points), all or nothing."""
    from .scorecards import import_points

    try:
        report = import_points(get_session(), Path(file))
    except ImportRejected as exc:
        _fail(f"{exc}\n{len(exc.problems)} problem(s); nothing was imported.")
    click.echo(f"points: {report.items} items of {report.scorecard} {report.version}")


@click.group("official")
def official() -> None:
    """Official published results (PAR INDEX, SIPAS, PAPI, PCI...)."""


@official.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def official_import(file: str) -> None:
    """Import FILE.csv (index, year, unit_code, component, score, maximum, rank, out_of,
    source), all or nothing."""
    from .official import import_official

    try:
        report = import_official(get_session(), Path(file))
    except ImportRejected as exc:
        _fail(f"{exc}\n{len(exc.problems)} problem(s); nothing was imported.")
    click.echo(f"official results: {report.created} created, {report.updated} updated")


@click.command("report")
@click.option("--unit", "unit_code", required=True, help="Unit code.")
@click.option("--year", required=True, type=click.IntRange(2000, 2100))
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf"]), default="docx",
              show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False))
@click.option("--place", default=None, help="Địa danh on the date line (default: unit name).")
@click.option("--lang", "language", type=click.Choice(["vi", "en"]), default="vi",
              show_default=True, help="Vietnamese (the language of record) or English.")
@with_appcontext
def report(unit_code: str, year: int, fmt: str, out: str, place: str | None,
           language: str) -> None:
    """The unit's báo cáo for YEAR in the format of Nghị định 30/2020 (DOCX or PDF)."""
    from sqlalchemy import select

    from ..models import Unit
    from .report_content import ReportError, build_report
    from .report_document import write_report

    session = get_session()
    unit = session.scalar(select(Unit).where(Unit.code == unit_code))
    if unit is None:
        _fail(f"unknown unit {unit_code!r}")
    try:
        content = build_report(session, unit, year, place=place, language=language)
    except ReportError as exc:
        _fail(str(exc))
    write_report(content, Path(out), fmt)
    click.echo(f"report written to {out}")


COMMANDS = (parindex, official, report)
