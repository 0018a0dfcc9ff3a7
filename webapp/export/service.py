"""Running an export: access check, two streaming passes, files, audit entry.

Pass 1 reads the responses in chunks (``services.microdata.iter_response_chunks``, the one
path from the database to frames) and writes the row-wise
part of every export row to a staging Parquet file beside the output, keeping in memory only
what needs all rows at once: unit, field and the respondent items (a few bytes a row). Then
hailong's default weights are computed from those keys and the dossier counts, and local
suppression decides which respondent items to blank. Pass 2 reads the staging file back chunk
by chunk, adds weights, applies the suppression and hands the chunks to the format's writer
and to the codebook's frequency counter.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import survey_defs
from analysis.units import default_weights

from .. import audit
from ..models import Response, Role, SurveyVersion, Unit, User
from ..periods import Period, PeriodRange, parse_period_span
from ..statistics.microdata import CHUNK, iter_response_chunks, load_dossier_counts
from ..survey_versions import latest_version, load_version
from ..unit_tree import subtree_ids
from . import codebook, scripts
from .bundle import write_bundle
from .disclosure import DEFAULT_K, scrub_text
from .frame import FrameBuilder, field_names, load_tree
from .labels import Variable, catalogue
from .layout import Layout, LayoutScanner
from .report import disclosure_markdown
from .sdc import Protection, protect, recode
from .sdc_rules import DEFAULT_RELEASE, RELEASES, Release
from .spss import SavError
from .stata import DtaError
from .utility import group_share_changes
from .writers import FORMATS, ParquetWriter, Writer, open_writer

EXPORT_ROLES = frozenset({Role.ADMIN, Role.ANALYST})
Progress = Callable[[int], None]


class ExportError(Exception):
    """The export cannot be made as asked (unknown survey or unit, bad format)."""


class ExportRefused(ExportError):
    """The user may not export (role) or may not export these units (scope)."""


def can_export(user: User | None) -> bool:
    """Only active administrators and analysts may export microdata."""
    return user is not None and user.active and user.role in EXPORT_ROLES


@dataclass(frozen=True)
class ExportRequest:
    """What to export and how."""

    survey: str
    period: str
    fmt: str
    out_dir: Path
    unit_code: str | None = None
    k: int = DEFAULT_K
    include_text: bool = False
    language: str = "vi"
    chunk: int = CHUNK
    release: str = DEFAULT_RELEASE
    agreement: str | None = None  # scientific use: agreement reference and analysts' names


@dataclass
class ExportResult:
    """The files written and what disclosure control and weighting did."""

    data_file: Path
    files: list[Path]
    rows: int
    weighted_rows: int
    suppression: Protection
    weighting: dict[str, object] = field(default_factory=dict)
    readme: Path | None = None
    bundle: Path | None = None  # one zip: README and every file


def count_responses(session: Session, request: ExportRequest,
                    unit_ids: set[int] | None) -> int:
    """How many responses the export will hold (for the progress bar)."""
    query = (select(func.count()).select_from(Response)
             .join(SurveyVersion, Response.survey_version_id == SurveyVersion.id)
             .where(SurveyVersion.survey_key == request.survey,
                    Response.period.in_(parse_period_span(request.period).months())))
    if unit_ids is not None:
        query = query.where(Response.unit_id.in_(list(unit_ids)))
    return int(session.scalar(query) or 0)


# The smallest k an analyst may choose: below it a combination of answers can point at one or
# two citizens. Administrators (and the command line, run by an operator) may go lower.
MIN_ANALYST_K = 3


def require_k_allowed(user: User | None, k: int) -> None:
    """Refuse (ExportRefused) a k below MIN_ANALYST_K unless the user is an administrator."""
    if user is not None and user.role != Role.ADMIN and k < MIN_ANALYST_K:
        raise ExportRefused(f"k = {k} is below {MIN_ANALYST_K}, the smallest an analyst may "
                            "choose; ask an administrator for a lower k")


def export_scope(session: Session, user: User | None, unit_code: str | None) -> set[int] | None:
    """Unit ids the export may include (None = all); refuse a unit outside the user's scope."""
    if user is not None and not can_export(user):
        raise ExportRefused(f"{user.email} ({user.role.value}) may not export microdata: "
                            "administrators and analysts only")
    allowed = None
    if user is not None and user.role != Role.ADMIN and user.unit_id is not None:
        allowed = subtree_ids(session, user.unit_id)
    if unit_code is None:
        return allowed
    unit_id = session.scalar(select(Unit.id).where(Unit.code == unit_code))
    if unit_id is None:
        raise ExportError(f"unknown unit code {unit_code!r}")
    if allowed is not None and unit_id not in allowed:
        raise ExportRefused(f"unit {unit_code!r} is outside the units {user.email} may see")
    return subtree_ids(session, unit_id)


def run_export(session: Session, request: ExportRequest, *, user: User | None = None,
               actor: str | None = None, progress: Progress | None = None) -> ExportResult:
    """Export one survey and period to ``request.out_dir``; see the module docstring.

    ``user`` is the signed-in staff member (web); the command line passes ``user=None`` and
    an ``actor`` naming the operator. ``progress`` is called with rows done in each pass.
    """
    if request.fmt not in FORMATS:
        raise ExportError(f"unknown format {request.fmt!r}; choose one of {', '.join(FORMATS)}")
    require_k_allowed(user, request.k)
    release = _release(request)
    unit_ids = export_scope(session, user, request.unit_code)
    period = parse_period_span(request.period)
    version = latest_version(session, request.survey)
    if version is None:
        raise ExportError(f"survey {request.survey!r} is not published")
    definition = load_version(version)
    tree = load_tree(session)
    variables = recoded_catalogue(catalogue(definition, tree.depth, request.include_text),
                                  release)
    qi = [v.name for v in variables if v.role == "respondent" and v.kind == "numeric"]
    score = "score_overall" if any(v.name == "score_overall" for v in variables) else None
    stem = f"hailong_{request.survey}_{period}".replace("..", "_to_").replace("-", "_")
    out = request.out_dir
    out.mkdir(parents=True, exist_ok=True)
    staging = out / f".{stem}.staging.parquet"
    builder = FrameBuilder(request.survey, definition, variables, tree, field_names(session),
                           scrub_text if request.include_text else None)
    tick = progress or (lambda _rows: None)
    try:
        keys, layout = _first_pass(session, request, period, unit_ids, builder, variables,
                                   [*qi, *([score] if score else [])], staging, tick)
        weights, ps_total, weighting = _weights(session, period, unit_ids, keys)
        parents = {code: (path[-2][0] if len(path) > 1 else None)
                   for code, path in tree.paths.items()}
        report = protect(release, request.k, keys["unit"], keys[qi], weights, parents)
        if score:
            report.utility = group_share_changes(recode(keys[qi], release.recodes),
                                                 report.values, keys[score], weights)
        pooled = _pooled_columns(keys, report.pooled_units, tree)
        _widen(layout, pooled)
        data_file = out / f"{stem}.{request.fmt}"
        freq = codebook.Frequencies(variables)
        writer = open_writer(request.fmt, data_file, variables, request.language, layout)
        _second_pass(staging, writer, freq, weights, ps_total, report.values, pooled,
                     request.chunk, tick)
        writer.close()
    except (DtaError, SavError) as exc:  # the data outgrew what pass 1 learnt: a bug, said so
        raise ExportError(f"the {request.fmt} file could not be written: {exc}") from exc
    finally:
        staging.unlink(missing_ok=True)
    files = [data_file, *_beside(out, stem, request, definition, version.version, variables,
                                 freq, report, weighting, len(keys))]
    summary = (f"{request.survey} · {period} · {len(keys)} responses · "
               f"{release.label['vi']} / {release.label['en']}, k = {request.k}")
    readme, bundle = write_bundle(out, stem, files, summary)
    audit.record(session, "export.microdata", target=f"{request.survey} {period}",
                 user_id=user.id if user is not None else None,
                 detail={"by": actor or (user.email if user else None),
                         "format": request.fmt, "rows": len(keys),
                         "unit": request.unit_code, "k": request.k,
                         "release": release.name, "agreement": request.agreement,
                         "include_text": request.include_text,
                         "suppressed_cells": sum(report.suppressed.values()),
                         "files": [f.name for f in [bundle, readme, *files]]})
    session.commit()
    return ExportResult(data_file, files, len(keys), int(np.isfinite(weights).sum()), report,
                        weighting, readme, bundle)


def _release(request: ExportRequest) -> Release:
    release = RELEASES.get(request.release)
    if release is None:
        raise ExportError(f"unknown release type {request.release!r}; choose one of "
                          f"{', '.join(RELEASES)}")
    if request.k < 1:
        raise ExportError("k must be a whole number, at least 1")
    if release.needs_agreement and not (request.agreement or "").strip():
        raise ExportError("a scientific-use file needs the data-use agreement: its reference "
                          "and the analysts it names")
    return release


def recoded_catalogue(variables: list[Variable], release: Release) -> list[Variable]:
    """The catalogue with the value labels of globally recoded variables replaced."""
    by_name = {rc.variable: rc for rc in release.recodes}
    out = []
    for var in variables:
        rc = by_name.get(var.name) if var.role == "respondent" else None
        if rc is None:
            out.append(var)
            continue
        values = {new: dict(label) for new, (_olds, label) in rc.groups.items()}
        note = "recoded: " + "; ".join(f"{new} = {','.join(map(str, olds))}"
                                       for new, (olds, _l) in rc.groups.items())
        out.append(dataclasses.replace(var, values=values, note=note))
    return out


def _pooled_columns(keys: pd.DataFrame, pooled: dict[str, str],
                    tree: object) -> dict[str, np.ndarray] | None:
    """Replacement unit and design columns for responses of pooled small units (or None)."""
    if not pooled:
        return None
    unit = keys["unit"].astype(str).to_numpy(object)
    hit = np.array([u in pooled for u in unit])
    new_unit = np.array([pooled.get(u, u) for u in unit], dtype=object)
    # Each small unit keeps its own (renumbered) strata so the variance is unchanged.
    number = {u: i + 1 for i, u in enumerate(sorted(pooled))}
    stratum = np.array([f"{pooled[u]}#{number[u]}|{p}" if u in pooled else ""
                        for u, p in zip(unit, keys["period"].astype(str), strict=True)],
                       dtype=object)
    post = np.array([f"{s}|{f}" if s else "" for s, f in
                     zip(stratum, keys["field"].astype(str), strict=True)], dtype=object)
    return {"hit": hit, "unit": new_unit, "stratum": stratum, "poststratum": post}


def _first_pass(session: Session, request: ExportRequest, period: Period | PeriodRange,
                unit_ids: set[int] | None, builder: FrameBuilder, variables: list[Variable],
                qi: list[str], staging: Path, tick: Progress) -> tuple[pd.DataFrame, Layout]:
    """Stage every export row on disk; return unit, period, field and respondent items, and
    the layout (rows, string widths, code ranges) the Stata and SPSS writers need."""
    writer = ParquetWriter(staging, variables, request.language)
    scanner = LayoutScanner(variables)
    keys: list[pd.DataFrame] = []
    for chunk in iter_response_chunks(session, request.survey, period, unit_ids, request.chunk):
        frame = builder.build(chunk)
        writer.write(frame)
        scanner.add(frame)
        small = frame[["unit", "period", "field", *qi]].copy()
        for col in ("unit", "period", "field"):
            small[col] = small[col].astype("category")
        for col in qi:
            if pd.api.types.is_integer_dtype(small[col]):
                small[col] = small[col].astype("Int16")
        keys.append(small)
        tick(len(frame))
    writer.close()
    if not keys:
        empty = {c: pd.Series(dtype=object) for c in ("unit", "period", "field")}
        return pd.DataFrame(empty | {c: pd.Series(dtype="Float64" if c.startswith("score_")
                                                  else "Int16") for c in qi}), scanner.layout
    out = pd.concat(keys, ignore_index=True)
    for col in ("unit", "period", "field"):
        out[col] = out[col].astype(str)
    return out, scanner.layout


def _weights(session: Session, period: Period | PeriodRange, unit_ids: set[int] | None,
             keys: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, dict[str, object]]:
    """hailong's default weights (``analysis.units.default_weights``) by row position."""
    n = len(keys)
    weights = np.full(n, np.nan)
    ps_total = np.full(n, np.nan)
    if n == 0:
        return weights, ps_total, {"dropped": [], "collapsed": []}
    dossiers = load_dossier_counts(session, period, unit_ids)
    result = default_weights(keys[["unit", "period", "field"]], dossiers, unmatched="drop")
    kept = result.frame
    rows = kept.index.to_numpy()
    weights[rows] = kept["weight"].to_numpy(float)
    cell = kept.groupby("poststratum")["weight"].transform("size").to_numpy(float)
    ps_total[rows] = weights[rows] * cell
    return weights, ps_total, {
        "dropped": result.dropped.to_dict("records"),
        "collapsed": result.collapsed.to_dict("records"),
    }


def _second_pass(staging: Path, writer: Writer, freq: codebook.Frequencies,
                 weights: np.ndarray, ps_total: np.ndarray, protected: pd.DataFrame,
                 pooled: dict[str, np.ndarray] | None, chunk: int, tick: Progress) -> None:
    """Stream the staging file into the writer with weights and disclosure control applied."""
    start = 0
    source = pq.ParquetFile(staging)
    for batch in source.iter_batches(batch_size=chunk):
        frame = batch.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
        stop = start + len(frame)
        frame["weight"] = weights[start:stop]
        frame["ps_total"] = ps_total[start:stop]
        for col in protected.columns:
            frame[col] = protected[col].iloc[start:stop].to_numpy()
            frame[col] = frame[col].astype("Int64")
        if pooled is not None:
            _pool(frame, {k: v[start:stop] for k, v in pooled.items()})
        writer.write(frame)
        freq.add(frame)
        tick(len(frame))
        start = stop
    source.close()


def _widen(layout: Layout, pooled: dict[str, np.ndarray] | None) -> None:
    """Make room in the Stata/SPSS layout for the pooled codes, names and strata."""
    if pooled is None:
        return
    hit = pooled["hit"]
    width = {name: max((len(str(v).encode("utf-8")) for v in pooled[name][hit]), default=0)
             for name in ("unit", "stratum", "poststratum")}
    width["name"] = len(POOLED_NAME.encode("utf-8"))
    for col in layout.widths:
        key = ("name" if col.endswith("_name") else "unit" if col.startswith("unit")
               else col if col in width else None)
        if key is not None:
            layout.widths[col] = max(layout.widths[col], width[key])


POOLED_NAME = "(gộp đơn vị nhỏ / pooled small units)"


def _pool(frame: pd.DataFrame, pooled: dict[str, np.ndarray]) -> None:
    hit = pooled["hit"]
    if not hit.any():
        return
    old = frame["unit"].astype(object).to_numpy()
    for col in [c for c in frame.columns if c.startswith("unit_level") and c.endswith("_code")]:
        same = hit & (frame[col].astype(object).to_numpy() == old)
        frame.loc[same, col] = pooled["unit"][same]
        frame.loc[same, col.replace("_code", "_name")] = POOLED_NAME
    frame.loc[hit, "unit"] = pooled["unit"][hit]
    frame.loc[hit, "unit_name"] = POOLED_NAME
    frame.loc[hit, "stratum"] = pooled["stratum"][hit]
    frame.loc[hit, "poststratum"] = pooled["poststratum"][hit]
    frame.loc[hit, "counter"] = None


WEIGHTING_TEXT = (
    "`weight` is hailong's default weight: within each unit and period the responses of a "
    "procedure field are post-stratified to the dossiers the unit handled in that field "
    "(`weight = ps_total / responses in the post-stratum`); dossiers of fields without any "
    "response are spread over the unit's observed fields in proportion (the unit total is "
    "kept). Design: one response = one PSU, strata `stratum` (unit|period), post-strata "
    "`poststratum` (unit|period|field) with population `ps_total`. Responses whose cell has "
    "no dossier count have an empty weight and are left out of the indices. "
    "R: `postStratify(svydesign(ids=~1, strata=~stratum, weights=~1, data=d), ~poststratum, "
    "pop)`; Stata: `svyset _n, strata() poststrata() postweight(ps_total)`."
)


def _beside(out: Path, stem: str, request: ExportRequest,
            definition: survey_defs.SurveyDefinition, version: int,
            variables: list[Variable], freq: codebook.Frequencies, report: Protection,
            weighting: dict[str, object], rows: int) -> list[Path]:
    """Codebooks, reproduction scripts and the disclosure report."""
    info = codebook.StudyInfo(
        survey=request.survey, version=version, title=dict(definition.title),
        period=str(parse_period_span(request.period)), data_file=f"{stem}.{request.fmt}",
        rows=rows,
        created=dt.datetime.now(dt.UTC), weighting=WEIGHTING_TEXT,
        disclosure=disclosure_markdown(report, request.include_text, weighting, short=True,
                                       agreement=request.agreement))
    paths = {k: out / f"{stem}{suffix}" for k, suffix in (
        ("ddi", "_codebook.xml"), ("md", "_codebook.md"), ("composite", "_composite.csv"),
        ("r", "_indices.R"), ("do", "_indices.do"), ("report", "_disclosure.md"),
        ("json", "_disclosure.json"))}
    codebook.write_ddi(paths["ddi"], info, variables, freq)
    codebook.write_markdown(paths["md"], info, variables, freq)
    rows_spec = scripts.composite_rows(definition, variables)
    scripts.write_composite(paths["composite"], rows_spec)
    paths["r"].write_text(scripts.r_script(stem, info.data_file, request.fmt), encoding="utf-8")
    paths["do"].write_text(scripts.stata_do(stem, info.data_file, request.fmt, rows_spec),
                           encoding="utf-8")
    paths["report"].write_text(disclosure_markdown(report, request.include_text, weighting,
                                                   agreement=request.agreement),
                               encoding="utf-8")
    paths["json"].write_text(json.dumps({"release": report.release, "k": report.k,
                                         "keys": report.keys,
                                         "agreement": request.agreement,
                                         "suppressed": report.suppressed,
                                         "kept_share": report.kept_share(),
                                         "merged": report.merged,
                                         "pooled_units": report.pooled_units,
                                         "risk_before": report.risk_before.as_dict()
                                         if report.risk_before else None,
                                         "risk_after": report.risk_after.as_dict()
                                         if report.risk_after else None,
                                         "utility": report.utility,
                                         "weighting": weighting,
                                         "include_text": request.include_text},
                                        ensure_ascii=False, indent=2, default=str),
                             encoding="utf-8")
    return list(paths.values())


def operator_name() -> str:
    """The operating-system user running the command line (recorded in the audit log)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
