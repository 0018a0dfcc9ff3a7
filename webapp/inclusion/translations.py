"""Survey labels in more languages, as data from translators (never invented in code).

Workflow: ``hailong translations export`` writes every label of a survey version to a
spreadsheet (id, kind, Vietnamese source, English, an empty column for the target language),
followed by the interface texts of the citizen's pages and the procedure fields' names
(``webapp.inclusion.interface_texts``);
a translator fills the last column; ``hailong translations import`` checks the whole file
(every id present once, nothing extra, no empty cell, placeholders as in the source) and
stores it all or nothing, attached to that survey version. Text is stored in NFC.

A language is offered to citizens only where every label of the version in force has its
translation (:func:`complete_languages`) and so has every interface text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from openpyxl import Workbook, load_workbook
from sqlalchemy import Select, bindparam, delete, func, literal, select, union_all
from sqlalchemy.orm import Session

from survey_defs import SurveyDefinition
from survey_defs.model import YESNO

from .. import audit
from ..csv_input import ImportProblem, ImportRejected
from ..models import InterfaceTranslation, SurveyTranslation, SurveyVersion
from ..spreadsheet_safety import neutralise
from ..survey_versions import latest_version, load_version
from .interface_texts import CatalogueRow, catalogue_rows, citizen_keys, stored_catalogue
from .items import TITLE, choice_id, label_items

BUILT_IN = ("vi", "en")  # carried by the definitions themselves
SHEET, ABOUT = "translation", "about"
HEADER = ("id", "kind", "vi", "en")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def valid_language(code: str) -> bool:
    """An ISO 639 code of two or three lower-case letters (``cmo``, ``rad``)."""
    return bool(_LANGUAGE.match(code))


def export_sheet(session: Session, survey_key: str, language: str, out: Path) -> int:
    """Write the labels of the survey's version in force; return how many rows."""
    if not valid_language(language) or language in BUILT_IN:
        raise ValueError(f"language {language!r}: give an ISO 639 code such as cmo or rad "
                         "(Vietnamese and English live in the definition itself)")
    version = latest_version(session, survey_key)
    if version is None:
        raise ValueError(f"no published survey {survey_key!r}")
    done = stored_texts(session, version.id, language)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append([*HEADER, language])
    rows = 0
    for item in label_items(load_version(version)):
        sheet.append([item.id, item.kind, neutralise(item.labels.get("vi", "")),
                      neutralise(item.labels.get("en", "")), neutralise(done.get(item.id, ""))])
        rows += 1
    catalogue = stored_catalogue(session, language)
    for row in catalogue_rows(session):
        sheet.append([row.key, row.kind, neutralise(row.vi), neutralise(row.en),
                      neutralise(catalogue.get(row.key, ""))])
        rows += 1
    for column, width in zip("ABCDE", (24, 10, 60, 60, 60), strict=True):
        sheet.column_dimensions[column].width = width
    about = book.create_sheet(ABOUT)
    for key, value in (("survey", version.survey_key), ("version", version.version),
                       ("language", language)):
        about.append([key, value])
    book.save(out)
    return rows


@dataclass(frozen=True)
class ImportReport:
    """What an accepted file stored."""

    survey_key: str
    version: int
    language: str
    labels: int
    interface: int = 0  # interface texts and field names


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def import_sheet(session: Session, path: Path, *, user_id: int | None = None) -> ImportReport:
    """Check a filled spreadsheet and store its translations, all or nothing."""
    name = path.name
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged or non-XLSX file: say so, whatever the parser says
        raise ImportRejected(name, [ImportProblem(0, "", f"not a readable XLSX file ({exc})")]) \
            from exc
    if SHEET not in book.sheetnames or ABOUT not in book.sheetnames:
        raise ImportRejected(name, [ImportProblem(0, "", f"the file needs the sheets {SHEET!r} "
                                                  f"and {ABOUT!r} written by the export")])
    about = {_text(r[0]): _text(r[1]) for r in book[ABOUT].iter_rows(values_only=True)
             if r and len(r) >= 2}
    version = session.scalar(select(SurveyVersion).where(
        SurveyVersion.survey_key == about.get("survey", ""),
        SurveyVersion.version == (int(about["version"]) if about.get("version", "").isdigit()
                                  else -1)))
    language = about.get("language", "")
    if version is None or not valid_language(language) or language in BUILT_IN:
        raise ImportRejected(name, [ImportProblem(0, ABOUT, "survey, version or language "
                                                  "unknown: export the sheet again")])
    labels = {item.id: item.labels.get("vi", "") for item in label_items(load_version(version))}
    catalogue: dict[str, CatalogueRow] = {row.key: row for row in catalogue_rows(session)}
    sources = {**labels, **{key: row.vi for key, row in catalogue.items()}}
    rows = book[SHEET].iter_rows(values_only=True)
    header = [_text(c) for c in next(rows, ())]
    problems: list[ImportProblem] = []
    if header[:4] != list(HEADER) or len(header) < 5 or header[4] != language:
        raise ImportRejected(name, [ImportProblem(1, "", f"the header must read "
                                                  f"{', '.join([*HEADER, language])}")])
    texts: dict[str, str] = {}
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        cells = [*row, None, None, None, None, None][:5]
        item_id, target = _text(cells[0]), unicodedata.normalize("NFC", _text(cells[4]))
        if not item_id and not target:
            continue
        if item_id not in sources:
            problems.append(ImportProblem(line, "id", f"{item_id!r} is not a label of "
                                          f"{version.survey_key} v{version.version}"))
            continue
        if item_id in seen:
            problems.append(ImportProblem(line, "id", f"{item_id!r} appears twice"))
            continue
        seen.add(item_id)
        if not target:
            problems.append(ImportProblem(line, language, "no translation"))
            continue
        source = sources[item_id]
        if Counter(_PLACEHOLDER.findall(source)) != Counter(_PLACEHOLDER.findall(target)):
            problems.append(ImportProblem(line, language, "placeholders differ from the "
                                          f"Vietnamese: {_PLACEHOLDER.findall(source)}"))
            continue
        texts[item_id] = target
    book.close()
    for item_id in sources:
        if item_id not in seen:
            problems.append(ImportProblem(0, "id", f"{item_id!r} is missing (Vietnamese: "
                                          f"{sources[item_id]!r})"))
    if problems:
        raise ImportRejected(name, problems)
    session.execute(delete(SurveyTranslation).where(
        SurveyTranslation.survey_version_id == version.id,
        SurveyTranslation.language == language))
    session.add_all(SurveyTranslation(survey_version_id=version.id, language=language,
                                      label_id=i, text=t) for i, t in texts.items()
                    if i in labels)
    # The interface texts and field names are shared by every survey: the newest sheet's win.
    session.execute(delete(InterfaceTranslation).where(
        InterfaceTranslation.language == language))
    session.add_all(InterfaceTranslation(language=language, key=i, text=t)
                    for i, t in texts.items() if i in catalogue)
    audit.record(session, "survey_translation.import", user_id=user_id,
                 target=f"{version.survey_key} v{version.version}",
                 detail={"language": language, "labels": len(labels),
                         "interface": len(catalogue), "file": name})
    session.commit()
    return ImportReport(version.survey_key, version.version, language, len(labels),
                        len(catalogue))


def stored_texts(session: Session, version_id: int, language: str) -> dict[str, str]:
    """Label id -> translated text of a version in a language."""
    return dict(session.execute(select(SurveyTranslation.label_id, SurveyTranslation.text)
                                .where(SurveyTranslation.survey_version_id == version_id,
                                       SurveyTranslation.language == language)).all())


def coverage(session: Session) -> list[tuple[str, int, str, int, int]]:
    """(survey, version, language, translated labels, labels) for every stored language."""
    out = []
    for version_id, language, count in session.execute(
            select(SurveyTranslation.survey_version_id, SurveyTranslation.language,
                   func.count()).group_by(SurveyTranslation.survey_version_id,
                                          SurveyTranslation.language)):
        version = session.get(SurveyVersion, version_id)
        assert version is not None
        total = sum(1 for _ in label_items(load_version(version)))
        out.append((version.survey_key, version.version, language, int(count), total))
    return sorted(out)


# Labels per version, by (survey key, version number, content hash): a pure cache, as the
# parsed definitions of ``load_version`` (a published version's text never changes), so no
# process can hold a count the database would not give.
_LABEL_COUNT: dict[tuple[str, int, str], int] = {}


def label_count(version: SurveyVersion) -> int:
    """How many labels a translation of ``version`` must cover (counted once per version)."""
    key = (version.survey_key, version.version, version.content_hash)
    found = _LABEL_COUNT.get(key)
    if found is None:
        found = sum(1 for _ in label_items(load_version(version)))
        if len(_LABEL_COUNT) > 64:
            _LABEL_COUNT.clear()
        _LABEL_COUNT[key] = found
    return found


def complete_languages(session: Session, version: SurveyVersion) -> list[str]:
    """Languages with a translation of every label of ``version`` (ISO codes, sorted)."""
    total = label_count(version)
    return sorted(language for language, count in session.execute(
        select(SurveyTranslation.language, func.count())
        .where(SurveyTranslation.survey_version_id == version.id)
        .group_by(SurveyTranslation.language)) if count == total)


@lru_cache(maxsize=1)
def _counts_statement() -> Select[tuple[str, str, int]]:
    """Translated labels of a version and translated interface texts, per language, in one
    statement (built once per process: the interface keys are fixed by the code)."""
    labels = (select(SurveyTranslation.language, literal("label").label("kind"),
                     func.count().label("n"))
              .where(SurveyTranslation.survey_version_id == bindparam("version_id"))
              .group_by(SurveyTranslation.language))
    interface = (select(InterfaceTranslation.language, literal("interface").label("kind"),
                        func.count().label("n"))
                 .where(InterfaceTranslation.key.in_(citizen_keys()))
                 .group_by(InterfaceTranslation.language))
    return select(union_all(labels, interface).subquery())  # type: ignore[return-value]


def offered_translations(session: Session, version: SurveyVersion) -> list[str]:
    """Languages (sorted) whose labels of ``version`` and interface texts are both complete.

    Read from the database on every call, in one statement of two grouped counts, so an
    import made through any instance is offered on the next request everywhere; only the
    label total, fixed by the version's text, is kept per process."""
    total, interface_total = label_count(version), len(citizen_keys())
    counts = {(language, kind): int(n) for language, kind, n in
              session.execute(_counts_statement(), {"version_id": version.id})}
    return sorted(language for (language, kind), n in counts.items()
                  if kind == "label" and n == total
                  and counts.get((language, "interface")) == interface_total)


_BUILT: dict[tuple[str, str, int], SurveyDefinition] = {}


def with_language(definition: SurveyDefinition, language: str,
                  texts: dict[str, str]) -> SurveyDefinition:
    """A copy of the definition whose labels also carry ``language`` (built once per
    definition, language and set of texts, then shared)."""
    key = (definition.content_hash, language, hash(tuple(sorted(texts.items()))))
    if key not in _BUILT:
        if len(_BUILT) > 64:
            _BUILT.clear()
        _BUILT[key] = _with_language(definition, language, texts)
    return _BUILT[key]


def _with_language(definition: SurveyDefinition, language: str,
                   found: dict[str, str]) -> SurveyDefinition:

    def add(labels: dict[str, str], item_id: str) -> dict[str, str]:
        return {**labels, language: found[item_id]} if item_id in found else labels

    base_scales = dict(definition.scales)
    yesno_without_scale = {q.id for q in definition.questions
                           if q.type == "yesno" and q.scale is None}
    if yesno_without_scale:
        base_scales.setdefault(YESNO.id, YESNO)  # the built-in yes/no gets its labels too
    scales = {sid: replace(s, choices=tuple(replace(c, label=add(c.label, choice_id(sid, c.code)))
                                            for c in s.choices),
                           no_opinion=replace(s.no_opinion, label=add(
                               s.no_opinion.label, choice_id(sid, s.no_opinion.code)))
                           if s.no_opinion else None)
              for sid, s in base_scales.items()}
    questions = tuple(replace(q, label=add(q.label, q.id), hint=add(q.hint, f"{q.id}:hint"),
                              scale=YESNO.id if q.id in yesno_without_scale else q.scale,
                              rows=tuple(replace(r, label=add(r.label, f"{q.id}.{r.id}"))
                                         for r in q.rows))
                      for q in definition.questions)
    return replace(definition, title=add(definition.title, TITLE), scales=scales,
                   questions=questions)
