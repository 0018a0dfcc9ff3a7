"""Paper forms' double data entry: clerks type, a supervisor resolves the differences.

Clerks (interviewers' and analysts' accounts) find a form by its sample and form code (typed, or
read by a hand scanner from the QR code) and type it blind: the page never shows the other
entry. Supervisors (analysts, administrators) see the forms whose entries differ and decide item
by item. No contact data is shown here.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from ..auth.access import current_user, open_to_interviewers, role_required
from ..db import get_session
from ..models import FieldSample, FrameUnit, PaperEntry, Role, SampleMember, User
from ..survey_versions import latest_version, load_version
from .interviews import DISPOSITION_TEXT, disposition_label
from .paper import item_numbers, respondent_of
from .paper_entry import (
    DISPOSITION_ITEM,
    EntryRefused,
    TypedForm,
    check_typed,
    entries_of,
    pending_differences,
    read_typed,
    resolve,
    save_entry,
)
from .scope import may_supervise, may_work_on, supervised_filter, worked_filter

bp = Blueprint("paper_entry", __name__, url_prefix="/staff/fieldwork/entry",
               template_folder="templates")
CLERKS = (Role.INTERVIEWER, Role.ANALYST)


def _me() -> User:
    user = current_user()
    assert user is not None
    return user


def _open_samples() -> list[FieldSample]:
    session = get_session()
    return list(session.scalars(select(FieldSample).where(FieldSample.closed_at.is_(None),
                                                          worked_filter(session, _me()))
                                .order_by(FieldSample.name)))


def _member(member_id: int, *, supervise: bool = False) -> tuple[SampleMember, str]:
    """The member and its respondent id: 404 when unknown, closed or outside the user's
    samples (the same answer, so ids cannot be probed)."""
    session = get_session()
    row = session.execute(
        select(SampleMember, FrameUnit.unit_key)
        .join(FrameUnit, FrameUnit.id == SampleMember.frame_unit_id)
        .where(SampleMember.id == member_id)).first()
    if row is None or row[0].sample.closed_at is not None:
        abort(404)
    allowed = may_supervise if supervise else may_work_on
    if not allowed(session, _me(), row[0].sample):
        abort(404)
    return row[0], row[1]


def _definition(sample: FieldSample):  # type: ignore[no-untyped-def]
    version = latest_version(get_session(), sample.survey_key)
    if version is None:
        abort(404)
    return load_version(version)


def _form_page(member: SampleMember, respondent: str, typed: TypedForm | None,
               problems: dict[str, str], status: int = 200) -> tuple[str, int]:
    definition = _definition(member.sample)
    return render_template(
        "fieldwork/entry_form.html", member=member, respondent=respondent,
        definition=definition, numbers=item_numbers(definition), typed=typed,
        problems=problems, outcomes=[(c, disposition_label(c)) for c in DISPOSITION_TEXT],
        disposition_item=DISPOSITION_ITEM), status


@bp.get("/")
@role_required(*CLERKS)
@open_to_interviewers
def entry() -> str | Response | tuple[str, int]:
    """Find a form by sample and form code; list the forms waiting for a supervisor."""
    session = get_session()
    samples = _open_samples()
    code, sample_name = request.args.get("code", ""), request.args.get("sample", "")
    problem = None
    if code:
        respondent = respondent_of(code)
        member_id = session.scalar(
            select(SampleMember.id).join(FrameUnit, FrameUnit.id == SampleMember.frame_unit_id)
            .join(FieldSample, FieldSample.id == SampleMember.sample_id)
            .where(FieldSample.name == sample_name, FieldSample.closed_at.is_(None),
                   worked_filter(session, _me()),
                   FrameUnit.unit_key == (respondent or ""))) if respondent else None
        if respondent is None:
            problem = _("This form code is not valid: check the two digits after the star.")
        elif member_id is None:
            problem = _("No form with this code in the chosen sample.")
        else:
            return redirect(url_for(".type_form", member_id=member_id))
    user = current_user()
    assert user is not None
    waiting = []
    if user.role in (Role.ANALYST, Role.ADMIN):
        waiting = session.execute(
            select(SampleMember.id, FrameUnit.unit_key, FieldSample.name)
            .join(FrameUnit, FrameUnit.id == SampleMember.frame_unit_id)
            .join(FieldSample, FieldSample.id == SampleMember.sample_id)
            .where(supervised_filter(session, user), SampleMember.id.in_(
                select(PaperEntry.sample_member_id).group_by(PaperEntry.sample_member_id)
                .having(func.count() == 2)))
            .order_by(FieldSample.name, FrameUnit.unit_key)).all()
    return render_template("fieldwork/entry.html", samples=samples, code=code,
                           sample_name=sample_name, problem=problem,
                           waiting=waiting), (422 if problem else 200)


@bp.route("/<int:member_id>", methods=["GET", "POST"])
@role_required(*CLERKS)
@open_to_interviewers
def type_form(member_id: int) -> str | Response | tuple[str, int]:
    """Type one paper form (first or second entry)."""
    member, respondent = _member(member_id)
    if request.method == "GET":
        return _form_page(member, respondent, None, {})
    definition = _definition(member.sample)
    typed = read_typed(definition, request.form)
    _answers, problems = check_typed(definition, typed)
    if problems:
        return _form_page(member, respondent, typed, problems, 422)
    user = current_user()
    assert user is not None
    try:
        result = save_entry(get_session(), definition, member, user, typed)
    except EntryRefused as exc:
        flash(_("Not saved: %(why)s", why=str(exc)), "error")
        return redirect(url_for(".entry"), 303)
    flash({"waiting": _("First entry of %(id)s saved; another clerk types it again.",
                        id=respondent),
           "stored": _("Both entries of %(id)s agree: the form is stored.", id=respondent),
           "differs": _("The entries of %(id)s differ on %(n)s items: a supervisor resolves "
                        "them.", id=respondent, n=len(result.differences)),
           }[result.state], "ok")
    return redirect(url_for(".entry"), 303)


@bp.route("/<int:member_id>/resolve", methods=["GET", "POST"])
@role_required(Role.ANALYST)
def resolve_form(member_id: int) -> str | Response | tuple[str, int]:
    """Show every item on which the two entries differ; store the supervisor's decision."""
    session = get_session()
    member, respondent = _member(member_id, supervise=True)
    definition = _definition(member.sample)
    found = pending_differences(session, member)
    if not found:
        abort(404)
    if request.method == "POST":
        decided = {}
        for d in found:
            other = request.form.get(f"other-{d.item}", "").strip()
            if other or f"pick-{d.item}" in request.form:
                decided[d.item] = other or request.form[f"pick-{d.item}"]
        try:
            resolve(session, definition, member, decided)
        except EntryRefused as exc:
            flash(_("Not saved: %(why)s", why=str(exc)), "error")
            return redirect(url_for(".resolve_form", member_id=member_id), 303)
        flash(_("Form %(id)s resolved and stored.", id=respondent), "ok")
        return redirect(url_for(".entry"), 303)
    entries = entries_of(session, member)
    return render_template("fieldwork/entry_resolve.html", member=member,
                           respondent=respondent, differences=found,
                           numbers=item_numbers(definition), definition=definition,
                           disposition_item=DISPOSITION_ITEM,
                           disposition_label=disposition_label,
                           clerks=[e.clerk_id for e in entries])
