"""Which survey a counter or dossier token may open: the rest answer 404 and store nothing.

A poster's URL is public: anyone holding it could otherwise answer any published survey there
and feed an index the counter was never meant for. An administrator sets each counter's
surveys; household instruments (PAPI) are interviews at home, never answered at a counter or
from a dossier receipt, whatever the setting says.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import Counter
from .responses import Origin

DEFAULT_SURVEYS = frozenset({"sipas"})
HOUSEHOLD_SURVEYS = frozenset({"papi"})


def parse_survey_keys(text: str | None) -> frozenset[str]:
    """The keys of a counter's ``survey_keys`` column."""
    return frozenset((text or "").split())


def counter_surveys(counter: Counter | None) -> frozenset[str]:
    """Surveys a counter's token (or a dossier code it issued) may open."""
    keys = DEFAULT_SURVEYS if counter is None else parse_survey_keys(counter.survey_keys)
    return keys - HOUSEHOLD_SURVEYS


def may_open(session: Session, origin: Origin, survey_key: str, *,
             counter: Counter | None = None) -> bool:
    """Whether a token of ``origin`` may open ``survey_key`` (``counter``: its counter, when
    the caller holds it already)."""
    if counter is None and origin.counter_id:
        counter = session.get(Counter, origin.counter_id)
    return survey_key in counter_surveys(counter)


class SurveyBindingError(ValueError):
    """Surveys a counter cannot be set to open."""


def set_counter_surveys(session: Session, counter: Counter, keys: list[str], *,
                        published: set[str], user_id: int | None = None) -> None:
    """Set the surveys ``counter`` opens (no commit); refuse household or unknown keys.

    An empty choice leaves the setting as it is: a counter always opens at least one survey.
    """
    from .. import audit

    chosen = sorted(set(keys))
    if not chosen:
        return
    household = [k for k in chosen if k in HOUSEHOLD_SURVEYS]
    if household:
        raise SurveyBindingError(f"{', '.join(household)} is a household survey: never "
                                 "answered at a counter")
    unknown = [k for k in chosen if k not in published]
    if unknown:
        raise SurveyBindingError(f"{', '.join(unknown)} is not a published survey")
    if chosen != sorted(parse_survey_keys(counter.survey_keys)):
        counter.survey_keys = " ".join(chosen)
        audit.record(session, "counters.surveys", target=f"counter:{counter.id}",
                     user_id=user_id, detail={"surveys": chosen})
