"""Long choice lists on a 360 px phone: the first choice on its own, the rest by first letter.

A single-choice question with many choices (the 54 ethnic groups) becomes one radio for its
first choice (Kinh, chosen by most respondents) and a native ``<details>`` list of the others
under letter headings, so nobody scrolls past 53 rows and nothing needs a search box or
JavaScript.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

from survey_defs import Choice

from ..i18n import translated

LONG_LIST = 20  # more substantive choices than this are grouped


def is_long(choices: Sequence[Choice]) -> bool:
    """Whether a choice list is grouped."""
    return len(choices) > LONG_LIST


def _sort_key(name: str) -> tuple[str, str]:
    # Vietnamese order by base letter (Đ after D), then the marked form for ties.
    base = "".join(("dz" if ch in "đĐ" else ch) for ch in name)
    plain = "".join(c for c in unicodedata.normalize("NFD", base)
                    if not unicodedata.combining(c))
    return plain.casefold(), name


def letter_groups(choices: Sequence[Choice], language: str
                  ) -> list[tuple[str, list[Choice]]]:
    """The choices after the first, sorted and grouped by the first letter of their label."""
    rest = sorted(choices[1:], key=lambda c: _sort_key(translated(c.label, language)))
    groups: dict[str, list[Choice]] = {}
    for choice in rest:
        name = translated(choice.label, language)
        first = name[:1].upper()
        letter = "Đ" if first == "Đ" else "".join(
            c for c in unicodedata.normalize("NFD", first) if not unicodedata.combining(c))
        groups.setdefault(letter, []).append(choice)
    return list(groups.items())


def template_helpers() -> Mapping[str, object]:
    """What page.html uses (registered by the blueprint)."""
    return {"long_choice_list": is_long, "choice_letter_groups": letter_groups}
