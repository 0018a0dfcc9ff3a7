"""The interviewer's page: the people assigned to them, with the contact data to find them."""

from __future__ import annotations

from flask import Blueprint, make_response, render_template
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..auth.access import current_user, login_required
from ..db import get_session
from ..models import FieldSample, SampleMember
from .samples import contacts_for

bp = Blueprint("fieldwork", __name__, url_prefix="/staff/fieldwork", template_folder="templates")


@bp.get("/assignments")
@login_required
def assignments() -> Response:
    """Open samples with members assigned to the signed-in user, and only their contacts."""
    session = get_session()
    user = current_user()
    assert user is not None
    samples = session.scalars(
        select(FieldSample).where(FieldSample.closed_at.is_(None),
                                  FieldSample.id.in_(select(SampleMember.sample_id).where(
                                      SampleMember.interviewer_id == user.id)))
        .order_by(FieldSample.name)).all()
    groups = [(sample, contacts_for(session, sample, user)) for sample in samples]
    response = make_response(render_template("fieldwork/assignments.html", groups=groups))
    # Names, addresses and phones: never kept by a browser or a proxy cache.
    response.headers["Cache-Control"] = "no-store"
    return response
