"""The choices of a question as HTML, built in Python rather than a Jinja loop.

The survey page's per-choice loop was half of its rendering time (filters, escaping and
macro calls for every choice of every question, issue 18). This writes the same bytes the
loop wrote: ``tests/webapp/test_choice_markup.py`` renders the former loop from its Jinja
source and compares.
"""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup, escape

from survey_defs import Question, Scale

from ..i18n import translated


def _checked_single(chosen: object, code: str) -> bool:
    return chosen is not None and str(chosen) == code


def _checked_multiple(chosen: object, code: str) -> bool:
    return bool(chosen) and code in [str(v) for v in chosen]  # type: ignore[attr-defined]


def choice_inputs(q: Question, aid: str, scale: Scale, lang: str, mood: Mapping[int, int],
                  chosen: object, focus: bool) -> Markup:
    """The ``<label><input>`` of every choice of ``scale`` for answer ``aid``: checkboxes for
    a multiple choice, else radios (with the unit's faces when ``mood`` has them)."""
    multiple = q.type == "multiple"
    checked = _checked_multiple if multiple else _checked_single
    name = escape(aid)
    prefix = str(escape(aid.replace(".", "-"))) + "-"
    noop = scale.no_opinion.code if scale.no_opinion else None
    parts: list[str] = []
    choices = scale.all_choices(bool(q.no_opinion) and not multiple)
    for first, c in zip((True, *([False] * (len(choices) - 1))), choices, strict=True):
        code = str(c.code)
        cid = prefix + str(escape(code))
        attrs = (' autofocus' if focus and first else '') + \
            (' checked' if checked(chosen, code) else '')
        label = escape(translated(c.label, lang))
        if multiple:
            parts.append(f'\n\n\n<label for="{cid}"><input type="checkbox" id="{cid}" '
                         f'name="{name}" value="{escape(code)}"{attrs}><span>{label}</span>'
                         '</label>\n\n')
            continue
        face = mood.get(c.code)
        svg = (f'<svg class="face" aria-hidden="true" focusable="false"><use href="#face'
               f'{escape(face)}"/></svg>') if face else ''
        css = ' class="noop"' if noop is not None and c.code == noop else ''
        parts.append(f'\n\n\n<label for="{cid}"{css}><input type="radio" id="{cid}" '
                     f'name="{name}" value="{escape(code)}"{attrs}>{svg}<span>{label}</span>'
                     '</label>\n\n')
    return Markup("".join(parts) + "\n")  # noqa: S704 - every text above went through escape
