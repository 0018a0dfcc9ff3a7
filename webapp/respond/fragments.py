"""Pre-rendered questions: the HTML of a question nobody has answered yet, rendered once per
survey version, language and question, and reused by every page that shows it unanswered.

A question's markup (labels, choices, hints in the page's language) depends only on the
published version, which never changes, and the translations shipped with the code; what a
citizen answered or got wrong is the only part that varies, and a question with an answer
or an error is rendered afresh. So this is a pure cache, legal under "nothing a user can
observe lives in one process": every process renders the same bytes for the same key.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from markupsafe import Markup

from survey_defs import Question

from ..models import SurveyVersion

MAX_FRAGMENTS = 4096
_fragments: dict[tuple[str, int, str, str, str], Markup] = {}
_lock = threading.Lock()


def answer_ids(question: Question) -> list[str]:
    """The ids under which the question's answers are posted (one per grid row)."""
    if question.type == "grid":
        return [f"{question.id}.{row.id}" for row in question.rows]
    return [question.id]


def question_fragment(version: SurveyVersion, lang: str, question: Question,
                      answers: Mapping[str, object], errors: Mapping[str, object], *,
                      caller: Callable[[], str]) -> Markup:
    """The question's HTML (``caller``: the template's body for it), from the cache when
    the question has no answer and no error on this page."""
    if errors.get(question.id) or any(a in answers for a in answer_ids(question)):
        return Markup(caller())  # noqa: S704 - the template's own autoescaped output
    key = (version.survey_key, version.version, version.content_hash, lang, question.id)
    found = _fragments.get(key)
    if found is None:
        found = Markup(caller())  # noqa: S704 - the template's own autoescaped output
        with _lock:
            if len(_fragments) >= MAX_FRAGMENTS:
                _fragments.pop(next(iter(_fragments)))
            _fragments[key] = found
    return found
