"""Small server-rendered SVG charts that always show intervals (no JavaScript, no CDN).

Each chart is decorative for screen readers (``aria-hidden``): the page puts the same numbers in
a table next to it. Values are drawn on a fixed scale (``lo``..``hi``), so charts of the same
index compare at a glance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
LABEL_W = 270
ROW_H = 26
PAD = 12
GROUP_COLOURS = {1: "#1a7f37", 2: "#6aa84f", 3: "#e69138", 4: "#c0392b"}


@dataclass(frozen=True)
class Bar:
    """One estimate with its interval; ``None`` values are drawn as "no estimate"."""

    label: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    group: int | None = None
    highlight: bool = False


def _ok(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def _short(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _axis(x0: float, x1: float, lo: float, hi: float, y: float, percent: bool) -> list[str]:
    parts = []
    for i in range(5):
        value = lo + (hi - lo) * i / 4
        x = x0 + (x1 - x0) * i / 4
        text = f"{value * 100:.0f}%" if percent else f"{value:g}"
        parts.append(f'<line x1="{x:.1f}" y1="{PAD}" x2="{x:.1f}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{x:.1f}" y="{y + 14:.1f}" text-anchor="middle">{text}</text>')
    return parts


def interval_chart(bars: Sequence[Bar], *, lo: float = 0.0, hi: float = 1.0,
                   percent: bool = True) -> Markup:
    """Horizontal dot-and-whisker chart, one row per bar, labels on the left."""
    x0, x1 = LABEL_W, WIDTH - PAD
    height = PAD + ROW_H * len(bars) + 24
    scale = (x1 - x0) / ((hi - lo) or 1.0)

    def px(v: float) -> float:
        return x0 + (min(max(v, lo), hi) - lo) * scale

    parts = _axis(x0, x1, lo, hi, PAD + ROW_H * len(bars), percent)
    for i, bar in enumerate(bars):
        y = PAD + ROW_H * i + ROW_H / 2
        weight = ' font-weight="700"' if bar.highlight else ""
        parts.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end"{weight}>'
                     f"{escape(_short(bar.label))}</text>")
        if not (_ok(bar.estimate) and _ok(bar.ci_low) and _ok(bar.ci_high)):
            parts.append(f'<text x="{x0 + 4}" y="{y + 4:.1f}" class="na">–</text>')
            continue
        colour = GROUP_COLOURS.get(bar.group or 0, "#0b4f8a")
        parts.append(
            f'<line x1="{px(bar.ci_low):.1f}" y1="{y:.1f}" x2="{px(bar.ci_high):.1f}" '  # type: ignore[arg-type]
            f'y2="{y:.1f}" stroke="{colour}" stroke-width="3" stroke-linecap="round"/>'
            f'<circle cx="{px(bar.estimate):.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>'  # type: ignore[arg-type]
        )
    return Markup(  # noqa: S704 - every text inside was escaped above
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-hidden="true" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="12">{"".join(parts)}</svg>'
    )


def trend_chart(periods: Sequence[str], bars: Sequence[Bar], *, lo: float = 0.0,
                hi: float = 1.0, percent: bool = True) -> Markup:
    """Estimates over periods as a line, with the 95% interval as a shaded band."""
    height, x0, x1, y0, y1 = 220, 48, WIDTH - 36, PAD, 190
    n = max(len(periods), 1)
    step = (x1 - x0) / max(n - 1, 1)

    def py(v: float) -> float:
        return y1 - (min(max(v, lo), hi) - lo) / ((hi - lo) or 1.0) * (y1 - y0)

    parts = []
    for i in range(5):
        value = lo + (hi - lo) * i / 4
        y = py(value)
        text = f"{value * 100:.0f}%" if percent else f"{value:g}"
        parts.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{x0 - 4}" y="{y + 4:.1f}" text-anchor="end">{text}</text>')
    points = [(x0 + step * i, b) for i, b in enumerate(bars)
              if _ok(b.estimate) and _ok(b.ci_low) and _ok(b.ci_high)]
    if points:
        upper = " ".join(f"{x:.1f},{py(b.ci_high):.1f}" for x, b in points)  # type: ignore[arg-type]
        lower = " ".join(f"{x:.1f},{py(b.ci_low):.1f}" for x, b in reversed(points))  # type: ignore[arg-type]
        line = " ".join(f"{x:.1f},{py(b.estimate):.1f}" for x, b in points)  # type: ignore[arg-type]
        parts.append(f'<polygon points="{upper} {lower}" fill="#0b4f8a" fill-opacity=".18"/>'
                     f'<polyline points="{line}" fill="none" stroke="#0b4f8a" stroke-width="2"/>')
        parts += [f'<circle cx="{x:.1f}" cy="{py(b.estimate):.1f}" r="3.5" fill="#0b4f8a"/>'  # type: ignore[arg-type]
                  for x, b in points]
    for i, period in enumerate(periods):
        parts.append(f'<text x="{x0 + step * i:.1f}" y="{y1 + 18}" text-anchor="middle">'
                     f"{escape(period)}</text>")
    return Markup(  # noqa: S704 - every text inside was escaped above
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-hidden="true" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="12">{"".join(parts)}</svg>'
    )
