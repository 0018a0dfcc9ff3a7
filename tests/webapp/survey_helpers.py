"""Helpers that fill and post survey pages as a browser without JavaScript would."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from sqlalchemy.orm import Session

import survey_defs
from webapp.administration.surveys import publish_definition
from webapp.models import Counter, ProcedureField, Unit


class FormReader(HTMLParser):
    """Collect what a browser would submit: hidden inputs, checked boxes, textarea text."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.radio_names: set[str] = set()
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input":
            kind = a.get("type", "text")
            if kind in {"radio", "checkbox"}:
                self.radio_names.add(a["name"])
                if "checked" in a:
                    self.fields.append((a["name"], a["value"]))
            elif kind != "submit":
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields.append((a["name"], ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, value = self.fields.pop()
            self.fields.append((name, value + data))

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None


def form_of(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    return reader


def page_answer_ids(html: str) -> set[str]:
    """Names of the radio/checkbox groups on the page (the questions asked there)."""
    return form_of(html).radio_names


def submit(client, path: str, html: str, answers: dict[str, str | list[str]],  # type: ignore[no-untyped-def]
           action: str = "next"):
    """Post the page's form with ``answers`` filled in, pressing the ``action`` button."""
    fields = [(k, v) for k, v in form_of(html).fields if k not in answers]
    for key, value in answers.items():
        for item in value if isinstance(value, list) else [value]:
            fields.append((key, item))
    fields.append(("action", action))
    from werkzeug.datastructures import MultiDict

    return client.post(path, data=MultiDict(fields))


def setup_counter(session: Session) -> Counter:
    """Publish the shipped definitions and create one unit with a counter and two fields."""
    for path in survey_defs.shipped_paths():
        publish_definition(session, Path(path))
    unit = Unit(code="X1", name_vi="Xã Đắk Song", name_en="Dak Song Commune",
                unit_type="commune")
    unit.counters = [Counter(code="X1-Q1", name_vi="Quầy 1")]
    session.add_all([unit, ProcedureField(code="HT", name_vi="Hộ tịch", name_en="Civil status"),
                     ProcedureField(code="DD", name_vi="Đất đai", name_en="Land")])
    session.commit()
    return unit.counters[0]


def answer_everything(html: str, code: str = "4") -> dict[str, str | list[str]]:
    """Answer every radio group shown on the page with ``code`` where it exists, else the
    first option (the field picker gets its first field)."""
    answers: dict[str, str | list[str]] = {}
    for name in page_answer_ids(html) - {"_contact"}:
        values = re.findall(rf'name="{re.escape(name)}" value="([^"]+)"', html)
        answers[name] = code if code in values else values[0]
    return answers
