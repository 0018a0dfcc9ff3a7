"""Codebooks: DDI Codebook 2.5 XML and a readable Markdown page, with frequencies.

Frequencies are accumulated chunk by chunk while the data file is written, unweighted and
weighted by the final weight (responses without a weight count in the unweighted column only).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd

from .frame import is_coded
from .labels import Variable

DDI_NS = "ddi:codebook:2_5"
MAX_CATEGORIES = 60
NO_FREQUENCIES = {"response_id", "stratum", "poststratum"}


@dataclass
class Summary:
    """Running statistics of one variable."""

    missing: int = 0
    counts: dict[Any, int] = field(default_factory=lambda: defaultdict(int))
    weighted: dict[Any, float] = field(default_factory=lambda: defaultdict(float))
    too_many: bool = False
    n: int = 0
    sum_w: float = 0.0
    sum_wx: float = 0.0
    low: float = math.inf
    high: float = -math.inf


class Frequencies:
    """Unweighted and weighted frequencies of coded and short text variables; weighted means
    of numeric ones."""

    def __init__(self, variables: Sequence[Variable], weight: str = "weight") -> None:
        self.variables = [v for v in variables
                          if v.name not in NO_FREQUENCIES and v.role != "text"]
        self.weight = weight
        self.rows = 0
        self.stats = {v.name: Summary() for v in self.variables}

    def add(self, frame: pd.DataFrame) -> None:
        """Count one chunk.

        Numeric variables are converted together into one float matrix and counted with
        ``bincount`` (codes are small integers); per-column pandas calls were most of the
        cost of a million-row export's codebook.
        """
        self.rows += len(frame)
        w = pd.to_numeric(frame[self.weight], errors="coerce").fillna(0.0).to_numpy(float)
        numeric = [v for v in self.variables if v.kind == "numeric"]
        block = frame[[v.name for v in numeric]].to_numpy(float, na_value=np.nan) \
            if numeric else np.empty((len(frame), 0))
        for j, var in enumerate(numeric):
            self._numbers(var, self.stats[var.name], block[:, j], w)
        for var in self.variables:
            if var.kind != "numeric":
                self._strings(self.stats[var.name], frame[var.name], w)

    @staticmethod
    def _numbers(var: Variable, s: Summary, x: np.ndarray, w: np.ndarray) -> None:
        present = ~np.isnan(x)
        s.missing += int(len(x) - present.sum())
        x, wp = x[present], w[present]
        if not is_coded(var):
            if len(x):
                s.n += len(x)
                s.sum_w += float(wp.sum())
                s.sum_wx += float((wp * x).sum())
                s.low, s.high = min(s.low, float(x.min())), max(s.high, float(x.max()))
            return
        if s.too_many or not len(x):
            return
        low = float(x.min())
        if np.all(x == np.rint(x)) and float(x.max()) - low < 10_000:
            index = (x - low).astype(np.int64)
            counts = np.bincount(index)
            sums = np.bincount(index, weights=wp)
            seen = np.flatnonzero(counts)
            uniques, counts, sums = seen + low, counts[seen], sums[seen]
        else:
            codes, uniques = pd.factorize(x)
            counts = np.bincount(codes, minlength=len(uniques))
            sums = np.bincount(codes, weights=wp, minlength=len(uniques))
        _tally(s, (int(u) for u in uniques), counts, sums)

    @staticmethod
    def _strings(s: Summary, col: pd.Series, w: np.ndarray) -> None:
        present = col.notna().to_numpy()
        s.missing += int((~present).sum())
        if s.too_many:
            return
        codes, uniques = pd.factorize(col[present])
        counts = np.bincount(codes, minlength=len(uniques))
        sums = np.bincount(codes, weights=w[present], minlength=len(uniques))
        _tally(s, iter(np.asarray(uniques, dtype=object)), counts, sums)


def _tally(s: Summary, keys: Any, counts: np.ndarray, sums: np.ndarray) -> None:
    for key, n, total in zip(keys, counts, sums, strict=False):
        s.counts[key] += int(n)
        s.weighted[key] += float(total)
    if len(s.counts) > MAX_CATEGORIES:
        s.too_many = True
        s.counts.clear()
        s.weighted.clear()


def _mean(s: Summary) -> float | None:
    return s.sum_wx / s.sum_w if s.sum_w > 0 else None


def _categories(var: Variable, s: Summary) -> list[Any]:
    keys = set(s.counts) | (set(var.values) if var.kind == "numeric" else set())
    return sorted(keys, key=lambda k: (str(type(k)), k))


@dataclass(frozen=True)
class StudyInfo:
    """What the codebooks say about the file as a whole."""

    survey: str
    version: int
    title: dict[str, str]
    period: str
    data_file: str
    rows: int
    created: dt.datetime
    weighting: str
    disclosure: str


def write_ddi(path: Path, info: StudyInfo, variables: Sequence[Variable],
              freq: Frequencies) -> None:
    """Write a DDI Codebook 2.5 document; the weight carries ``wgt="wgt"``, every other
    variable ``wgt-var`` pointing to it."""
    ET.register_namespace("", DDI_NS)
    q = f"{{{DDI_NS}}}"
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    root = ET.Element(q + "codeBook", {"version": "2.5", "ID": f"hailong-{info.survey}"})
    doc = ET.SubElement(ET.SubElement(ET.SubElement(root, q + "docDscr"), q + "citation"),
                        q + "titlStmt")
    ET.SubElement(doc, q + "titl").text = f"Codebook: {info.data_file}"
    study = ET.SubElement(ET.SubElement(ET.SubElement(root, q + "stdyDscr"), q + "citation"),
                          q + "titlStmt")
    for code, text in info.title.items():
        ET.SubElement(study, q + "titl", {lang: code}).text = text
    ET.SubElement(study, q + "IDNo").text = f"{info.survey} v{info.version} {info.period}"
    fdscr = ET.SubElement(root, q + "fileDscr", {"ID": "F1"})
    ftxt = ET.SubElement(fdscr, q + "fileTxt")
    ET.SubElement(ftxt, q + "fileName").text = info.data_file
    dims = ET.SubElement(ftxt, q + "dimensns")
    ET.SubElement(dims, q + "caseQnty").text = str(info.rows)
    ET.SubElement(dims, q + "varQnty").text = str(len(variables))
    ET.SubElement(fdscr, q + "notes").text = info.weighting + "\n" + info.disclosure
    data = ET.SubElement(root, q + "dataDscr")
    ids = {v.name: f"V{i + 1}" for i, v in enumerate(variables)}
    wgt_id = ids.get("weight")
    for var in variables:
        _ddi_var(data, q, lang, var, ids[var.name], wgt_id, freq.stats.get(var.name))
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="UTF-8", xml_declaration=True)


def _ddi_var(parent: ET.Element, q: str, lang: str, var: Variable, vid: str,
             wgt_id: str | None, s: Summary | None) -> None:
    attrs = {"ID": vid, "name": var.name, "files": "F1",
             "intrvl": "contin" if var.measure == "scale" else "discrete"}
    if var.role == "weight":
        attrs["wgt"] = "wgt"
    elif wgt_id:
        attrs["wgt-var"] = wgt_id
    el = ET.SubElement(parent, q + "var", attrs)
    for code, text in var.label.items():
        ET.SubElement(el, q + "labl", {lang: code}).text = text
    if var.question:
        qstn = ET.SubElement(el, q + "qstn")
        for code, text in var.question.items():
            ET.SubElement(qstn, q + "qstnLit", {lang: code}).text = text
    if var.missing:
        inval = ET.SubElement(el, q + "invalrng")
        for code in var.missing:
            ET.SubElement(inval, q + "item", {"VALUE": str(code)})
    if s is not None:
        if var.measure == "scale" and var.kind == "numeric":
            ET.SubElement(el, q + "sumStat", {"type": "vald"}).text = str(s.n)
            if s.n:
                ET.SubElement(el, q + "sumStat", {"type": "min"}).text = repr(s.low)
                ET.SubElement(el, q + "sumStat", {"type": "max"}).text = repr(s.high)
            mean = _mean(s)
            if mean is not None and var.role != "weight":
                ET.SubElement(el, q + "sumStat", {"type": "mean", "wgtd": "wgtd",
                              "wgt-var": wgt_id or ""}).text = repr(mean)
        ET.SubElement(el, q + "sumStat", {"type": "invd"}).text = str(s.missing)
        if not s.too_many:
            for key in _categories(var, s):
                cat = ET.SubElement(el, q + "catgry",
                                    {"missing": "Y"} if key in var.missing else {})
                ET.SubElement(cat, q + "catValu").text = str(key)
                for code, text in var.values.get(key, {}).items() if var.values else ():
                    ET.SubElement(cat, q + "labl", {lang: code}).text = text
                ET.SubElement(cat, q + "catStat", {"type": "freq"}).text = str(s.counts.get(key, 0))
                wattrs = {"type": "freq", "wgtd": "wgtd"} | ({"wgt-var": wgt_id} if wgt_id else {})
                ET.SubElement(cat, q + "catStat", wattrs).text = repr(
                    round(s.weighted.get(key, 0.0), 6))
    fmt = "character" if var.kind == "string" else "numeric"
    ET.SubElement(el, q + "varFormat", {"type": fmt, "schema": "other"})
    if var.note:
        ET.SubElement(el, q + "notes").text = var.note


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_markdown(path: Path, info: StudyInfo, variables: Sequence[Variable],
                   freq: Frequencies) -> None:
    """Write the readable codebook: one section per variable."""
    title = info.title.get("vi", info.survey)
    lines = [f"# Sổ tay biến / Codebook: {info.data_file}", "",
             f"- Khảo sát / survey: **{_md(title)}** (`{info.survey}` v{info.version})",
             f"- Kỳ / period: `{info.period}`; số phiếu / responses: {info.rows}",
             f"- Tạo lúc / created: {info.created:%Y-%m-%d %H:%M} UTC", "",
             "## Trọng số / Weighting", "", info.weighting, "",
             "## Kiểm soát tiết lộ / Disclosure control", "", info.disclosure, "",
             "## Biến / Variables", "",
             "| # | name | label (vi) | label (en) | type | measure |",
             "|---|---|---|---|---|---|"]
    for i, v in enumerate(variables, 1):
        lines.append(f"| {i} | `{v.name}` | {_md(v.text('vi'))} | {_md(v.text('en'))} | "
                     f"{v.kind} | {v.measure} |")
    for v in variables:
        lines += ["", f"### `{v.name}`", "", f"- vi: {v.text('vi')}", f"- en: {v.text('en')}"]
        if v.question and v.question != v.label:
            lines.append(f"- Câu hỏi / question: {v.question.get('vi', '')} / "
                         f"{v.question.get('en', '')}")
        if v.source:
            lines.append(f"- Nguồn / answer id: `{v.source}`")
        if v.note:
            lines.append(f"- Ghi chú / note: {v.note}")
        if v.missing:
            lines.append("- Mã thiếu / missing codes: " + ", ".join(map(str, v.missing))
                         + " (kept in the data; excluded from index denominators; user-missing"
                           " in SPSS)")
        lines += _md_stats(v, freq.stats.get(v.name), freq.rows)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _md_stats(v: Variable, s: Summary | None, rows: int) -> list[str]:
    if s is None:
        return ["- (no frequencies: identifier, design key or free text)"]
    out = [f"- Trống / system missing: {s.missing} of {rows}"]
    if v.kind == "numeric" and v.measure == "scale":
        mean = _mean(s)
        if s.n:
            out.append(f"- n = {s.n}, min = {s.low:g}, max = {s.high:g}"
                       + (f", weighted mean = {mean:.6g}" if mean is not None else ""))
        return out
    if s.too_many:
        return [*out, f"- more than {MAX_CATEGORIES} distinct values: not tabulated"]
    total = sum(s.counts.values()) or 1
    wtotal = sum(s.weighted.values()) or 1.0
    out += ["", "| value | label (vi) | label (en) | n | % | weighted | weighted % |",
            "|---|---|---|---|---|---|---|"]
    for key in _categories(v, s):
        lab = v.values.get(key, {}) if v.values else {}
        n, wn = s.counts.get(key, 0), s.weighted.get(key, 0.0)
        flag = " (missing)" if key in v.missing else ""
        out.append(f"| {_md(str(key))}{flag} | {_md(lab.get('vi', ''))} | "
                   f"{_md(lab.get('en', ''))} | {n} | {100 * n / total:.1f} | {wn:.1f} | "
                   f"{100 * wn / wtotal:.1f} |")
    return out

