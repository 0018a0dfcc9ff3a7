"""Turning a token into the survey context: unit, counter, procedure field, survey version."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select, true
from sqlalchemy.orm import Session, aliased, defer

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


def survey_context(session: Session, origin: Origin, survey_key: str | None, *,
                   kiosk: bool = False, counter: Counter | None = None) -> SurveyContext | None:
    """Build the context for ``survey_key`` (SIPAS by default); None if it is not published
    or not one the token may open (``bindings``). ``counter``: the origin's counter as the
    token check loaded it (with its unit), so neither is read again."""
    if not may_open(session, origin, survey_key or DEFAULT_SURVEY, counter=counter):
        return None
    version, fields = _version_and_fields(session, survey_key or DEFAULT_SURVEY)
    if version is None:
        return None
    unit = counter.unit if counter is not None else session.get(Unit, origin.unit_id)
    assert unit is not None
    return SurveyContext(origin, unit, version, load_version(version), fields, kiosk)


def _version_and_fields(session: Session, survey_key: str
                        ) -> tuple[SurveyVersion | None, tuple[ProcedureField, ...]]:
    """The version in force (without its text) and every procedure field, in one round trip.

    The version is asked every time (publishing or retiring takes effect at once in every
    process); its parsed definition comes from the per-process cache by content hash.
    """
    in_force = (select(SurveyVersion)
                .where(SurveyVersion.survey_key == survey_key, SurveyVersion.retired_at.is_(None))
                .order_by(SurveyVersion.version.desc()).limit(1).subquery())
    version_row = aliased(SurveyVersion, in_force)
    rows = session.execute(
        select(version_row, ProcedureField).outerjoin(ProcedureField, true())
        .options(defer(version_row.definition_text))
        .order_by(ProcedureField.name_vi, ProcedureField.id)).all()
    if not rows:
        return None, ()
    return rows[0][0], tuple(field for _, field in rows if field is not None)
