"""The comments inbox: list with filters; follow-up actions for managers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from .. import once
from ..auth.access import (
    can_act,
    can_see,
    current_user,
    login_required,
    request_scope,
    require_in_scope,
    require_unit,
    role_required,
    visible_unit_ids,
)
from ..db import get_session
from ..models import Comment, Role, User
from ..respond.contacts import contact_of, may_see_contact
from ..statistics import unit_report as reports
from ..statistics.stat_cells import latest_month
from ..survey_versions import latest_version, load_version, survey_keys
from . import comments as service
from .comment_forms import FilterError, FollowUpForm, NoteForm, comment_filter
from .publication import publication_of, save_publication

bp = Blueprint("comments", __name__, url_prefix="/staff/comments",
               template_folder="templates")


def _filters() -> service.CommentFilter:
    try:
        return comment_filter(request.args)
    except FilterError as exc:
        abort(400, str(exc) or None)


# The inbox's own filters: the only query arguments carried into url_for. Anything else
# (``comment_id``, ``endpoint``, ``_external``, ``_scheme``) would clash with url_for's own
# parameters or build absolute URLs from the Host header.
INBOX_ARGS = ("unit", "period", "field", "criterion", "status")


def inbox_args() -> dict[str, str]:
    """The inbox filters of this request, and nothing else."""
    return {k: v for k in INBOX_ARGS if (v := request.args.get(k))}


def _refusal(exc: service.CommentError) -> str:
    """The service's refusal in the interface language."""
    known = {"the reply is empty": _("The reply is empty: write it before saving it."),
             "choose whom to assign the comment to": _("Choose whom to assign the comment to.")}
    return known.get(str(exc), str(exc))


def _back() -> Response:
    return redirect(url_for("comments.inbox", **inbox_args()))


@bp.get("/")
@login_required
def inbox() -> str:
    """Comments of the user's subtree (or of ``?unit=CODE`` inside it), newest first."""
    session = get_session()
    user = current_user()
    assert user is not None
    scope = request_scope(session, user, request.args.get("unit"))
    unit, ids = scope.root, scope.ids
    rows = service.list_comments(session, ids, _filters())
    form = FollowUpForm()
    form.assignee.choices = [(u.id, u.email) for u in service.assignable_users(session, ids)]
    note_form = None
    if unit is not None and can_act(user):
        pub = publication_of(session, unit)
        note_form = NoteForm(data={"published": pub.published, "note_vi": pub.note_vi,
                                   "note_en": pub.note_en})
    # Phone numbers left by citizens: only for the staff handling each comment.
    visible = visible_unit_ids(session, user)
    contacts = {row.comment.id: phone for row in rows
                if may_see_contact(user, row.comment, visible)
                and (phone := contact_of(session, row.comment))}
    return render_template("comments/inbox.html", rows=rows, unit=unit, form=form,
                           contacts=contacts,
                           can_act=can_act(user), note_form=note_form,
                           fields=service.field_codes(session),
                           criteria=service.criteria_in_use(session, ids),
                           statuses=service.STATUSES, args=inbox_args(),
                           latest=max(filter(None, (latest_month(session, key)
                                                    for key in survey_keys(session))),
                                      default=None),
                           labels=_criterion_labels(session))


def _criterion_labels(session: Session) -> dict[str, str]:
    """Criterion id -> its label in the interface language, from every survey in force."""
    language = str(get_locale())
    labels: dict[str, str] = {}
    for key in survey_keys(session):
        version = latest_version(session, key)
        if version is not None:
            labels |= reports.index_labels(load_version(version), language)
    return labels


def takes_contact_over(session: Session, comment: Comment, assignee: User) -> bool:
    """Whether assigning ``comment`` to ``assignee`` moves a citizen's phone number away from
    the staff member it is assigned to."""
    return (comment.assigned_to_id is not None and comment.assigned_to_id != assignee.id
            and contact_of(session, comment) is not None)


@bp.post("/<int:comment_id>")
@role_required(Role.UNIT_MANAGER)
def follow_up(comment_id: int) -> Response | str:
    """Assign, reply to, close or reopen one comment of the user's subtree."""
    session = get_session()
    user = current_user()
    assert user is not None
    comment = require_in_scope(session, user, Comment, comment_id)
    form = FollowUpForm()
    if not form.validate_on_submit():
        abort(400)
    assignee = None
    if form.action.data == "assign":
        assignee = session.get(User, form.assignee.data or 0)
        allowed = service.assignable_users(session, visible_unit_ids(session, user))
        if assignee is None or assignee not in allowed or not can_see(session, assignee,
                                                                      comment.unit_id):
            abort(400)
    handover = (assignee is not None and takes_contact_over(session, comment, assignee))
    if handover and form.confirm_contact.data != "1":
        # The citizen's number leaves the staff member handling it: ask first.
        return render_template("comments/confirm_handover.html", comment=comment,
                               assignee=assignee, holder=session.get(User,
                                                                     comment.assigned_to_id),
                               form=form, args=inbox_args())
    if not once.claim(session, once.posted_token()):
        session.rollback()
        flash(once.already_saved(), "info")
        return _back()
    try:
        service.follow_up(session, comment, action=form.action.data or "", user_id=user.id,
                          reply=form.reply.data, assignee=assignee,
                          contact_handed_over=handover)
    except service.CommentError as exc:
        session.rollback()
        flash(_refusal(exc), "error")
    else:
        flash(_("Saved."), "info")
    return _back()


@bp.post("/units/<code>/note")
@role_required(Role.UNIT_MANAGER)
def save_note(code: str) -> Response:
    """Save the unit's "you said, we did" note and its public-page opt-in."""
    session = get_session()
    user = current_user()
    assert user is not None
    unit = require_unit(session, user, code)
    form = NoteForm()
    if not form.validate_on_submit():
        abort(400)
    save_publication(session, unit, published=bool(form.published.data),
                     note_vi=form.note_vi.data, note_en=form.note_en.data, user_id=user.id)
    flash(_("Saved."), "info")
    return redirect(url_for("comments.inbox", unit=code))
