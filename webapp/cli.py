"""The ``hailong`` command line: a Flask CLI group installed as a console script."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from . import create_app, migrate
from .db import get_session
from .services.csv_input import ImportRejected


def _app_factory():  # type: ignore[no-untyped-def]
    return create_app()


@click.group(cls=FlaskGroup, create_app=_app_factory, add_default_commands=False,
             add_version_option=False)
def main() -> None:
    """hailong: citizen-feedback surveys and satisfaction indices."""


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)


# ---- database ----------------------------------------------------------------------------
@main.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"database at {revision}")


@db.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION."""
    migrate.downgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"database at {revision}")


# ---- imports -----------------------------------------------------------------------------
def _run_import(import_fn, path: str):  # type: ignore[no-untyped-def]
    try:
        return import_fn(get_session(), Path(path))
    except ImportRejected as exc:
        _fail(f"{exc}\n{len(exc.problems)} problem(s); nothing was imported.")


@main.group()
def units() -> None:
    """Administrative units."""


@units.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def units_import(file: str) -> None:
    """Import units from FILE.csv (code, name_vi, unit_type[, name_en, parent_code, ...])."""
    from .services.units import import_units

    report = _run_import(import_units, file)
    click.echo(f"units: {report.created} created, {report.updated} updated")


@main.group()
def fields() -> None:
    """Procedure fields (lĩnh vực)."""


@fields.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def fields_import(file: str) -> None:
    """Import procedure fields from FILE.csv (code, name_vi[, name_en])."""
    from .services.dossiers import import_fields

    count = _run_import(import_fields, file)
    click.echo(f"procedure fields: {count} imported")


@main.group()
def dossiers() -> None:
    """Dossier counts per unit, procedure field and period (the weighting population)."""


@dossiers.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def dossiers_import(file: str) -> None:
    """Import dossier counts from FILE.csv (unit, field, period, count)."""
    from .services.dossiers import import_dossier_counts

    report = _run_import(import_dossier_counts, file)
    click.echo(f"dossier counts: {report.created} created, {report.replaced} replaced")


# ---- users -------------------------------------------------------------------------------
@main.group()
def users() -> None:
    """Staff accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True,
              type=click.Choice(["admin", "unit_manager", "analyst", "viewer"]))
@click.option("--unit", "unit_code", help="Unit code (required except for admin).")
@click.option("--password", help="Generated and printed when omitted.")
@with_appcontext
def users_create(email: str, role: str, unit_code: str | None, password: str | None) -> None:
    """Create a staff user."""
    from .services.users import UserError, create_user

    try:
        user, pw = create_user(get_session(), email=email, role=role, unit_code=unit_code,
                               password=password)
    except UserError as exc:
        _fail(f"error: {exc}")
        return
    click.echo(f"created {user.email} ({user.role.value})")
    if password is None:
        click.echo(f"password: {pw}")


# ---- definitions -------------------------------------------------------------------------
@main.group()
def defs() -> None:
    """Survey definitions."""


@defs.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False))
def defs_check(paths: tuple[str, ...]) -> None:
    """Validate definitions (default: the shipped ones); exit 1 on any error."""
    import survey_defs

    targets = list(paths) or [str(p) for p in survey_defs.shipped_paths()]
    problems = survey_defs.check_paths(targets)
    for problem in problems:
        click.echo(problem.format())
    errors = [p for p in problems if p.severity == "error"]
    click.echo(f"{len(targets)} file(s) checked: {len(errors)} error(s), "
               f"{len(problems) - len(errors)} warning(s)", err=True)
    if errors:
        sys.exit(1)


@defs.command("publish")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def defs_publish(paths: tuple[str, ...]) -> None:
    """Publish definitions as frozen survey versions (default: the shipped ones)."""
    import survey_defs

    from .services.surveys import PublishError, publish_definition

    targets = [Path(p) for p in paths] or survey_defs.shipped_paths()
    for target in targets:
        try:
            result = publish_definition(get_session(), target)
        except PublishError as exc:
            _fail(str(exc))
            return
        state = "new version" if result.created else "unchanged"
        click.echo(f"{result.version.survey_key} v{result.version.version}: {state}")
        for change in result.scoring_changes:
            click.echo(f"  scoring change: {change}")


# ---- demo --------------------------------------------------------------------------------
@main.command("demo")
@click.option("--responses", default=3000, show_default=True)
@click.option("--seed", default=2025, show_default=True)
@with_appcontext
def demo(responses: int, seed: int) -> None:
    """Load definitions, a demo province, users and synthetic responses (once)."""
    from .services.demo import load_demo

    report = load_demo(get_session(), responses=responses, seed=seed,
                       base_url=current_app.config["HAILONG_BASE_URL"])
    for line in report.lines():
        click.echo(line)
