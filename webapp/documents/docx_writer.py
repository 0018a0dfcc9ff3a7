"""An :class:`~.model.OfficialDocument` as a DOCX that staff can edit before signing, laid out
by Nghị định 30/2020 (Phụ lục I) like :mod:`.pdf`: A4, margins 20/20/30/15 mm, Times New
Roman, header table (issuing body | Quốc hiệu - Tiêu ngữ), số/ký hiệu, place and date, title,
body, nơi nhận and signature block; page numbers from page 2."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.text.paragraph import Paragraph as DocxParagraph

from .model import (
    QUOC_HIEU,
    QUOC_HIEU_EN,
    TIEU_NGU,
    TIEU_NGU_EN,
    Heading,
    OfficialDocument,
    Paragraph,
    Picture,
    Table,
)

FONT = "Times New Roman"


def _run(paragraph: DocxParagraph, text: str, *, size: float = 14, bold: bool = False,
         italic: bool = False) -> None:
    run = paragraph.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold, run.italic = bold, italic


def _para(container: Any, text: str = "", *, size: float = 14, bold: bool = False,
          italic: bool = False, align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
          indent: bool = False) -> DocxParagraph:
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(6)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1.27)
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic)
    return paragraph


def _page_number_header(document: Any) -> None:
    """Page number centred in the top margin, not on page 1."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    run.font.name, run.font.size = FONT, Pt(13)


def _table(document: Any, block: Table) -> None:
    table = document.add_table(rows=1, cols=len(block.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, block.header, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], text, size=12, bold=True)
    for values in block.rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
            if index in block.numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _run(cell.paragraphs[0], text, size=12)


def _header(document: Any, doc: OfficialDocument) -> None:
    head = document.add_table(rows=2, cols=2)
    left, right = head.rows[0].cells
    left.paragraphs[0].alignment = right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if doc.parent_name:
        _run(left.paragraphs[0], doc.parent_name, size=13)
        issuer = left.add_paragraph()
        issuer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        issuer = left.paragraphs[0]
    _run(issuer, doc.issuer_name, size=13, bold=True)
    _run(right.paragraphs[0], QUOC_HIEU, size=13, bold=True)
    motto = right.add_paragraph()
    motto.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(motto, TIEU_NGU, size=14, bold=True)
    if doc.language == "en":
        for line in (QUOC_HIEU_EN, TIEU_NGU_EN):
            english = right.add_paragraph()
            english.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run(english, line, size=11, italic=True)
    number, place = head.rows[1].cells
    number.paragraphs[0].alignment = place.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(number.paragraphs[0], doc.number, size=13)
    _run(place.paragraphs[0], doc.place_date, size=14, italic=True)
    _para(document, doc.kind, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(document, doc.title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def render_docx(doc: OfficialDocument) -> bytes:
    """Return ``doc`` as DOCX bytes."""
    document = Document()
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    _page_number_header(document)
    _header(document, doc)
    for block in doc.blocks:
        if isinstance(block, Heading):
            _para(document, block.text, bold=True)
        elif isinstance(block, Paragraph):
            _para(document, block.text, size=block.size or 14, bold=block.bold,
                  italic=block.italic, indent=block.indent and not block.centre,
                  align=WD_ALIGN_PARAGRAPH.CENTER if block.centre
                  else WD_ALIGN_PARAGRAPH.JUSTIFY)
        elif isinstance(block, Table):
            _table(document, block)
        elif isinstance(block, Picture):
            document.add_picture(io.BytesIO(block.png), width=Mm(block.width_mm))
            if block.caption:
                _para(document, block.caption, size=12, italic=True,
                      align=WD_ALIGN_PARAGRAPH.CENTER)
    end = document.add_table(rows=1, cols=2)
    recipients, signature = end.rows[0].cells
    _run(recipients.paragraphs[0], doc.recipients_label, size=12, bold=True, italic=True)
    for entry in doc.recipients:
        _run(recipients.add_paragraph(), entry, size=11)
    signature.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(signature.paragraphs[0], "\n".join(doc.signature), size=14, bold=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
