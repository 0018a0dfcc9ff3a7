"""The OpenAPI 3.1 description of ``/api/v1/``, written by hand.

Add an endpoint by adding its path item to ``PATHS`` (and its schemas to ``SCHEMAS``); shared
pieces (the error body, the bearer scheme, the 401 answer) are referenced, not repeated.
"""

from __future__ import annotations

from typing import Any

_ISO_TIME = {"type": "string", "format": "date-time",
             "description": "ISO 8601 with a UTC offset, e.g. 2026-11-27T09:30:00+07:00."}


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "description": "A short machine-readable name."},
            "message": {"type": "string", "description": "What is wrong and how to fix it."},
            "field": {"type": ["string", "null"],
                      "description": "The request field at fault, when there is one."},
        },
    },
    "DossierTokenRequest": {
        "type": "object",
        "additionalProperties": False,
        "required": ["dossier_code", "procedure_code", "received_at", "due_at"],
        "properties": {
            "dossier_code": {"type": "string", "maxLength": 100,
                             "description": "The dossier's code in the one-stop system. Kept "
                                            "only as a keyed hash; one token per dossier."},
            "procedure_code": {"type": "string", "maxLength": 100,
                               "description": "National procedure code (mã TTHC)."},
            "counter_code": {"type": "string", "maxLength": 100,
                             "description": "The counter that handled the dossier."},
            "unit_code": {"type": "string", "maxLength": 100,
                          "description": "The unit, when no counter is given or to tell apart "
                                         "counters of the same code; defaults to the key's "
                                         "unit."},
            "received_at": _ISO_TIME,
            "due_at": _ISO_TIME,
            "returned_at": _ISO_TIME | {"description": "When the result was returned; with "
                                                       "due_at it gives the on-time status."},
        },
    },
    "DossierToken": {
        "type": "object",
        "required": ["token", "url", "expires_at", "qr_svg"],
        "properties": {
            "token": {"type": "string", "description": "Single-use token; shown only once."},
            "url": {"type": "string", "format": "uri",
                    "description": "The survey URL to print on the receipt."},
            "expires_at": {"type": "string", "format": "date-time"},
            "qr_svg": {"type": "string", "contentMediaType": "image/svg+xml",
                       "description": "The URL's QR code as an SVG document."},
        },
    },
}

_NUMBER_OR_NULL = {"type": ["number", "null"]}
SCHEMAS["IndexRow"] = {
    "type": "object",
    "required": ["unit", "period", "scope", "index_id", "estimate", "ci_low", "ci_high",
                 "suppressed"],
    "properties": {
        "unit": {"type": "string"}, "period": {"type": "string"},
        "scope": {"type": "string", "description": "`unit` or `subtree` (roll-up)."},
        "index_id": {"type": "string"}, "index_level": {"type": ["string", "null"]},
        "estimate": _NUMBER_OR_NULL, "se": _NUMBER_OR_NULL, "ci_low": _NUMBER_OR_NULL,
        "ci_high": _NUMBER_OR_NULL, "df": _NUMBER_OR_NULL, "n": _NUMBER_OR_NULL,
        "n_eff": _NUMBER_OR_NULL, "deff": _NUMBER_OR_NULL, "n_responses": _NUMBER_OR_NULL,
        "small_sample": {"type": ["boolean", "null"]},
        "suppressed": {"type": ["boolean", "null"]},
        "ci_method": {"type": ["string", "null"]}, "band": {"type": ["string", "null"]},
    },
}
SCHEMAS["Indices"] = {
    "type": "object",
    "required": ["survey", "period", "unit", "responses", "level", "results"],
    "properties": {
        "survey": {"type": "string"}, "period": {"type": "string"},
        "unit": {"type": ["string", "null"],
                 "description": "The root unit scored; null for the whole country."},
        "responses": {"type": "integer", "minimum": 0},
        "level": {"type": "number", "description": "Confidence level of the intervals."},
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/IndexRow"}},
    },
}

PATHS: dict[str, Any] = {
    "/api/v1/dossier-tokens": {
        "post": {
            "operationId": "createDossierToken",
            "summary": "Mint a single-use survey token for a completed dossier",
            "description": "The token inherits the procedure, its field and the on-time status; "
                           "it expires and can answer one survey only.",
            "security": [{"apiKey": []}],
            "requestBody": {
                "required": True,
                "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/DossierTokenRequest"}}},
            },
            "responses": {
                "201": {"description": "Created",
                        "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/DossierToken"}}}},
                "400": _error("The body is not valid JSON of the expected shape."),
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "403": _error("The unit is outside the API key's scope."),
                "409": _error("A token was already issued for this dossier."),
                "422": _error("Unknown procedure, counter or unit, or impossible times."),
                "413": _error("The body is larger than the server accepts (8 MiB)."),
                "429": {**_error("Too many requests; retry after the Retry-After seconds."),
                        "headers": {"Retry-After": {"schema": {"type": "string"}}}},
            },
        },
    },
}


# GET /api/v1/indices (staff workspace, webapp/api/indices.py): the numbers of the unit pages.
PATHS["/api/v1/indices"] = {
    "get": {
        "operationId": "getIndices",
        "summary": "Satisfaction indices of a survey and period, per unit, with 95% intervals",
        "description": "Every unit of the subtree of `unit` (default: the caller's scope), with "
                       "roll-ups (scope `subtree`). Same numbers as the staff pages. An API key "
                       "sees its unit's subtree (all units without a unit); a signed-in staff "
                       "session cookie is accepted too and sees the user's subtree.",
        "security": [{"apiKey": []}, {"staffSession": []}],
        "parameters": [
            {"name": "survey", "in": "query", "required": True, "schema": {"type": "string"},
             "description": "Survey key, e.g. sipas."},
            {"name": "period", "in": "query", "required": True, "schema": {"type": "string"},
             "description": "YYYY, YYYY-Qn or YYYY-MM."},
            {"name": "unit", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "Unit code; its subtree is scored."},
        ],
        "responses": {
            "200": {"description": "Indices; `results` rows carry unit, period, scope, "
                                   "index_id, index_level, estimate, se, ci_low, ci_high, df, "
                                   "n, n_eff, n_responses, small_sample, suppressed, ci_method "
                                   "(estimates are null where suppressed).",
                    "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Indices"}}}},
            "400": _error("Missing survey or a period not written YYYY, YYYY-Qn or YYYY-MM."),
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "403": _error("The unit is outside the caller's scope."),
            "404": _error("Unknown survey or unit."),
        },
    },
}


def openapi_document(base_url: str) -> dict[str, Any]:
    """Return the OpenAPI document, with ``base_url`` as the server."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "hailong API", "version": "1",
                 "description": "Citizen-feedback surveys for public administration."},
        "servers": [{"url": base_url}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "apiKey": {"type": "http", "scheme": "bearer",
                           "description": "An API key from `hailong apikeys create` or the "
                                          "administration page; stored only as a hash."},
                "staffSession": {"type": "apiKey", "in": "cookie", "name": "session",
                                 "description": "A signed-in staff browser session (read-only "
                                                "endpoints only; never for state changes)."}},
            "responses": {"Unauthorized": {
                "description": "Missing, unknown or revoked API key.",
                "headers": {"WWW-Authenticate": {"schema": {"type": "string"},
                                                 "description": "Bearer realm=\"hailong\""}},
                "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Error"}}}}},
        },
    }
