"""The web pages' charts as inline SVG written from the figures, always with 95% intervals.

matplotlib laid out and serialised each page chart for tens of milliseconds, and a page right
after new responses redrew all four (a third of its time at a million responses); these charts
are a few dozen shapes, so they are written directly (well under a millisecond each). The PDF
report keeps matplotlib (:mod:`.charts`). Each SVG carries a ``<title>`` and ``<desc>`` named by
``aria-labelledby``; the page puts the same numbers in a table beside it. No ``style``
attribute or element and no script: the staff pages' Content-Security-Policy allows neither.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from .charts import BLUE, GREY, GROUP_COLOURS, Bar, Scale, legend_rows, short_label

WIDTH = 720.0  # user units; the page scales the drawing to its column (staff.css)
FONT = 12.0
ROW = 30.0  # one row of an interval chart
LEFT = 0.42 * WIDTH  # row labels end here (the same margin on every chart of a page)
RIGHT = WIDTH - 0.03 * WIDTH
GRID = "#e3e3e3"
INK = "#222222"


def _n(value: float) -> str:
    """A coordinate with two decimals (far below a pixel), no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def ticks(scale: Scale) -> list[float]:
    """Values of the axis's gridlines: whole-percent steps for shares, round steps for points."""
    span = scale.hi - scale.lo
    if span <= 0:
        return [scale.lo]
    if scale.percent:
        step = 0.05 if span <= 0.3 else 0.1 if span <= 0.6 else 0.2
    else:
        power = 10 ** math.floor(math.log10(span))
        step = next(s * power for s in (0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10)
                    if span / (s * power) <= 8)
    first = math.ceil(scale.lo / step - 1e-9)
    out = []
    k = first
    while k * step <= scale.hi + 1e-9 * max(1.0, abs(scale.hi)):
        out.append(round(k * step, 10))
        k += 1
    return out


class _Svg:
    """Shapes and texts collected in drawing order, written as one ``<svg>`` element."""

    def __init__(self, height: float) -> None:
        self.height = height
        self.parts: list[str] = []

    def line(self, x0: float, y0: float, x1: float, y1: float, colour: str, width: float,
             *, round_cap: bool = False, dash: str = "") -> None:
        cap = ' stroke-linecap="round"' if round_cap else ""
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(f'<path d="M {_n(x0)} {_n(y0)} L {_n(x1)} {_n(y1)}" fill="none" '
                          f'stroke="{colour}" stroke-width="{width:g}"{cap}{dashed}/>')

    def path(self, d: str, **attributes: str) -> None:
        extra = "".join(f' {name.replace("_", "-")}="{value}"'
                        for name, value in attributes.items())
        self.parts.append(f'<path d="{d}"{extra}/>')

    def dot(self, x: float, y: float, colour: str, *, hollow: bool = False,
            r: float = 4.5, width: float = 1.6) -> None:
        fill = "#ffffff" if hollow else colour
        self.parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{r:g}" fill="{fill}" '
                          f'stroke="{colour}" stroke-width="{width:g}"/>')

    def text(self, x: float, y: float, content: str, *, anchor: str = "start",
             colour: str = INK, size: float = FONT, bold: bool = False) -> None:
        weight = ' font-weight="bold"' if bold else ""
        self.parts.append(f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size:g}" '
                          f'text-anchor="{anchor}" dominant-baseline="central" fill="{colour}"'
                          f'{weight}>{escape(content)}</text>')

    def markup(self, title: str, desc: str) -> Markup:
        body = "".join(self.parts)
        prefix = "ch" + hashlib.sha1((title + "\x00" + desc + "\x00" + body).encode(),
                                     usedforsecurity=False).hexdigest()[:8]
        return Markup(  # noqa: S704 - every text above went through escape()
            f'<svg class="chart" role="img" aria-labelledby="{prefix}-t {prefix}-d" '
            f'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(WIDTH)} '
            f'{_n(self.height)}" font-family="DejaVu Sans, sans-serif">'
            f'<title id="{prefix}-t">{escape(title)}</title>'
            f'<desc id="{prefix}-d">{escape(desc)}</desc>'
            f'<rect width="100%" height="100%" fill="#ffffff"/>{body}</svg>')


def _x_axis(svg: _Svg, scale: Scale, top: float, bottom: float) -> None:
    """Vertical gridlines with their labels under the plot, and the axis line."""
    for value in ticks(scale):
        x = _x(value, scale)
        svg.line(x, top, x, bottom, GRID, 0.8)
        svg.line(x, bottom, x, bottom + 4, INK, 0.8)
        svg.text(x, bottom + 14, scale.text(value), anchor="middle")
    svg.line(LEFT, bottom, RIGHT, bottom, INK, 0.8)


def _x(value: float, scale: Scale) -> float:
    span = (scale.hi - scale.lo) or 1.0
    return LEFT + (min(max(value, scale.lo), scale.hi) - scale.lo) / span * (RIGHT - LEFT)


def _legend(svg: _Svg, entries: Sequence[tuple[str, str, bool]], top: float) -> None:
    """Entries (colour, text, hollow) two a row, centred under the plot."""
    column = 250.0
    start = LEFT - 120  # under the labels' end: long group names keep inside the drawing
    for i, (colour, label, hollow) in enumerate(entries):
        x, y = start + (i % 2) * column, top + (i // 2) * 20
        if not hollow:
            svg.line(x, y, x + 24, y, colour, 2.6, round_cap=True)
        svg.dot(x + 12, y, colour, hollow=hollow)
        svg.text(x + 32, y, label, size=FONT - 0.5)


def interval_chart(bars: Sequence[Bar], scale: Scale, title: str, desc: str, *,
                   legend: Sequence[tuple[int, str]] = (), reference: float | None = None,
                   reference_label: str = "", faint_label: str = "few responses") -> Markup:
    """Rows of estimates with their intervals (criteria, units, expectations), first on top;
    colours by quartile group, hollow dots for small samples, "–" where there is no estimate."""
    entries = [(GROUP_COLOURS[g], text, False) for g, text in legend]
    if faint_label and any(b.faint and b.drawable for b in bars):
        entries.append((GREY, faint_label, True))
    top = 12.0 + (ROW / 2 if reference is not None else 0.0)
    bottom = top + ROW * max(len(bars), 1)
    height = bottom + 30 + (12 + 20 * legend_rows(len(entries)) if entries else 0)
    svg = _Svg(height)
    _x_axis(svg, scale, top, bottom)
    for i, bar in enumerate(bars):
        y = top + ROW * (i + 0.5)
        svg.text(LEFT - 8, y, short_label(bar.label), anchor="end", bold=bar.highlight)
        if not bar.drawable:
            svg.text(_x(scale.lo, scale) + 4, y, "–", colour=GREY)
            continue
        colour = GROUP_COLOURS.get(bar.group or 0, BLUE)
        svg.line(_x(bar.ci_low, scale), y, _x(bar.ci_high, scale), y,  # type: ignore[arg-type]
                 colour, 2.6, round_cap=True)
        svg.dot(_x(bar.estimate, scale), y, colour, hollow=bar.faint)  # type: ignore[arg-type]
    if reference is not None and not math.isnan(reference):
        x = _x(reference, scale)
        svg.line(x, top - ROW / 2 + 4, x, bottom, "#444444", 1, dash="5 3")
        svg.text(x + 4, top - ROW / 4, reference_label, colour="#444444", size=FONT - 1)
    if entries:
        _legend(svg, entries, bottom + 42)
    return svg.markup(title, desc)


def trend_chart(periods: Sequence[str], bars: Sequence[Bar], scale: Scale, title: str,
                desc: str) -> Markup:
    """The estimate over periods as a line with its 95% interval as a band; gaps where none."""
    height, top, bottom = 280.0, 14.0, 246.0
    left, right = 0.09 * WIDTH, 0.98 * WIDTH
    count = max(len(periods), 1)
    slot = (right - left) / count

    def x(i: int) -> float:
        return left + slot * (i + 0.5)

    def y(value: float) -> float:
        span = (scale.hi - scale.lo) or 1.0
        return bottom - (min(max(value, scale.lo), scale.hi) - scale.lo) / span * (bottom - top)

    svg = _Svg(height)
    for value in ticks(scale):
        svg.line(left, y(value), right, y(value), GRID, 0.8)
        svg.line(left - 4, y(value), left, y(value), INK, 0.8)
        svg.text(left - 7, y(value), scale.text(value), anchor="end")
    svg.line(left, top, left, bottom, INK, 0.8)
    svg.line(left, bottom, right, bottom, INK, 0.8)
    runs: list[list[int]] = []  # consecutive periods with an estimate
    for i, bar in enumerate(bars):
        if bar.drawable:
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
    band = " ".join(
        "M " + " L ".join(f"{_n(x(i))} {_n(y(bars[i].ci_high))}" for i in run)  # type: ignore[arg-type]
        + " L " + " L ".join(f"{_n(x(i))} {_n(y(bars[i].ci_low))}"  # type: ignore[arg-type]
                             for i in reversed(run)) + " Z" for run in runs)
    if band:
        svg.path(band, fill=BLUE, fill_opacity="0.18", stroke="none")
    for run in runs:
        if len(run) > 1:
            svg.path("M " + " L ".join(f"{_n(x(i))} {_n(y(bars[i].estimate))}"  # type: ignore[arg-type]
                                       for i in run), fill="none", stroke=BLUE,
                     stroke_width="2", stroke_linejoin="round")
        for i in run:
            svg.dot(x(i), y(bars[i].estimate), BLUE, hollow=bars[i].faint,  # type: ignore[arg-type]
                    r=3.5, width=1.5)
    for i, label in enumerate(periods):
        svg.text(x(i), bottom + 16, label, anchor="middle")
    return svg.markup(title, desc)


def before_after_chart(pairs: Sequence[tuple[Bar, Bar]], scale: Scale, title: str, desc: str,
                       labels: tuple[str, str]) -> Markup:
    """Each remedy's criterion before (grey) and after (blue) it, with intervals."""
    row = 45.0
    entries = [(c, t, False) for c, t in ((GREY, labels[0]), (BLUE, labels[1])) if t]
    top = 12.0
    bottom = top + row * max(len(pairs), 1)
    height = bottom + 30 + (12 + 20 * legend_rows(len(entries)) if entries else 0)
    svg = _Svg(height)
    _x_axis(svg, scale, top, bottom)
    for i, (before, after) in enumerate(pairs):
        middle = top + row * (i + 0.5)
        svg.text(LEFT - 8, middle, short_label(before.label), anchor="end")
        for bar, dy, colour in ((before, -8.0, GREY), (after, 8.0, BLUE)):
            if bar.drawable:
                svg.line(_x(bar.ci_low, scale), middle + dy,  # type: ignore[arg-type]
                         _x(bar.ci_high, scale), middle + dy, colour, 2.4,  # type: ignore[arg-type]
                         round_cap=True)
                svg.dot(_x(bar.estimate, scale), middle + dy, colour,  # type: ignore[arg-type]
                        hollow=bar.faint, r=4)
    if entries:
        _legend(svg, entries, bottom + 42)
    return svg.markup(title, desc)
