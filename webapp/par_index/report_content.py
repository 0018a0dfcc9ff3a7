"""What the báo cáo says: built from the stored figures (one path for the CLI and the page)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from sqlalchemy.orm import Session

from ..documents.model import place_name
from ..i18n import translated
from ..models import OfficialResult, Unit
from .official import official_results
from .report_words import LANGUAGES, words
from .results import AssessmentResult, find_assessment, result_for
from .targets import (
    LostPoints,
    Verdict,
    domain_ranks,
    lost_points,
    previous_result,
    verdicts,
)


def report_number(value: Decimal | int | None, language: str = "vi") -> str:
    """A number in the reader's way: up to two decimals, with a decimal comma in Vietnamese
    (84,66) and a point in English (84.66)."""
    if value is None:
        return "-"
    text = format(Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP).normalize(), "f")
    return text.replace(".", ",") if language == "vi" else text


def vi_number(value: Decimal | int | None) -> str:
    """A number the Vietnamese way: up to two decimals, comma as decimal mark (84,66)."""
    return report_number(value, "vi")


def vi_date(day: dt.date) -> str:
    """'ngày 04 tháng 12 năm 2026' (Nghị định 30: leading zero for days < 10 and months 1-2)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def report_date(day: dt.date, language: str = "vi") -> str:
    """The date line's date: Nghị định 30 wording, or '4 December 2026' in English."""
    return format_date(day, "d MMMM y", locale="en") if language == "en" else vi_date(day)


def short_date(day: dt.date, language: str = "vi") -> str:
    """A deadline: 30/06/2025, or 30 June 2025 in English."""
    if language == "en":
        return format_date(day, "d MMMM y", locale="en")
    return day.strftime("%d/%m/%Y")


def unit_name(unit: Unit, language: str) -> str:
    """The unit's name in ``language`` (its Vietnamese name without an English one)."""
    return translated({"vi": unit.name_vi, "en": unit.name_en or ""}, language)


@dataclass(frozen=True)
class ItemLine:
    """One achieved or not achieved line: label and the numbers behind the verdict."""

    code: str
    name: str
    actual: str
    maximum: str
    target: str
    rank: str


@dataclass
class ReportContent:
    """Everything the document shows, already worded in its ``language``."""

    unit: Unit
    year: int
    parent_name: str
    issuer_name: str
    place: str
    date: dt.date
    title: str
    summary: list[str] = field(default_factory=list)
    official: list[OfficialResult] = field(default_factory=list)
    achieved: list[ItemLine] = field(default_factory=list)
    not_achieved: list[ItemLine] = field(default_factory=list)
    lost: list[LostPoints] = field(default_factory=list)
    citizens_worst: list[str] = field(default_factory=list)
    citizens_wanted: list[str] = field(default_factory=list)
    # Per domain: code, name, points, rank, last year's rank, change in words.
    domain_ranks: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)
    language: str = "vi"
    names: dict[str, Mapping[str, str]] = field(default_factory=dict)  # item code -> name labels

    @property
    def words(self) -> dict[str, str]:
        """The wording of the report's language."""
        return words(self.language)

    def number(self, value: Decimal | int | None) -> str:
        """``value`` written in the report's language."""
        return report_number(value, self.language)

    def item_name(self, code: str, fallback: str) -> str:
        """A scorecard item's name in the report's language."""
        item = self.names.get(code)
        return translated(item, self.language) if item else fallback


class ReportError(Exception):
    """The report cannot be made (no assessment for the unit and year)."""


def _target_text(verdict: Verdict, language: str) -> str:
    w = words(language)
    if verdict.target is None:
        return w["target_max"] if verdict.item_code else "100%"
    return w[f"target_{verdict.target.kind}"].format(
        value=report_number(verdict.target.value, language))


def _line(result: AssessmentResult, verdict: Verdict, language: str) -> ItemLine:
    item = result.items[verdict.item_code].item
    rank = f"{verdict.rank}/{verdict.out_of}" if verdict.rank and verdict.out_of else "-"
    return ItemLine(item.code, translated(item.name, language) or item.code,
                    report_number(verdict.actual, language),
                    report_number(item.max_points, language), _target_text(verdict, language),
                    rank)


def build_report(session: Session, unit: Unit, year: int, *, place: str | None = None,
                 date: dt.date | None = None, language: str = "vi") -> ReportContent:
    """Gather the unit's figures for ``year`` into a :class:`ReportContent` worded in
    ``language`` (``vi`` or ``en``)."""
    if language not in LANGUAGES:
        raise ReportError(f"unknown report language {language!r}; expected vi or en")
    assessment = find_assessment(session, unit, year)
    if assessment is None:
        raise ReportError(f"{unit.code} has no scorecard assessment for {year}")
    w = words(language)
    num = functools.partial(report_number, language=language)
    result = result_for(session, assessment)
    previous = previous_result(session, assessment)
    found = verdicts(session, result, previous)
    parent = unit.parent
    name = unit_name(unit, language)
    content = ReportContent(
        unit=unit, year=year,
        parent_name=unit_name(parent, language).upper() if parent else "",
        issuer_name=name.upper(), place=place or place_name(unit.name_vi),
        date=date or dt.date.today(), title=w["title"].format(year=year, unit=name),
        language=language,
        names={code: r.item.name for code, r in result.items.items()})
    overall = found[""]
    line = w["total"].format(year=year, total=num(result.total), maximum=num(result.maximum),
                             percent=num(result.percent))
    if result.rank:
        line += w["total_rank"].format(rank=result.rank, out_of=result.out_of)
    if result.band:
        line += w["total_band"].format(band=translated(result.band.label, language)
                                       or result.band.id)
    content.summary.append(line + ".")
    if previous is not None:
        delta = result.total - previous.total
        change = w["up"] if delta > 0 else w["down"] if delta < 0 else w["same"]
        rank_text = ""
        if previous.rank and result.rank:
            steps = previous.rank - result.rank
            rank_text = (w["rank_steps"].format(change=w["up"] if steps > 0 else w["down"],
                                                steps=abs(steps))
                         if steps else w["rank_same"])
        content.summary.append(w["compare"].format(
            year=year - 1, total=num(previous.total), percent=num(previous.percent),
            change=change, delta=num(abs(delta)), rank=rank_text))
    content.summary.append(w["overall_target"].format(
        target=_target_text(overall, language),
        verdict=w["achieved"] if overall.achieved else w["not_achieved"]))
    content.official = official_results(session, unit.id, year) + official_results(
        session, unit.id, year - 1)
    for code, verdict in found.items():
        if not code or result.items[code].item.children:
            continue
        (content.achieved if verdict.achieved else content.not_achieved).append(
            _line(result, verdict, language))
    content.lost = lost_points(session, result, previous)
    content.domain_ranks = [
        (d.code, content.item_name(d.code, d.name), f"{num(d.final)}/{num(d.maximum)}",
         f"{d.rank}/{d.out_of}",
         f"{d.previous_rank}/{d.previous_out_of}" if d.previous_rank else "-",
         rank_change_words(d.steps, language))
        for d in domain_ranks(session, result, previous)]
    content.citizens_worst, content.citizens_wanted = citizens_view(session, unit, year,
                                                                    language=language)
    return content


def rank_change_words(steps: int | None, language: str = "vi") -> str:
    """'tăng 2 bậc', 'giảm 1 bậc', 'không đổi' or '-' without last year's rank."""
    w = words(language)
    if steps is None:
        return "-"
    if steps == 0:
        return w["same"]
    return w["steps"].format(change=w["up"] if steps > 0 else w["down"], steps=abs(steps))


def _percent(value: float, language: str) -> str:
    return report_number(Decimal(str(round(value * 100, 2))), language)


def citizens_view(session: Session, unit: Unit, year: int, count: int = 3, *,
                  language: str = "vi") -> tuple[list[str], list[str]]:
    """The SIPAS criteria citizens of the unit rated lowest, and the aspects they most want
    improved, for ``year`` (empty without answers); suppressed figures are left out."""
    from ..statistics.indices import IndicesError
    from ..statistics.unit_report import build_unit_report

    try:
        report = build_unit_report(session, "sipas", str(year), unit, language, trend=False)
    except (IndicesError, LookupError):
        return [], []
    w = words(language)
    worst = [w["worst_line"].format(label=f.label, share=_percent(f.estimate, language), n=f.n)
             for f in report.criteria
             if f.estimate is not None and not f.suppressed][:count]
    wanted = [w["wanted_line"].format(label=translated(e.labels, language),
                                      share=_percent(e.estimate, language), n=e.n)
              for e in report.expectations][:count]
    return worst, wanted
