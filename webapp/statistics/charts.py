"""Chart values (bars with intervals, value axes) and the PDF report's matplotlib drawing.

The web pages draw the same :class:`Bar` and :class:`Scale` values as hand-written SVG
(:mod:`.svg_charts`); the PDF report draws its trend with matplotlib here, embedding DejaVu
Sans, which covers Vietnamese.
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
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


def short_label(text: str) -> str:
    """A row label cut at a word to fit beside a chart."""
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


# rc_context changes process-wide settings: one render at a time.
_RENDER_LOCK = threading.Lock()


def figure_png(fig: Figure, dpi: int = 200) -> bytes:
    """The figure as PNG bytes (for documents), one render at a time, text never as TeX."""
    buffer = io.BytesIO()
    for text in fig.findobj(Text):
        text.set_parse_math(False)
    with _RENDER_LOCK, matplotlib.rc_context({"font.family": "DejaVu Sans",
                                              "text.parse_math": False}):
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
