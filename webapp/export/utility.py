"""Utility of a protected file: how much the main by-group estimates moved.

Unit indices need no check here: disclosure control never changes the unit of a published
unit, the answers, the index variables or the weights, so they are equal by construction (and
tests recompute them from the file and compare with the published numbers). What protection
can move is a breakdown by a respondent item: a suppressed value leaves its group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _weighted_means(groups: pd.Series, score: np.ndarray, w: np.ndarray) -> dict[int, float]:
    ok = groups.notna().to_numpy() & np.isfinite(score) & np.isfinite(w)
    frame = pd.DataFrame({"g": groups.to_numpy()[ok].astype(int), "ws": (w * score)[ok],
                          "w": w[ok]})
    sums = frame.groupby("g")[["ws", "w"]].sum()
    return (sums["ws"] / sums["w"]).to_dict()


def group_share_changes(recoded: pd.DataFrame, protected: pd.DataFrame, score: pd.Series,
                        weights: np.ndarray) -> dict[str, object]:
    """Weighted mean of ``score`` (e.g. ``score_overall``) per category of every item, before
    and after local suppression (both on the recoded categories), and the largest change."""
    y = pd.to_numeric(score, errors="coerce").to_numpy(float, na_value=np.nan)
    w = np.asarray(weights, dtype=float)
    rows: list[dict[str, object]] = []
    for col in protected.columns:
        before = _weighted_means(recoded[col].reset_index(drop=True), y, w)
        after = _weighted_means(protected[col].reset_index(drop=True), y, w)
        for group in sorted(before):
            if group in after:
                rows.append({"variable": col, "group": int(group),
                             "original": float(before[group]),
                             "protected": float(after[group]),
                             "difference": float(after[group] - before[group])})
    biggest = max((abs(float(r["difference"])) for r in rows), default=0.0)  # type: ignore[arg-type]
    return {"score": score.name, "group_shares": rows, "max_group_difference": biggest,
            "unit_indices": "unchanged (units of published indices, answers, index variables "
                            "and weights are not perturbed)"}
