"""The unit report as a printable PDF (A4): headline, weakest criteria, expectations, children.

Drawn with matplotlib's object API (no pyplot state, safe in web workers) and DejaVu Sans, which
covers Vietnamese, like the counters' posters. Every estimate is drawn with its 95% interval
and printed with its interval and n; the labels are in Vietnamese (the meeting's language).
"""

from __future__ import annotations

import io
import math
import textwrap

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from ..template_helpers import period_label, score
from .charts import Bar, Scale, draw_intervals, draw_trend
from .unit_report import UnitReport

A4_INCHES = (8.27, 11.69)
# parse_math off: a "$" in a unit name is text, not (possibly broken) TeX.
_RC = {"text.parse_math": False, "font.family": "DejaVu Sans", "pdf.fonttype": 3}


def _ok(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def _fmt(value: float | None, percent: bool) -> str:
    # The PDF is in Vietnamese: a decimal comma (80,9%), as on the Vietnamese page.
    return score(value, percent, language="vi")


def _intervals(fig: Figure, box: tuple[float, float, float, float], title: str,
               rows: list[tuple[str, float | None, float | None, float | None, int]],
               scale: tuple[float, float], percent: bool,
               groups: list[int | None] | None = None) -> None:
    """The web page's interval chart, with each value, interval and n printed beside it."""
    ax = fig.add_axes(box)
    ax.set_title(title, loc="left", fontsize=10, fontweight="bold")
    bars = [Bar(label, est, low, high, group=(groups[i] if groups else None))
            for i, (label, est, low, high, _n) in enumerate(rows)]
    draw_intervals(ax, bars, Scale(scale[0], scale[1], percent), fontsize=6.5)
    for i, (_label, est, low, high, n) in enumerate(reversed(rows)):
        ax.text(1.02, i, f"{_fmt(est, percent)} ({_fmt(low, percent)}–{_fmt(high, percent)}), "
                f"n={n}", va="center", fontsize=6.5, transform=ax.get_yaxis_transform(),
                clip_on=False)


def _trend(fig: Figure, report: UnitReport, percent: bool) -> None:
    ax = fig.add_axes((0.1, 0.07, 0.84, 0.2))
    ax.set_title("Xu hướng chỉ số chung, với khoảng tin cậy 95%", loc="left", fontsize=10,
                 fontweight="bold")
    bars = [Bar(p, f.estimate, f.ci_low, f.ci_high) if f else Bar(p, None, None, None)
            for p, f in report.trend]
    draw_trend(ax, [period_label(p, "vi") for p, _ in report.trend], bars,
               Scale(report.scale[0], report.scale[1], percent), fontsize=7)


def report_pdf(report: UnitReport, unit_name: str) -> bytes:
    """Return the report as a two-page A4 PDF."""
    import matplotlib

    percent = report.method != "papi"
    buffer = io.BytesIO()
    with matplotlib.rc_context(_RC), PdfPages(buffer, metadata={"Title": unit_name}) as pdf:
        fig = Figure(figsize=A4_INCHES, facecolor="white")
        main = report.main
        lines = [f"{unit_name} — {report.survey.upper()}, kỳ {period_label(report.period, 'vi')}"]
        if main is not None:
            lines.append(f"{main.label}: {_fmt(main.estimate, percent)} "
                         f"(khoảng tin cậy 95%: {_fmt(main.ci_low, percent)} – "
                         f"{_fmt(main.ci_high, percent)}); {main.n} người trả lời, "
                         f"cỡ mẫu hiệu dụng {main.n_eff:.0f}.")
            if main.small_sample:
                lines.append("Lưu ý: ít người trả lời, số liệu chưa chắc chắn.")
            change = report.changes.get(main.index_id)
            if change and change.change is not None:
                word = "Thay đổi rõ rệt" if change.clear else "Không có thay đổi rõ rệt"
                lines.append(f"{word} so với kỳ {period_label(report.previous_period, 'vi')}: "
                             f"{_fmt(change.change, percent)}.")
        rate = report.response_rate
        lines.append(f"{report.responses} phiếu; {report.dossiers} hồ sơ"
                     + (f"; tỷ lệ phản hồi {rate * 100:.1f}%." if rate else "."))
        fig.text(0.06, 0.97, "\n".join(textwrap.fill(x, 95) for x in lines), va="top",
                 fontsize=9, linespacing=1.4)
        rows = [(f.label, f.estimate, f.ci_low, f.ci_high, f.n) for f in report.criteria]
        if rows:
            _intervals(fig, (0.42, 0.06, 0.36, 0.72),
                       "Cần khắc phục trước: tiêu chí từ thấp đến cao", rows, report.scale,
                       percent)
        pdf.savefig(fig)
        fig = Figure(figsize=A4_INCHES, facecolor="white")
        expectations = [(e.labels.get("vi", e.answer_id), e.estimate, e.ci_low, e.ci_high, e.n)
                        for e in report.expectations]
        if expectations:
            _intervals(fig, (0.42, 0.7, 0.36, 0.25),
                       "Người dân mong muốn cải thiện rất nhiều", expectations, (0.0, 1.0), True)
        # Best first, as on the page and in PAPI's reports; units without a figure last.
        ranked = sorted(report.children, key=lambda c: (c.figure.estimate is None,
                                                        -(c.figure.estimate or 0.0)))
        children = [(c.name + (f" (nhóm {c.group})" if c.group else ""), c.figure.estimate,
                     c.figure.ci_low, c.figure.ci_high, c.figure.n) for c in ranked]
        if children:
            _intervals(fig, (0.42, 0.36, 0.36, 0.28), "Các đơn vị trực thuộc (nhóm tứ phân vị)",
                       children, report.scale, percent, [c.group for c in ranked])
        if report.trend:
            _trend(fig, report, percent)
        pdf.savefig(fig)
    return buffer.getvalue()
