"""Disclosure control of free text (contact details removed); the respondent items are
protected by :mod:`webapp.export.sdc` under the rules of :mod:`webapp.export.sdc_rules`."""

from __future__ import annotations

import re

DEFAULT_K = 5
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Phone numbers (0xx or +84 then 8-10 digits) and ID numbers (CMND 9 digits, CCCD 12 digits):
# any run of 9 or more digits, spaces, dots or dashes between them allowed.
LONG_NUMBER = re.compile(r"(?<!\d)\+?\d(?:[\s.\-]?\d){8,}(?!\d)")
EMAIL_MARK = "[email đã xoá]"
NUMBER_MARK = "[số đã xoá]"


def scrub_text(text: str) -> str:
    """Remove e-mail addresses, phone numbers and ID numbers from a free-text answer."""
    return LONG_NUMBER.sub(NUMBER_MARK, EMAIL.sub(EMAIL_MARK, text))
