"""The answer to ``GET /api/v1/indices``: the staff pages' numbers as JSON, by the same code path.

Authentication: either an API key (``Authorization: Bearer hlk_...``), scoped to its unit's
subtree (every unit when the key has no unit), or a signed-in staff session (the browser's
cookie), scoped to the user's subtree (every unit for administrators). Without ``unit`` the
answer covers the whole scope; a ``unit`` outside it is refused with 403, an unknown one 404.
"""

from __future__ import annotations

from flask import jsonify, request
from werkzeug.wrappers import Response

from ..administration.apikeys import authenticate_api_key
from ..auth.access import current_user, visible_unit_ids
from ..db import get_session
from ..models import Role
from ..periods import PeriodError, parse_period
from ..statistics.indices import IndicesError
from ..statistics.indices_cache import cached_indices
from ..statistics.indices_export import indices_document
from ..unit_tree import UnitNotFound, UnitOutsideScope, resolve_scope, subtree_ids
from .errors import ApiError


def _scope() -> tuple[set[int] | None, str | None]:
    """The unit ids the caller may see (None = all) and the code of its root unit."""
    session = get_session()
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        key = authenticate_api_key(session, raw.strip())
        if key is None:
            raise ApiError(401, "unauthorized", "the API key is unknown or revoked")
        if key.unit_id is None:
            return None, None
        return subtree_ids(session, key.unit_id), key.unit.code if key.unit else None
    user = current_user()
    if user is None:
        raise ApiError(401, "unauthorized", "send an API key as 'Authorization: Bearer <key>' "
                                            "or sign in as staff")
    if user.role is Role.INTERVIEWER:
        raise ApiError(403, "forbidden", "interviewers' accounts do not read indices")
    ids = visible_unit_ids(session, user)
    return ids, (user.unit.code if ids is not None and user.unit else None)


def indices_answer() -> Response:
    """Indices of a survey and period for a unit's subtree (or the caller's whole scope)."""
    ids, root = _scope()
    survey = request.args.get("survey", "").strip()
    period = request.args.get("period", "").strip()
    if not survey:
        raise ApiError(400, "bad_request", "give the survey key, e.g. survey=sipas", "survey")
    try:
        period = str(parse_period(period))
    except PeriodError as exc:
        raise ApiError(400, "bad_request", str(exc), "period") from None
    unit_code = request.args.get("unit") or root
    if request.args.get("unit"):
        try:
            resolve_scope(get_session(), ids, unit_code)
        except UnitNotFound:
            raise ApiError(404, "not_found", f"unknown unit code {unit_code!r}", "unit") from None
        except UnitOutsideScope:
            raise ApiError(403, "forbidden", "the unit is outside your scope", "unit") from None
    elif ids is not None and root is None:
        raise ApiError(403, "forbidden", "your account is not attached to a unit")
    try:
        table = cached_indices(get_session(), survey, period, unit_code)
    except IndicesError as exc:
        raise ApiError(404, "not_found", str(exc), "survey") from None
    return jsonify(indices_document(table, unit_code))
