"""The counter form (add and edit)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget


class CounterForm(FlaskForm):
    """A new counter of a unit, or a counter's names and state."""

    code = StringField(_l("Code"), validators=[Optional(), Length(max=40)])
    name_vi = StringField(_l("Name (Vietnamese)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    active = BooleanField(_l("Active (its posters open the survey)"), default=True)
    # Filled by the view with the published surveys a counter may open.
    surveys = SelectMultipleField(_l("Surveys its posters and receipts open"), choices=[],
                                  widget=ListWidget(prefix_label=False),
                                  option_widget=CheckboxInput())
    submit = SubmitField(_l("Save the counter"))
