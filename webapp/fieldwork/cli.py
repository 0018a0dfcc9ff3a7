"""``hailong frames``, ``hailong sample`` and ``hailong fieldwork`` commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from webapp.csv_input import ImportRejected
from webapp.db import get_session
from webapp.fieldwork.frames import KINDS, import_frame
from webapp.fieldwork.samples import (
    SampleError,
    assign,
    close_fieldwork,
    draw_design_sample,
    draw_sample,
    get_sample,
    set_unit,
    write_sample_csv,
)
from webapp.models import User


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)


@click.group()
def frames() -> None:
    """Sampling frames (villages, households, residents, dossiers)."""


@frames.command("import")
@click.option("--name", required=True, help="Frame name; a new import makes a new version.")
@click.option("--kind", type=click.Choice(KINDS), default="households", show_default=True)
@click.option("--numeric", multiple=True, help="Column that must be a non-negative number.")
@click.option("--flag", "flags", multiple=True, help="Column that must be 1/0 (forced units).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def frames_import(name: str, kind: str, numeric: tuple[str, ...], flags: tuple[str, ...],
                  file: str) -> None:
    """Import FILE.csv (unit_id, design columns, optional contact_* columns) as frame NAME."""
    try:
        report = import_frame(get_session(), Path(file), name=name, kind=kind,
                              numeric=numeric, flags=flags)
    except ImportRejected as exc:
        _fail(f"{exc}\n{len(exc.problems)} problem(s); nothing was imported.")
        return
    click.echo(f"frame {report.name} version {report.version}: {report.rows} units, "
               f"{report.contacts} with contact data (kept apart)")


@click.group()
def sample() -> None:
    """Probability samples drawn from frames."""


@sample.command("draw")
@click.option("--frame", "frame_name", required=True)
@click.option("--frame-version", type=int, default=None, help="Default: the newest version.")
@click.option("--name", default=None, help="Sample name (default: frame-version-method-seed).")
@click.option("--strata", default=None, help="Stratum column (none: one stratum).")
@click.option("--size", type=click.IntRange(min=0), required=True, help="Units per stratum.")
@click.option("--method", type=click.Choice(["srs", "systematic", "pps"]), required=True)
@click.option("--size-measure", default=None, help="Size column for PPS.")
@click.option("--certainty", default=None, help="1/0 column of units taken with certainty.")
@click.option("--replacements", type=click.IntRange(min=0), default=0,
              help="Ordered replacements per stratum (SRS).")
@click.option("--seed", type=click.IntRange(min=0), required=True)
@click.option("--survey", "survey_key", default="papi", show_default=True,
              help="Survey asked in the field (interviewer mode, paper forms).")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option("--unit", "unit_code", default=None,
              help="Code of the unit running the fieldwork (its staff see the sample's pages).")
@with_appcontext
def sample_draw(frame_name: str, frame_version: int | None, name: str | None,
                strata: str | None, size: int, method: str, size_measure: str | None,
                certainty: str | None, replacements: int, seed: int, survey_key: str,
                out: str, unit_code: str | None) -> None:
    """Draw a stratified SRS, systematic or PPS sample; write it (no contact data) to OUT."""
    try:
        drawn = draw_sample(get_session(), frame_name=frame_name, name=name, method=method,
                            size=size, seed=seed, strata=strata, size_measure=size_measure,
                            certainty=certainty, replacements=replacements,
                            frame_version=frame_version, survey_key=survey_key,
                            unit_code=unit_code)
    except SampleError as exc:
        _fail(f"error: {exc}")
        return
    write_sample_csv(drawn.rows, Path(out))
    click.echo(f"sample {drawn.sample.name}: {len(drawn.rows)} rows written to {out}")


@sample.command("draw-design")
@click.option("--areas", required=True, help="Village frame (path columns, size, seat flags).")
@click.option("--persons", required=True, help="Resident list frame (with the path columns).")
@click.option("--design", default="papi", show_default=True, help="Design name or YAML file.")
@click.option("--name", required=True)
@click.option("--seed", type=click.IntRange(min=0), required=True)
@click.option("--survey", "survey_key", default="papi", show_default=True,
              help="Survey asked in the field (interviewer mode, paper forms).")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option("--period", default=None,
              help="Period whose unit pages read the answers, e.g. 2026 (none: not shown).")
@click.option("--unit", "unit_code", default=None,
              help="Code of the unit running the fieldwork (its staff see the sample's pages).")
@with_appcontext
def sample_draw_design(areas: str, persons: str, design: str, name: str, seed: int,
                       survey_key: str, out: str, period: str | None,
                       unit_code: str | None) -> None:
    """Draw a multi-stage sample (e.g. the PAPI design) and write it to OUT."""
    try:
        drawn = draw_design_sample(get_session(), area_frame=areas, person_frame=persons,
                                   design=design, name=name, seed=seed,
                                   survey_key=survey_key, period=period,
                                   unit_code=unit_code)
    except SampleError as exc:
        _fail(f"error: {exc}")
        return
    write_sample_csv(drawn.rows, Path(out))
    click.echo(f"sample {drawn.sample.name}: {len(drawn.rows)} rows written to {out}")


@click.group()
def fieldwork() -> None:
    """Fieldwork: interviewer assignments and closing (contact data deleted)."""


@fieldwork.command("assign")
@click.option("--sample", "sample_name", required=True)
@click.option("--interviewer", required=True, help="E-mail of the interviewer's account.")
@click.option("--psu", "psus", multiple=True, required=True)
@with_appcontext
def fieldwork_assign(sample_name: str, interviewer: str, psus: tuple[str, ...]) -> None:
    """Assign the sampled members of the given PSUs to an interviewer."""
    session = get_session()
    user = session.scalars(select(User).where(User.email == interviewer.lower())).first()
    if user is None:
        _fail(f"error: no account {interviewer!r}")
        return
    try:
        count = assign(session, get_sample(session, sample_name), user, psus)
    except SampleError as exc:
        _fail(f"error: {exc}")
        return
    click.echo(f"{count} sampled units assigned to {interviewer}")


@fieldwork.command("set-unit")
@click.option("--sample", "sample_name", required=True)
@click.option("--unit", "unit_code", required=True)
@with_appcontext
def fieldwork_set_unit(sample_name: str, unit_code: str) -> None:
    """Give SAMPLE to the unit running its fieldwork (its staff see the sample's pages)."""
    session = get_session()
    try:
        unit = set_unit(session, get_sample(session, sample_name), unit_code)
    except SampleError as exc:
        _fail(f"error: {exc}")
        return
    click.echo(f"sample {sample_name} belongs to {unit.code}")


@fieldwork.command("back-check")
@click.option("--sample", "sample_name", required=True)
@click.option("--share", type=click.FloatRange(min=0, max=1, min_open=True), default=None,
              help="Share of each interviewer's completes (default 0.1, or the last used).")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Selection seed (default: the draw's seed, or the last used).")
@with_appcontext
def fieldwork_back_check(sample_name: str, share: float | None, seed: int | None) -> None:
    """Select completed interviews for back-check: a seeded share of each interviewer's."""
    from webapp.fieldwork.backchecks import BackCheckError, select_back_checks

    session = get_session()
    try:
        added = select_back_checks(session, get_sample(session, sample_name), share=share,
                                   seed=seed)
    except (SampleError, BackCheckError) as exc:
        _fail(f"error: {exc}")
        return
    click.echo(f"{added} interviews newly selected for back-check")


@fieldwork.command("close")
@click.option("--sample", "sample_name", required=True)
@click.option("--discard-unfinished-entries", is_flag=True,
              help="Delete paper forms still waiting for double entry (else closing stops).")
@with_appcontext
def fieldwork_close(sample_name: str, discard_unfinished_entries: bool) -> None:
    """Close fieldwork on SAMPLE: every contact (name, address, phone) of its frame is deleted."""
    session = get_session()
    try:
        deleted = close_fieldwork(session, get_sample(session, sample_name),
                                  discard_unfinished=discard_unfinished_entries)
    except SampleError as exc:
        _fail(f"error: {exc}")
        return
    click.echo(f"fieldwork closed: {deleted} contact records deleted")


@fieldwork.command("import")
@click.option("--sample", "sample_name", required=True)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def fieldwork_import(sample_name: str, file: str) -> None:
    """Import an ODK Central or KoboToolbox CSV export of hailong's XLSForm into SAMPLE."""
    from webapp.fieldwork.returns import import_returns

    session = get_session()
    try:
        report = import_returns(session, get_sample(session, sample_name), Path(file))
    except SampleError as exc:
        _fail(f"error: {exc}")
        return
    except ImportRejected as exc:
        _fail(f"{exc}\n{len(exc.problems)} problem(s); nothing was imported.")
        return
    click.echo(f"{report.source}: {report.interviews} interviews imported "
               f"({report.answers} with answers), {report.skipped} already imported")


@fieldwork.command("rates")
@click.option("--sample", "sample_name", required=True)
@click.option("--by", default="village", show_default=True,
              help="A frame column (village, commune) or 'interviewer'.")
@with_appcontext
def fieldwork_rates(sample_name: str, by: str) -> None:
    """Contacts, completes, AAPOR RR1 and RR3 and median interview length per group."""
    from webapp.fieldwork.returns import monitoring

    session = get_session()
    try:
        table = monitoring(session, get_sample(session, sample_name), by)
    except SampleError as exc:
        _fail(f"error: {exc}")
        return
    click.echo(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))


@fieldwork.command("estimate")
@click.option("--sample", "sample_name", required=True)
@click.option("--variable", required=True, help="A numeric answer (XLSForm name).")
@click.option("--classes", default="", help="Weighting classes: frame columns, comma-separated.")
@click.option("--margins", type=click.Path(exists=True, dir_okay=False), default=None,
              help="CSV of population margins (variable, category, population) to rake to.")
@click.option("--trim-upper", type=float, default=None)
@click.option("--variance", type=click.Choice(["taylor", "bootstrap"]), default="taylor",
              show_default=True, help="Taylor linearisation, or bootstrap replicates that redo "
              "the non-response adjustment, raking and trimming.")
@click.option("--replicates", type=click.IntRange(min=2), default=200, show_default=True,
              help="Bootstrap replicates (with --variance bootstrap).")
@click.option("--seed", type=click.IntRange(min=0), default=1, show_default=True,
              help="Seed of the bootstrap replicates.")
@with_appcontext
def fieldwork_estimate(sample_name: str, variable: str, classes: str, margins: str | None,
                       trim_upper: float | None, variance: str, replicates: int,
                       seed: int) -> None:
    """Design-based mean of an answer with its 95% interval (weights: base, non-response, rake)."""
    from analysis.errors import AnalysisError
    from webapp.fieldwork.estimates import estimate_mean

    session = get_session()
    try:
        result = estimate_mean(session, get_sample(session, sample_name), variable,
                               classes=[c for c in classes.split(",") if c],
                               margins=Path(margins) if margins else None,
                               trim_upper=trim_upper, variance=variance,
                               replicates=replicates, seed=seed)
    except (SampleError, AnalysisError) as exc:
        _fail(f"error: {exc}")
        return
    est = result.estimate
    how = (f"bootstrap, {result.replicates} replicates redoing the weighting, seed {seed}"
           if result.method == "bootstrap" else "Taylor linearisation")
    click.echo(f"{variable}: {est.estimate:.4f} (SE {est.se:.4f}; 95% CI {est.ci_low:.4f} to "
               f"{est.ci_high:.4f}; {result.answers} answers; variance: {how})")


@fieldwork.command("form")
@click.option("--definition", required=True,
              help="Survey definition: a shipped name (papi, sipas, onestop) or a YAML file.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True)
def fieldwork_form(definition: str, out: str) -> None:
    """Write the interviewer's XLSForm (for ODK Collect / KoboCollect) to OUT."""
    from survey_defs import SHIPPED_DIR, load_definition
    from survey_defs.field_xlsform import write_field_xlsform

    path = Path(definition)
    if not path.exists():
        path = SHIPPED_DIR / f"{definition}.yaml"
    if not path.exists():
        _fail(f"error: no survey definition {definition!r}")
        return
    write_field_xlsform(load_definition(path).definition, Path(out))
    click.echo(f"interviewer form written to {out}")


@fieldwork.command("export")
@click.option("--sample", "sample_name", required=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, writable=True),
              required=True, help="Folder for field_answers.csv, design.R, design.do, README.")
@click.option("--classes", default="", help="Weighting classes: frame columns, comma-separated.")
@click.option("--margins", type=click.Path(exists=True, dir_okay=False), default=None,
              help="CSV of population margins (variable, category, population) to rake to.")
@click.option("--trim-upper", type=float, default=None)
@click.option("--replicates", type=click.IntRange(min=2), default=200, show_default=True,
              help="Bootstrap replicate weights (Rao-Wu).")
@click.option("--seed", type=click.IntRange(min=0), default=1, show_default=True)
@with_appcontext
def fieldwork_export(sample_name: str, out_dir: str, classes: str, margins: str | None,
                     trim_upper: float | None, replicates: int, seed: int) -> None:
    """Export the answers with stratum, PSU, base, final and replicate weights, and the R and
    Stata scripts that declare the design."""
    from analysis.errors import AnalysisError
    from webapp.fieldwork.design_export import field_export, write_field_export
    from webapp.survey_versions import latest_version, load_version

    session = get_session()
    try:
        chosen = get_sample(session, sample_name)
        version = latest_version(session, chosen.survey_key)
        if version is None:
            raise SampleError(f"survey {chosen.survey_key!r} is not published")
        export = field_export(session, chosen, load_version(version),
                              classes=[c for c in classes.split(",") if c],
                              margins=Path(margins) if margins else None,
                              trim_upper=trim_upper, replicates=replicates, seed=seed)
    except (SampleError, AnalysisError) as exc:
        _fail(f"error: {exc}")
        return
    written = write_field_export(export, chosen, Path(out_dir))
    click.echo(f"{len(export.rows)} answers, {len(export.answers)} coded items, "
               f"{replicates} replicate weights: " + ", ".join(p.name for p in written))


@fieldwork.command("paper")
@click.option("--sample", "sample_name", required=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option("--replacements/--no-replacements", default=False,
              help="Also print the replacements' forms.")
@with_appcontext
def fieldwork_paper(sample_name: str, out: str, replacements: bool) -> None:
    """Print one paper form per sampled respondent (a separable cover sheet with the address,
    answer pages with only the form code and its QR code) to OUT (PDF)."""
    from webapp.fieldwork.paper import paper_forms
    from webapp.survey_versions import latest_version, load_version

    session = get_session()
    try:
        chosen = get_sample(session, sample_name)
    except SampleError as exc:
        _fail(f"error: {exc}")
        return
    if chosen.closed_at is not None:
        _fail(f"error: fieldwork on sample {sample_name!r} is closed")
        return
    version = latest_version(session, chosen.survey_key)
    if version is None:
        _fail(f"error: survey {chosen.survey_key!r} is not published; publish it first")
        return
    pdf, count = paper_forms(session, chosen, load_version(version), replacements=replacements)
    Path(out).write_bytes(pdf)
    click.echo(f"{count} forms written to {out}")


COMMANDS = (frames, sample, fieldwork)
