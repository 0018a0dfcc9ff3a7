"""Counter posters: A4 or A5, PDF, SVG or PNG, with a QR code that scans from a metre.

Drawn with matplotlib's object API (no pyplot state, safe in web workers) and its bundled
DejaVu Sans, which covers Vietnamese. The QR code is vector (one path), 12 cm wide on A4 and
9 cm on A5: a phone camera reads a code about a tenth of its distance, so 9-12 cm works from
about a metre. PDF text is embedded as Type 3 glyph subsets with a Unicode map, so it can be
searched and copied; Type 42 (TrueType) would take ten times longer to subset (~3 s a poster).
"""

from __future__ import annotations

import io
import textwrap
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from ..models import Counter
from .qr import qr_matrix
from .service import counter_url

CM_PER_INCH = 2.54
PAGE_CM = {"a4": (21.0, 29.7), "a5": (14.8, 21.0)}
QR_CM = {"a4": 13.0, "a5": 10.5}  # quiet zone included: the code itself is ~8.5-11 cm
PNG_DPI = 150
MIMETYPES = {"pdf": "application/pdf", "svg": "image/svg+xml", "png": "image/png"}

INVITATION_VI = "Quét mã để Ông/Bà đánh giá sự hài lòng"
DETAIL_VI = "Khảo sát ẩn danh, khoảng 3 phút. Xin cảm ơn!"
INVITATION_EN = "Scan to rate our service (anonymous, about 3 minutes)"

# parse_math off: a "$" in a unit or counter name is text, not (possibly broken) TeX.
_RC = {"text.parse_math": False, "font.family": "DejaVu Sans", "pdf.fonttype": 3,
       "svg.fonttype": "path",
       "svg.hashsalt": "hailong", "path.simplify": False}


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _qr_path(matrix: list[list[bool]]) -> Path:
    """One path of unit squares (y downwards flipped to matplotlib's upwards)."""
    size = len(matrix)
    vertices: list[tuple[float, float]] = []
    codes: list[int] = []
    for y, row in enumerate(matrix):
        top = size - y
        x = 0
        while x < size:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < size and row[x]:
                x += 1
            vertices += [(start, top), (x, top), (x, top - 1), (start, top - 1), (start, top)]
            codes += [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY]
    return Path(vertices, codes)


def _draw(fig: Figure | None, counter: Counter, url: str, size: str,
          text_scale: float = 1.0) -> float:
    """Lay the poster out (drawing on ``fig`` unless None); return where the body ends (cm)."""
    width_cm, height_cm = PAGE_CM[size]
    scale = width_cm / PAGE_CM["a4"][0] * text_scale
    unit = counter.unit
    cursor = 1.6 * scale  # cm from the top: each block moves it down by its height

    def text(content: str, points: float, wrap: int | None = None, gap: float = 0.6,
             **style: Any) -> None:
        nonlocal cursor
        lines = textwrap.wrap(_nfc(content), round(wrap / text_scale)) if wrap else [_nfc(content)]
        if fig is not None:
            fig.text(0.5, 1 - cursor / height_cm, "\n".join(lines), ha="center", va="top",
                     fontsize=points * scale, linespacing=1.25, **style)
        cursor += (len(lines) * points * scale * 1.25 / 72 * CM_PER_INCH) + gap * scale

    text(unit.name_vi, 22, wrap=34, gap=0.9, weight="bold")
    text(counter.name_vi, 30, wrap=24, gap=0.7, weight="bold", color="#0b4f9c")
    text(INVITATION_VI, 20, wrap=40, gap=0.4)
    text(DETAIL_VI, 14, wrap=52, gap=0.8)

    qr_cm = QR_CM[size]
    if fig is not None:
        draw_code(fig, qr_matrix(url), (0.5 - qr_cm / width_cm / 2,
                                          1 - (cursor + qr_cm) / height_cm,
                                          qr_cm / width_cm, qr_cm / height_cm))
    cursor += qr_cm + 0.4 * scale

    text(INVITATION_EN, 13, wrap=60, gap=0.5, style="italic", color="#333333")
    text(url, 9 if len(url) > 60 else 11, family="DejaVu Sans Mono")
    body_end = cursor
    footer = f"{unit.name_en or ''} · {counter.name_en or ''}".strip(" ·")
    if footer:
        cursor = max(cursor, height_cm - 1.6 * scale)
        text(footer, 11, wrap=80, color="#555555")
    return body_end


def draw_code(fig: Figure, matrix: list[list[bool]],
              box: tuple[float, float, float, float]) -> None:
    """Draw a QR matrix as one filled path in ``box`` (figure fractions)."""
    ax = fig.add_axes(box)
    ax.set_axis_off()
    ax.set_xlim(0, len(matrix))
    ax.set_ylim(0, len(matrix))
    ax.add_patch(PathPatch(_qr_path(matrix), facecolor="black", edgecolor="none",
                           antialiased=False))


def _figure(counter: Counter, config: Mapping[str, Any], size: str) -> Figure:
    if size not in PAGE_CM:
        raise ValueError(f"unknown poster size {size!r}: use one of {', '.join(PAGE_CM)}")
    width_cm, height_cm = PAGE_CM[size]
    fig = Figure(figsize=(width_cm / CM_PER_INCH, height_cm / CM_PER_INCH), facecolor="white")
    url = counter_url(counter, config)
    # Long unit or counter names shrink the text, never the code (it must scan from a metre).
    text_scale = next((t for t in (1.0, 0.9, 0.8, 0.7, 0.6)
                       if _draw(None, counter, url, size, t) <= height_cm - 2.0), 0.6)
    _draw(fig, counter, url, size, text_scale)
    return fig


def render_poster(counter: Counter, config: Mapping[str, Any], *, fmt: str = "pdf",
                  size: str = "a4") -> bytes:
    """Return the poster of ``counter`` as PDF, SVG or PNG bytes."""
    if fmt not in MIMETYPES:
        raise ValueError(f"unknown poster format {fmt!r}: use one of {', '.join(MIMETYPES)}")
    buffer = io.BytesIO()
    with matplotlib.rc_context(_RC):
        fig = _figure(counter, config, size)
        metadata = {"pdf": {"Title": _nfc(f"{counter.unit.name_vi} - {counter.name_vi}")},
                    "svg": {"Title": _nfc(f"{counter.unit.name_vi} - {counter.name_vi}")},
                    "png": {"Title": "hailong poster"}}[fmt]
        fig.savefig(buffer, format=fmt, dpi=PNG_DPI, metadata=metadata)
    return buffer.getvalue()


def render_sheet(counters: Sequence[Counter], config: Mapping[str, Any], *,
                 size: str = "a4") -> bytes:
    """Return one PDF with the poster of each counter, one per page."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(_RC), PdfPages(buffer, metadata={"Title": "hailong"}) as pdf:
        for counter in counters:
            pdf.savefig(_figure(counter, config, size))
    return buffer.getvalue()
