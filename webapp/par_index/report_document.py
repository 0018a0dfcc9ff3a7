"""The báo cáo as an :class:`~webapp.documents.model.OfficialDocument`: one model, written to
DOCX (editable before signing) and PDF by :mod:`webapp.documents`, so both say the same thing,
in Vietnamese or in English (the wording is :mod:`.report_words`)."""

from __future__ import annotations

from pathlib import Path

from ..documents.docx_writer import render_docx
from ..documents.model import Heading, OfficialDocument, Paragraph, Table
from ..documents.pdf import render_pdf
from .report_content import ItemLine, ReportContent, report_date, short_date, unit_name

ITEM_WIDTHS = [0.08, 0.44, 0.1, 0.1, 0.16, 0.12]
NUMERIC = frozenset({2, 3})
FORMATS = ("docx", "pdf")


def _item_table(content: ReportContent, lines: list[ItemLine]) -> Table:
    w = content.words
    header = [w["h_code"], w["h_criterion"], w["h_score"], w["h_maximum"], w["h_target"],
              w["h_rank"]]
    return Table(header, [[i.code, i.name, i.actual, i.maximum, i.target, i.rank]
                          for i in lines], widths=ITEM_WIDTHS, numeric=NUMERIC)


def report_document(content: ReportContent) -> OfficialDocument:
    """The báo cáo's header, sections I-IV, nơi nhận and signature block."""
    w, lang, num = content.words, content.language, content.number
    parent = content.unit.parent
    doc = OfficialDocument(
        language=lang, parent_name=content.parent_name, issuer_name=content.issuer_name,
        number=w["number"], place_date=f"{content.place}, {report_date(content.date, lang)}",
        kind=w["kind"], title=content.title, metadata_title=content.title,
        recipients=[w["parent_recipient"].format(
            parent=unit_name(parent, lang) if parent else w["superior"]), w["archive"]],
        recipients_label=w["recipients_label"],
        signature=[w["signature_1"], w["signature_2"]])
    add = doc.blocks.append
    add(Paragraph(w["intro"].format(unit=unit_name(content.unit, lang), year=content.year)))

    add(Heading(w["s_achieved"]))
    for line in content.summary:
        add(Paragraph(line))
    if content.official:
        add(Paragraph(w["official"]))
        add(Table([w["h_index"], w["h_year"], w["h_component"], w["h_score"], w["h_maximum"],
                   w["h_rank"], w["h_source"]],
                  [[r.index_key, str(r.year), r.component or w["whole_index"], num(r.score),
                    num(r.maximum), f"{r.rank}/{r.out_of}" if r.rank else "-", r.source]
                   for r in content.official],
                  widths=[0.1, 0.08, 0.2, 0.1, 0.1, 0.12, 0.3], numeric=frozenset({3, 4})))
    add(Paragraph(w["achieved_list"].format(n=len(content.achieved))))
    add(_item_table(content, content.achieved))

    add(Heading(w["s_shortfalls"]))
    add(Paragraph(w["not_achieved_list"].format(n=len(content.not_achieved))))
    add(_item_table(content, content.not_achieved))
    add(Paragraph(w["lost_intro"]))
    add(Table([w["h_code"], w["h_criterion"], w["h_lost"], w["h_change_year"], w["h_unit"],
               w["h_person"]],
              [[lp.item_code, content.item_name(lp.item_code, lp.name), num(lp.lost),
                "-" if lp.change is None else ("+" if lp.change > 0 else "") + num(lp.change),
                unit_name(lp.responsible_unit, lang) if lp.responsible_unit
                else w["unassigned"],
                lp.responsible.email if lp.responsible else w["unassigned"]]
               for lp in content.lost],
              widths=[0.08, 0.3, 0.1, 0.12, 0.2, 0.2], numeric=frozenset({2, 3})))
    if content.domain_ranks:
        add(Paragraph(w["domains_intro"]))
        add(Table([w["h_code"], w["h_domain"], w["h_score"], w["h_rank"], w["h_previous"],
                   w["h_change"]],
                  [list(row) for row in content.domain_ranks],
                  widths=[0.08, 0.42, 0.1, 0.14, 0.14, 0.12], numeric=frozenset({2})))
    if content.citizens_worst:
        add(Paragraph(w["worst_intro"]))
        for line in content.citizens_worst:
            add(Paragraph(w["list_item"].format(text=line)))

    add(Heading(w["s_causes"]))
    causes = [lp for lp in content.lost if lp.cause]
    for lp in causes:
        add(Paragraph(w["cause"].format(code=lp.item_code,
                                        name=content.item_name(lp.item_code, lp.name),
                                        cause=lp.cause)))
    if not causes:
        add(Paragraph(w["no_causes"]))

    add(Heading(w["s_remedies"]))
    remedies = [(lp, plan, owner) for lp in content.lost for plan, owner in lp.plans]
    for lp, plan, owner in remedies:
        add(Paragraph(w["remedy"].format(
            code=lp.item_code, description=plan.description,
            owner=owner.email if owner else plan.owner,
            deadline=short_date(plan.deadline, lang),
            status=w["done"] if plan.status == "done" else w["open"])))
    if not remedies:
        add(Paragraph(w["no_remedies"]))
    if content.citizens_wanted:
        add(Paragraph(w["wanted_intro"]))
        for line in content.citizens_wanted:
            add(Paragraph(w["list_item"].format(text=line)))
    return doc


def render_report(content: ReportContent, fmt: str) -> bytes:
    """The báo cáo as ``docx`` or ``pdf`` bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}")
    doc = report_document(content)
    return render_docx(doc) if fmt == "docx" else render_pdf(doc)


def write_docx(content: ReportContent, out: Path) -> None:
    """Write ``content`` to ``out`` as a DOCX."""
    out.write_bytes(render_report(content, "docx"))


def write_report(content: ReportContent, out: Path, fmt: str) -> None:
    """Write ``content`` to ``out`` as ``fmt`` (docx or pdf)."""
    out.write_bytes(render_report(content, fmt))
