"""Everything a unit's page shows for a survey and period, from the indices tables only.

The numbers (estimates, intervals, n, effective n, small-sample and suppression flags) are the
rows of :class:`~webapp.statistics.indices.IndexTable`; changes come from
``analysis.compare.period_change`` with ``bh_flags`` (Benjamini-Hochberg over the indices shown
for the unit), child groups from ``analysis.compare.quartile_groups``, and the expectations
ranking scored by the same path (:mod:`.expectations`, :mod:`.indices_cache`). Nothing here
estimates anything itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

import survey_defs
from analysis.compare import bh_flags, period_change, quartile_groups
from analysis.errors import AnalysisError

from ..fieldwork.indices import field_periods, field_results
from ..i18n import translated
from ..models import Unit
from ..periods import Period, parse_period
from ..survey_versions import latest_version, load_version
from ..unit_tree import children_of, subtree_ids
from .expectations import Expectation, expectation_kind, rank_from_results
from .indices import IndexTable, IndicesError
from .indices_cache import block_tables
from .microdata import load_dossier_counts

# The headline of each instrument as its official report gives it: the SIPAS index, the PAPI
# total (8-80), the one-stop share of satisfied ratings (TT 01's 18-point total has a section of
# its own, shown only where all nine indicators exist).
HEADLINE_BY_METHOD = {"sipas": ("overall",), "papi": ("total",), "onestop": ("satisfied",)}
HEADLINE_LEVELS = ("overall", "total", "satisfied")
COMPONENT_LEVELS = ("element", "overall_item", "dimension", "subdimension", "contribution")
CRITERION_LEVELS = ("criterion", "indicator")
TREND_LENGTH = 6
# What each level is measured in: a share of people (%), TT 01 points (0-2 per indicator) or a
# PAPI score (1-10 per dimension, 8-80 for the total).
POINT_LEVELS = ("indicator", "points")


def value_unit(method: str | None, level: str) -> str:
    """``"share"``, ``"points"`` or ``"score"``: how a figure of ``level`` is written."""
    if method == "papi":
        return "score"
    if method == "onestop" and level in POINT_LEVELS:
        return "points"
    return "share"


@dataclass(frozen=True)
class Figure:
    """One index of one unit as the page shows it (a row of the IndexTable)."""

    index_id: str
    label: str
    level: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    n_eff: float
    small_sample: bool
    suppressed: bool
    unit: str = "share"


@dataclass(frozen=True)
class Change:
    """Change of one index from the previous period; ``clear`` after the BH correction."""

    index_id: str
    previous: float | None
    current: float | None
    change: float | None
    ci_low: float | None
    ci_high: float | None
    clear: bool


@dataclass(frozen=True)
class ChildFigure:
    """A child unit's headline index, with its quartile group when there are enough units."""

    code: str
    name: str
    figure: Figure
    group: int | None = None
    group_label: str | None = None
    certainty: float | None = None


@dataclass
class UnitReport:
    """The unit page's content for one survey and period."""

    survey: str
    method: str | None
    period: str
    previous_period: str
    unit_code: str
    responses: int
    dossiers: int
    headline: list[Figure] = field(default_factory=list)
    components: list[Figure] = field(default_factory=list)
    criteria: list[Figure] = field(default_factory=list)
    changes: dict[str, Change] = field(default_factory=dict)
    trend: list[tuple[str, Figure | None]] = field(default_factory=list)
    children: list[ChildFigure] = field(default_factory=list)
    expectations: list[Expectation] = field(default_factory=list)
    expectations_kind: str | None = None
    scale: tuple[float, float] = (0.0, 1.0)
    # PAPI: each dimension with its sub-dimensions (1-10) and their contributions.
    subdimensions: list[tuple[Figure, list[tuple[Figure, Figure | None]]]] = field(
        default_factory=list)
    # One-stop: TT 01/2018's nine indicators and the 18-point total (module .onestop).
    tt01: Any = None
    field_survey: bool = False
    # The definition's weighting rule: "equal" (officials' survey) shows no dossier counts.
    weighting: str = "dossiers"

    def unit_of(self, level: str) -> str:
        """How figures of ``level`` are written on this report (share, points, score)."""
        return value_unit(self.method, level)

    @property
    def response_rate(self) -> float | None:
        """Responses per dossier handled (None without dossier counts)."""
        return self.responses / self.dossiers if self.dossiers else None

    @property
    def main(self) -> Figure | None:
        """The headline index (SIPAS overall, PAPI total, one-stop points share)."""
        return self.headline[0] if self.headline else None


def _num(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def index_labels(definition: survey_defs.SurveyDefinition, language: str) -> dict[str, str]:
    """Index id → label in ``language`` (criteria from the grid rows, others from scoring)."""
    en = language == "en"
    labels: dict[str, str] = {
        "overall": "Overall index" if en else "Chỉ số chung",
        "total": "PAPI total (8-80)" if en else "Điểm PAPI tổng hợp (8-80)",
        "satisfied": "Share of satisfied ratings" if en else "Tỷ lệ đánh giá hài lòng",
        "points": "Points of the rated indicators" if en else "Điểm các chỉ số được đánh giá",
        "points_share": "Share of the maximum points" if en else "Tỷ lệ điểm trên điểm tối đa",
    }
    for question in definition.questions:
        for row in question.rows:
            labels[f"{question.id}.{row.id}"] = translated(row.label, language)
    spec = definition.scoring_spec()
    if spec.get("method") == "sipas" and spec.get("overall_item"):
        labels[spec["overall_item"]] = ("Satisfied overall (the overall question)" if en
                                        else "Tỷ lệ hài lòng chung (câu hỏi chung)")
    for element in spec.get("elements", []):
        labels[element["id"]] = translated(element["label"], language)
    for dim in spec.get("dimensions", []):
        labels[dim["id"]] = translated(dim["label"], language)
        for sub in dim["subdimensions"]:
            labels[sub["id"]] = translated(sub["label"], language)
            labels[f"{sub['id']}:contribution"] = labels[sub["id"]]
            for ind in sub["indicators"]:
                # No label of its own: the question's wording, never the key.
                labels[ind["id"]] = (translated(ind["label"], language) or translated(
                    definition.answer_question(ind["item"]).label, language))
    for ind in [*spec.get("indicators", []), *spec.get("unit_indicators", [])]:
        labels[ind["id"]] = translated(ind["label"], language) or ind["id"]
    return labels


def criterion_ids(definition: survey_defs.SurveyDefinition) -> list[str]:
    """Ids of the scored criteria (SIPAS) or indicators (PAPI, one-stop), in form order."""
    spec = definition.scoring_spec()
    ids = [c for e in spec.get("elements", []) for c in e["criteria"]]
    ids += [i["id"] for d in spec.get("dimensions", []) for s in d["subdimensions"]
            for i in s["indicators"]]
    return ids + [i["id"] for i in spec.get("indicators", [])]


def figure_of(row: pd.Series, labels: dict[str, str], method: str | None = None) -> Figure:
    return Figure(index_id=row["index_id"], label=labels.get(row["index_id"], row["index_id"]),
                  level=row["index_level"], estimate=_num(row["estimate"]),
                  ci_low=_num(row["ci_low"]), ci_high=_num(row["ci_high"]), n=int(row["n"]),
                  n_eff=float(row["n_eff"]), small_sample=bool(row["small_sample"]),
                  suppressed=bool(row["suppressed"]),
                  unit=value_unit(method, str(row["index_level"])))


def unit_rows(results: pd.DataFrame, unit_code: str) -> pd.DataFrame:
    """The rows describing a unit: its roll-up when it has one, else its own responses."""
    if results.empty:
        return results
    # Plain numpy comparisons: a page makes about a hundred of these look-ups.
    mine = results["unit"].to_numpy(dtype=object) == unit_code
    scope = results["scope"].to_numpy(dtype=object)
    subtree = np.flatnonzero(mine & (scope == "subtree"))
    return results.iloc[subtree if len(subtree) else np.flatnonzero(mine & (scope == "unit"))]


def build_unit_report(session: Session, survey_key: str, period: str, unit: Unit,
                      language: str = "vi", *, trend: bool = True) -> UnitReport:
    """Assemble the unit page for ``unit``'s subtree; raise IndicesError or PeriodError."""
    version = latest_version(session, survey_key)
    if version is None:
        raise IndicesError(f"survey {survey_key!r} is not published")
    definition = load_version(version)
    spec = definition.scoring_spec()
    labels = index_labels(definition, language)
    current = parse_period(period)
    previous = current.previous()
    method = spec.get("method")
    # Every period the page shows (trend, previous, current) in one pass over the statistics.
    periods = [str(p) for p in current.recent(TREND_LENGTH)] if trend else [str(previous),
                                                                        str(current)]
    # The page shows the unit and its children only: keep their rows (a province's tables hold
    # every commune), so the many small look-ups below stay cheap.
    shown_units = [unit, *children_of(session, unit)]
    shown = {u.code for u in shown_units}
    blocks: dict[str, dict[str, IndexTable]]
    field_survey = bool(field_periods(session, survey_key))
    if field_survey:
        # A household survey (PAPI): design-based figures from the field sample's answers.
        blocks = {"indices": {}}
        for p in periods:
            rows, answers = field_results(session, survey_key, p, spec, shown_units)
            blocks["indices"][p] = IndexTable(survey_key, p, rows, answers)
    else:
        blocks = block_tables(session, survey_key, periods, unit.code)
    tables = {p: _only(t, shown) for p, t in blocks["indices"].items()}
    now = tables[str(current)]
    ids = subtree_ids(session, unit.id)
    dossiers = load_dossier_counts(session, current, ids)
    responses = now.responses
    if field_survey and not now.results.empty:
        mine = unit_rows(now.results, unit.code)
        responses = int(mine["n_responses"].max()) if not mine.empty else 0
    report = UnitReport(survey=survey_key, method=method, period=str(current),
                        previous_period=str(previous), unit_code=unit.code,
                        responses=responses,
                        dossiers=0 if field_survey else int(dossiers["count"].sum()),
                        field_survey=field_survey, weighting=definition.weighting)
    if method == "papi":
        report.scale = tuple(spec["total_range"])  # type: ignore[assignment]
    rows = unit_rows(now.results, unit.code)
    figures = [figure_of(r, labels, method) for _, r in rows.iterrows()]
    heads = HEADLINE_BY_METHOD.get(str(method), HEADLINE_LEVELS)
    report.headline = sorted((f for f in figures if f.level in heads),
                             key=lambda f: heads.index(f.level))
    report.components = [f for f in figures if f.level in COMPONENT_LEVELS]
    report.criteria = sorted((f for f in figures if f.level in CRITERION_LEVELS),
                             key=lambda f: (f.estimate is None, f.estimate or 0.0))
    if method == "papi":
        report.subdimensions = _subdimensions(spec, {f.index_id: f for f in figures})
    if method == "onestop":
        from .onestop import tt01_summary, unit_scores

        report.tt01 = tt01_summary(spec, {f.index_id: f for f in figures},
                                   unit_scores(session, unit.id, str(current)), language)
    report.changes = changes_between(tables, str(current), str(previous), unit.code)
    report.children = _children(session, unit, now, labels, report, language)
    wishes = blocks.get("expectations", {}).get(str(current))
    if wishes is not None:
        report.expectations = rank_from_results(definition, unit_rows(wishes.results, unit.code))
        report.expectations_kind = expectation_kind(definition)
    if trend:
        report.trend = _trend(current, unit.code, tables, labels, report)
    return report


def _subdimensions(spec: dict[str, Any], by_id: dict[str, Figure]
                   ) -> list[tuple[Figure, list[tuple[Figure, Figure | None]]]]:
    out = []
    for dim in spec.get("dimensions", []):
        head = by_id.get(dim["id"])
        if head is None:
            continue
        subs = [(by_id[sub["id"]], by_id.get(f"{sub['id']}:contribution"))
                for sub in dim["subdimensions"] if sub["id"] in by_id]
        out.append((head, subs))
    return out


def _only(table: IndexTable, codes: set[str]) -> IndexTable:
    if table.results.empty:
        return table
    rows = table.results[table.results["unit"].isin(codes)].reset_index(drop=True)
    return IndexTable(table.survey, table.period, rows, table.responses)


def changes_between(tables: dict[str, IndexTable], current: str, previous: str,
                    unit_code: str) -> dict[str, Change]:
    """Each index of ``unit_code`` from ``previous`` to ``current`` (``tables`` keyed by
    period), flagged clear with Benjamini-Hochberg over the unit's indices."""
    pair = {p: tables[p] for p in (previous, current) if p in tables}
    frames = [unit_rows(t.results, unit_code) for t in pair.values()
              if not t.results.empty]
    if len(frames) < 2:
        return {}
    scope = unit_rows(pair[current].results, unit_code)
    if scope.empty:
        return {}
    # Only this unit's rows: the flags below are computed over its indices, not across units.
    mine = period_change(pd.concat(frames, ignore_index=True), current=current,
                         previous=previous)
    mine = mine[mine["scope"] == scope["scope"].iloc[0]]
    # The page shows every index of one unit at once, so the false-discovery control runs over
    # those indices (period_change's own flags control it across units, per index).
    clear, _ = bh_flags(mine["p_value"].to_numpy(dtype=float))
    return {r["index_id"]: Change(r["index_id"], _num(r["estimate_previous"]),
                                  _num(r["estimate_current"]), _num(r["change"]),
                                  _num(r["ci_low"]), _num(r["ci_high"]), bool(flag))
            for (_, r), flag in zip(mine.iterrows(), clear, strict=True)}


def _children(session: Session, unit: Unit, table: IndexTable, labels: dict[str, str],
              report: UnitReport, language: str) -> list[ChildFigure]:
    main = report.main
    if main is None or table.results.empty:
        return []
    children = children_of(session, unit)
    out = []
    codes = {child.code for child in children}
    heads = table.results[(table.results["index_id"] == main.index_id)
                          & table.results["unit"].isin(codes)]
    for child in children:
        rows = unit_rows(heads, child.code)
        if rows.empty:
            continue
        name = translated({"vi": child.name_vi, "en": child.name_en or ""}, language)
        out.append(ChildFigure(child.code, name, figure_of(rows.iloc[0], labels,
                                                           report.method)))
    frame = pd.DataFrame([{"unit": c.code, "estimate": c.figure.estimate,
                           "se": _se(heads, c.code, main.index_id)} for c in out])
    try:
        groups = quartile_groups(frame.astype({"estimate": float}))
    except (AnalysisError, KeyError, ValueError):
        return out
    by_unit = {r["unit"]: r for _, r in groups.iterrows()}
    key = "group_label_en" if language == "en" else "group_label_vi"
    return [ChildFigure(c.code, c.name, c.figure, int(by_unit[c.code]["group"]),
                        by_unit[c.code][key], float(by_unit[c.code]["group_certainty"]))
            if c.code in by_unit else c for c in out]


def _se(results: pd.DataFrame, code: str, index_id: str) -> float:
    rows = unit_rows(results, code)
    rows = rows[rows["index_id"] == index_id]
    return float(rows["se"].iloc[0]) if not rows.empty else math.nan


def _trend(current: Period, unit_code: str, tables: dict[str, IndexTable],
           labels: dict[str, str],
           report: UnitReport) -> list[tuple[str, Figure | None]]:
    main = report.main
    index_id = main.index_id if main else "overall"
    out: list[tuple[str, Figure | None]] = []
    for period in current.recent(TREND_LENGTH):
        key = str(period)
        rows = unit_rows(tables[key].results, unit_code)
        rows = rows[rows["index_id"] == index_id] if not rows.empty else rows
        out.append((key, figure_of(rows.iloc[0], labels, report.method)
                      if not rows.empty else None))
    return out
