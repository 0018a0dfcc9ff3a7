"""Citizen-facing texts for answer errors and refused tokens, in the respondent's language."""

from __future__ import annotations

from flask_babel import gettext as _

from survey_defs import AnswerError


def answer_error_text(error: AnswerError) -> str:
    """The message shown next to a question for one validation error."""
    p = error.params
    texts = {
        "required": lambda: _("Please answer this question."),
        "not_a_choice": lambda: _("Please choose one of the options."),
        "not_a_number": lambda: _("Please enter a number."),
        "not_integer": lambda: _("Please enter a whole number."),
        "below_min": lambda: _("Please enter %(min)s or more.", min=p.get("min")),
        "above_max": lambda: _("Please enter %(max)s or less.", max=p.get("max")),
        "too_many_choices": lambda: _("Please choose at most %(n)s options.",
                                      n=p.get("max_choices")),
        "not_text": lambda: _("Please write your answer as text."),
        "too_long": lambda: _("Please shorten your answer to %(n)s characters.",
                              n=p.get("max_length")),
    }
    return texts.get(error.key, lambda: _("Please check this answer."))()


def token_refused_text(reason: str) -> str:
    """Why a QR code or receipt link does not open a survey, in plain words."""
    if reason == "used":
        return _("This receipt's survey has already been answered. Thank you!")
    if reason == "expired":
        return _("This receipt's survey link has expired.")
    if reason == "retired":
        return _("This QR code is no longer in use. Please scan the code displayed at the "
                 "counter.")
    return _("This QR code could not be read. Please scan it again, or scan the code "
             "displayed at the counter.")
