"""Forms of the staff pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length


class ActionPlanForm(FlaskForm):
    """A remedy for one criterion: who is responsible, by when, what will be done."""

    index_id = SelectField(_l("Criterion"), validators=[DataRequired()])
    owner = StringField(_l("Responsible (unit or person)"),
                        validators=[DataRequired(), Length(max=200)])
    deadline = DateField(_l("Deadline"), validators=[DataRequired()])
    description = TextAreaField(_l("Remedy"), validators=[DataRequired(), Length(max=4000)])
    submit = SubmitField(_l("Record the remedy"))


class StatusForm(FlaskForm):
    """Mark an action plan done or open again (CSRF only)."""
