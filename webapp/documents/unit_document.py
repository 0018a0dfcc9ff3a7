"""The unit report (issue 15) as an official document of Nghị định 30/2020: the headline in its
own size, every criterion's full wording with its interval, weakest and most-wanted aspects,
change since the previous period with the trend, units below, action plans with their status
and a digest of citizens' comments without contact data; in Vietnamese or English.

Every number comes from the :class:`~webapp.statistics.unit_report.UnitReport` the page shows
(one path for the figures); plans and comments from the follow-up services.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter

from babel.dates import format_date
from sqlalchemy.orm import Session

from analysis.unit_stats import SUPPRESS_BELOW

from ..export.disclosure import scrub_text
from ..followup.actions import list_plans, plan_progress
from ..followup.comments import CommentFilter, list_comments
from ..i18n import translated
from ..models import Unit
from ..statistics import charts
from ..statistics.unit_charts import bar_of, fitted, ranked_children, scale_of, zoomed
from ..statistics.unit_report import Figure, UnitReport, index_labels
from ..survey_versions import latest_version, load_version, survey_title
from ..template_helpers import number, pct, period_label, points, value_in
from ..unit_tree import subtree_ids
from .model import Block, Heading, OfficialDocument, Paragraph, Picture, Table, place_name
from .unit_words import words

QUOTES = 5
QUOTE_CHARS = 300
HEADLINE_PT = 22.0


def _name(unit: Unit, language: str) -> str:
    return translated({"vi": unit.name_vi, "en": unit.name_en or ""}, language)


def _date(day: dt.date, language: str) -> str:
    if language == "en":
        return format_date(day, "d MMMM y", locale="en")
    # Nghị định 30: a leading zero for days below 10 and for months 1 and 2.
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


class _Numbers:
    """Values written in the document's language and each figure's own unit: % for shares,
    TT 01 points, PAPI scores; ``unit`` is that of the headline."""

    def __init__(self, report: UnitReport, language: str) -> None:
        main = report.main
        self.unit = main.unit if main is not None else report.unit_of("overall")
        self.percent = self.unit == "share"
        self.language = language

    def value(self, v: float | None, unit: str | None = None) -> str:
        return value_in(v, unit or self.unit, self.language)

    def interval(self, f: Figure) -> str:
        if f.suppressed or f.ci_low is None:
            return "–"
        return f"{self.value(f.ci_low, f.unit)} – {self.value(f.ci_high, f.unit)}"

    def change(self, v: float | None, unit: str | None = None) -> str:
        """A change: percentage points for shares (a difference of two %; the column header
        says so), points for TT 01 and PAPI."""
        if v is None:
            return "–"
        sign = "+" if v > 0 else "−" if v < 0 else ""
        if (unit or self.unit) == "points":
            return sign + points(abs(v), 2, self.language)
        if (unit or self.unit) == "score":
            return sign + number(abs(v), 2, self.language)
        return f"{sign}{number(abs(v) * 100, 1, self.language)}"

    def count(self, v: int) -> str:
        """A count with the reader's thousands separator (8.841 in Vietnamese)."""
        return number(v, 0, self.language)


def _figure_row(f: Figure, nums: _Numbers) -> list[str]:
    shown = None if f.suppressed else f.estimate
    return [f.label, nums.value(shown, f.unit), nums.interval(f), str(f.n)]


def _trend_png(report: UnitReport, language: str, label: str) -> bytes | None:
    from matplotlib.figure import Figure as MplFigure

    bars = [bar_of(p, f) for p, f in report.trend]
    if sum(b.drawable for b in bars) < 2:
        return None
    base = scale_of(report)
    # Never a flat 0-100% axis: shares are cut to tenths around the intervals, points fitted.
    scale = zoomed(bars, base) if base.percent else fitted(bars, base)
    fig = MplFigure(figsize=(6.3, 2.6), facecolor="white")
    ax = fig.add_axes((0.1, 0.15, 0.87, 0.75))
    charts.draw_trend(ax, [period_label(p, language) for p, _ in report.trend], bars, scale,
                      fontsize=8)
    ax.set_title(label, loc="left", fontsize=9)
    return charts.figure_png(fig)


def unit_document(session: Session, report: UnitReport, unit: Unit, language: str = "vi", *,
                  today: dt.date | None = None) -> OfficialDocument:
    """The unit report for ``report`` as an :class:`OfficialDocument` in ``language``."""
    w = words(language)
    nums = _Numbers(report, language)
    name = _name(unit, language)
    survey = survey_title(session, report.survey, language)
    period = period_label(report.period, language)
    parent = unit.parent
    doc = OfficialDocument(
        language=language,
        parent_name=_name(parent, language).upper() if parent else "",
        issuer_name=name.upper(), number=w["number"],
        place_date=f"{place_name(unit.name_vi)}, {_date(today or dt.date.today(), language)}",
        kind=w["kind"], title=w["title"].format(survey=survey, period=period, unit=name),
        recipients=[w["parent_recipient"].format(parent=_name(parent, language))
                    if parent else w["parent_recipient"].format(parent=w["superior"]),
                    w["archive"]],
        recipients_label=w["recipients_label"],
        signature=[w["signature_1"], w["signature_2"]])
    add = doc.blocks.append
    add(Paragraph(w["intro"].format(unit=name, survey=survey, period=period)))

    add(Heading(w["s_overall"]))
    main = report.main
    if main is None:
        add(Paragraph(w["no_headline"]))
    else:
        add(Paragraph(main.label, centre=True, bold=True))
        if main.suppressed:
            add(Paragraph(w["suppressed"].format(k=SUPPRESS_BELOW), centre=True))
        else:
            add(Paragraph(nums.value(main.estimate), centre=True, bold=True, size=HEADLINE_PT))
            add(Paragraph(w["interval"].format(low=nums.value(main.ci_low),
                                               high=nums.value(main.ci_high), n=main.n,
                                               n_eff=f"{main.n_eff:.0f}")))
            if main.small_sample:
                add(Paragraph(w["small"], italic=True))
    rate = report.response_rate
    add(Paragraph(w["volume"].format(
        responses=nums.count(report.responses), dossiers=nums.count(report.dossiers),
        rate=w["rate"].format(rate=pct(rate, language=language)) if rate else "")))
    # Sub-dimensions and their contributions have a table of their own (PAPI), as on the page.
    components = [f for f in report.components if f.level not in ("subdimension", "contribution")]
    if components:
        add(Paragraph(w["components"]))
        add(Table([w["h_item"], w["h_value"], w["h_ci"], w["h_n"]],
                  [_figure_row(f, nums) for f in components],
                  widths=[0.47, 0.14, 0.24, 0.15], numeric=frozenset({1, 3})))
    doc.blocks.extend(_papi_blocks(report, w, nums))
    doc.blocks.extend(_tt01_blocks(report, w, nums))

    add(Heading(w["s_criteria"]))
    add(Paragraph(w["criteria_note"]))
    add(Table([w["h_no"], w["h_criterion"], w["h_value"], w["h_ci"], w["h_n"]],
              [[str(i), *_figure_row(f, nums)] for i, f in enumerate(report.criteria, 1)],
              widths=[0.07, 0.5, 0.13, 0.19, 0.11], numeric=frozenset({0, 2, 4})))
    if any(f.suppressed for f in report.criteria):
        add(Paragraph("– " + w["suppressed"].format(k=SUPPRESS_BELOW), italic=True,
                      indent=False, size=12))

    add(Heading(w["s_citizens"]))
    weakest = [f for f in report.criteria if f.estimate is not None and not f.suppressed][:3]
    if weakest:
        add(Paragraph(w["weakest"]))
        for f in weakest:
            add(Paragraph(f"- {f.label}: {nums.value(f.estimate, f.unit)} ({nums.interval(f)}, "
                          f"n = {f.n});"))
    if report.expectations:
        add(Paragraph(w["wanted"]))
        add(Table([w["h_aspect"], w["h_share"], w["h_ci"], w["h_n"]],
                  [[translated(e.labels, language), pct(e.estimate, language=language),
                    f"{pct(e.ci_low, language=language)} – {pct(e.ci_high, language=language)}",
                    nums.count(e.n)] for e in report.expectations],
                  widths=[0.47, 0.14, 0.24, 0.15], numeric=frozenset({1, 3})))
    else:
        add(Paragraph(w["no_wishes"]))

    add(Heading(w["s_change"]))
    previous = period_label(report.previous_period, language)
    shown = [f for f in report.headline + report.components + report.criteria
             if (c := report.changes.get(f.index_id)) is not None and c.change is not None]
    if shown:
        add(Paragraph(w["change_intro"].format(previous=previous)))
        add(Table([w["h_item"], w["h_previous"], w["h_current"],
                   w["h_change_pp"] if nums.percent else w["h_change"], w["h_clear"]],
                  [[f.label, nums.value(report.changes[f.index_id].previous, f.unit),
                    nums.value(report.changes[f.index_id].current, f.unit),
                    nums.change(report.changes[f.index_id].change, f.unit),
                    w["yes"] if report.changes[f.index_id].clear else w["no"]]
                   for f in shown],
                  widths=[0.46, 0.13, 0.13, 0.14, 0.14], numeric=frozenset({1, 2, 3})))
    else:
        add(Paragraph(w["no_change"]))
    if report.trend and main is not None:
        png = _trend_png(report, language, main.label)
        if png is not None:
            add(Picture(png, 160, w["trend_caption"].format(label=main.label,
                                                            count=len(report.trend))))
        add(Table([w["h_period"], w["h_value"], w["h_ci"], w["h_n"]],
                  [[period_label(p, language), nums.value(None if f is None or f.suppressed
                                                          else f.estimate),
                    nums.interval(f) if f else "–", str(f.n) if f else "0"]
                   for p, f in report.trend],
                  widths=[0.3, 0.2, 0.3, 0.2], numeric=frozenset({1, 3})))

    section = 5
    children = ranked_children(report)
    if children:
        add(Heading(w["s_children"]))
        add(Paragraph(w["children_note"]))
        add(Table([w["h_unit"], w["h_value"], w["h_ci"], w["h_n"], w["h_group"]],
                  [[c.name, nums.value(None if c.figure.suppressed else c.figure.estimate,
                                       c.figure.unit),
                    nums.interval(c.figure), str(c.figure.n),
                    str(c.group) if c.group else "–"] for c in children],
                  widths=[0.4, 0.14, 0.22, 0.12, 0.12], numeric=frozenset({1, 3, 4})))
        section = 6
    roman = {5: "V", 6: "VI", 7: "VII"}
    _plans(session, report, unit, language, nums, doc, roman[section], today)
    _comments(session, report, unit, language, doc, roman[section + 1])
    return _nfc(doc)


def _papi_blocks(report: UnitReport, w: dict[str, str], nums: _Numbers) -> list[Block]:
    """PAPI's dimensions with their sub-dimensions (1-10) and contributions, as the page."""
    if not report.subdimensions:
        return []
    rows = []
    for dim, subs in report.subdimensions:
        rows.append([dim.label.upper(), nums.value(dim.estimate, dim.unit),
                     nums.value(dim.estimate, dim.unit), nums.interval(dim), str(dim.n)])
        rows += [[f"- {sub.label}", nums.value(sub.estimate, sub.unit),
                  nums.value(part.estimate, part.unit) if part else "–", nums.interval(sub),
                  str(sub.n)] for sub, part in subs]
    return [Paragraph(w["subdims"]),
            Table([w["h_subdim"], w["h_score"], w["h_contribution"], w["h_ci"], w["h_n"]], rows,
                  widths=[0.41, 0.12, 0.14, 0.22, 0.11], numeric=frozenset({1, 2, 4}))]


def _tt01_blocks(report: UnitReport, w: dict[str, str], nums: _Numbers) -> list[Block]:
    """TT 01/2018's nine indicators (0-2 points), the 18-point total and its band only when all
    nine exist, as the page."""
    tt = report.tt01
    if tt is None:
        return []
    out: list[Block] = [Paragraph(w["tt01"], bold=True)]
    if tt.total is not None:
        out.append(Paragraph(w["tt01_total"].format(
            total=number(tt.total, 1, nums.language), max=tt.maximum, band=tt.band or "–")))
        if tt.ci_low is not None:
            out.append(Paragraph(w["tt01_interval"].format(
                low=points(tt.ci_low, 1, nums.language),
                high=points(tt.ci_high, 1, nums.language))))
    else:
        out.append(Paragraph(w["tt01_missing"].format(missing="; ".join(tt.missing)),
                             italic=True))
    source = {"dossier": w["src_dossier"], "unit": w["src_unit"]}
    out.append(Table(
        [w["h_indicator"], w["h_points"], w["h_ci"], w["h_source"]],
        [[r.label, points(r.points, 1, nums.language),
          f"{points(r.ci_low, 1, nums.language)} – {points(r.ci_high, 1, nums.language)}"
          if r.ci_low is not None else "–",
          source.get(r.supplied_by) or w["src_citizens"].format(n=nums.count(r.n or 0))]
         for r in tt.indicators],
        widths=[0.46, 0.14, 0.2, 0.2], numeric=frozenset({1})))
    return out


def _plans(session: Session, report: UnitReport, unit: Unit, language: str, nums: _Numbers,
           doc: OfficialDocument, number: str, today: dt.date | None) -> None:
    w = words(language)
    doc.blocks.append(Heading(w["s_plans"].format(n=number)))
    listed = list_plans(session, subtree_ids(session, unit.id), report.survey)
    if not listed:
        doc.blocks.append(Paragraph(w["no_plans"]))
        return
    day = today or dt.date.today()
    rows = []
    for p in plan_progress(session, listed, report.period, language):
        plan = p.plan
        status = ("done" if plan.status == "done" else
                  "late" if plan.deadline < day else "open")
        known = p.before or p.after
        measure = known.unit if known is not None else None
        before = nums.value(p.before.estimate if p.before and not p.before.suppressed
                            else None, measure)
        after = nums.value(p.after.estimate if p.after and not p.after.suppressed else None,
                           measure)
        rows.append([p.label, plan.description, plan.owner,
                     plan.deadline.strftime("%d/%m/%Y"), w[status], f"{before} → {after}"])
    doc.blocks.append(Table([w["h_criterion"], w["h_remedy"], w["h_owner"], w["h_deadline"],
                             w["h_status"], w["h_before_after"]], rows,
                            widths=[0.2, 0.26, 0.14, 0.15, 0.11, 0.14]))


def _comments(session: Session, report: UnitReport, unit: Unit, language: str,
              doc: OfficialDocument, number: str) -> None:
    w = words(language)
    add = doc.blocks.append
    add(Heading(w["s_comments"].format(n=number)))
    rows = list_comments(session, subtree_ids(session, unit.id),
                         CommentFilter(period=report.period), limit=10_000)
    if not rows:
        add(Paragraph(w["comments_none"]))
        return
    status = Counter(r.comment.status for r in rows)
    add(Paragraph(w["comments_count"].format(total=len(rows), open=status["open"],
                                             assigned=status["assigned"],
                                             replied=status["replied"],
                                             closed=status["closed"])))
    version = latest_version(session, report.survey)
    labels = index_labels(load_version(version), language) if version else {}
    # A criterion's label, never its id; comments about no (known) criterion counted apart.
    topics = Counter(labels.get(r.comment.criterion or "", w["other_topic"]) for r in rows)
    add(Paragraph(w["comments_topics"]))
    add(Table([w["h_criterion"], w["h_comments"]],
              [[topic, str(count)] for topic, count in topics.most_common()],
              widths=[0.8, 0.2], numeric=frozenset({1})))
    add(Paragraph(w["comments_quotes"]))
    for row in rows[:QUOTES]:
        text = " ".join(scrub_text(row.comment.body).split())
        if len(text) > QUOTE_CHARS:
            text = text[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"
        add(Paragraph(f"- “{text}” ({row.unit_label(language)}, "
                      f"{period_label(row.comment.period, language)})", italic=True))


def _nfc(doc: OfficialDocument) -> OfficialDocument:
    """Every text of the document in NFC (names and answers may arrive decomposed)."""
    def n(text: str) -> str:
        return unicodedata.normalize("NFC", text)

    doc.blocks = [
        Table([n(h) for h in b.header], [[n(c) for c in r] for r in b.rows], b.widths,
              b.numeric) if isinstance(b, Table)
        else Heading(n(b.text)) if isinstance(b, Heading)
        else Paragraph(n(b.text), b.indent, b.bold, b.italic, b.size, b.centre)
        if isinstance(b, Paragraph) else b
        for b in doc.blocks]
    doc.title, doc.issuer_name, doc.parent_name = n(doc.title), n(doc.issuer_name), n(
        doc.parent_name)
    return doc
