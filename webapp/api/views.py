"""Views of the API: check the key and the body, call the service, answer JSON."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from werkzeug.wrappers import Response

from ..administration.apikeys import authenticate_api_key
from ..db import get_session
from ..models import ApiKey
from ..respond.dossier_tokens import DossierTokenRequestError, mint_dossier_token
from ..respond.ratelimit import get_rate_limiter
from .errors import ApiError
from .indices import indices_answer
from .openapi import openapi_document
from .schemas import BadRequest, parse_mint_request
from .serializers import dossier_token_created

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MINT_LIMIT_PER_MINUTE = 600  # per API key: far above a one-stop centre's pace


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> tuple[Response, int]:
    response = jsonify(error=exc.error, message=exc.message, field=exc.field)
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="hailong"'
    if exc.status == 429:
        response.headers["Retry-After"] = "60"
    return response, exc.status


def _require_key() -> ApiKey:
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    key = authenticate_api_key(get_session(), raw.strip()) if scheme.lower() == "bearer" else None
    if key is None:
        raise ApiError(401, "unauthorized", "send a valid, unrevoked API key as "
                                            "'Authorization: Bearer <key>'")
    return key


@bp.post("/dossier-tokens")
def create_dossier_token() -> tuple[Response, int]:
    """Mint a single-use dossier token for the one-stop system."""
    key = _require_key()
    if not get_rate_limiter(current_app).hit(f"apikey:{key.id}", limit=MINT_LIMIT_PER_MINUTE,
                                             window_seconds=60):
        raise ApiError(429, "too_many_requests", "too many tokens minted this minute")
    try:
        body = parse_mint_request(request.get_json(silent=True))
        raw, token = mint_dossier_token(
            get_session(), api_key=key, dossier_code=body.dossier_code,
            procedure_code=body.procedure_code, counter_code=body.counter_code,
            unit_code=body.unit_code, received_at=body.received_at, due_at=body.due_at,
            returned_at=body.returned_at, config=current_app.config)
    except BadRequest as exc:
        raise ApiError(400, "bad_request", exc.message, exc.field) from None
    except DossierTokenRequestError as exc:
        raise ApiError(exc.status, "invalid_request", exc.message, exc.field) from None
    return jsonify(dossier_token_created(raw, token, current_app.config)), 201


@bp.get("/openapi.json")
def openapi() -> Response:
    """Serve the OpenAPI description of this API."""
    return jsonify(openapi_document(current_app.config["HAILONG_BASE_URL"]))


@bp.get("/indices")
def indices() -> Response:
    """Indices of a survey and period for a unit's subtree (or the caller's whole scope)."""
    return indices_answer()
