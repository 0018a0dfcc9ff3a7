"""Turning chunks of responses (from ``services.microdata``) into export rows.

Weights and disclosure control need every row of the export, so they are applied in a second
pass (see :mod:`webapp.export.service`); what is built here depends on one row only: the unit
path from the root, labels of context columns, answers spread into variables, per-respondent
derived scores and the design variables ``stratum`` and ``poststratum``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

import survey_defs
from analysis.scoring.composite import build_composite

from ..models import ProcedureField, Unit
from ..unit_tree import paths_from_top
from .labels import Variable, nfc

Scrubber = Callable[[str], str]


@dataclass(frozen=True)
class UnitTree:
    """Every unit's path from the root as ``(code, name)`` pairs, and the deepest path."""

    paths: dict[str, tuple[tuple[str, str], ...]]
    names: dict[str, str]

    @property
    def depth(self) -> int:
        return max((len(p) for p in self.paths.values()), default=1)


def load_tree(session: Session) -> UnitTree:
    """Read the unit tree once (a few thousand rows at most)."""
    rows = session.execute(select(Unit.id, Unit.code, Unit.name_vi, Unit.parent_id)).all()
    paths = {code: tuple((c, nfc(name)) for c, name in path)
             for code, path in paths_from_top([tuple(r) for r in rows]).items()}
    return UnitTree(paths, {r.code: nfc(r.name_vi) for r in rows})


def field_names(session: Session) -> dict[str, str]:
    """Procedure field code → Vietnamese name."""
    rows = session.execute(select(ProcedureField.code, ProcedureField.name_vi)).all()
    return {code: nfc(name) for code, name in rows}


@dataclass
class FrameBuilder:
    """Builds export rows for one survey version's definition."""

    survey: str
    definition: survey_defs.SurveyDefinition
    variables: Sequence[Variable]
    tree: UnitTree
    fields: dict[str, str]
    scrub: Scrubber | None = None

    def build(self, chunk: pd.DataFrame) -> pd.DataFrame:
        """Return the export columns (weight and ``ps_total`` still empty) for ``chunk``."""
        chunk = chunk.reset_index(drop=True)
        for aid in self.definition.answer_ids():
            if aid not in chunk.columns:
                chunk[aid] = None
        out: dict[str, Any] = {
            "response_id": chunk["response_id"].astype(object),
            "survey": self.survey,
            "survey_version": chunk["survey_version"],
        }
        out.update(self._units(chunk["unit"]))
        out.update({
            "counter": chunk["counter"], "field": chunk["field"],
            "field_name": chunk["field"].map(self.fields),
            "period": chunk["period"], "month": chunk["month"], "channel": chunk["channel"],
            "on_time": chunk["on_time"].map({True: 1, False: 0}),
            "language": chunk["language"],
        })
        derived = self._derived(chunk)
        for var in self.variables:
            if var.role in ("answer", "respondent", "text"):
                out[var.name] = self._answer(chunk, var)
            elif var.role == "derived":
                out[var.name] = derived[var.name]
        out["stratum"] = chunk["unit"].astype(str) + "|" + chunk["period"].astype(str)
        out["poststratum"] = out["stratum"] + "|" + chunk["field"].astype(str)
        out["ps_total"] = np.nan
        out["weight"] = np.nan
        frame = pd.DataFrame(out, index=chunk.index)
        return coerce(frame, self.variables)

    def _units(self, units: pd.Series) -> dict[str, Any]:
        out: dict[str, Any] = {"unit": units, "unit_name": units.map(self.tree.names)}
        for level in range(self.tree.depth):
            codes = {u: p[level][0] for u, p in self.tree.paths.items() if level < len(p)}
            names = {u: p[level][1] for u, p in self.tree.paths.items() if level < len(p)}
            out[f"unit_level{level + 1}_code"] = units.map(codes)
            out[f"unit_level{level + 1}_name"] = units.map(names)
        return out

    def _answer(self, chunk: pd.DataFrame, var: Variable) -> pd.Series:
        assert var.source is not None
        raw = chunk[var.source]
        if var.role == "text":
            scrub = self.scrub or (lambda text: text)
            return raw.map(lambda v: scrub(nfc(v)) if isinstance(v, str) and v else None)
        question = self.definition.answer_question(var.source)
        if question.type == "multiple":
            code = int(var.name.rsplit("_", 1)[1])
            return raw.map(lambda v: np.nan if not isinstance(v, list) else float(code in v))
        return pd.to_numeric(raw, errors="coerce")

    def _derived(self, chunk: pd.DataFrame) -> dict[str, pd.Series]:
        spec = self.definition.scoring_spec()
        if spec.get("method") is None:
            return {}
        comp = build_composite(chunk, spec)
        with np.errstate(invalid="ignore"):
            values = np.where(comp.denominator > 0, comp.numerator, np.nan)
        by_ratio = {rid: pd.Series(values[:, j]) for j, rid in enumerate(comp.ratio_ids)}
        out: dict[str, pd.Series] = {}
        for var in self.variables:
            if var.role == "derived" and var.note.startswith("ratio:"):
                out[var.name] = by_ratio[var.note.split(":", 1)[1]]
        if spec["method"] == "sipas":
            elements = []
            for element in spec["elements"]:
                cols = np.column_stack([by_ratio[item] for item in element["criteria"]])
                score = _row_mean(cols)
                out[f"score_{element['id']}".lower()] = pd.Series(score)
                elements.append(score)
            out["score_overall"] = pd.Series(_row_mean(np.column_stack(elements)))
        return out


def _row_mean(matrix: np.ndarray) -> np.ndarray:
    counts = (~np.isnan(matrix)).sum(axis=1)
    sums = np.nansum(matrix, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def is_coded(var: Variable) -> bool:
    """True for numeric variables holding integer codes (stored as nullable integers)."""
    return var.kind == "numeric" and var.measure != "scale"


def coerce(frame: pd.DataFrame, variables: Sequence[Variable]) -> pd.DataFrame:
    """Give every column its fixed type: nullable integers for codes, floats, NFC strings."""
    out = {}
    for var in variables:
        col = frame[var.name] if var.name in frame else pd.Series(None, index=frame.index)
        if var.kind == "string":
            # Text is NFC already: names from the database through load_tree/field_names,
            # free text in _answer; codes are ASCII.
            # pandas' Arrow-backed "str" keeps the column in Arrow's layout, which the
            # Parquet and CSV writers take without converting each value.
            out[var.name] = col if isinstance(col.dtype, pd.StringDtype) else col.astype("str")
        elif is_coded(var):
            # Built directly from the rounded values and their mask: astype("Int64") checks
            # every value again and cost seconds per million rows.
            values = np.rint(pd.to_numeric(col, errors="coerce").to_numpy(float,
                                                                          na_value=np.nan))
            missing = np.isnan(values)
            out[var.name] = pd.Series(pd.arrays.IntegerArray(
                np.where(missing, 0, values).astype(np.int64), missing), index=frame.index)
        else:
            out[var.name] = pd.to_numeric(col, errors="coerce").astype("float64")
    return pd.DataFrame(out, index=frame.index)
