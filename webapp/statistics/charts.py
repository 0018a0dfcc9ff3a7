"""Charts drawn by matplotlib on the server, always with their 95% intervals.

The same drawing functions fill the axes of the web charts (inline SVG, no JavaScript, no CDN)
and of the PDF report (where matplotlib embeds DejaVu Sans, which covers Vietnamese). Each SVG
carries a ``<title>`` and ``<desc>``; the page puts the same numbers in a table beside it.
Rendering a chart costs tens of milliseconds, so SVGs are cached by the data they show.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import re
import textwrap
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib
from markupsafe import Markup, escape
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MultipleLocator

WIDTH_IN = 7.2
BLUE = "#0b4f8a"
GREY = "#8a8a8a"
# PAPI's four groups, best to worst.
GROUP_COLOURS = {1: "#1a7f37", 2: "#6aa84f", 3: "#e69138", 4: "#c0392b"}
LABEL_CHARS = 42


@dataclass(frozen=True)
class Bar:
    """One estimate with its interval; ``None`` values are drawn as "no estimate"."""

    label: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    group: int | None = None
    highlight: bool = False
    faint: bool = False  # a small sample: drawn hollow

    @property
    def drawable(self) -> bool:
        return all(_ok(v) for v in (self.estimate, self.ci_low, self.ci_high))


@dataclass(frozen=True)
class Scale:
    """The value axis: its range and whether values are shares (drawn as percentages)."""

    lo: float = 0.0
    hi: float = 1.0
    percent: bool = True

    def text(self, value: float) -> str:
        return f"{value * 100:.0f}%" if self.percent else f"{value:g}"


def _ok(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def _short(text: str) -> str:
    return textwrap.shorten(text, LABEL_CHARS, placeholder="…") or text[:LABEL_CHARS]


def _value_axis(ax: Axes, scale: Scale, axis: str) -> None:
    formatter = FuncFormatter(lambda v, _pos: scale.text(v))
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_formatter(formatter)
    if scale.percent:
        # Whole-percent steps (5, 10 or 20 points), so no tick label is rounded.
        span = scale.hi - scale.lo
        target.set_major_locator(MultipleLocator(0.05 if span <= 0.3 else
                                                 0.1 if span <= 0.6 else 0.2))
    (ax.set_xlim if axis == "x" else ax.set_ylim)(scale.lo, scale.hi)
    ax.grid(axis=axis, color="#e3e3e3", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _row_labels(ax: Axes, labels: Sequence[str], bold: Sequence[bool], fontsize: float) -> None:
    # Plain texts left of the axis: much cheaper to lay out than one matplotlib Tick per row.
    ax.set_yticks([])
    rows = len(labels)
    for i, (label, strong) in enumerate(zip(labels, bold, strict=True)):
        ax.text(-0.015, rows - 1 - i, _short(label), transform=ax.get_yaxis_transform(),
                ha="right", va="center", fontsize=fontsize,
                fontweight="bold" if strong else "normal")


def _dots(ax: Axes, xs: list[float], ys: list[float], colours: list[str],
          hollow: list[bool], size: float) -> None:
    if xs:
        ax.scatter(xs, ys, s=size, c=["white" if h else c for c, h in zip(colours, hollow,
                                                                             strict=True)],
                   edgecolors=colours, linewidths=1.6, zorder=3)


def draw_intervals(ax: Axes, bars: Sequence[Bar], scale: Scale, *,
                   legend: Sequence[tuple[int, str]] = (), reference: float | None = None,
                   reference_label: str = "", faint_label: str = "",
                   fontsize: float = 8.5) -> None:
    """Dot-and-whisker rows, first bar on top; colours by group; hollow dots for small n."""
    rows = len(bars)
    drawn = [(rows - 1 - i, b, GROUP_COLOURS.get(b.group or 0, BLUE))
             for i, b in enumerate(bars) if b.drawable]
    for i, bar in enumerate(bars):
        if not bar.drawable:
            ax.text(scale.lo, rows - 1 - i, " –", va="center", fontsize=fontsize, color=GREY)
    if drawn:
        # One collection for every interval and one for every dot: a few artists, not 2 a row.
        lines = ax.hlines([y for y, _, _ in drawn], [b.ci_low for _, b, _ in drawn],  # type: ignore[misc]
                          [b.ci_high for _, b, _ in drawn], colors=[c for _, _, c in drawn],
                          linewidth=2.6)
        lines.set_capstyle("round")
        _dots(ax, [b.estimate for _, b, _ in drawn], [y for y, _, _ in drawn],  # type: ignore[misc]
              [c for _, _, c in drawn], [b.faint for _, b, _ in drawn], 40)
    if reference is not None and _ok(reference):
        ax.axvline(reference, color="#444444", linestyle="--", linewidth=1)
        ax.text(reference, rows - 0.45, f" {reference_label}", fontsize=fontsize - 1,
                color="#444444", va="bottom")
    _row_labels(ax, [b.label for b in bars], [b.highlight for b in bars], fontsize)
    ax.set_ylim(-0.7, rows - 0.3 + (0.5 if reference is not None else 0))
    ax.tick_params(axis="x", labelsize=fontsize)
    _value_axis(ax, scale, "x")
    ax.spines["left"].set_visible(False)
    handles = [Line2D([], [], marker="o", color=GROUP_COLOURS[g], linewidth=2.6, label=text)
               for g, text in legend]
    if faint_label and any(b.faint for b in bars):
        handles.append(Line2D([], [], marker="o", color=GREY, markerfacecolor="white",
                              linewidth=0, label=faint_label))
    if handles:
        _legend_below(ax, handles, fontsize)


def _legend_below(ax: Axes, handles: list[Line2D], fontsize: float) -> None:
    # Anchored a fixed distance (in inches) under the axis labels, whatever the row count.
    height_in = ax.get_position().height * ax.get_figure().get_figheight()  # type: ignore[union-attr]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.4, -0.3 / height_in),
              ncol=min(len(handles), 2), fontsize=fontsize - 0.5, frameon=False)


def legend_rows(entries: int) -> int:
    """Rows the legend takes below a chart (two entries a row)."""
    return math.ceil(entries / 2)


def draw_trend(ax: Axes, periods: Sequence[str], bars: Sequence[Bar], scale: Scale, *,
               fontsize: float = 8.5) -> None:
    """The estimate over periods as a line, with its 95% interval as a band; gaps where none."""
    xs = list(range(len(periods)))
    nan = float("nan")
    est = [b.estimate if b.drawable else nan for b in bars]
    low = [b.ci_low if b.drawable else nan for b in bars]
    high = [b.ci_high if b.drawable else nan for b in bars]
    ax.fill_between(xs, low, high, color=BLUE, alpha=0.18, linewidth=0)  # type: ignore[arg-type]
    ax.plot(xs, est, color=BLUE, linewidth=2)
    for x, bar in zip(xs, bars, strict=True):
        if bar.drawable:
            ax.plot([x], [bar.estimate], "o", color=BLUE, markersize=5,
                    markerfacecolor="white" if bar.faint else BLUE, markeredgewidth=1.5)
    ax.set_xticks(xs)
    ax.set_xticklabels(periods, fontsize=fontsize)
    ax.set_xlim(-0.4, max(len(periods) - 0.6, 0.4))
    ax.tick_params(axis="y", labelsize=fontsize)
    _value_axis(ax, scale, "y")


def draw_before_after(ax: Axes, pairs: Sequence[tuple[Bar, Bar]], scale: Scale, *,
                      labels: tuple[str, str] = ("", ""), fontsize: float = 8.5) -> None:
    """For each criterion, its value before (grey) and after (blue) a remedy, with intervals."""
    rows = len(pairs)
    for i, (before, after) in enumerate(pairs):
        y = rows - 1 - i
        for bar, dy, colour in ((before, 0.17, GREY), (after, -0.17, BLUE)):
            if bar.drawable:
                ax.plot([bar.ci_low, bar.ci_high], [y + dy, y + dy], color=colour,
                        linewidth=2.4, solid_capstyle="round")
                ax.plot([bar.estimate], [y + dy], "o", color=colour, markersize=5.5,
                        markerfacecolor="white" if bar.faint else colour)
    ax.set_yticks(range(rows))
    ax.set_yticklabels([_short(b.label) for b, _ in reversed(pairs)], fontsize=fontsize)
    ax.set_ylim(-0.7, rows - 0.3)
    ax.tick_params(axis="x", labelsize=fontsize)
    ax.tick_params(axis="y", length=0)
    _value_axis(ax, scale, "x")
    ax.spines["left"].set_visible(False)
    handles = [Line2D([], [], marker="o", color=c, linewidth=2.4, label=t)
               for c, t in ((GREY, labels[0]), (BLUE, labels[1])) if t]
    if handles:
        _legend_below(ax, handles, fontsize)


# ---- SVG output -------------------------------------------------------------------------------

# Text stays text (small, selectable, read by the browser in its own fonts, which all cover
# Vietnamese); DejaVu Sans, which matplotlib measures the labels with, comes first in staff.css.
# parse_math off: a "$" in a unit or criterion name is text, not (possibly broken) TeX.
_SVG_RC = {"svg.fonttype": "none", "font.family": "DejaVu Sans", "svg.hashsalt": "hailong",
           "text.parse_math": False}
# rc_context changes process-wide settings: one render at a time (charts are cached anyway).
_RENDER_LOCK = threading.Lock()
_STYLE_ATTR = re.compile(r'style="([^"]*)"')
_IDS = re.compile(r'\sid="([^"]+)"')
_REFS = re.compile(r'(\bid="|href="#|url\(#)([^")]+)')


def _presentation(match: re.Match[str]) -> str:
    # Presentation attributes instead of style="..." keep the SVG valid under a strict
    # Content-Security-Policy (no inline styles) when inlined in the page.
    parts = []
    for declaration in match.group(1).split(";"):
        if ":" in declaration:
            name, value = (s.strip() for s in declaration.split(":", 1))
            parts.append(f'{name}="{value}"')
    return " ".join(parts)


def _tidy(text: str, prefix: str) -> str:
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>|<style[^>]*>.*?</style>|<!--.*?-->", "", text,
                  flags=re.S)
    text = _STYLE_ATTR.sub(_presentation, text)
    text = re.sub(r'\stransform="rotate\(-?0 [^)]*\)"', "", text)
    # Two decimals of a point are far below a pixel; matplotlib writes six.
    text = re.sub(r"(\d\.\d\d)\d+", r"\1", text)
    used = set(re.findall(r'(?:href="#|url\(#)([^")]+)', text))
    text = _IDS.sub(lambda m: m.group(0) if m.group(1) in used else "", text)
    renamed = {old: f"{prefix}-{i}" for i, old in enumerate(sorted(used))}
    text = _REFS.sub(lambda m: m.group(1) + renamed.get(m.group(2), m.group(2)), text)
    text = re.sub(r'font-family="[^"]*"', 'font-family="DejaVu Sans, sans-serif"', text)
    text = re.sub(r"\s*\n\s*", " ", text)
    text = re.sub(r">\s+<", "><", text).replace("<defs></defs>", "")
    return re.sub(r"<g>(<(?:path|use)[^>]*/>)</g>", r"\1", text)


def figure_svg(fig: Figure, title: str, desc: str) -> Markup:
    """The figure as an inline ``<svg>`` with a title and description, ids unique to it."""
    buffer = io.StringIO()
    # Texts already made (labels, titles) took parse_math from the settings at their making;
    # tick labels are made while saving, inside the context below.
    for text in fig.findobj(Text):
        text.set_parse_math(False)
    with _RENDER_LOCK, matplotlib.rc_context(_SVG_RC):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    raw = buffer.getvalue()
    prefix = "ch" + hashlib.sha1((title + desc + raw).encode(),
                                 usedforsecurity=False).hexdigest()[:8]
    text = _tidy(raw, prefix)
    head_end = text.index(">") + 1
    head = re.sub(r'\s(width|height|version)="[^"]*"', "", text[:head_end])
    head = head.replace("<svg", f'<svg class="chart" role="img" '
                        f'aria-labelledby="{prefix}-t {prefix}-d"', 1)
    body = (f'<title id="{prefix}-t">{escape(title)}</title>'
            f'<desc id="{prefix}-d">{escape(desc)}</desc>')
    return Markup(head + body + text[head_end:])  # noqa: S704 - matplotlib output, texts escaped


def figure_png(fig: Figure, dpi: int = 200) -> bytes:
    """The figure as PNG bytes (for documents), drawn under the same lock and settings."""
    buffer = io.BytesIO()
    for text in fig.findobj(Text):
        text.set_parse_math(False)
    with _RENDER_LOCK, matplotlib.rc_context({"font.family": "DejaVu Sans",
                                              "text.parse_math": False}):
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def _figure(rows: int, *, row_in: float = 0.3, extra_in: float = 0.75,
            left: float = 0.42) -> tuple[Figure, Axes]:
    height = extra_in + row_in * max(rows, 1)
    fig = Figure(figsize=(WIDTH_IN, height), facecolor="white")
    # Fixed margins in inches (not fractions) so short and long charts line up on the page.
    fig.subplots_adjust(left=left, right=0.97, top=1 - 0.12 / height,
                        bottom=(extra_in - 0.12) / height)
    return fig, fig.add_subplot()


@functools.lru_cache(maxsize=512)
def interval_chart(bars: tuple[Bar, ...], scale: Scale, title: str, desc: str, *,
                   legend: tuple[tuple[int, str], ...] = (), reference: float | None = None,
                   reference_label: str = "", faint_label: str = "few responses") -> Markup:
    """Rows of estimates with intervals (criteria, units, expectations) as inline SVG."""
    entries = len(legend) + (1 if faint_label and any(b.faint for b in bars) else 0)
    fig, ax = _figure(len(bars), extra_in=0.55 + (0.15 + 0.2 * legend_rows(entries)
                                                  if entries else 0.0))
    draw_intervals(ax, bars, scale, legend=legend, reference=reference,
                   reference_label=reference_label, faint_label=faint_label)
    return figure_svg(fig, title, desc)


@functools.lru_cache(maxsize=256)
def trend_chart(periods: tuple[str, ...], bars: tuple[Bar, ...], scale: Scale, title: str,
                desc: str) -> Markup:
    """The trend over periods with its interval band, as inline SVG."""
    fig = Figure(figsize=(WIDTH_IN, 2.8), facecolor="white")
    fig.subplots_adjust(left=0.09, right=0.98, top=0.95, bottom=0.12)
    draw_trend(fig.add_subplot(), periods, bars, scale)
    return figure_svg(fig, title, desc)


@functools.lru_cache(maxsize=256)
def before_after_chart(pairs: tuple[tuple[Bar, Bar], ...], scale: Scale, title: str, desc: str,
                       labels: tuple[str, str]) -> Markup:
    """Each action plan's criterion before and after, with intervals, as inline SVG."""
    fig, ax = _figure(len(pairs), row_in=0.45, extra_in=0.9)
    draw_before_after(ax, pairs, scale, labels=labels)
    return figure_svg(fig, title, desc)


def clear_cache() -> None:
    """Forget every rendered chart (tests; the data behind a cached chart never changes)."""
    for cached in (interval_chart, trend_chart, before_after_chart):
        cached.cache_clear()
