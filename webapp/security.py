"""Security headers on every response: content policy, framing, referrer, caching, HSTS.

* Every HTML page gets a Content-Security-Policy without ``'unsafe-inline'``: the survey's
  inlined stylesheet carries a per-request nonce (``csp_nonce()`` in templates). Only a page
  that inlines a script through ``script_nonce()`` (the survey's "Nghe" listening script) gets
  ``script-src`` with that nonce and ``media-src 'self'``; every other page runs no script at
  all under ``default-src 'none'``. One staff page records audio in the browser: its script
  asks through ``recorder_nonce()``, allowed only on the listening pages (``RECORDER_PAGES``),
  which adds ``blob:`` to ``media-src`` so the take can be heard before it is uploaded.
* Survey pages (``/s/ /k/ /d/``) send ``Referrer-Policy: no-referrer`` so the token in their
  URL never reaches another site; other pages send ``same-origin``.
* No page may be framed (``frame-ancestors 'none'``) except the kiosk survey, whose allowed
  ancestors come from ``HAILONG_KIOSK_FRAME_ANCESTORS`` (default: none either).
* Staff pages, the kiosk survey and the API answer ``Cache-Control: no-store``: they carry
  unit data, CSRF tokens or single-use tokens, and on a shared tablet the next citizen must
  not page back into the previous one's answers. Survey pages on the citizen's own phone
  (``/s/ /d/``) answer ``private, no-cache``: no proxy keeps them, the browser's back button
  still works.
* ``Strict-Transport-Security`` when the request came over HTTPS or the site is declared HTTPS.

Before any view, a request carrying NUL in its path, query or form is refused (400).
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, abort, current_app, g, request
from flask_babel import gettext as _

SURVEY_PREFIXES = ("/s/", "/k/", "/d/")
KIOSK_PREFIX = "/k/"
NO_STORE_PREFIXES = ("/staff", "/admin", "/auth", "/api/", KIOSK_PREFIX)
PRIVATE_PREFIXES = ("/s/", "/d/")
HSTS = "max-age=31536000"


def csp_nonce() -> str:
    """The nonce of this response's Content-Security-Policy (made on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return str(g.csp_nonce)


def script_nonce() -> str:
    """The nonce for an inline script of ours; the page's policy then allows it (and audio)."""
    g.csp_script = True
    return csp_nonce()


# Endpoints whose page may run the recorder script (the staff listening pages only).
RECORDER_PAGES = frozenset({"inclusion.listening", "inclusion.upload_audio",
                            "inclusion.unit_listening", "inclusion.unit_upload_audio"})


def recorder_nonce() -> str:
    """The nonce for the listening page's recorder script; the policy then also lets the page
    play its own recording (``blob:``). Any other page asking is a programming error."""
    if request.endpoint not in RECORDER_PAGES:
        raise RuntimeError(f"{request.endpoint} may not run the recorder script")
    g.csp_media_blob = True
    return script_nonce()


def content_policy(nonce: str | None, frame_ancestors: str, *, script: bool = False,
                   media_blob: bool = False) -> str:
    """The Content-Security-Policy: own stylesheets (and a nonce'd inline one); scripts only
    with the nonce on a page that asked for one."""
    styles = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    media = "media-src 'self'" + (" blob:" if media_blob else "")
    scripts = [f"script-src 'nonce-{nonce}'", media] if script and nonce else []
    return "; ".join([
        "default-src 'none'",
        f"style-src {styles}",
        *scripts,
        "img-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        f"frame-ancestors {frame_ancestors}",
    ])


def _frame_ancestors() -> str:
    if request.path.startswith(KIOSK_PREFIX):
        return str(current_app.config.get("HAILONG_KIOSK_FRAME_ANCESTORS") or "'none'")
    return "'none'"


def _set_headers(response: Response) -> Response:
    headers = response.headers
    ancestors = _frame_ancestors()
    headers.setdefault("X-Content-Type-Options", "nosniff")
    survey = request.path.startswith(SURVEY_PREFIXES)
    headers.setdefault("Referrer-Policy", "no-referrer" if survey else "same-origin")
    if response.mimetype == "text/html":
        headers["Content-Security-Policy"] = content_policy(g.get("csp_nonce"), ancestors,
                                                         script=bool(g.get("csp_script")),
                                                         media_blob=bool(g.get("csp_media_blob")))
    elif response.mimetype == "image/svg+xml":
        # Posters and QR codes come from matplotlib/qrcode with inline styles; opened on their
        # own they may style themselves but never run a script.
        headers["Content-Security-Policy"] = ("default-src 'none'; style-src 'unsafe-inline'; "
                                              f"frame-ancestors {ancestors}")
    # X-Frame-Options cannot name other sites: only the default and 'self' map onto it.
    if ancestors == "'none'":
        headers.setdefault("X-Frame-Options", "DENY")
    elif ancestors == "'self'":
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    if request.path.startswith(NO_STORE_PREFIXES):
        headers["Cache-Control"] = "no-store"
    elif request.path.startswith(PRIVATE_PREFIXES):
        # The citizen's own phone: no shared cache may keep the page, but the browser may,
        # so "back" from the thank-you page shows the last page instead of an error.
        headers["Cache-Control"] = "private, no-cache"
    if request.is_secure or current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def _refuse_nul() -> None:
    """No input of this application may hold NUL: PostgreSQL refuses it in text (a 500 deep
    inside a query otherwise), and no browser sends it from a real form."""
    values = [request.path, *request.args.keys(), *request.args.values()]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values += [*request.form.keys(), *request.form.values()]
    if any("\x00" in value for value in values):
        abort(400, description=_("The request contains a NUL character, which no form sends."))


def init_app(app: Flask) -> None:
    """Add the headers to every response and offer ``csp_nonce()`` to templates."""
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.jinja_env.globals["script_nonce"] = script_nonce
    app.jinja_env.globals["recorder_nonce"] = recorder_nonce
    app.before_request(_refuse_nul)
    app.after_request(_set_headers)
