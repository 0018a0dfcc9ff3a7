"""Multi-stage area samples (the PAPI design) from a design file.

The frame has one row per village with its administrative path (e.g. province, district,
commune, village), a size measure (eligible adults) and flags for forced units. A design file
(YAML, see ``designs/papi.yaml``) lists the area stages in order; each stage draws units of its
level within each selected unit of the level above, by PPS of the summed size with forced
units taken surely (:func:`pps_inclusion_probabilities`), or by SRS. An optional last stage
draws residents by SRS from the list of each selected village, with an ordered replacement
list. Conditional probabilities multiply into the overall ``prob``.

Design variables for the variance (R ``svydesign(ids=~psu+ssu, strata=~stratum, probs=~prob)``):
a first-stage unit taken with certainty is not sampled, so it becomes its own stratum and its
second-stage units become the PSUs (Valliant, Dever & Kreuter 2013, sec. 15.4). Otherwise the
stratum is the first-stage stratum, the PSU the first-stage unit, the SSU the second-stage unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis.errors import AnalysisError
from analysis.sampling.probabilities import as_flags, as_sizes, pps_inclusion_probabilities
from analysis.sampling.single import pps_systematic_indices, srs_indices

__all__ = ["DESIGNS_DIR", "MultiStageDesign", "StageSpec", "draw_multistage"]

DESIGNS_DIR = Path(__file__).with_name("designs")


@dataclass(frozen=True)
class StageSpec:
    """One stage: the level (frame column) drawn, how many per parent unit, and how."""

    level: str
    n: int
    method: str = "pps"
    certainty: str | None = None
    n_by: Mapping[str, int] = field(default_factory=dict)
    replacements: int = 0


@dataclass(frozen=True)
class MultiStageDesign:
    """A design file: strata column, size measure, area stages and an optional person stage."""

    name: str
    stratum: str
    size_measure: str
    stages: tuple[StageSpec, ...]
    persons: StageSpec | None = None

    @classmethod
    def load(cls, path: str | Path) -> MultiStageDesign:
        """Read a YAML design file; raise :class:`AnalysisError` naming the bad key."""
        path = Path(path)
        if not path.exists() and (DESIGNS_DIR / f"{path}.yaml").exists():
            path = DESIGNS_DIR / f"{path}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise AnalysisError(f"{path}: a design file is a mapping")
        try:
            stages = tuple(_stage(s, path) for s in data["stages"])
            persons = _stage(data["persons"], path) if data.get("persons") else None
            design = cls(name=str(data["name"]), stratum=str(data["stratum"]),
                         size_measure=str(data["size_measure"]), stages=stages, persons=persons)
        except KeyError as exc:
            raise AnalysisError(f"{path}: missing key {exc.args[0]!r}") from None
        if not design.stages:
            raise AnalysisError(f"{path}: 'stages' lists no stage")
        return design


def _stage(raw: Mapping, path: Path) -> StageSpec:
    unknown = set(raw) - {"level", "n", "method", "certainty", "n_by", "replacements"}
    if unknown:
        raise AnalysisError(f"{path}: unknown stage key {sorted(unknown)[0]!r}")
    method = str(raw.get("method", "pps"))
    if method not in ("pps", "srs"):
        raise AnalysisError(f"{path}: stage {raw.get('level')!r}: method must be pps or srs")
    return StageSpec(level=str(raw["level"]), n=int(raw["n"]), method=method,
                     certainty=raw.get("certainty"), n_by=dict(raw.get("n_by") or {}),
                     replacements=int(raw.get("replacements", 0)))


@dataclass(frozen=True)
class MultiStageSample:
    """Selected area units (last area stage, one row each) and, with a person stage, persons."""

    units: pd.DataFrame
    persons: pd.DataFrame | None


def _draw_units(rng: np.random.Generator, units: pd.DataFrame, spec: StageSpec, n: int,
                size: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    forced = units[spec.certainty].to_numpy(bool) if spec.certainty else None
    if spec.method == "srs":
        if n > len(units):
            raise AnalysisError(f"cannot draw {n} {spec.level} units from {len(units)}")
        chosen, _ = srs_indices(rng, len(units), n)
        return chosen, np.full(len(units), n / len(units)), np.zeros(len(units), bool)
    prob, certain = pps_inclusion_probabilities(units[size].to_numpy(float), n, forced)
    rest = np.flatnonzero(~certain)
    drawn = rest[pps_systematic_indices(rng, units[size].to_numpy(float)[rest],
                                        n - int(certain.sum()))]
    return np.sort(np.concatenate([np.flatnonzero(certain), drawn])), prob, certain


def draw_multistage(frame: pd.DataFrame, design: MultiStageDesign, rng: np.random.Generator,
                    persons: pd.DataFrame | None = None) -> MultiStageSample:
    """Draw the area stages from ``frame`` (one row per last-level unit) and persons from lists.

    Added columns: ``prob_<level>`` per stage, ``certain_<level>``, ``prob``, ``base_weight``,
    ``stratum``, ``psu``, ``ssu``; persons also ``role`` and ``replacement_rank``.
    """
    levels = [s.level for s in design.stages]
    needed = [design.stratum, *levels, design.size_measure,
              *[s.certainty for s in design.stages if s.certainty]]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise AnalysisError(f"the frame has no column {missing[0]!r} needed by design "
                            f"{design.name!r}")
    frame = frame.copy()
    frame[design.size_measure] = as_sizes(frame[design.size_measure], design.size_measure)
    for s in design.stages:
        if s.certainty:
            frame[s.certainty] = as_flags(frame[s.certainty], s.certainty)
    selected = frame
    parents = [design.stratum]
    for spec in design.stages:
        keys = [*parents, spec.level]
        agg = {design.size_measure: "sum"}
        if spec.certainty:
            agg[spec.certainty] = "max"
        units = selected.groupby(keys, sort=True, as_index=False).agg(agg)
        kept = []
        for parent, group in units.groupby(parents, sort=True):
            group = group.reset_index(drop=True)
            label = parent[0] if len(parents) == 1 else parent
            n = int(spec.n_by.get(str(parent[0]), spec.n)) if len(parents) == 1 else spec.n
            n = min(n, len(group))  # a parent with fewer units than n gives all of them
            try:
                chosen, prob, certain = _draw_units(rng, group, spec, n, design.size_measure)
            except AnalysisError as exc:
                raise AnalysisError(f"stage {spec.level!r} within {label!r}: {exc}") from None
            part = group.loc[chosen, keys].copy()
            part[f"prob_{spec.level}"] = prob[chosen]
            part[f"certain_{spec.level}"] = certain[chosen]
            kept.append(part)
        chosen_units = pd.concat(kept, ignore_index=True)
        selected = selected.merge(chosen_units, on=keys, how="inner")
        parents = keys
    prob = np.ones(len(selected))
    for spec in design.stages:
        prob *= selected[f"prob_{spec.level}"].to_numpy(float)
    selected["prob"] = prob
    _design_variables(selected, design)
    if design.persons is None or persons is None:
        selected["base_weight"] = 1.0 / selected["prob"]
        return MultiStageSample(units=selected, persons=None)
    return MultiStageSample(units=selected,
                            persons=_draw_persons(rng, selected, persons, design, parents))


def _design_variables(selected: pd.DataFrame, design: MultiStageDesign) -> None:
    first = design.stages[0].level
    second = design.stages[1].level if len(design.stages) > 1 else first
    third = design.stages[2].level if len(design.stages) > 2 else second
    certain = selected[f"certain_{first}"].to_numpy(bool)
    stratum = selected[design.stratum].astype(str)
    selected["stratum"] = np.where(certain, stratum + "/" + selected[first].astype(str),
                                   stratum)
    selected["psu"] = np.where(certain, selected[second].astype(str),
                               selected[first].astype(str))
    selected["ssu"] = np.where(certain, selected[third].astype(str),
                               selected[second].astype(str))


def _draw_persons(rng: np.random.Generator, units: pd.DataFrame, persons: pd.DataFrame,
                  design: MultiStageDesign, keys: list[str]) -> pd.DataFrame:
    spec = design.persons
    assert spec is not None
    missing = [c for c in keys if c not in persons.columns]
    if missing:
        raise AnalysisError(f"the person list has no column {missing[0]!r}")
    lists = persons.groupby(keys, sort=True)
    pieces = []
    for _, unit in units.iterrows():
        key = tuple(unit[k] for k in keys)
        try:
            people = lists.get_group(key).reset_index(drop=True)
        except KeyError:
            raise AnalysisError(f"village {key} was selected but has no person list") from None
        n = min(spec.n, len(people))
        chosen, rank = srs_indices(rng, len(people), n, spec.replacements)
        rows = np.concatenate([chosen, rank])
        picked = people.loc[rows].copy()
        within = n / len(people)
        for column in ["prob", "stratum", "psu", "ssu",
                       *[c for c in units.columns if c.startswith(("prob_", "certain_"))]]:
            picked[column] = unit[column]
        picked[f"prob_{spec.level}"] = within
        picked["prob"] = unit["prob"] * within
        picked["base_weight"] = 1.0 / picked["prob"]
        picked["role"] = ["sample"] * len(chosen) + ["replacement"] * len(rank)
        picked["replacement_rank"] = np.concatenate(
            [np.zeros(len(chosen), np.int64), np.arange(1, len(rank) + 1)])
        pieces.append(picked)
    return pd.concat(pieces, ignore_index=True)
