"""The báo cáo as a DOCX in the format of Nghị định 30/2020/NĐ-CP (Phụ lục I), editable before
signing: A4, Times New Roman, header table (issuing body | Quốc hiệu - Tiêu ngữ), số/ký hiệu,
place and date, title, body, nơi nhận and signature block; page numbers from page 2."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.text.paragraph import Paragraph

from .report_content import ReportContent, vi_date, vi_number

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"


def _run(paragraph: Paragraph, text: str, *, size: int = 14, bold: bool = False,
         italic: bool = False) -> None:
    run = paragraph.add_run(text)
    run.font.name = "Times New Roman"
    run.font.size = Pt(size)
    run.bold, run.italic = bold, italic


def _para(container, text: str = "", *, size: int = 14, bold: bool = False,  # type: ignore[no-untyped-def]
          italic: bool = False, align=WD_ALIGN_PARAGRAPH.JUSTIFY,  # type: ignore[no-untyped-def]
          indent: bool = False) -> Paragraph:
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(6)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1.27)
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic)
    return paragraph


def _page_number_header(document) -> None:  # type: ignore[no-untyped-def]
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
    run.font.name, run.font.size = "Times New Roman", Pt(13)


def _table(document, header: list[str], rows: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], text, size=12, bold=True)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            _run(cell.paragraphs[0], text, size=12)


def write_docx(content: ReportContent, out: Path) -> None:
    """Write ``content`` to ``out`` as a DOCX."""
    document = Document()
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(14)
    _page_number_header(document)

    head = document.add_table(rows=2, cols=2)
    left, right = head.rows[0].cells
    left.paragraphs[0].alignment = right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if content.parent_name:
        _run(left.paragraphs[0], content.parent_name, size=13)
        issuer = left.add_paragraph()
        issuer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        issuer = left.paragraphs[0]
    _run(issuer, content.issuer_name, size=13, bold=True)
    _run(right.paragraphs[0], QUOC_HIEU, size=13, bold=True)
    motto = right.add_paragraph()
    motto.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(motto, TIEU_NGU, size=14, bold=True)
    number, place = head.rows[1].cells
    number.paragraphs[0].alignment = place.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(number.paragraphs[0], "Số:       /BC-UBND", size=13)
    _run(place.paragraphs[0], f"{content.place}, {vi_date(content.date)}", size=14,
         italic=True)

    _para(document, "BÁO CÁO", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(document, content.title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(document, "Thực hiện chỉ đạo của cấp trên về khắc phục hạn chế, cải thiện và nâng "
          f"cao các Chỉ số PAR INDEX, SIPAS, PAPI, {content.unit.name_vi} báo cáo kết quả "
          f"phân tích năm {content.year} như sau:", indent=True)

    _para(document, "I. KẾT QUẢ ĐẠT ĐƯỢC", bold=True)
    for line in content.summary:
        _para(document, line, indent=True)
    if content.official:
        _para(document, "Kết quả chính thức đã công bố:", indent=True)
        _table(document, ["Chỉ số", "Năm", "Nội dung", "Điểm", "Tối đa", "Xếp hạng", "Nguồn"],
               [[r.index_key, str(r.year), r.component or "Toàn chỉ số", vi_number(r.score),
                 vi_number(r.maximum), f"{r.rank}/{r.out_of}" if r.rank else "-", r.source]
                for r in content.official])
    _para(document, f"Các tiêu chí đạt mục tiêu ({len(content.achieved)}):", indent=True)
    _table(document, ["Mã", "Tiêu chí", "Điểm", "Tối đa", "Mục tiêu", "Xếp hạng"],
           [[i.code, i.name, i.actual, i.maximum, i.target, i.rank] for i in content.achieved])

    _para(document, "II. TỒN TẠI, HẠN CHẾ", bold=True)
    _para(document, f"Các tiêu chí chưa đạt mục tiêu ({len(content.not_achieved)}):",
          indent=True)
    _table(document, ["Mã", "Tiêu chí", "Điểm", "Tối đa", "Mục tiêu", "Xếp hạng"],
           [[i.code, i.name, i.actual, i.maximum, i.target, i.rank]
            for i in content.not_achieved])
    _para(document, "Các tiêu chí bị mất điểm hoặc giảm điểm so với năm trước (mất nhiều "
          "điểm nhất trước) và trách nhiệm:", indent=True)
    _table(document, ["Mã", "Tiêu chí", "Điểm mất", "So với năm trước", "Đơn vị chịu trách "
                      "nhiệm", "Người chịu trách nhiệm"],
           [[lp.item_code, lp.name, vi_number(lp.lost),
             "-" if lp.change is None else ("+" if lp.change > 0 else "") + vi_number(lp.change),
             lp.responsible_unit.name_vi if lp.responsible_unit else "Chưa phân công",
             lp.responsible.email if lp.responsible else "Chưa phân công"]
            for lp in content.lost])

    if content.citizens_worst:
        _para(document, "Những nội dung người dân đánh giá thấp nhất (khảo sát SIPAS tại "
              "Bộ phận Một cửa):", indent=True)
        for line in content.citizens_worst:
            _para(document, f"- {line};", indent=True)

    _para(document, "III. NGUYÊN NHÂN", bold=True)
    causes = [lp for lp in content.lost if lp.cause]
    for lp in causes:
        _para(document, f"- Tiêu chí {lp.item_code} ({lp.name}): {lp.cause}", indent=True)
    if not causes:
        _para(document, "Chưa có nguyên nhân được nhập cho các tiêu chí mất điểm.", indent=True)

    _para(document, "IV. GIẢI PHÁP KHẮC PHỤC", bold=True)
    remedies = [(lp, plan, owner) for lp in content.lost for plan, owner in lp.plans]
    for lp, plan, owner in remedies:
        status = "đã hoàn thành" if plan.status == "done" else "đang thực hiện"
        _para(document, f"- Tiêu chí {lp.item_code}: {plan.description} (người thực hiện: "
              f"{owner.email if owner else plan.owner}; hạn: "
              f"{plan.deadline.strftime('%d/%m/%Y')}; {status}).", indent=True)
    if not remedies:
        _para(document, "Chưa có giải pháp được giao cho các tiêu chí mất điểm.", indent=True)
    if content.citizens_wanted:
        _para(document, "Những nội dung người dân mong muốn được cải thiện nhất:", indent=True)
        for line in content.citizens_wanted:
            _para(document, f"- {line};", indent=True)

    end = document.add_table(rows=1, cols=2)
    recipients, signature = end.rows[0].cells
    _run(recipients.paragraphs[0], "Nơi nhận:", size=12, bold=True, italic=True)
    for entry in (f"- {content.parent_name.title() if content.parent_name else 'Cấp trên'};",
                  "- Lưu: VT."):
        _run(recipients.add_paragraph(), entry, size=11)
    signature.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(signature.paragraphs[0], "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", size=14, bold=True)
    document.save(str(out))
