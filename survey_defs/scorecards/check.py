"""Checks of a scorecard document: shape first, then points, rules and bands.

Every problem is reported at its line and the checks keep going, so one run lists them all.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from survey_defs.errors import Code, suggest
from survey_defs.schema import VERIFICATION_TAGS, wrong_type
from survey_defs.scorecards.errors import ScorecardCode as SC
from survey_defs.source import Document, Path

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CODE_RE = re.compile(r"^[0-9]+(\.[0-9]+)*$")
LEVELS = ("bo", "tinh", "so", "huyen", "xa", "phong")
SELF_SCORERS = ("unit", "lead_agency", "none")
APPRAISERS = ("parent", "council", "none")
RULE_TYPES = ("points", "yesno", "levels", "proportional", "survey")

TOP_REQUIRED = ("key", "version", "year", "level", "title", "languages", "total_points",
                "domains")
TOP_OPTIONAL = ("sources", "legal_basis", "adapts", "notes", "bands", "self_scored_by",
                "appraised_by")
ITEM_REQUIRED = ("code", "name", "max_points")
ITEM_OPTIONAL = ("rule", "evidence", "self_scored_by", "appraised_by", "source",
                 "verification", "notes")
CHILD_KEY = {"domain": "criteria", "criterion": "sub_criteria"}
NEXT_KIND = {"domain": "criterion", "criterion": "sub_criterion"}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _keys(doc: Document, path: Path, data: Any, required: tuple[str, ...],
          optional: tuple[str, ...]) -> bool:
    """Report a non-mapping, missing and unknown keys; True when ``data`` is a mapping."""
    if not isinstance(data, dict):
        wrong_type(doc, path, data, "a mapping")
        return False
    allowed = (*required, *optional)
    for key in required:
        if key not in data:
            doc.report(path, Code.HL103, key=key)
    for key in data:
        if key not in allowed:
            doc.report(path + (str(key),), Code.HL102, key=key, hint=suggest(key, allowed),
                       allowed=", ".join(allowed))
    return True


def _one_of(doc: Document, path: Path, value: Any, allowed: tuple[str, ...]) -> bool:
    if value not in allowed:
        doc.report(path, Code.HL105, value=value, hint=suggest(value, allowed),
                   allowed=", ".join(allowed))
        return False
    return True


def _label(doc: Document, path: Path, value: Any) -> None:
    if not isinstance(value, dict):
        wrong_type(doc, path, value, "a mapping of language to text, e.g. {vi: ...}")
        return
    if not isinstance(value.get("vi"), str) or not value["vi"].strip():
        doc.report(path, Code.HL501)
    for lang, text in value.items():
        if not isinstance(text, str):
            wrong_type(doc, path + (str(lang),), text, "text")


def _provenance(doc: Document, path: Path, data: dict[str, Any], sources: dict[str, Any],
                required: bool) -> None:
    for key in ("source", "verification"):
        if key not in data and required:
            doc.report(path, Code.HL103, key=key)
    if "verification" in data:
        _one_of(doc, path + ("verification",), data["verification"], VERIFICATION_TAGS)
    if "source" in data:
        for ref in str(data["source"]).replace(",", " ").split():
            if ref not in sources:
                doc.report(path + ("source",), Code.HL203, value=ref,
                           hint=suggest(ref, sources))


class _Checker:
    def __init__(self, doc: Document, surveys: dict[str, str]) -> None:
        self.doc = doc
        self.surveys = surveys
        self.sources: dict[str, Any] = {}
        self.codes: dict[str, int] = {}
        self.null_points = 0

    def run(self) -> None:
        doc, data = self.doc, self.doc.data
        if not _keys(doc, (), data, TOP_REQUIRED, TOP_OPTIONAL):
            return
        if "key" in data and (not isinstance(data["key"], str) or not KEY_RE.match(data["key"])):
            doc.report(("key",), Code.HL107, value=data["key"])
        if "version" in data and not isinstance(data["version"], str):
            wrong_type(doc, ("version",), data["version"], "text", " Put it in quotes.")
        year = data.get("year")
        if "year" in data:
            if not isinstance(year, int) or isinstance(year, bool):
                wrong_type(doc, ("year",), year, "an integer")
            elif not 2000 <= year <= 2100:
                doc.report(("year",), SC.HL712, value=year)
        if "level" in data:
            _one_of(doc, ("level",), data["level"], LEVELS)
        if "title" in data:
            _label(doc, ("title",), data["title"])
        if "languages" in data:
            langs = data["languages"]
            if not isinstance(langs, list):
                wrong_type(doc, ("languages",), langs, "a list")
            elif "vi" not in langs:
                doc.report(("languages",), Code.HL502)
        sources = data.get("sources", {})
        if isinstance(sources, dict):
            self.sources = sources
        else:
            wrong_type(doc, ("sources",), sources, "a mapping of key to text")
        for key, allowed in (("self_scored_by", SELF_SCORERS), ("appraised_by", APPRAISERS)):
            if key in data:
                _one_of(doc, (key,), data[key], allowed)
        total = data.get("total_points")
        if "total_points" in data and (not _is_number(total) or total <= 0):
            wrong_type(doc, ("total_points",), total, "a positive number")
            total = None
        self._bands(data.get("bands"))
        domains = data.get("domains")
        if not isinstance(domains, list) or not domains:
            if "domains" in data:
                wrong_type(doc, ("domains",), domains, "a non-empty list")
            return
        sums = [self._item(("domains", i), d, "domain", data.get("self_scored_by", "unit"))
                for i, d in enumerate(domains)]
        if _is_number(total) and all(s is not None for s in sums):
            got = sum((s for s in sums if s is not None), Decimal(0))
            if got != Decimal(str(total)):
                doc.report(("total_points",), SC.HL702, got=_fmt(got), expected=_fmt(total))
        if self.null_points:
            doc.report(("domains",), SC.HL791, count=self.null_points)

    def _bands(self, bands: Any) -> None:
        if bands is None:
            return
        if not isinstance(bands, list):
            wrong_type(self.doc, ("bands",), bands, "a list")
            return
        previous: Decimal | None = None
        for i, band in enumerate(bands):
            path: Path = ("bands", i)
            if not _keys(self.doc, path, band, ("id", "label", "min_percent"),
                         ("source", "verification")):
                continue
            if "label" in band:
                _label(self.doc, path + ("label",), band["label"])
            _provenance(self.doc, path, band, self.sources, required=False)
            low = band.get("min_percent")
            if not _is_number(low) or not 0 <= low <= 100:
                wrong_type(self.doc, path + ("min_percent",), low, "a number from 0 to 100")
                continue
            low_d = Decimal(str(low))
            if previous is not None and low_d >= previous:
                self.doc.report(path + ("min_percent",), SC.HL710,
                                detail=f"min_percent {low} is not below the previous band's "
                                f"{_fmt(previous)}")
            previous = low_d
        if previous is not None and previous != 0:
            self.doc.report(("bands",), SC.HL710,
                            detail=f"the lowest band starts at {_fmt(previous)}, leaving a gap")

    def _item(self, path: Path, data: Any, kind: str, self_by: str) -> Decimal | None:
        """Check one item; return its maximum when it and all parts are known, else None."""
        doc = self.doc
        child_key = CHILD_KEY.get(kind)
        optional = ITEM_OPTIONAL + ((child_key,) if child_key else ())
        if not _keys(doc, path, data, ITEM_REQUIRED, optional):
            return None
        code = data.get("code")
        if not isinstance(code, str) or not CODE_RE.match(code):
            wrong_type(doc, path + ("code",), code, "a code such as '1', '1.2' or '1.2.3' "
                       "in quotes")
            code = None
        elif code in self.codes:
            doc.report(path + ("code",), Code.HL201, what="code", value=code,
                       first_line=self.codes[code])
        else:
            self.codes[code] = doc.line(path)
        parent = path[:-2]
        parent_code = doc.get(parent + ("code",)) if parent else None
        if code and isinstance(parent_code, str) and not code.startswith(parent_code + "."):
            doc.report(path + ("code",), Code.HL105, value=code,
                       hint=f": a part of '{parent_code}' is numbered under it.",
                       allowed=f"'{parent_code}.1', '{parent_code}.2', ...")
        if "name" in data:
            _label(doc, path + ("name",), data["name"])
        if "evidence" in data:
            _label(doc, path + ("evidence",), data["evidence"])
        _provenance(doc, path, data, self.sources, required=kind == "domain")
        if "self_scored_by" in data and _one_of(doc, path + ("self_scored_by",),
                                                data["self_scored_by"], SELF_SCORERS):
            self_by = data["self_scored_by"]
        if "appraised_by" in data:
            _one_of(doc, path + ("appraised_by",), data["appraised_by"], APPRAISERS)
        maximum = data.get("max_points")
        if maximum is None:
            if "max_points" in data:
                self.null_points += 1
        elif not _is_number(maximum):
            wrong_type(doc, path + ("max_points",), maximum, "a number, or null (to be loaded)")
            maximum = None
        elif maximum < 0:
            doc.report(path + ("max_points",), SC.HL711, value=maximum)
            maximum = None
        children = data.get(child_key) if child_key else None
        label = code or doc.where(path)
        if children is not None and (not isinstance(children, list) or not children):
            wrong_type(doc, path + (child_key,), children, "a non-empty list")  # type: ignore[operator]
            children = None
        if children:
            if "rule" in data:
                doc.report(path + ("rule",), SC.HL704, value=label)
            assert kind in NEXT_KIND
            sums = [self._item(path + (child_key, i), c, NEXT_KIND[kind], self_by)  # type: ignore[operator]
                    for i, c in enumerate(children)]
            if maximum is None or any(s is None for s in sums):
                return None
            got = sum((s for s in sums if s is not None), Decimal(0))
            if got != Decimal(str(maximum)):
                doc.report(path + ("max_points",), SC.HL701, what=f"the parts of '{label}'",
                           got=_fmt(got), expected=_fmt(maximum))
            return Decimal(str(maximum))
        if "rule" not in data:
            doc.report(path, SC.HL703, value=label)
        else:
            self._rule(path + ("rule",), data["rule"], label, self_by)
        return None if maximum is None else Decimal(str(maximum))

    def _rule(self, path: Path, rule: Any, label: str, self_by: str) -> None:
        doc = self.doc
        if not isinstance(rule, dict):
            wrong_type(doc, path, rule, "a mapping with 'type'")
            return
        kind = rule.get("type")
        if "type" not in rule:
            doc.report(path, Code.HL103, key="type")
            return
        if not _one_of(doc, path + ("type",), kind, RULE_TYPES):
            return
        kind = str(kind)  # one of RULE_TYPES, checked just above
        required: tuple[str, ...] = {"points": (), "yesno": (), "levels": ("levels",),
                                     "proportional": ("zero_at", "full_at"),
                                     "survey": ("index",)}[kind]
        optional: tuple[str, ...] = {"proportional": ("measure",),
                                     "survey": ("conversion",)}.get(kind, ())
        if not _keys(doc, path, rule, ("type", *required), optional):
            return
        if kind == "levels":
            self._levels(path + ("levels",), rule.get("levels"))
        elif kind == "proportional":
            self._span(path, rule)
            if "measure" in rule:
                _label(doc, path + ("measure",), rule["measure"])
        elif kind == "survey":
            if self_by != "none":
                doc.report(path, SC.HL709, value=label)
            index = rule.get("index")
            survey = str(index).split(".", 1)[0] if isinstance(index, str) else None
            if not isinstance(index, str) or "." not in index or survey not in self.surveys:
                doc.report(path + ("index",), SC.HL708, value=index,
                           allowed=", ".join(sorted(self.surveys)))
            conv = rule.get("conversion")
            if conv is None:
                doc.report(path, SC.HL707, detail="'conversion' is missing")
                return
            if not _keys(doc, path + ("conversion",), conv,
                         ("type", "zero_at", "full_at"), ("source", "verification", "notes")):
                return
            missing = [k for k in ("source", "verification") if k not in conv]
            if missing:
                doc.report(path + ("conversion",), SC.HL707,
                           detail=f"'{', '.join(missing)}' is missing")
            _provenance(doc, path + ("conversion",), conv, self.sources, required=False)
            if "type" in conv:
                _one_of(doc, path + ("conversion", "type"), conv["type"], ("linear",))
            self._span(path + ("conversion",), conv)

    def _span(self, path: Path, data: dict[str, Any]) -> None:
        lo, hi = data.get("zero_at"), data.get("full_at")
        for key, value in (("zero_at", lo), ("full_at", hi)):
            if key in data and not _is_number(value):
                wrong_type(self.doc, path + (key,), value, "a number")
                return
        if _is_number(lo) and _is_number(hi) and lo == hi:
            self.doc.report(path + ("full_at",), SC.HL706,
                            detail=f"zero_at and full_at are both {lo}")

    def _levels(self, path: Path, levels: Any) -> None:
        doc = self.doc
        if not isinstance(levels, list) or len(levels) < 2:
            wrong_type(doc, path, levels, "a list of at least two levels")
            return
        shares: list[Decimal] = []
        ids: dict[str, int] = {}
        for i, level in enumerate(levels):
            lpath: Path = path + (i,)
            if not _keys(doc, lpath, level, ("id", "label", "share"), ()):
                continue
            lid = level.get("id")
            if not isinstance(lid, str) or not KEY_RE.match(lid):
                doc.report(lpath + ("id",), Code.HL107, value=lid)
            elif lid in ids:
                doc.report(lpath + ("id",), Code.HL201, what="level", value=lid,
                           first_line=ids[lid])
            else:
                ids[lid] = doc.line(lpath)
            if "label" in level:
                _label(doc, lpath + ("label",), level["label"])
            share = level.get("share")
            if not _is_number(share) or not 0 <= share <= 1:
                doc.report(lpath + ("share",), SC.HL705, detail=f"share {share!r} is not a "
                           "number from 0 to 1")
                continue
            if Decimal(str(share)) in shares:
                doc.report(lpath + ("share",), SC.HL705, detail=f"share {share} is repeated")
            shares.append(Decimal(str(share)))
        if shares and Decimal(1) not in shares:
            doc.report(path, SC.HL705, detail="no level gives the full points (share 1)")


def _fmt(value: object) -> str:
    text = format(Decimal(str(value)).normalize(), "f")
    return text


def check(doc: Document, surveys: dict[str, str]) -> None:
    """Add every problem of ``doc`` to ``doc.problems``."""
    _Checker(doc, surveys).run()
