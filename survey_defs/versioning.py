"""What publishing needs from a definition: its frozen record, and what a change does to scores.

Storage lives in the web application; these are the pure functions it calls.
"""

from __future__ import annotations

from typing import Any

from survey_defs.model import SurveyDefinition


def version_record(definition: SurveyDefinition) -> dict[str, Any]:
    """The data a published survey version freezes: key, label, hash and the exact text."""
    return {"key": definition.key, "version": definition.version,
            "content_hash": definition.content_hash, "source_text": definition.source_text}


def _codes(definition: SurveyDefinition, answer_id: str) -> tuple[str, list[int] | None]:
    q = definition.answer_question(answer_id)
    scale = definition.scale_of(answer_id)
    codes = None if scale is None else [c.code for c in scale.all_choices(q.no_opinion)]
    return q.type, codes


def _scored_items(spec: dict[str, Any]) -> dict[str, str]:
    """Answer id -> where it is scored (element, indicator or overall item)."""
    items: dict[str, str] = {}
    if spec.get("method") == "sipas":
        for e in spec["elements"]:
            for c in e["criteria"]:
                items[c] = f"criterion of element {e['id']}"
            if e.get("satisfaction_item"):
                items[e["satisfaction_item"]] = f"satisfaction item of element {e['id']}"
        if spec.get("overall_item"):
            items[spec["overall_item"]] = "overall item"
    elif spec.get("method") == "papi":
        for dim in spec["dimensions"]:
            for sub in dim["subdimensions"]:
                for ind in sub["indicators"]:
                    items[ind["item"]] = f"indicator {ind['id']} of sub-dimension {sub['id']}"
    elif spec.get("method") == "onestop":
        items[spec["overall_item"]] = "overall item"
        for ind in spec["indicators"]:
            if ind.get("supplied_by") != "dossier":  # read from the dossier, not an answer
                items[ind["item"]] = f"indicator {ind['id']}"
    return items


def _setting_changes(old: dict[str, Any], new: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    return [f"setting '{k}' changed from {old.get(k)!r} to {new.get(k)!r}"
            for k in keys if old.get(k) != new.get(k)]


def _papi_indicators(spec: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    return {ind["id"]: (f"{dim['id']}/{sub['id']}", ind)
            for dim in spec["dimensions"] for sub in dim["subdimensions"]
            for ind in sub["indicators"]}


def _papi_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out = _setting_changes(old, new, ("dimension_range", "total_range", "indicator_rescale",
                                      "subdimension_aggregation"))
    new_inds = _papi_indicators(new)
    for ind_id, (where, ind) in _papi_indicators(old).items():
        if ind_id not in new_inds:
            out.append(f"indicator '{ind_id}' ({where}) was removed")
            continue
        new_where, new_ind = new_inds[ind_id]
        if new_where != where:
            out.append(f"indicator '{ind_id}' moved from {where} to {new_where}")
        for key in ("item", "values", "direction", "bounds", "eligible_if"):
            if ind.get(key) != new_ind.get(key):
                out.append(f"indicator '{ind_id}': {key} changed from {ind.get(key)!r} "
                           f"to {new_ind.get(key)!r}")
    return out


def _onestop_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out = _setting_changes(old, new, ("overall_item", "satisfied_codes",
                                      "max_points_per_indicator", "band_basis"))
    new_inds = {i["id"]: i for i in new["indicators"]}
    for ind in old["indicators"]:
        other = new_inds.get(ind["id"])
        if other is None:
            out.append(f"indicator '{ind['id']}' was removed")
        elif (ind["item"], ind["points"]) != (other["item"], other["points"]):
            out.append(f"indicator '{ind['id']}': points or item changed from "
                       f"{ind['item']} {ind['points']} to {other['item']} {other['points']}")
    band_keys = ("min_share", "max_share", "inclusive_max")
    old_bands = [(b["id"],) + tuple(b[k] for k in band_keys) for b in old["bands"]]
    new_bands = [(b["id"],) + tuple(b[k] for k in band_keys) for b in new["bands"]]
    if old_bands != new_bands:
        out.append(f"bands changed from {old_bands} to {new_bands}")
    return out


def _sipas_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return _setting_changes(old, new, ("scale", "satisfied_codes", "excluded_codes",
                                       "element_method", "overall_method", "overall_item"))


def scoring_changes(old: SurveyDefinition, new: SurveyDefinition) -> list[str]:
    """Changes that alter how items scored in ``old`` are scored in ``new``.

    Label edits and new items are not listed; moved, removed or recoded scored items,
    changed satisfied codes, directions, bounds, points and bands are.
    """
    old_spec, new_spec = old.scoring_spec(), new.scoring_spec()
    if old_spec.get("method") != new_spec.get("method"):
        return [f"scoring method changed from {old_spec.get('method')!r} "
                f"to {new_spec.get('method')!r}"]
    out: list[str] = []
    by_method = {"sipas": _sipas_changes, "papi": _papi_changes, "onestop": _onestop_changes}
    if old_spec.get("method") in by_method:
        out += by_method[old_spec["method"]](old_spec, new_spec)
    new_items = _scored_items(new_spec)
    new_ids = set(new.answer_ids())
    for item, role in _scored_items(old_spec).items():
        if item not in new_ids:
            out.append(f"scored item '{item}' ({role}) no longer exists")
            continue
        if item not in new_items:
            out.append(f"item '{item}' is no longer scored (was {role})")
        elif new_items[item] != role and old_spec.get("method") == "sipas":
            out.append(f"item '{item}' moved: was {role}, now {new_items[item]}")
        if item in old.answer_ids() and _codes(old, item) != _codes(new, item):
            (t0, c0), (t1, c1) = _codes(old, item), _codes(new, item)
            out.append(f"item '{item}' changed its answers from {t0} {c0} to {t1} {c1}")
    return out
