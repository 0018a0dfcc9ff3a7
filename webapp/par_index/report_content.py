"""What the báo cáo says: built from the stored figures (one path for the CLI and the page)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from ..documents.model import place_name
from ..models import OfficialResult, Unit
from .official import official_results
from .results import AssessmentResult, find_assessment, result_for
from .targets import (
    LostPoints,
    Verdict,
    domain_ranks,
    lost_points,
    previous_result,
    verdicts,
)

TARGET_WORDS = {"level": "mức {value}", "no_worse": "không thấp hơn năm trước",
                "top_half": "thuộc nửa trên bảng xếp hạng"}


def vi_number(value: Decimal | int | None) -> str:
    """A number the Vietnamese way: up to two decimals, comma as decimal mark (84,66)."""
    if value is None:
        return "-"
    text = format(Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP).normalize(), "f")
    return text.replace(".", ",")


def vi_date(day: dt.date) -> str:
    """'ngày 04 tháng 12 năm 2026' (Nghị định 30: leading zero for days < 10 and months 1-2)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


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
    """Everything the document shows, already worded in Vietnamese."""

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


class ReportError(Exception):
    """The report cannot be made (no assessment for the unit and year)."""


def _target_text(verdict: Verdict) -> str:
    if verdict.target is None:
        return "điểm tối đa" if verdict.item_code else "100%"
    words = TARGET_WORDS[verdict.target.kind]
    return words.format(value=vi_number(verdict.target.value))


def _line(result: AssessmentResult, verdict: Verdict) -> ItemLine:
    item = result.items[verdict.item_code].item
    rank = f"{verdict.rank}/{verdict.out_of}" if verdict.rank and verdict.out_of else "-"
    return ItemLine(item.code, item.name.get("vi", item.code), vi_number(verdict.actual),
                    vi_number(item.max_points), _target_text(verdict), rank)


def build_report(session: Session, unit: Unit, year: int, *, place: str | None = None,
                 date: dt.date | None = None) -> ReportContent:
    """Gather the unit's figures for ``year`` into a :class:`ReportContent`."""
    assessment = find_assessment(session, unit, year)
    if assessment is None:
        raise ReportError(f"{unit.code} has no scorecard assessment for {year}")
    result = result_for(session, assessment)
    previous = previous_result(session, assessment)
    found = verdicts(session, result, previous)
    parent = unit.parent
    content = ReportContent(
        unit=unit, year=year, parent_name=parent.name_vi.upper() if parent else "",
        issuer_name=unit.name_vi.upper(), place=place or place_name(unit.name_vi),
        date=date or dt.date.today(),
        title=(f"Phân tích kết quả Chỉ số cải cách hành chính, SIPAS, PAPI năm {year} "
               f"của {unit.name_vi}"))
    overall = found[""]
    line = (f"Tổng điểm năm {year}: {vi_number(result.total)}/{vi_number(result.maximum)} "
            f"điểm, đạt {vi_number(result.percent)}%")
    if result.rank:
        line += f", xếp thứ {result.rank}/{result.out_of}"
    if result.band:
        line += f", xếp loại {result.band.label.get('vi', result.band.id)}"
    content.summary.append(line + ".")
    if previous is not None:
        delta = result.total - previous.total
        word = "tăng" if delta > 0 else "giảm" if delta < 0 else "không đổi"
        rank_text = ""
        if previous.rank and result.rank:
            steps = previous.rank - result.rank
            rank_text = (f"; thứ hạng {'tăng' if steps > 0 else 'giảm'} {abs(steps)} bậc"
                         if steps else "; thứ hạng không đổi")
        content.summary.append(
            f"So với năm {year - 1} ({vi_number(previous.total)} điểm, "
            f"{vi_number(previous.percent)}%): {word} {vi_number(abs(delta))} điểm{rank_text}.")
    content.summary.append(
        f"Mục tiêu chung ({_target_text(overall)}): "
        f"{'đạt' if overall.achieved else 'chưa đạt'}.")
    content.official = official_results(session, unit.id, year) + official_results(
        session, unit.id, year - 1)
    for code, verdict in found.items():
        if not code or result.items[code].item.children:
            continue
        (content.achieved if verdict.achieved else content.not_achieved).append(
            _line(result, verdict))
    content.lost = lost_points(session, result, previous)
    content.domain_ranks = [
        (d.code, d.name, f"{vi_number(d.final)}/{vi_number(d.maximum)}", f"{d.rank}/{d.out_of}",
         f"{d.previous_rank}/{d.previous_out_of}" if d.previous_rank else "-",
         rank_change_words(d.steps))
        for d in domain_ranks(session, result, previous)]
    content.citizens_worst, content.citizens_wanted = citizens_view(session, unit, year)
    return content


def rank_change_words(steps: int | None) -> str:
    """'tăng 2 bậc', 'giảm 1 bậc', 'không đổi' or '-' without last year's rank."""
    if steps is None:
        return "-"
    if steps == 0:
        return "không đổi"
    return f"{'tăng' if steps > 0 else 'giảm'} {abs(steps)} bậc"


def _percent(value: float) -> str:
    return vi_number(Decimal(str(round(value * 100, 2))))


def citizens_view(session: Session, unit: Unit, year: int,
                  count: int = 3) -> tuple[list[str], list[str]]:
    """The SIPAS criteria citizens of the unit rated lowest, and the aspects they most want
    improved, for ``year`` (empty without answers); suppressed figures are left out."""
    from ..statistics.indices import IndicesError
    from ..statistics.unit_report import build_unit_report

    try:
        report = build_unit_report(session, "sipas", str(year), unit, "vi", trend=False)
    except (IndicesError, LookupError):
        return [], []
    worst = [f"{f.label}: {_percent(f.estimate)}% hài lòng (n = {f.n})"
             for f in report.criteria
             if f.estimate is not None and not f.suppressed][:count]
    wanted = [f"{e.labels.get('vi', e.answer_id)}: {_percent(e.estimate)}% mong muốn cải "
              f"thiện rất nhiều (n = {e.n})" for e in report.expectations][:count]
    return worst, wanted
