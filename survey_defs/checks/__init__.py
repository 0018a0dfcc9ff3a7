"""Rule families run after the shape check; each reports into the same :class:`Document`."""

from __future__ import annotations

from survey_defs.checks import ids, labels, questions, scoring, skiplogic
from survey_defs.source import Document

RULE_FAMILIES = (ids.check, labels.check, questions.check, skiplogic.check, scoring.check)


def run_all(doc: Document) -> None:
    """Run every rule family; problems accumulate on ``doc``."""
    for rule in RULE_FAMILIES:
        rule(doc)
