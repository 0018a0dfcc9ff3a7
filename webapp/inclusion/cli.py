"""``hailong translations``: export a survey's labels for a translator, import the result,
and report how complete each language is."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from webapp.csv_input import ImportRejected
from webapp.db import get_session
from webapp.inclusion.interface_texts import interface_coverage
from webapp.inclusion.translations import coverage, export_sheet, import_sheet


@click.group()
def translations() -> None:
    """Survey labels in languages other than Vietnamese and English (data, not code)."""


@translations.command("export")
@click.option("--survey", "survey_key", required=True, help="Survey key, such as sipas.")
@click.option("--lang", "language", required=True, help="ISO 639 code, such as cmo or rad.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def translations_export(survey_key: str, language: str, out: str) -> None:
    """Write every label of the survey's version in force, with an empty column to fill."""
    try:
        rows = export_sheet(get_session(), survey_key, language, Path(out))
    except ValueError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"{out}: {rows} labels of {survey_key} for {language}")


@translations.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def translations_import(file: str) -> None:
    """Check a filled spreadsheet and store it, all or nothing."""
    try:
        report = import_sheet(get_session(), Path(file))
    except ImportRejected as exc:
        click.echo(f"{exc}\n{len(exc.problems)} problem(s); nothing was imported.", err=True)
        sys.exit(1)
    click.echo(f"{report.survey_key} v{report.version}: {report.labels} labels and "
               f"{report.interface} interface texts and field names in {report.language} "
               "imported")


@translations.command("coverage")
@with_appcontext
def translations_coverage() -> None:
    """Translated labels per survey version and language, and interface texts per language (a
    survey is offered in a language when both are complete)."""
    rows = coverage(get_session())
    interface = {language: (done, total)
                 for language, done, total in interface_coverage(get_session())}
    if not rows and not interface:
        click.echo("no translations imported yet")
    for language, (done, total) in sorted(interface.items()):
        state = "complete" if done == total else "incomplete: no survey offered in it"
        click.echo(f"interface {language}: {done}/{total} ({state})")
    for survey_key, version, language, done, total in rows:
        ui_done, ui_total = interface.get(language, (0, 1))
        offered = done == total and ui_done == ui_total
        state = ("complete, offered to citizens" if offered else
                 "labels complete, interface incomplete: not offered" if done == total else
                 "incomplete, not offered")
        click.echo(f"{survey_key} v{version} {language}: {done}/{total} ({state})")


COMMANDS = (translations,)
