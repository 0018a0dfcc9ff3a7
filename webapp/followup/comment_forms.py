"""Forms of the comments inbox."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from ..periods import parse_period
from .comments import STATUSES, CommentFilter


class FollowUpForm(FlaskForm):
    """One follow-up step: assign, reply, close or reopen."""

    action = HiddenField()
    assignee = SelectField(_l("Assign to"), coerce=int, validators=[Optional()],
                           validate_choice=False)
    reply = TextAreaField(_l("Reply"), validators=[Optional(), Length(max=4000)])
    # "1" once the user has confirmed taking a citizen's phone number over from its holder.
    confirm_contact = HiddenField()
    submit = SubmitField(_l("Save"))


class NoteForm(FlaskForm):
    """The unit's public "you said, we did" note and its opt-in to a public page."""

    published = BooleanField(_l("Publish this unit's indices on a public page"))
    note_vi = TextAreaField(_l("\"You said, we did\" (Vietnamese)"),
                            validators=[Optional(), Length(max=4000)])
    note_en = TextAreaField(_l("\"You said, we did\" (English)"),
                            validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Save the note"))


class FilterError(ValueError):
    """An inbox filter that cannot be applied (the page answers 400 with the message)."""


def comment_filter(args: Mapping[str, str]) -> CommentFilter:
    """The inbox filter from the page's query (period in any form, field, criterion, status);
    raise FilterError for a malformed period or an unknown status."""
    period = args.get("period") or None
    if period:
        try:
            parse_period(period)
        except ValueError as exc:
            raise FilterError(str(exc)) from None
    status = args.get("status") or None
    if status and status not in STATUSES:
        raise FilterError("")  # the page offers only known statuses: nothing to explain
    return CommentFilter(period=period, field=args.get("field") or None,
                         criterion=args.get("criterion") or None, status=status)
