"""Forms of the administration pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional


class UserForm(FlaskForm):
    """A new staff account; the password is generated when left empty."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    unit = SelectField(_l("Unit"), validators=[Optional()])
    password = PasswordField(_l("Password (empty: generate one)"),
                             validators=[Optional(), Length(min=10, max=200)])
    submit = SubmitField(_l("Create the account"))


class ApiKeyForm(FlaskForm):
    """A new API key for an integration, optionally limited to a unit's subtree."""

    name = StringField(_l("Integration"), validators=[DataRequired(), Length(max=100)])
    unit = SelectField(_l("Unit"), validators=[Optional()])
    submit = SubmitField(_l("Create the key"))


class DossierImportForm(FlaskForm):
    """A CSV of dossier counts: unit, field, period, count."""

    file = FileField(_l("CSV file (unit, field, period, count)"), validators=[FileRequired()])
    submit = SubmitField(_l("Import"))


class ConfirmForm(FlaskForm):
    """A button that changes something (CSRF only)."""
