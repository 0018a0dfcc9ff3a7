"""Forms of the comments inbox."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional


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
