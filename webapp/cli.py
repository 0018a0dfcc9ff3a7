"""The ``hailong`` command line: a Flask CLI group installed as a console script."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from . import create_app, migrate
from .config import DEV_SECRET_KEY, config_for, site_environ
from .csv_input import ImportRejected
from .db import get_session


def _app_factory():  # type: ignore[no-untyped-def]
    # The secret and address `make serve` keeps in instance/ (unless the shell sets them), so
    # what the command line signs is accepted by the site it runs beside.
    return create_app(config_for(None, site_environ()))


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
def cli_language() -> str:
    """The interface language of the command line: the locale's (LC_ALL, LC_MESSAGES, LANG:
    the first set) when the app has a catalogue for it, else the default (Vietnamese)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            code = value.split("_")[0].split(".")[0].lower()
            if code in current_app.config["BABEL_SUPPORTED_LOCALES"]:
                return code
            break
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def _run_import(import_fn, path: str):  # type: ignore[no-untyped-def]
    try:
        return import_fn(get_session(), Path(path))
    except ImportRejected as exc:
        from flask_babel import gettext

        from .i18n import interface_catalogue
        from .import_messages import cli_lines

        with interface_catalogue(cli_language()):
            lines = cli_lines(exc.problems, exc.filename)
            summary = gettext("%(n)s problem(s); nothing was imported.", n=len(exc.problems))
        _fail("\n".join([*lines, summary]))


@main.group()
def units() -> None:
    """Administrative units."""


@units.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def units_import(file: str) -> None:
    """Import units from FILE.csv (code, name_vi, unit_type[, name_en, parent_code, ...])."""
    from .administration.units import import_units

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
    from .administration.dossiers import import_fields

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
    from .administration.dossiers import import_dossier_counts

    report = _run_import(import_dossier_counts, file)
    click.echo(f"dossier counts: {report.created} created, {report.replaced} replaced")


# ---- users -------------------------------------------------------------------------------
@main.group()
def users() -> None:
    """Staff accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True,
              type=click.Choice(["admin", "unit_manager", "analyst", "viewer", "interviewer"]))
@click.option("--unit", "unit_code", help="Unit code (required except for admin).")
@click.option("--password", help="Generated and printed when omitted.")
@with_appcontext
def users_create(email: str, role: str, unit_code: str | None, password: str | None) -> None:
    """Create a staff user."""
    from .administration.users import UserError, create_user

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

    from .administration.surveys import PublishError, publish_definition

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
    from .demo.loader import load_demo

    report = load_demo(get_session(), current_app.config, responses=responses, seed=seed)
    # The passwords exist only in this file (the database keeps hashes), so that every
    # `make serve` can print the demo logins again.
    logins = Path(current_app.instance_path) / "demo-logins.txt"
    if not report.already_loaded:
        logins.write_text("\n".join(report.lines()[1:]) + "\n", encoding="utf-8")
        logins.chmod(0o600)
    for line in report.lines():
        click.echo(line)
    if report.already_loaded and logins.exists():
        click.echo(logins.read_text(encoding="utf-8").rstrip())


# ---- API keys ----------------------------------------------------------------------------
@main.group()
def apikeys() -> None:
    """API keys of integrations (the one-stop system minting dossier tokens)."""


@apikeys.command("create")
@click.option("--name", required=True, help="Which integration uses the key.")
@click.option("--unit", "unit_code", help="Limit the key to this unit and its subtree.")
@with_appcontext
def apikeys_create(name: str, unit_code: str | None) -> None:
    """Create a key and print it once (only its hash is kept)."""
    from .administration.apikeys import ApiKeyError, create_api_key

    try:
        raw, key = create_api_key(get_session(), name=name, unit_code=unit_code)
    except ApiKeyError as exc:
        _fail(f"error: {exc}")
        return
    click.echo(f"created API key {key.prefix} ({key.name}, unit {unit_code or 'all'})")
    click.echo(f"key: {raw}")
    click.echo("Store it now: it cannot be shown again.", err=True)


@apikeys.command("list")
@with_appcontext
def apikeys_list() -> None:
    """List keys by prefix, name, unit and state."""
    from .administration.apikeys import list_api_keys

    for key in list_api_keys(get_session()):
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        unit = key.unit.code if key.unit else "all"
        click.echo(f"{key.prefix}\t{key.name}\t{unit}\t{state}")


@apikeys.command("revoke")
@click.argument("prefix")
@with_appcontext
def apikeys_revoke(prefix: str) -> None:
    """Revoke the key whose prefix is PREFIX (as shown by create and list)."""
    from .administration.apikeys import ApiKeyError, revoke_api_key

    try:
        key = revoke_api_key(get_session(), prefix)
    except ApiKeyError as exc:
        _fail(f"error: {exc}")
        return
    click.echo(f"revoked {key.prefix} ({key.name})")


# ---- QR posters --------------------------------------------------------------------------
DEV_KEY_REFUSAL = (
    "error: this poster would be signed with the development key, and the site refuses such "
    "codes (\"Không đọc được mã QR này\"). Run `make serve` once: it writes the site's key to "
    "instance/secret_key, which this command then reads. Otherwise set SECRET_KEY (and "
    "HAILONG_BASE_URL, e.g. http://127.0.0.1:8000, the http://HOST:PORT of `make serve`) to "
    "those of the server the poster is for.")


def _refuse_development_key() -> None:
    """Stop before printing codes signed with the development key (dead codes on a wall)."""
    from .respond.tokens import counter_keyring

    signing = counter_keyring(current_app.config).current
    if signing == counter_keyring({"SECRET_KEY": DEV_SECRET_KEY}).current:
        _fail(DEV_KEY_REFUSAL)


@main.group()
def qr() -> None:
    """Printable QR posters for counters."""


@qr.command("poster")
@click.option("--counter", "counter_code", required=True, help="Counter code.")
@click.option("--unit", "unit_code", help="Unit code, when the counter code is not unique.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "svg", "png"]), default=None,
              help="Default: from the --out suffix.")
@click.option("--size", type=click.Choice(["a4", "a5"]), default="a4", show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def qr_poster(counter_code: str, unit_code: str | None, fmt: str | None, size: str,
              out: str) -> None:
    """Render the poster of one counter to OUT (PDF, SVG or PNG)."""
    from .counters.poster import render_poster
    from .counters.service import CounterNotFound, find_counter

    fmt = fmt or Path(out).suffix.lstrip(".").lower()
    if fmt not in ("pdf", "svg", "png"):
        _fail("error: give --format pdf|svg|png or an --out file ending so")
    _refuse_development_key()
    try:
        counter = find_counter(get_session(), counter_code, unit_code)
    except CounterNotFound as exc:
        _fail(f"error: {exc}")
        return
    Path(out).write_bytes(render_poster(counter, current_app.config, fmt=fmt, size=size))
    click.echo(f"poster of {counter.unit.code}/{counter.code} written to {out} "
               f"(its code opens {current_app.config['HAILONG_BASE_URL']}/s/...)")


@qr.command("sheet")
@click.option("--unit", "unit_code", required=True)
@click.option("--size", type=click.Choice(["a4", "a5"]), default="a4", show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def qr_sheet(unit_code: str, size: str, out: str) -> None:
    """Render the posters of every active counter of a unit into one PDF, a page each."""
    from .counters.poster import render_sheet
    from .counters.service import find_unit, unit_counters

    _refuse_development_key()
    try:
        unit = find_unit(get_session(), unit_code)
    except LookupError as exc:
        _fail(f"error: {exc}")
        return
    counters = unit_counters(get_session(), unit)
    if not counters:
        _fail(f"error: unit {unit_code!r} has no active counter")
    Path(out).write_bytes(render_sheet(counters, current_app.config, size=size))
    click.echo(f"{len(counters)} poster(s) of {unit.code} written to {out}")


# ---- microdata export --------------------------------------------------------------------
@main.command("export")
@click.option("--survey", required=True, help="Survey key, e.g. sipas.")
@click.option("--period", required=True,
              help="YYYY, YYYY-Qn or YYYY-MM, or a range FROM..TO (e.g. 2026-01..2026-06).")
@click.option("--format", "fmt", required=True,
              type=click.Choice(["csv", "dta", "sav", "parquet"]))
@click.option("--out", required=True, type=click.Path(file_okay=False, writable=True),
              help="Directory for the data, codebooks, scripts and disclosure report.")
@click.option("--unit", "unit_code", help="Only this unit and its subtree.")
@click.option("--release", type=click.Choice(["public", "scientific"]), default="public",
              show_default=True,
              help="public: stricter rules, for anyone; scientific: for analysts named in a "
                   "data-use agreement (--agreement).")
@click.option("--agreement", help="Scientific use: agreement reference and analysts' names.")
@click.option("--k", "k", default=None, type=click.IntRange(min=1),
              help="k-anonymity of the key variables together with the unit "
                   "[default: 5 public, 3 scientific].")
@click.option("--include-text", is_flag=True,
              help="Keep free-text answers (phone, ID numbers and e-mails removed).")
@click.option("--language", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
              help="Language of the labels inside the .dta/.sav file.")
@click.option("--user", "email", help="Export as this staff user (checked: admin or analyst).")
@with_appcontext
def export(survey: str, period: str, fmt: str, out: str, unit_code: str | None,
           release: str, agreement: str | None, k: int | None,
           include_text: bool, language: str, email: str | None) -> None:
    """Export anonymised microdata with weights, codebooks and reproduction scripts."""
    from sqlalchemy import select

    from .export.service import (
        ExportError,
        ExportRequest,
        count_responses,
        export_scope,
        operator_name,
        run_export,
    )
    from .models import User
    from .periods import PeriodError

    session = get_session()
    user = None
    if email:
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            _fail(f"error: no user {email!r}")
    from .export.sdc_rules import RELEASES

    k = k or RELEASES[release].default_k
    request = ExportRequest(survey, period, fmt, Path(out), unit_code, k, include_text, language,
                            release=release, agreement=agreement)
    try:
        total = count_responses(session, request, export_scope(session, user, unit_code))
        with click.progressbar(length=2 * total, label="exporting", file=sys.stderr) as bar:
            result = run_export(session, request, user=user, actor=operator_name(),
                                progress=bar.update)
    except (ExportError, PeriodError) as exc:
        _fail(f"error: {exc}")
        return
    click.echo(f"{result.rows} responses ({result.weighted_rows} weighted) written to "
               f"{result.data_file}")
    prot = result.suppression
    click.echo(f"{prot.release}-use file, k={k}: suppressed cells "
               f"{sum(prot.suppressed.values())}; values kept "
               + ", ".join(f"{v} {s:.1%}" for v, s in prot.kept_share().items()))
    for path in result.files[1:]:
        click.echo(f"  {path}")


# ---- indices -----------------------------------------------------------------------------
@main.command("indices")
@click.option("--survey", "survey_key", required=True, help="Survey key, e.g. sipas.")
@click.option("--period", required=True, help="YYYY, YYYY-Qn or YYYY-MM.")
@click.option("--unit", "unit_code", help="Score this unit's subtree only (default: all units).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json",
              show_default=True)
@with_appcontext
def indices(survey_key: str, period: str, unit_code: str | None, fmt: str) -> None:
    """Print the indices of a survey and period, as the API and the staff pages show them."""
    import json

    from .periods import PeriodError
    from .statistics.indices import IndicesError
    from .statistics.indices_cache import cached_indices
    from .statistics.indices_export import indices_csv, indices_document

    try:
        # The pages' and the API's path, so all three print the same numbers to the last bit.
        table = cached_indices(get_session(), survey_key, period, unit_code)
    except (IndicesError, PeriodError) as exc:
        _fail(f"error: {exc}")
        return
    if fmt == "csv":
        click.echo(indices_csv(table), nl=False)
    else:
        click.echo(json.dumps(indices_document(table, unit_code), ensure_ascii=False, indent=1))


# ---- citizens' contact details -----------------------------------------------------------
@main.group()
def contacts() -> None:
    """Phone numbers citizens left with a comment."""


@contacts.command("purge")
@with_appcontext
def contacts_purge() -> None:
    """Delete numbers of closed comments and numbers past their time (run daily)."""
    from .respond.contacts import purge_contacts

    click.echo(f"contacts deleted: {purge_contacts(get_session())}")


from .cli_backup import backup  # noqa: E402 - kept in its own module; registered here

main.add_command(backup)

from .fieldwork.cli import COMMANDS as _FIELDWORK_COMMANDS  # noqa: E402
from .inclusion.cli import COMMANDS as _INCLUSION_COMMANDS  # noqa: E402
from .jobs.cli import COMMANDS as _JOB_COMMANDS  # noqa: E402
from .par_index.cli import COMMANDS as _PAR_INDEX_COMMANDS  # noqa: E402

for _command in (*_PAR_INDEX_COMMANDS, *_FIELDWORK_COMMANDS, *_JOB_COMMANDS,
                 *_INCLUSION_COMMANDS):
    main.add_command(_command)
