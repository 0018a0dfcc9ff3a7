"""Rule family: the scoring block names real items, on the right scale, with sane numbers."""

from __future__ import annotations

from typing import Any

from survey_defs.checks.common import AnswerRef, answer_index, answer_scale, scale_codes, scales
from survey_defs.checks.skiplogic import check_expression
from survey_defs.errors import Code, suggest
from survey_defs.schema import parse_fraction
from survey_defs.source import Document, Path

EPS = 1e-9


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _list(value: Any) -> list[tuple[int, Any]]:
    return list(enumerate(value)) if isinstance(value, list) else []


class _Ctx:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.index: dict[str, AnswerRef] = answer_index(doc)
        self.scored: dict[str, Path] = {}

    def item(self, path: Path, name: Any) -> AnswerRef | None:
        """Resolve an answer id or report HL401."""
        if not isinstance(name, str):
            return None
        ref = self.index.get(name)
        if ref is None:
            self.doc.report(path, Code.HL401, value=name, hint=suggest(name, self.index))
        return ref

    def once(self, path: Path, name: str) -> None:
        if name in self.scored:
            self.doc.report(path, Code.HL405, value=name, first=self.doc.where(self.scored[name]))
        else:
            self.scored[name] = path

    def codes(self, path: Path, given: Any, allowed: list[int] | None, where: str) -> None:
        """Report codes (list entries or mapping keys) that ``allowed`` does not contain."""
        if allowed is None:
            return
        if isinstance(given, list):
            entries = [(path + (n,), code) for n, code in enumerate(given)]
        elif isinstance(given, dict):
            entries = [(path + (code,), code) for code in given]
        else:
            return
        for sub, code in entries:
            if isinstance(code, int) and not isinstance(code, bool) and code not in allowed:
                self.doc.report(sub, Code.HL403, value=code, where=where,
                                allowed=", ".join(map(str, allowed)))


def _check_sipas(ctx: _Ctx, block: dict[str, Any]) -> None:
    doc, base = ctx.doc, ("scoring",)
    scale_id = block.get("scale")
    known = scales(doc)
    codes: list[int] | None = None
    if isinstance(scale_id, str):
        if scale_id not in known:
            doc.report(base + ("scale",), Code.HL202, value=scale_id, hint=suggest(scale_id, known))
        else:
            codes = scale_codes(known[scale_id], with_no_opinion=False)
            ctx.codes(base + ("satisfied_codes",), block.get("satisfied_codes"), codes,
                      f"scale '{scale_id}'")
            ctx.codes(base + ("excluded_codes",), block.get("excluded_codes"),
                      scale_codes(known[scale_id]), f"scale '{scale_id}'")

    def same_scale(path: Path, name: Any) -> None:
        ref = ctx.item(path, name)
        if ref is None or not isinstance(scale_id, str):
            return
        if ref.question.get("type") not in ("single", "multiple", "grid", "yesno", "number",
                                            "text"):
            return  # an unknown type is reported on the question itself
        got, _ = answer_scale(doc, ref)
        if got is not None and got != "yesno" and got not in known:
            return  # the unknown scale is reported on the question itself
        if got != scale_id:
            shown = f"scale '{got}'" if got else f"a '{ref.question.get('type')}' answer"
            doc.report(path, Code.HL402, value=name, got=shown, expected=scale_id)
        ctx.once(path, name)

    by_question = block.get("element_method") == "element_question"
    for e, element in _list(block.get("elements")):
        if not isinstance(element, dict):
            continue
        path = base + ("elements", e)
        for c, name in _list(element.get("criteria")):
            same_scale(path + ("criteria", c), name)
        item = element.get("satisfaction_item")
        if item is not None:
            same_scale(path + ("satisfaction_item",), item)
        elif by_question:
            doc.report(path, Code.HL404, detail="element_method is 'element_question' but this "
                       "element has no satisfaction_item; add one or use 'criterion_mean'")
    if block.get("overall_item") is not None:
        same_scale(base + ("overall_item",), block.get("overall_item"))


def _pair(ctx: _Ctx, path: Path, value: Any, what: str) -> tuple[float, float] | None:
    if isinstance(value, list) and len(value) == 2 and all(_number(v) for v in value):
        if value[0] >= value[1]:
            ctx.doc.report(path, Code.HL601, what=what, lo=value[0], hi=value[1])
            return None
        return float(value[0]), float(value[1])
    return None


def _check_papi(ctx: _Ctx, block: dict[str, Any]) -> None:
    base: Path = ("scoring",)
    _pair(ctx, base + ("dimension_range",), block.get("dimension_range"), "dimension_range")
    _pair(ctx, base + ("total_range",), block.get("total_range"), "total_range")
    for d, dim in _list(block.get("dimensions")):
        for s, sub in _list(dim.get("subdimensions") if isinstance(dim, dict) else None):
            for n, ind in _list(sub.get("indicators") if isinstance(sub, dict) else None):
                if isinstance(ind, dict):
                    path = base + ("dimensions", d, "subdimensions", s, "indicators", n)
                    _check_indicator(ctx, path, ind)


def _check_indicator(ctx: _Ctx, path: Path, ind: dict[str, Any]) -> None:
    doc = ctx.doc
    ref = ctx.item(path + ("item",), ind.get("item"))
    bounds = _pair(ctx, path + ("bounds",), ind.get("bounds"), "bounds")
    values = ind.get("values")
    if ref is not None:
        scale_id, codes = answer_scale(doc, ref)
        if codes is not None and not isinstance(values, dict):
            doc.report(path, Code.HL404, detail=f"item '{ind.get('item')}' is coded "
                       f"(scale '{scale_id}'), so the indicator needs 'values: {{code: value}}'")
        if isinstance(values, dict):
            ctx.codes(path + ("values",), values, codes, f"scale '{scale_id}'")
    if bounds and isinstance(values, dict):
        for code, value in values.items():
            if _number(value) and not bounds[0] - EPS <= value <= bounds[1] + EPS:
                doc.report(path + ("values", code), Code.HL408, value=value, lo=bounds[0],
                           hi=bounds[1])
    if isinstance(ind.get("eligible_if"), str):
        check_expression(doc, path + ("eligible_if",), ind["eligible_if"], None, ctx.index)


def _check_onestop(ctx: _Ctx, block: dict[str, Any]) -> None:
    doc, base = ctx.doc, ("scoring",)
    overall = ctx.item(base + ("overall_item",), block.get("overall_item"))
    if overall is not None:
        scale_id, codes = answer_scale(doc, overall)
        ctx.codes(base + ("satisfied_codes",), block.get("satisfied_codes"), codes,
                  f"scale '{scale_id}'")
    if block.get("reason_item") is not None:
        ctx.item(base + ("reason_item",), block.get("reason_item"))
    top = block.get("max_points_per_indicator")
    for n, ind in _list(block.get("indicators")):
        if not isinstance(ind, dict):
            continue
        path = base + ("indicators", n)
        if ind.get("dossier") is not None:
            # Read from the dossier (0/1), not from an answer.
            ctx.codes(path + ("points",), ind.get("points"), [0, 1], "the dossier's on-time flag")
            ref = None
        elif ind.get("item") is None:
            doc.report(path + ("item",), Code.HL401, value="", hint="give item or dossier")
            ref = None
        else:
            ref = ctx.item(path + ("item",), ind.get("item"))
        if ref is not None:
            ctx.once(path + ("item",), ind["item"])
            scale_id, codes = answer_scale(doc, ref)
            ctx.codes(path + ("points",), ind.get("points"), codes, f"scale '{scale_id}'")
        for code, pts in (ind.get("points") or {}).items() if isinstance(ind.get("points"),
                                                                          dict) else []:
            if isinstance(top, int) and isinstance(pts, int) and not 0 <= pts <= top:
                doc.report(path + ("points", code), Code.HL407, value=pts, max=top)
    _check_bands(ctx, block.get("bands"))


def _check_bands(ctx: _Ctx, bands: Any) -> None:
    doc, base = ctx.doc, ("scoring", "bands")
    expected_low = 0.0
    for n, band in _list(bands):
        if not isinstance(band, dict):
            return
        lo, hi = parse_fraction(band.get("min_share")), parse_fraction(band.get("max_share"))
        if lo is None or hi is None:
            return
        if lo >= hi:
            doc.report(base + (n, "max_share"), Code.HL601, what="min_share/max_share", lo=lo,
                       hi=hi)
            return
        if abs(lo - expected_low) > EPS:
            kind = "gap" if lo > expected_low else "overlap"
            doc.report(base + (n, "min_share"), Code.HL406,
                       detail=f"{kind}: band starts at {lo:.4g} but the previous one ends at "
                       f"{expected_low:.4g}")
            return
        expected_low = hi
    if bands and isinstance(bands, list) and abs(expected_low - 1.0) > EPS:
        doc.report(base + (len(bands) - 1, "max_share"), Code.HL406,
                   detail=f"the last band ends at {expected_low:.4g}, not 1")


def check(doc: Document) -> None:
    """Check the scoring block of whichever method it declares."""
    block = doc.get(("scoring",))
    if not isinstance(block, dict):
        return
    method = block.get("method")
    checkers = {"sipas": _check_sipas, "papi": _check_papi, "onestop": _check_onestop}
    checker = checkers.get(method) if isinstance(method, str) else None
    if checker:
        checker(_Ctx(doc), block)
