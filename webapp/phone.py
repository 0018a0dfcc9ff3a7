"""One definition of a Vietnamese phone number, for the contact box and the export scrubber.

A number is ``0`` and 9-10 digits, or ``+84`` (also ``0084`` or ``84``, optionally with the
trunk ``0`` kept, as in ``+84 (0) 912 ...``) and 9-10 digits. People write the digits in groups
separated by spaces (any number), dots, dashes, commas, slashes or underscores, with spaces
around any of those, and put the area or mobile prefix in parentheses: ``(0912) 345 678``,
``0912 - 345 - 678``, ``0912,345,678``, ``+84 912_345_678``. The contact box accepts exactly
these; the export removes exactly these (and anything longer) from free text, so a number the
app would take as a phone can never pass the scrubber.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# A group of digits, maybe in parentheses, maybe led by "+".
_GROUP = r"\+?\s*\(?\s*\+?\s*\d+\s*\)?"
# Between groups: spaces, or one of . - , / _ with optional spaces around it.
_SEPARATOR = r"(?:\s*[.\-,/_]\s*|\s+)"
RUN = re.compile(rf"(?<![\d+]){_GROUP}(?:{_SEPARATOR}?{_GROUP})*(?!\d)")
_DIGIT_GROUP = re.compile(r"\+?\d+")
# On the digits alone (a leading + kept): national, or international with or without trunk 0.
_NUMBER = re.compile(r"(?:0|(?:\+|00)?840?)(\d{9,10})")
_INTERNATIONAL = re.compile(r"(?:\+|00)?84")
MAX_DIGITS = 15  # E.164: nothing longer is a phone number


class NotAPhoneNumber(ValueError):
    """Text that is not one Vietnamese phone number."""


def _canonical(digits: str) -> str | None:
    match = _NUMBER.fullmatch(digits)
    if match is None:
        return None
    national = match.group(1)
    return ("+84" if _INTERNATIONAL.match(digits) and not digits.startswith("0" + national)
            else "0") + national


def normalise_phone(text: str) -> str:
    """The number in ``text`` as ``0…`` or ``+84…`` digits; NotAPhoneNumber when ``text`` is
    not exactly one phone number in any of the accepted spellings."""
    stripped = (text or "").strip()
    if not RUN.fullmatch(stripped):
        raise NotAPhoneNumber("not a phone number")
    digits = "".join(_DIGIT_GROUP.findall(stripped))
    if stripped.count("+") > 1 or "+" in digits[1:]:
        raise NotAPhoneNumber("not a phone number")
    canonical = _canonical(digits)
    if canonical is None:
        raise NotAPhoneNumber("not a phone number")
    return canonical


def phone_spans(text: str) -> Iterator[tuple[int, int]]:
    """Start and end of every phone number written in ``text`` (as normalise_phone reads them).

    Within each run of digit groups, every stretch of consecutive groups is tried, longest
    first, so ``12/11, 0912 345 678`` finds the number after the date.
    """
    for run in RUN.finditer(text):
        groups = [(m.start() + run.start(), m.end() + run.start(), m.group())
                  for m in _DIGIT_GROUP.finditer(run.group())]
        i = 0
        while i < len(groups):
            found = None
            for j in range(len(groups) - 1, i - 1, -1):
                digits = "".join(g for _, _, g in groups[i:j + 1])
                if len(digits.lstrip("+")) <= MAX_DIGITS and "+" not in digits[1:] \
                        and _canonical(digits) is not None:
                    found = j
                    break
            if found is None:
                i += 1
                continue
            start = groups[i][0]
            end = groups[found][1]
            if text[end:end + 1] == ")":  # the parenthesis closing the last group
                end += 1
            # And an opening one right before the first.
            opening = text.rfind("(", run.start(), start)
            if opening != -1 and not text[opening + 1:start].strip():
                start = opening
            yield start, end
            i = found + 1


def scrub_phones(text: str, mark: str) -> str:
    """``text`` with every phone number replaced by ``mark``."""
    spans = list(phone_spans(text))
    for start, end in reversed(spans):
        text = text[:start] + mark + text[end:]
    return text
