"""Forms of the listening and pictorial-scale pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class AudioUploadForm(FlaskForm):
    """One recording: which label, which language, the file."""

    item = SelectField(_l("Question or answer"), validators=[DataRequired()])
    language = StringField(_l("Language code (vi, en, cmo, rad…)"), default="vi",
                           validators=[DataRequired(), Length(min=2, max=3)])
    file = FileField(_l("Recording (MP3, OGG, WAV or M4A, at most 60 seconds and 1 MB)"),
                     validators=[FileRequired()])
    submit = SubmitField(_l("Upload the recording"))


class PictorialForm(FlaskForm):
    """A unit's choice of the faces form of the satisfaction scales."""

    pictorial = BooleanField(_l("Show the satisfaction scales as faces"))
    submit = SubmitField(_l("Save"))
