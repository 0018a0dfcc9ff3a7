"""The choices built in Python write the bytes the former Jinja loop of page.html wrote, for
every question of every shipped survey, in both languages, with and without faces, with
nothing, one or several choices kept, focused or not (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

import survey_defs
from webapp.inclusion.pictorial import moods
from webapp.respond.choice_markup import choice_inputs

# The loop as page.html had it before (its source, kept here as the reference path), with the
# closing tag that followed it (a template's own last newline is dropped by Jinja).
FORMER_LOOP = """{% for c in scale.all_choices(q.no_opinion and q.type != 'multiple') %}
{% set cid = aid|replace('.', '-') ~ '-' ~ c.code %}
{% if q.type == 'multiple' %}
<label for="{{ cid }}"><input type="checkbox" id="{{ cid }}" name="{{ aid }}" value="{{ c.code }}"\
{% if focus and loop.first %} autofocus{% endif %}{% if chosen and c.code|string in \
chosen|map('string') %} checked{% endif %}><span>{{ c.label|tr(lang) }}</span></label>
{% else %}
<label for="{{ cid }}"{% if scale.no_opinion and c.code == scale.no_opinion.code %} \
class="noop"{% endif %}><input type="radio" id="{{ cid }}" name="{{ aid }}" \
value="{{ c.code }}"{% if focus and loop.first %} autofocus{% endif %}{% if chosen is not \
none and chosen|string == c.code|string %} checked{% endif %}>{% if mood.get(c.code) %}<svg \
class="face" aria-hidden="true" focusable="false"><use href="#face{{ mood[c.code] }}"/></svg>\
{% endif %}<span>{{ c.label|tr(lang) }}</span></label>
{% endif %}
{% endfor %}
</div>"""


def _cases() -> list[tuple[str, str]]:
    return [(Path(p).stem, p) for p in survey_defs.shipped_paths()]


@pytest.mark.parametrize(("name", "path"), _cases())
def test_choice_inputs__same_bytes_as_the_former_loop(app: Flask, name: str, path: str) -> None:
    definition = survey_defs.load_definition(path).definition
    template = app.jinja_env.from_string(FORMER_LOOP)
    compared = 0
    with app.test_request_context():
        for q in definition.questions:
            aids = [f"{q.id}.{r.id}" for r in q.rows] or [q.id]
            scale = definition.scale_of(aids[0])
            if scale is None:
                continue
            codes = [c.code for c in scale.all_choices(True)]
            kept: list[object] = [None, codes[0], str(codes[-1]), codes[:2], [str(codes[-1])]]
            for aid in aids[:2]:
                for lang in ("vi", "en"):
                    for mood in ({}, moods(scale.id)):
                        for chosen in kept:
                            if isinstance(chosen, list) != (q.type == "multiple") and \
                                    chosen is not None:
                                continue
                            for focus in (False, True):
                                values = {"q": q, "aid": aid, "scale": scale, "lang": lang,
                                          "mood": mood, "chosen": chosen, "focus": focus}
                                expected = template.render(**values)
                                assert str(choice_inputs(**values)) + "</div>" == expected, values
                                compared += 1
    assert compared > 50, name
