"""The baseline of the submission benchmark: a bare Flask app with the same two routes.

GET answers a tiny page with a session cookie and a token field; POST parses the form and
redirects with 303, as the survey does when it stores a response, and does nothing else.
"""

from __future__ import annotations

from flask import Flask, make_response, redirect, request

app = Flask(__name__)


@app.get("/s/<token>")
def page(token: str):  # type: ignore[no-untyped-def]
    """A form page with a session cookie."""
    reply = make_response('<form><input type="hidden" name="csrf_token" value="bare"></form>')
    reply.set_cookie("session", token[:8])
    return reply


@app.post("/s/<token>")
def post(token: str):  # type: ignore[no-untyped-def]
    """Read the posted form, then send the client on."""
    if not request.form.get("submission_id"):
        return "missing submission id", 400
    return redirect(f"/s/{token}/done", code=303)
