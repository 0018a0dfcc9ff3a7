"""Server-drawn charts: intervals drawn to scale, accessible names, safe inline SVG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from webapp.statistics import svg_charts as charts
from webapp.statistics.charts import Bar, Scale

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own renderer's output, not untrusted input


def _whiskers(svg: str, width: str) -> list[tuple[float, float]]:
    """(x start, x end) of the horizontal interval strokes drawn ``width`` wide."""
    root = _parse(svg)
    out = []
    for path in root.iter(f"{SVG}path"):
        if path.get("stroke-width") == width and path.get("stroke-linecap") == "round":
            xs = [float(x) for x in re.findall(r"[ML] ([\d.]+) ", path.get("d", "") + " ")]
            out.append((xs[0], xs[-1]))
    return out


def test_interval_chart__whiskers_span_each_interval_to_scale() -> None:
    bars = (Bar("Tiêu chí hẹp", 0.3, 0.2, 0.4), Bar("Tiêu chí rộng", 0.7, 0.5, 0.9),
            Bar("Không đủ số liệu", None, None, None))
    svg = charts.interval_chart(bars, Scale(), "Tiêu đề", "Mô tả")
    spans = _whiskers(svg, "2.6")
    assert len(spans) == 2  # the bar without an estimate draws no interval
    (a0, a1), (b0, b1) = spans
    # Same scale: the second interval is twice as wide and starts 0.3 further right.
    assert (b1 - b0) == pytest.approx(2 * (a1 - a0), rel=0.02)
    assert (b0 - a0) == pytest.approx(1.5 * (a1 - a0), rel=0.02)


def test_interval_chart__accessible_name_and_diacritics_kept_as_text() -> None:
    svg = charts.interval_chart((Bar("Thái độ giao tiếp lịch sự", 0.8, 0.7, 0.9),), Scale(),
                                "Tiêu chí từ thấp đến cao", "Thấp nhất: Thái độ, 80%")
    root = _parse(svg)
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == "Tiêu chí từ thấp đến cao"
    assert desc is not None and desc.text == "Thấp nhất: Thái độ, 80%"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Thái độ giao tiếp lịch sự" in texts and "80%" in texts


def test_interval_chart__no_inline_style_and_ids_unique_between_charts() -> None:
    one = charts.interval_chart((Bar("A", 0.5, 0.4, 0.6),), Scale(), "One", "")
    two = charts.interval_chart((Bar("B", 0.5, 0.4, 0.6, faint=True),), Scale(), "Two", "",
                                faint_label="ít phản hồi")
    for svg in (one, two):
        # A strict Content-Security-Policy blocks inline styles; presentation attributes pass.
        assert "style=" not in svg and "<style" not in svg and "<script" not in svg
    ids_one = set(re.findall(r'\sid="([^"]+)"', one))
    ids_two = set(re.findall(r'\sid="([^"]+)"', two))
    assert ids_one and ids_two and not ids_one & ids_two
    for ref in re.findall(r'(?:href="#|url\(#)([^")]+)', two):
        assert ref in ids_two  # every reference still points inside its own chart
    assert "ít phản hồi" in two  # small samples are drawn hollow and explained


def test_interval_chart__label_is_escaped() -> None:
    svg = charts.interval_chart((Bar("<b>x</b> & y", 0.5, 0.4, 0.6),), Scale(), "<t>", "")
    assert "<b>" not in svg and "&lt;t&gt;" in svg
    _parse(svg)  # still well-formed


def test_trend_chart__band_between_interval_ends_with_gap_for_missing_period() -> None:
    periods = ("2026-01", "2026-02", "2026-03", "2026-04")
    bars = (Bar("2026-01", 0.5, 0.4, 0.6), Bar("2026-02", 0.6, 0.5, 0.7),
            Bar("2026-03", None, None, None), Bar("2026-04", 0.7, 0.6, 0.8))
    svg = charts.trend_chart(periods, bars, Scale(), "Xu hướng", "")
    root = _parse(svg)
    bands = [p for p in root.iter(f"{SVG}path") if p.get("fill-opacity") == "0.18"]
    # fill_between leaves a gap where the interval is missing: two separate band pieces.
    pieces = sum(path.get("d", "").count("M ") for path in bands)
    assert pieces == 2
    assert all(p in svg for p in periods)


def test_before_after_chart__two_intervals_per_plan() -> None:
    pairs = ((Bar("Ghế chờ", 0.4, 0.3, 0.5), Bar("Ghế chờ", 0.6, 0.5, 0.7)),)
    svg = charts.before_after_chart(pairs, Scale(), "Trước và sau", "", ("trước", "sau"))
    (b0, b1), (a0, a1) = _whiskers(svg, "2.4")
    assert b1 == pytest.approx(a0)  # before ends at 50%, where after begins
    assert b1 - b0 == pytest.approx(a1 - a0, abs=0.05)
    assert "trước" in svg and "sau" in svg


def test_trend_axis__zoomed_to_whole_tenths_around_the_intervals() -> None:
    from webapp.statistics.unit_charts import zoomed

    narrow = (Bar("a", 0.8, 0.78, 0.82), Bar("b", 0.81, 0.79, 0.83), Bar("c", None, None, None))
    assert zoomed(narrow, Scale()) == Scale(0.7, 0.9, True)
    assert zoomed((Bar("a", 0.05, 0.02, 0.1),), Scale()) == Scale(0.0, 0.2, True)
    points = Scale(8.0, 80.0, False)
    assert zoomed(narrow, points) == points  # PAPI's points keep their own fitted axis


# Issue 21, finding 4: a "$" in a unit's name (imported by CSV) made matplotlib parse TeX.
@pytest.mark.parametrize("name", ["$\\frac{a$", "$x$", "a $ b", "$$", "\\$100"])
def test_charts__dollar_in_a_label__drawn_as_text(name: str) -> None:
    bars = (Bar(name, 0.5, 0.4, 0.6), Bar("Xã An", 0.6, 0.5, 0.7))
    svg = charts.interval_chart(bars, Scale(), name, "")
    assert name.replace("$", "") == "" or name in svg or name[:20] in svg
    trend = charts.trend_chart(("2026-01", "2026-02"), bars, Scale(), name, "")
    pairs = ((bars[0], bars[1]),)
    after = charts.before_after_chart(pairs, Scale(), name, "", (name, "sau"))
    for drawn in (svg, trend, after):
        _parse(drawn)


def test_ticks__whole_percent_steps_for_shares_round_steps_for_points() -> None:
    assert charts.ticks(Scale()) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert charts.ticks(Scale(0.7, 0.9, True)) == [0.7, 0.75, 0.8, 0.85, 0.9]
    assert charts.ticks(Scale(0.0, 2.0, False)) == [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75,
                                                    2.0]
    assert charts.ticks(Scale(8.0, 80.0, False)) == [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0,
                                                     80.0]


def test_interval_chart__reference_line_and_group_legend_drawn() -> None:
    bars = (Bar("Xã An", 0.6, 0.5, 0.7, group=1), Bar("Xã Bình", 0.4, 0.3, 0.5, group=4))
    svg = charts.interval_chart(bars, Scale(), "Các xã", "", legend=((1, "cao nhất"),
                                                                        (4, "thấp nhất")),
                                reference=0.5, reference_label="đơn vị này: 50%")
    root = _parse(svg)
    dashed = [p for p in root.iter(f"{SVG}path") if p.get("stroke-dasharray")]
    assert len(dashed) == 1
    (x0, x1), (y0, y1) = _whiskers(svg, "2.6")[:2]
    reference_x = float(dashed[0].get("d", "").split()[1])
    assert reference_x == pytest.approx(x0) and reference_x == pytest.approx(y1)  # 50% on both
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "cao nhất" in texts and "thấp nhất" in texts and "đơn vị này: 50%" in texts
