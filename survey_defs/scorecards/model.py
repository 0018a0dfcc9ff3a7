"""A checked scorecard as frozen Python objects (built only from data that passed the checks)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

LEVEL_KINDS = ("domain", "criterion", "sub_criterion")


@dataclass(frozen=True)
class Level:
    """One level of a 'levels' rule: a labelled share of the item's maximum."""

    id: str
    label: Mapping[str, str]
    share: Decimal


@dataclass(frozen=True)
class Rule:
    """How a leaf item is scored.

    ``points``: the scorer enters points from 0 to the maximum (used where the official rule
    text is not loaded yet).
    ``yesno``: full points or 0. ``levels``: the chosen level's share of the maximum.
    ``proportional`` and ``survey``: max x (value - zero_at) / (full_at - zero_at), clipped;
    for ``survey`` the value is the unit's own index ``survey_index`` (``survey.index``) and the
    conversion carries its ``source`` and ``verification``.
    """

    type: str
    levels: tuple[Level, ...] = ()
    measure: Mapping[str, str] = field(default_factory=dict)
    zero_at: Decimal | None = None
    full_at: Decimal | None = None
    survey_index: str | None = None
    source: str | None = None
    verification: str | None = None

    def points(self, maximum: Decimal, value: object) -> Decimal:
        """Points for a declared ``value`` (bool, level id or number) against ``maximum``."""
        if self.type == "points":
            points = Decimal(str(value))
            if not 0 <= points <= maximum:
                raise ValueError(f"{points} is outside 0..{maximum}")
            return points
        if self.type == "yesno":
            return maximum if value is True else Decimal(0)
        if self.type == "levels":
            for level in self.levels:
                if level.id == value:
                    return maximum * level.share
            raise ValueError(f"unknown level {value!r}")
        assert self.zero_at is not None and self.full_at is not None
        share = (Decimal(str(value)) - self.zero_at) / (self.full_at - self.zero_at)
        return maximum * min(Decimal(1), max(Decimal(0), share))


@dataclass(frozen=True)
class Item:
    """A domain (lĩnh vực), criterion (tiêu chí) or sub-criterion (tiêu chí thành phần)."""

    kind: str
    code: str
    name: Mapping[str, str]
    max_points: Decimal | None
    rule: Rule | None
    evidence: Mapping[str, str]
    self_scored_by: str
    appraised_by: str
    source: str | None
    verification: str | None
    children: tuple[Item, ...] = ()
    line: int = 0

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def walk(self) -> Iterator[Item]:
        """This item and every item below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Band:
    """A classification band: from ``min_percent`` up to the next band's minimum."""

    id: str
    label: Mapping[str, str]
    min_percent: Decimal


@dataclass(frozen=True)
class Scorecard:
    """A checked scorecard version: its tree, bands and the text it was built from."""

    key: str
    version: str
    year: int
    level: str
    title: Mapping[str, str]
    total_points: Decimal
    bands: tuple[Band, ...]
    domains: tuple[Item, ...]
    text: str
    content_hash: str
    file: str

    def items(self) -> Iterator[Item]:
        """Every item, domains first in file order, depth first."""
        for domain in self.domains:
            yield from domain.walk()

    def item(self, code: str) -> Item:
        """The item with ``code`` (KeyError when unknown)."""
        for item in self.items():
            if item.code == code:
                return item
        raise KeyError(code)

    def leaves(self) -> list[Item]:
        """Items that are scored directly (those without children)."""
        return [i for i in self.items() if i.is_leaf]

    def band_for(self, percent: Decimal) -> Band | None:
        """The band ``percent`` falls in (bands are sorted high to low)."""
        for band in self.bands:
            if percent >= band.min_percent:
                return band
        return None


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _rule(data: Mapping[str, Any] | None) -> Rule | None:
    if data is None:
        return None
    kind = data["type"]
    if kind == "levels":
        return Rule(kind, levels=tuple(Level(lv["id"], lv["label"], Decimal(str(lv["share"])))
                                       for lv in data["levels"]))
    if kind == "proportional":
        return Rule(kind, measure=data.get("measure", {}), zero_at=_dec(data["zero_at"]),
                    full_at=_dec(data["full_at"]))
    if kind == "survey":
        conv = data["conversion"]
        return Rule(kind, survey_index=data["index"], zero_at=_dec(conv["zero_at"]),
                    full_at=_dec(conv["full_at"]), source=conv["source"],
                    verification=conv["verification"])
    return Rule(kind)


CHILD_KEY = {"domain": "criteria", "criterion": "sub_criteria"}
NEXT_KIND = {"domain": "criterion", "criterion": "sub_criterion"}


def build_item(data: Mapping[str, Any], kind: str, lines: Mapping[str, int],
               inherited: tuple[str, str]) -> Item:
    """Build one item and its children from checked data."""
    self_by = data.get("self_scored_by", inherited[0])
    appraised = data.get("appraised_by", inherited[1])
    children = tuple(build_item(c, NEXT_KIND[kind], lines, (self_by, appraised))
                     for c in data.get(CHILD_KEY.get(kind, ""), []) or [])
    return Item(kind, str(data["code"]), data["name"], _dec(data.get("max_points")),
                _rule(data.get("rule")), data.get("evidence") or {}, self_by, appraised,
                data.get("source"), data.get("verification"), children,
                lines.get(str(data["code"]), 0))


def build(data: Mapping[str, Any], text: str, digest: str, file: str,
          lines: Mapping[str, int]) -> Scorecard:
    """Build a :class:`Scorecard` from checked data."""
    defaults = (data.get("self_scored_by", "unit"), data.get("appraised_by", "parent"))
    bands = tuple(Band(b["id"], b["label"], Decimal(str(b["min_percent"])))
                  for b in data.get("bands", []))
    return Scorecard(str(data["key"]), str(data["version"]), int(data["year"]),
                     str(data["level"]), data["title"], Decimal(str(data["total_points"])),
                     bands, tuple(build_item(d, "domain", lines, defaults)
                                  for d in data["domains"]),
                     text, digest, file)
