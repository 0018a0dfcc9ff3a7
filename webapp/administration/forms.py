"""Forms of the administration pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional


class UserForm(FlaskForm):
    """A new staff account; the password is generated when left empty."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    # The least power by default: an administrator is made on purpose, never by oversight.
    role = SelectField(_l("Role"), validators=[DataRequired()], default="viewer")
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


class UnitEditForm(FlaskForm):
    """A unit's names, type, validity, parent and successor."""

    name_vi = StringField(_l("Name (Vietnamese)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    unit_type = StringField(_l("Type (province, commune, ward, centre…)"),
                            validators=[DataRequired(), Length(max=40)])
    parent = SelectField(_l("Parent unit"), validators=[Optional()])
    successor = SelectField(_l("Succeeded by (after a merger)"), validators=[Optional()])
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_to = DateField(_l("Valid until"), validators=[Optional()])
    submit = SubmitField(_l("Save the unit"))


class VersionTextForm(FlaskForm):
    """An edited copy of a frozen definition, published as a new version."""

    text = TextAreaField(_l("Definition (YAML)"), validators=[DataRequired(),
                                                             Length(max=500_000)])
    submit = SubmitField(_l("Publish as a new version"))
