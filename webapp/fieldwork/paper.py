"""Paper forms for a field sample: one per sampled respondent, with a scannable form code.

Each form is a cover sheet (the address and phone an interviewer needs to find the person; torn
off and kept apart, destroyed when fieldwork closes) followed by the answer pages, which carry
only the form code: the respondent id with two check digits (ISO 7064 MOD 97-10 over its bytes,
so any single typing error and almost every swap is caught) and the same code as a QR code, on
every page. Each item shows its number, its answer codes in boxes and its wording; a data-entry
clerk types the codes (``/staff/fieldwork/entry``).
"""

from __future__ import annotations

import io
import re
import textwrap
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_defs import SurveyDefinition

from ..counters.poster import draw_code
from ..counters.qr import qr_matrix
from ..models import FieldSample, FrameContact, FrameUnit, SampleMember

FORM_PREFIX = "HL"
A4 = (21.0, 29.7)  # cm
CM = 2.54
_RC = {"text.parse_math": False, "font.family": "DejaVu Sans", "pdf.fonttype": 42}
LINES_PER_PAGE = 56


def check_digits(respondent_id: str) -> str:
    """Two check digits (ISO 7064 MOD 97-10) over the id's UTF-8 bytes."""
    number = int.from_bytes(unicodedata.normalize("NFC", respondent_id).encode(), "big")
    return f"{98 - (number * 100) % 97:02d}"


def form_code(respondent_id: str) -> str:
    """The code printed and encoded on every answer page: ``<id>*<check digits>``."""
    return f"{respondent_id}*{check_digits(respondent_id)}"


def respondent_of(code: str) -> str | None:
    """The respondent id of a typed or scanned form code, or None when the check fails."""
    text = unicodedata.normalize("NFC", code.strip())
    if text.startswith(f"{FORM_PREFIX}:"):
        text = text.split(":", 2)[-1]
    respondent, star, digits = text.rpartition("*")
    if not star or not respondent or check_digits(respondent) != digits:
        return None
    return respondent


def _qr_text(sample: FieldSample, respondent_id: str) -> str:
    return f"{FORM_PREFIX}:{sample.name}:{form_code(respondent_id)}"


@dataclass(frozen=True)
class FormLine:
    """One printed line of an answer page."""

    text: str
    bold: bool = False
    indent: float = 0.0


def _label(labels: dict[str, str]) -> str:
    return unicodedata.normalize("NFC", labels.get("vi") or next(iter(labels.values()), ""))


def item_numbers(definition: SurveyDefinition) -> dict[str, str]:
    """The printed number of every answer id (``5``, or ``5.2`` for a grid's second row)."""
    out: dict[str, str] = {}
    number = 0
    for q in definition.questions:
        if q.from_context:
            continue
        number += 1
        if q.type == "grid":
            for i, row in enumerate(q.rows, start=1):
                out[f"{q.id}.{row.id}"] = f"{number}.{i}"
        else:
            out[q.id] = str(number)
    return out


_WORDS = {"==": "=", "!=": "≠", ">=": "≥", "<=": "≤", "and": "và", "or": "hoặc",
          "not": "không"}


def _condition(show_if: str, numbers: dict[str, int]) -> str:
    """A skip rule in words a respondent's interviewer reads: question numbers, not ids."""
    def word(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in numbers:
            return f"Câu {numbers[token]}"
        if token.split(".", 1)[0] in numbers:  # a grid row
            return f"Câu {numbers[token.split('.', 1)[0]]}"
        return _WORDS.get(token, token)

    return re.sub(r"[A-Za-z_][A-Za-z0-9_.]*|==|!=|>=|<=", word, show_if)


def form_lines(definition: SurveyDefinition) -> list[list[FormLine]]:
    """The answer pages' lines, one block per question (a block is never split over pages):
    item numbers, wording and boxed answer codes (Vietnamese)."""
    blocks: list[list[FormLine]] = []
    lines: list[FormLine] = []
    number = 0
    numbers = {q.id: i for i, q in enumerate(
        (q for q in definition.questions if not q.from_context), start=1)}

    def wrapped(text: str, *, bold: bool = False, indent: float = 0.0,
                width: int = 108) -> None:
        for part in textwrap.wrap(text, width) or [""]:
            lines.append(FormLine(part, bold, indent))

    def boxes(answer_id: str, q_no_opinion: bool, q_type: str) -> str:
        scale = definition.scale_of(answer_id)
        if scale is None:
            return ""
        options = scale.all_choices(q_no_opinion and q_type != "multiple")
        return "   ".join(f"☐ {c.code} {_label(c.label)}" for c in options)

    for q in definition.questions:
        if q.from_context:
            continue
        number += 1
        lines = []
        blocks.append(lines)
        condition = f"  (chỉ hỏi nếu {_condition(q.show_if, numbers)})" if q.show_if else ""
        wrapped(f"Câu {number}. {_label(q.label)}{condition}", bold=True)
        if q.type == "grid":
            for i, row in enumerate(q.rows, start=1):
                wrapped(f"{number}.{i} {_label(row.label)}", indent=0.4, width=104)
                wrapped(boxes(f"{q.id}.{row.id}", q.no_opinion, q.type), indent=0.9, width=100)
        elif q.type in ("single", "yesno", "multiple"):
            note = "  (có thể chọn nhiều)" if q.type == "multiple" else ""
            wrapped(boxes(q.id, q.no_opinion, q.type) + note, indent=0.4, width=104)
        elif q.type == "number":
            bounds = "" if q.min is None or q.max is None else f"  (từ {q.min:g} đến {q.max:g})"
            lines.append(FormLine(f"Số: ________{bounds}", indent=0.4))
        else:
            lines.extend(FormLine("_" * 80, indent=0.4) for _ in range(3))
    return blocks


def _pages(blocks: list[list[FormLine]]) -> Iterator[list[FormLine]]:
    page: list[FormLine] = []
    for block in blocks:
        if page and len(page) + len(block) > LINES_PER_PAGE:
            yield page
            page = []
        page.extend(block)
    if page:
        yield page


def _page(code_text: str, qr: list[list[bool]], header: str) -> Figure:
    fig = Figure(figsize=(A4[0] / CM, A4[1] / CM), facecolor="white")
    side = 2.6  # cm: scans from a phone or a hand scanner at arm's length
    draw_code(fig, qr, (1 - (side + 1.0) / A4[0], 1 - (side + 0.8) / A4[1],
                        side / A4[0], side / A4[1]))
    fig.text(1.5 / A4[0], 1 - 1.3 / A4[1], header, fontsize=10, va="top")
    fig.text(1.5 / A4[0], 1 - 2.0 / A4[1], f"Mã phiếu: {code_text}", fontsize=13,
             weight="bold", va="top")
    return fig


def _cover(sample: FieldSample, respondent_id: str, contact: tuple[str | None, ...],
           qr: list[list[bool]]) -> Figure:
    fig = _page(form_code(respondent_id), qr, f"Mẫu {sample.name} · PHIẾU GIAO (tách rời)")
    name, address, phone = contact
    text = [
        "Trang bìa này chỉ dành cho điều tra viên để tìm người được chọn.",
        "Tách trang bìa khỏi phiếu trước khi nộp; không ghi tên hay địa chỉ lên các trang trả lời.",
        "Trang bìa được hủy khi kết thúc điều tra thực địa.",
        "",
        f"Người được chọn: {name or '—'}",
        f"Địa chỉ: {address or '—'}",
        f"Điện thoại: {phone or '—'}",
    ]
    for i, line in enumerate(text):
        fig.text(1.5 / A4[0], 1 - (5.0 + 0.7 * i) / A4[1], unicodedata.normalize("NFC", line),
                 fontsize=11, va="top")
    return fig


def _answer_page(sample: FieldSample, respondent_id: str, qr: list[list[bool]],
                 lines: list[FormLine], page: int, pages: int) -> Figure:
    fig = _page(form_code(respondent_id), qr,
                f"Mẫu {sample.name} · Trang trả lời {page}/{pages}")
    top = 4.2
    for i, line in enumerate(lines):
        fig.text((1.5 + line.indent) / A4[0], 1 - (top + 0.42 * i) / A4[1], line.text,
                 fontsize=8, va="top", weight="bold" if line.bold else "normal")
    if page == 1:
        fig.text(1.5 / A4[0], 1 - 2.9 / A4[1],
                 "Kết quả lần đến: ☐ 1.1 Phỏng vấn xong   ☐ 1.2 Một phần   ☐ 2.11 Từ chối\n"
                 "☐ 2.12 Bỏ dở   ☐ 2.20 Không gặp   ☐ 2.30 Lý do khác   ☐ 3.20 Không rõ   "
                 "☐ 4.10 Không thuộc đối tượng", fontsize=8, va="top", linespacing=1.5)
    return fig


def paper_forms(session: Session, sample: FieldSample, definition: SurveyDefinition, *,
                replacements: bool = False) -> tuple[bytes, int]:
    """The PDF of every sampled respondent's form (and replacements' when asked); how many."""
    import matplotlib

    query = (select(FrameUnit.unit_key, FrameContact.name, FrameContact.address,
                    FrameContact.phone)
             .join(SampleMember, SampleMember.frame_unit_id == FrameUnit.id)
             .outerjoin(FrameContact, FrameContact.frame_unit_id == FrameUnit.id)
             .where(SampleMember.sample_id == sample.id)
             .order_by(SampleMember.role.desc(), SampleMember.replacement_rank,
                       FrameUnit.unit_key))
    if not replacements:
        query = query.where(SampleMember.role == "sample")
    people = session.execute(query).all()
    pages = list(_pages(form_lines(definition)))
    buffer = io.BytesIO()
    with matplotlib.rc_context(_RC), PdfPages(buffer, metadata={
            "Title": f"Phiếu khảo sát - mẫu {sample.name}"}) as pdf:
        for key, *contact in people:
            qr = qr_matrix(_qr_text(sample, key))
            pdf.savefig(_cover(sample, key, tuple(contact), qr))
            for number, lines in enumerate(pages, start=1):
                pdf.savefig(_answer_page(sample, key, qr, lines, number, len(pages)))
    return buffer.getvalue(), len(people)
