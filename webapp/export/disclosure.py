"""Disclosure control of free text (contact details removed); the respondent items are
protected by :mod:`webapp.export.sdc` under the rules of :mod:`webapp.export.sdc_rules`."""

from __future__ import annotations

import re

from ..phone import scrub_phones

DEFAULT_K = 5
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# ID numbers (CMND 9 digits, CCCD 12 digits) and any other long number: a run of 9 or more
# digits, spaces, dots or dashes between them allowed (phone numbers: ``webapp.phone``).
LONG_NUMBER = re.compile(r"(?<!\d)\+?\d(?:[\s.\-]?\d){8,}(?!\d)")
EMAIL_MARK = "[email đã xoá]"
NUMBER_MARK = "[số đã xoá]"


def scrub_text(text: str) -> str:
    """Remove e-mail addresses, phone numbers and ID numbers from a free-text answer.

    Phone numbers are found by ``webapp.phone``, the definition the contact box uses, so any
    number the app accepts as a phone is removed however it is spelled.
    """
    return LONG_NUMBER.sub(NUMBER_MARK, scrub_phones(EMAIL.sub(EMAIL_MARK, text), NUMBER_MARK))

