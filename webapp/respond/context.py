"""Turning a token into the survey context: unit, counter, procedure field, survey version."""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import bindparam, select, true
from sqlalchemy.orm import Session, aliased, contains_eager, defer

from survey_defs import SurveyDefinition

from ..models import Counter, ProcedureField, SurveyVersion, Unit
from ..survey_versions import DEFAULT_SURVEY, load_version
from .bindings import may_open
from .flow import OTHER_FIELD
from .responses import Origin

OTHER_PROCEDURE = "Khác / không rõ"  # stored as data (Vietnamese), like the field names


@dataclass(frozen=True)
class SurveyContext:
    """Everything the pages need that does not come from the citizen."""

    origin: Origin
    unit: Unit
    version: SurveyVersion
    definition: SurveyDefinition
    fields: tuple[ProcedureField, ...]
    kiosk: bool = False

    @property
    def needs_field(self) -> bool:
        """Whether the citizen is asked which procedure field they came for."""
        return self.origin.field_id is None

    def answer_context(self, field_choice: str | None) -> dict[str, object]:
        """Values for ``from_context`` questions: the procedure, named by its field."""
        field_id = self.origin.field_id
        if field_id is None and field_choice and field_choice.isdigit():
            field_id = int(field_choice)
        for f in self.fields:
            if f.id == field_id:
                return {"procedure": f.name_vi, "field": f.code}
        if field_choice == OTHER_FIELD:
            return {"procedure": OTHER_PROCEDURE, "field": ""}
        return {}

    def skip(self, field_choice: str | None) -> frozenset[str]:
        """Questions answered by the token or the field picker, and therefore not asked.

        Only when neither the token nor a list of fields can say which procedure it was is
        the citizen asked to write it.
        """
        if self.origin.field_id is None and not self.fields:
            return frozenset()
        return frozenset(q.id for q in self.definition.questions
                         if q.from_context in {"procedure", "field"})

    def with_field(self, field_choice: str | None) -> Origin:
        """The origin with the field the citizen picked, if any."""
        if self.origin.field_id is not None or not field_choice or not field_choice.isdigit():
            return self.origin
        if int(field_choice) not in {f.id for f in self.fields}:
            return self.origin
        return replace(self.origin, field_id=int(field_choice))


# The version in force of a survey (None: none published) and every procedure field.
VersionAndFields = tuple[SurveyVersion | None, tuple[ProcedureField, ...]]


def survey_context(session: Session, origin: Origin, survey_key: str | None, *,
                   kiosk: bool = False, counter: Counter | None = None,
                   loaded: VersionAndFields | None = None) -> SurveyContext | None:
    """Build the context for ``survey_key`` (SIPAS by default); None if it is not published
    or not one the token may open (``bindings``). ``counter``: the origin's counter as the
    token check loaded it (with its unit), so neither is read again; ``loaded``: the version
    and fields read with it (:func:`counter_and_survey`)."""
    if not may_open(session, origin, survey_key or DEFAULT_SURVEY, counter=counter):
        return None
    version, fields = loaded or _version_and_fields(session, survey_key or DEFAULT_SURVEY)
    if version is None:
        return None
    unit = counter.unit if counter is not None else session.get(Unit, origin.unit_id)
    assert unit is not None
    return SurveyContext(origin, unit, version, load_version(version), fields, kiosk)


def _in_force(survey_key: str) -> Any:
    # The version in force, as a one-row subquery joined to whatever else is read with it.
    subquery = (select(SurveyVersion)
                .where(SurveyVersion.survey_key == survey_key, SurveyVersion.retired_at.is_(None))
                .order_by(SurveyVersion.version.desc()).limit(1).subquery())
    return aliased(SurveyVersion, subquery)


def _version_and_fields(session: Session, survey_key: str) -> VersionAndFields:
    """The version in force (without its text) and every procedure field, in one round trip.

    The version is asked every time (publishing or retiring takes effect at once in every
    process); its parsed definition comes from the per-process cache by content hash.
    """
    version_row = _in_force(survey_key)
    rows = session.execute(
        select(version_row, ProcedureField).outerjoin(ProcedureField, true())
        .options(defer(version_row.definition_text))
        .order_by(ProcedureField.name_vi, ProcedureField.id)).all()
    if not rows:
        return None, ()
    return rows[0][0], tuple(field for _, field in rows if field is not None)


def counter_and_survey(session: Session, counter_id: int, survey_key: str
                       ) -> tuple[Counter | None, VersionAndFields]:
    """A counter with its unit, the survey's version in force and every procedure field, in
    one statement (a survey request's reads before it stores). The counter is None when it
    does not exist; the caller checks that it is still in force (``tokens.counter_in_force``).
    """
    rows = session.execute(_counter_and_survey_statement(),
                           {"counter_id": counter_id, "survey_key": survey_key}).all()
    if not rows:
        return None, (None, ())
    counter, version = rows[0][0], rows[0][1]
    return counter, (version, tuple(field for _, _, field in rows if field is not None))


@functools.cache
def _counter_and_survey_statement() -> Any:
    # Built once per process with bound parameters (building it cost more than running it).
    in_force = (select(SurveyVersion)
                .where(SurveyVersion.survey_key == bindparam("survey_key"),
                       SurveyVersion.retired_at.is_(None))
                .order_by(SurveyVersion.version.desc()).limit(1).subquery())
    version_row = aliased(SurveyVersion, in_force)
    return (select(Counter, version_row, ProcedureField).join(Counter.unit)
            .outerjoin(version_row, true()).outerjoin(ProcedureField, true())
            .where(Counter.id == bindparam("counter_id"))
            .options(contains_eager(Counter.unit), defer(version_row.definition_text))
            .order_by(ProcedureField.name_vi, ProcedureField.id))
