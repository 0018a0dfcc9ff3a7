"""The báo cáo as an :class:`~webapp.documents.model.OfficialDocument`: one model, written to
DOCX (editable before signing) and PDF by :mod:`webapp.documents`, so both say the same thing."""

from __future__ import annotations

from pathlib import Path

from ..documents.docx_writer import render_docx
from ..documents.model import Heading, OfficialDocument, Paragraph, Table
from ..documents.pdf import render_pdf
from .report_content import ReportContent, vi_date, vi_number

ITEM_HEADER = ["Mã", "Tiêu chí", "Điểm", "Tối đa", "Mục tiêu", "Xếp hạng"]
ITEM_WIDTHS = [0.08, 0.44, 0.1, 0.1, 0.16, 0.12]
NUMERIC = frozenset({2, 3})
FORMATS = ("docx", "pdf")


def report_document(content: ReportContent) -> OfficialDocument:
    """The báo cáo's header, sections I-IV, nơi nhận and signature block."""
    doc = OfficialDocument(
        language="vi", parent_name=content.parent_name, issuer_name=content.issuer_name,
        number="Số:       /BC-UBND", place_date=f"{content.place}, {vi_date(content.date)}",
        kind="BÁO CÁO", title=content.title, metadata_title=content.title,
        recipients=[f"- {content.parent_name.title() if content.parent_name else 'Cấp trên'};",
                    "- Lưu: VT."],
        signature=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"])
    add = doc.blocks.append
    add(Paragraph("Thực hiện chỉ đạo của cấp trên về khắc phục hạn chế, cải thiện và nâng "
                  f"cao các Chỉ số PAR INDEX, SIPAS, PAPI, {content.unit.name_vi} báo cáo kết "
                  f"quả phân tích năm {content.year} như sau:"))

    add(Heading("I. KẾT QUẢ ĐẠT ĐƯỢC"))
    for line in content.summary:
        add(Paragraph(line))
    if content.official:
        add(Paragraph("Kết quả chính thức đã công bố:"))
        add(Table(["Chỉ số", "Năm", "Nội dung", "Điểm", "Tối đa", "Xếp hạng", "Nguồn"],
                  [[r.index_key, str(r.year), r.component or "Toàn chỉ số", vi_number(r.score),
                    vi_number(r.maximum), f"{r.rank}/{r.out_of}" if r.rank else "-", r.source]
                   for r in content.official],
                  widths=[0.1, 0.08, 0.2, 0.1, 0.1, 0.12, 0.3], numeric=frozenset({3, 4})))
    add(Paragraph(f"Các tiêu chí đạt mục tiêu ({len(content.achieved)}):"))
    add(Table(ITEM_HEADER, [[i.code, i.name, i.actual, i.maximum, i.target, i.rank]
                            for i in content.achieved], widths=ITEM_WIDTHS, numeric=NUMERIC))

    add(Heading("II. TỒN TẠI, HẠN CHẾ"))
    add(Paragraph(f"Các tiêu chí chưa đạt mục tiêu ({len(content.not_achieved)}):"))
    add(Table(ITEM_HEADER, [[i.code, i.name, i.actual, i.maximum, i.target, i.rank]
                            for i in content.not_achieved], widths=ITEM_WIDTHS,
              numeric=NUMERIC))
    add(Paragraph("Các tiêu chí bị mất điểm hoặc giảm điểm so với năm trước (mất nhiều điểm "
                  "nhất trước) và trách nhiệm:"))
    add(Table(["Mã", "Tiêu chí", "Điểm mất", "So với năm trước",
               "Đơn vị chịu trách nhiệm", "Người chịu trách nhiệm"],
              [[lp.item_code, lp.name, vi_number(lp.lost),
                "-" if lp.change is None else ("+" if lp.change > 0 else "")
                + vi_number(lp.change),
                lp.responsible_unit.name_vi if lp.responsible_unit else "Chưa phân công",
                lp.responsible.email if lp.responsible else "Chưa phân công"]
               for lp in content.lost],
              widths=[0.08, 0.3, 0.1, 0.12, 0.2, 0.2], numeric=frozenset({2, 3})))
    if content.domain_ranks:
        add(Paragraph("Thứ hạng theo lĩnh vực so với năm trước:"))
        add(Table(["Mã", "Lĩnh vực", "Điểm", "Xếp hạng", "Năm trước", "Thay đổi"],
                  [list(row) for row in content.domain_ranks],
                  widths=[0.08, 0.42, 0.1, 0.14, 0.14, 0.12], numeric=frozenset({2})))
    if content.citizens_worst:
        add(Paragraph("Những nội dung người dân đánh giá thấp nhất (khảo sát SIPAS tại Bộ phận "
                      "Một cửa):"))
        for line in content.citizens_worst:
            add(Paragraph(f"- {line};"))

    add(Heading("III. NGUYÊN NHÂN"))
    causes = [lp for lp in content.lost if lp.cause]
    for lp in causes:
        add(Paragraph(f"- Tiêu chí {lp.item_code} ({lp.name}): {lp.cause}"))
    if not causes:
        add(Paragraph("Chưa có nguyên nhân được nhập cho các tiêu chí mất điểm."))

    add(Heading("IV. GIẢI PHÁP KHẮC PHỤC"))
    remedies = [(lp, plan, owner) for lp in content.lost for plan, owner in lp.plans]
    for lp, plan, owner in remedies:
        status = "đã hoàn thành" if plan.status == "done" else "đang thực hiện"
        add(Paragraph(f"- Tiêu chí {lp.item_code}: {plan.description} (người thực hiện: "
                      f"{owner.email if owner else plan.owner}; hạn: "
                      f"{plan.deadline.strftime('%d/%m/%Y')}; {status})."))
    if not remedies:
        add(Paragraph("Chưa có giải pháp được giao cho các tiêu chí mất điểm."))
    if content.citizens_wanted:
        add(Paragraph("Những nội dung người dân mong muốn được cải thiện nhất:"))
        for line in content.citizens_wanted:
            add(Paragraph(f"- {line};"))
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
