"""Gzip for text responses: the survey must stay small on a slow 3G connection."""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

COMPRESSIBLE = ("text/html", "text/css", "application/json", "image/svg+xml",
                "application/javascript", "text/csv")
MIN_SIZE = 512


def _compress(response: Response) -> Response:
    if (response.status_code < 200 or response.status_code >= 300 and response.status_code != 422
            or "Content-Encoding" in response.headers
            or response.mimetype not in COMPRESSIBLE
            or "gzip" not in request.headers.get("Accept-Encoding", "").lower()):
        return response
    response.direct_passthrough = False  # static files: read them so they can be compressed
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    response.set_data(gzip.compress(data, compresslevel=6))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    # The ETag of the uncompressed body no longer describes what is sent.
    if response.headers.get("ETag"):
        etag, weak = response.get_etag()
        response.set_etag(etag, weak=True)
    return response


def init_app(app: Flask) -> None:
    """Compress text responses for clients that accept gzip."""
    app.after_request(_compress)
