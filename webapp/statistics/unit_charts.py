"""The unit page's charts in the interface language: data from the report, drawing in charts."""

from __future__ import annotations

import math
from collections.abc import Sequence

from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from ..followup.actions import PlanProgress
from ..template_helpers import period_label, score
from . import charts, svg_charts
from .unit_report import ChildFigure, Figure, UnitReport


def scale_of(report: UnitReport) -> charts.Scale:
    """The value axis of the report's indices (shares, or PAPI's points)."""
    lo, hi = report.scale
    return charts.Scale(lo, hi, report.method != "papi")


def bar_of(label: str, figure: Figure | None, **extra: object) -> charts.Bar:
    """A chart bar from a page figure (a suppressed figure is drawn as "no estimate")."""
    if figure is None or figure.suppressed:
        return charts.Bar(label, None, None, None, **extra)  # type: ignore[arg-type]
    return charts.Bar(label, figure.estimate, figure.ci_low, figure.ci_high,
                      faint=figure.small_sample, **extra)  # type: ignore[arg-type]


def fitted(bars: Sequence[charts.Bar], scale: charts.Scale) -> charts.Scale:
    """Shares keep 0-100%; points (PAPI: indicators, dimensions, totals differ) fit the data."""
    ends = [v for b in bars if b.drawable for v in (b.ci_low, b.ci_high)]
    if scale.percent or not ends:
        return scale
    low, high = math.floor(min(ends)), math.ceil(max(ends))  # type: ignore[type-var]
    return charts.Scale(float(low), float(max(high, low + 1)), False)


def zoomed(bars: Sequence[charts.Bar], scale: charts.Scale) -> charts.Scale:
    """A share axis cut to whole tenths around the intervals, so a narrow band stays visible."""
    ends = [v for b in bars if b.drawable for v in (b.ci_low, b.ci_high)]
    if not scale.percent or not ends:
        return scale
    low = max(scale.lo, math.floor((min(ends) - 0.05) * 10) / 10)  # type: ignore[type-var,operator]
    high = min(scale.hi, math.ceil((max(ends) + 0.05) * 10) / 10)  # type: ignore[type-var,operator]
    return charts.Scale(low, high, True)


def _span(bars: Sequence[charts.Bar], scale: charts.Scale) -> str:
    drawn = [b for b in bars if b.drawable]
    if not drawn:
        return _("No estimate to draw.")
    low, high = min(drawn, key=lambda b: b.estimate or 0), max(drawn, key=lambda b: b.estimate or 0)
    return _("Lowest: %(low)s, %(lowv)s; highest: %(high)s, %(highv)s. The table gives every "
             "value with its interval.", low=low.label,
             lowv=score(low.estimate, scale.percent), high=high.label,
             highv=score(high.estimate, scale.percent))


def ranked_children(report: UnitReport) -> list[ChildFigure]:
    """The units below, best first (as PAPI ranks provinces); those without a figure last."""
    return sorted(report.children, key=lambda c: (c.figure.estimate is None,
                                                  -(c.figure.estimate or 0.0)))


ALL_SECTIONS = frozenset({"criteria", "children", "expectations", "trend"})


def unit_charts(report: UnitReport, sections: frozenset[str] = ALL_SECTIONS
                ) -> dict[str, Markup]:
    """SVG charts of the unit page, keyed by section (only ``sections`` that have data)."""
    scale = scale_of(report)
    faint = _("few answers: uncertain")
    out: dict[str, Markup] = {}
    criteria = tuple(bar_of(f.label, f) for f in report.criteria)
    # One-stop indicators are TT 01 points (0-2), not shares like the headline.
    points = charts.Scale(0.0, 2.0, False) if report.method == "onestop" else None
    if criteria and "criteria" in sections:
        out["criteria"] = svg_charts.interval_chart(
            criteria, points or fitted(criteria, scale),
            _("Criteria from weakest to strongest, with 95%% intervals"),
            _span(criteria, scale), faint_label=faint)
    main = report.main
    if report.children and main is not None and "children" in sections:
        ranked = ranked_children(report)
        bars = tuple(bar_of(c.name, c.figure, group=c.group) for c in ranked)
        legend = tuple(sorted({(c.group, c.group_label) for c in report.children
                               if c.group and c.group_label}))
        out["children"] = svg_charts.interval_chart(
            bars, scale, _("%(index)s of the units below, with 95%% intervals and quartile "
                           "groups", index=main.label), _span(bars, scale),
            legend=legend, reference=main.estimate if not main.suppressed else None,
            reference_label=_("this unit: %(v)s", v=score(main.estimate, scale.percent)),
            faint_label=faint)
    language = str(get_locale())
    expectations = tuple(charts.Bar(e.labels.get(language) or e.labels.get("vi", ""),
                                    e.estimate, e.ci_low, e.ci_high)
                         for e in report.expectations)
    if expectations and "expectations" in sections:
        share = charts.Scale(0.0, 1.0, True)
        out["expectations"] = svg_charts.interval_chart(
            expectations, share, _("What citizens most want improved, with 95%% intervals"),
            _span(expectations, share))
    if report.trend and main is not None and "trend" in sections:
        trend = tuple(bar_of(p, f) for p, f in report.trend)
        out["trend"] = svg_charts.trend_chart(
            tuple(period_label(p) for p, _f in report.trend), trend,
            zoomed(trend, fitted(trend, scale)),
            _("%(index)s by period, with the 95%% interval as a band", index=main.label),
            _span(trend, scale))
    return out


def plans_chart(progress: Sequence[PlanProgress], percent: bool) -> Markup | None:
    """Before/after chart of the action plans' criteria (None without any plan)."""
    if not progress:
        return None
    pairs = tuple((bar_of(f"{p.label} ({p.plan.unit.name_vi})", p.before),
                   bar_of(p.label, p.after)) for p in progress)
    scale = fitted([b for pair in pairs for b in pair], charts.Scale(0.0, 1.0, percent))
    before, after = progress[0].plan.baseline_period, progress[0].after_period
    return svg_charts.before_after_chart(
        pairs, scale, _("Each remedy's criterion before and after, with 95%% intervals"),
        _("Grey: when the remedy was recorded; blue: in %(period)s. The table gives the "
          "values.", period=period_label(after)),
        (_("before (when recorded)") if len({p.plan.baseline_period for p in progress}) > 1
         else _("before: %(p)s", p=period_label(before)), _("after: %(p)s", p=period_label(after))))
