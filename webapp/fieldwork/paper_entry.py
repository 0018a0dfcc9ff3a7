"""Double data entry of paper forms: two clerks type each form, differences go to a supervisor.

A clerk types the answer codes as printed (``5.2`` -> the code ticked; several codes of a
multiple choice separated by spaces) and the visit's outcome. The first entry waits; the second,
typed blind by another account, is compared item by item: identical entries become the return at
once, otherwise every differing item is shown to a supervisor (analyst or administrator), who
decides. Only then is the form stored, by the same service as an ODK import
(:func:`webapp.fieldwork.returns.record_return`, key ``paper:<member>``), and both entries are
deleted, so no answer stays linked to the sampled person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from analysis.sampling.dispositions import classify
from survey_defs import SurveyDefinition, validate_answers

from ..models import FieldInterview, PaperEntry, SampleMember, User
from ..respond.messages import answer_error_text
from .interviews import DISPOSITION_TEXT, PAPER_KEY_PREFIX
from .paper import item_numbers
from .returns import ReturnRefused, record_return, xlsform_answers

DISPOSITION_ITEM = "_disposition"


class EntryRefused(ValueError):
    """An entry or a resolution cannot be saved; the message says why."""


@dataclass(frozen=True)
class TypedForm:
    """What a clerk typed: the outcome code and the answer codes by answer id (as text)."""

    disposition: str
    values: dict[str, str]


@dataclass(frozen=True)
class Difference:
    """One item on which the two entries disagree."""

    item: str
    first: str
    second: str


@dataclass(frozen=True)
class EntryResult:
    """``waiting`` (first entry in), ``stored`` (entries agreed, or resolved) or ``differs``."""

    state: str
    differences: tuple[Difference, ...] = ()


def _normal(definition: SurveyDefinition, answer_id: str, text: str) -> str:
    text = " ".join(text.replace(",", " ").split())
    if definition.answer_question(answer_id).type == "multiple":
        return " ".join(sorted(set(text.split()), key=lambda c: (len(c), c)))
    return text


def read_typed(definition: SurveyDefinition, form: Mapping[str, str]) -> TypedForm:
    """The typed form from posted fields (one text field per answer id)."""
    values = {}
    for answer_id in definition.answer_ids():
        text = _normal(definition, answer_id, str(form.get(answer_id, "")))
        if text:
            values[answer_id] = text
    return TypedForm(str(form.get(DISPOSITION_ITEM, "")).strip(), values)


def check_typed(definition: SurveyDefinition,
                typed: TypedForm) -> tuple[dict[str, str], dict[str, str]]:
    """The answers as stored (XLSForm names) and the problems by item (empty when valid).

    The answers are validated exactly as the citizen's pages validate them."""
    problems: dict[str, str] = {}
    if typed.disposition not in DISPOSITION_TEXT:
        problems[DISPOSITION_ITEM] = _("Type one of the outcome codes printed on the form.")
        return {}, problems
    if classify(typed.disposition) not in ("I", "P"):
        if typed.values:
            problems[DISPOSITION_ITEM] = _("No interview took place, yet answers were typed: "
                                           "check the outcome code.")
        return {}, problems
    raw: dict[str, object] = {}
    for answer_id, text in typed.values.items():
        if definition.answer_question(answer_id).type == "multiple":
            raw[answer_id] = text.split()
        else:
            raw[answer_id] = text
    clean, errors = validate_answers(definition, raw, context={})
    for error in errors:
        problems.setdefault(error.answer_id or error.question_id, answer_error_text(error))
    return xlsform_answers(definition, dict(clean)), problems


def differences(first: TypedForm, second: TypedForm) -> list[Difference]:
    """The items (outcome first, then answers in asking order of ``first``) that differ."""
    out = []
    if first.disposition != second.disposition:
        out.append(Difference(DISPOSITION_ITEM, first.disposition, second.disposition))
    items = list(first.values) + [k for k in second.values if k not in first.values]
    for item in items:
        a, b = first.values.get(item, ""), second.values.get(item, "")
        if a != b:
            out.append(Difference(item, a, b))
    return out


def _typed(entry: PaperEntry) -> TypedForm:
    return TypedForm(entry.disposition, dict(entry.answers))


def entries_of(session: Session, member: SampleMember) -> list[PaperEntry]:
    """The entries typed so far for a member's form, first entry first."""
    return list(session.scalars(select(PaperEntry).where(
        PaperEntry.sample_member_id == member.id).order_by(PaperEntry.entry_no)))


def already_stored(session: Session, member: SampleMember) -> bool:
    """Whether the member's paper form became a return already."""
    return session.scalar(select(FieldInterview.id).where(
        FieldInterview.sample_id == member.sample_id,
        FieldInterview.submission_key == f"{PAPER_KEY_PREFIX}{member.id}")) is not None


def _store(session: Session, definition: SurveyDefinition, member: SampleMember,
           typed: TypedForm) -> None:
    answers, problems = check_typed(definition, typed)
    if problems:
        item, why = next(iter(problems.items()))
        where = (_("outcome") if item == DISPOSITION_ITEM
                 else _("item %(n)s", n=item_numbers(definition).get(item, "?")))
        raise EntryRefused(f"{where}: {why}")
    session.execute(delete(PaperEntry).where(PaperEntry.sample_member_id == member.id))
    try:
        record_return(session, member.sample, member, key=f"{PAPER_KEY_PREFIX}{member.id}",
                      code=typed.disposition, answers=answers, source="paper")
    except ReturnRefused as exc:
        session.rollback()
        raise EntryRefused(str(exc)) from None


def save_entry(session: Session, definition: SurveyDefinition, member: SampleMember,
               clerk: User, typed: TypedForm) -> EntryResult:
    """Save a clerk's entry (validated beforehand with :func:`check_typed`)."""
    if member.sample.closed_at is not None:
        raise EntryRefused(_("fieldwork on this sample is closed"))
    if already_stored(session, member):
        raise EntryRefused(_("this form was entered and stored already"))
    entries = entries_of(session, member)
    if len(entries) >= 2:
        raise EntryRefused(_("both entries of this form are in; a supervisor resolves them"))
    if entries and entries[0].clerk_id == clerk.id:
        raise EntryRefused(_("the second entry must be typed by another clerk"))
    number = len(entries) + 1
    session.add(PaperEntry(sample_id=member.sample_id, sample_member_id=member.id,
                           entry_no=number, clerk_id=clerk.id, disposition=typed.disposition,
                           answers=typed.values))
    if number == 1:
        session.commit()
        return EntryResult("waiting")
    found = differences(_typed(entries[0]), typed)
    if found:
        session.commit()
        return EntryResult("differs", tuple(found))
    _store(session, definition, member, typed)
    return EntryResult("stored")


def pending_differences(session: Session, member: SampleMember) -> list[Difference]:
    """The differences a supervisor has to resolve (empty unless both entries are in)."""
    entries = entries_of(session, member)
    if len(entries) < 2:
        return []
    return differences(_typed(entries[0]), _typed(entries[1]))


def resolve(session: Session, definition: SurveyDefinition, member: SampleMember,
            decided: Mapping[str, str]) -> TypedForm:
    """Store the form with the supervisor's value for every differing item; the items both
    clerks typed alike are kept as typed."""
    entries = entries_of(session, member)
    if len(entries) < 2:
        raise EntryRefused(_("the form does not have two entries to resolve"))
    first = _typed(entries[0])
    values = dict(first.values)
    disposition = first.disposition
    for difference in differences(first, _typed(entries[1])):
        if difference.item not in decided:
            raise EntryRefused(_("decide every differing item"))
        chosen = decided[difference.item]
        if difference.item == DISPOSITION_ITEM:
            disposition = chosen.strip()
        elif chosen.strip():
            values[difference.item] = _normal(definition, difference.item, chosen)
        else:
            values.pop(difference.item, None)
    typed = TypedForm(disposition, values)
    _store(session, definition, member, typed)
    return typed
