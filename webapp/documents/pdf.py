"""An :class:`~.model.OfficialDocument` as a PDF laid out by Nghị định 30/2020 (Phụ lục I).

A4 portrait; margins top and bottom 20 mm, left 30 mm, right 15 mm; a Times New Roman-metric
serif (Liberation Serif, Debian's ``fonts-liberation``); Quốc hiệu 13 pt bold, tiêu ngữ 14 pt
bold with a drawn line as long as the text; issuing body 13 pt; "Số" 13 pt; place and date 14 pt
italic; "BÁO CÁO" and the trích yếu 14 pt bold with a short line; body 14 pt justified with a
1,27 cm first-line indent and 6 pt between paragraphs; tables 12 pt; page numbers centred in the
top margin from page 2; nơi nhận 12 pt bold italic with entries at 11 pt. Drawn with reportlab.
"""

from __future__ import annotations

import io
import os
import threading
import unicodedata
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

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

FAMILY = "HailongSerif"
TOP = BOTTOM = 20 * mm
LEFT, RIGHT = 30 * mm, 15 * mm
BODY_PT, TABLE_PT = 14.0, 12.0
# Liberation Serif has the metrics of Times New Roman; Debian ships it in two packages, and only
# version 2 (fonts-liberation2; fonts-liberation from Debian 13) has the Vietnamese letters.
# HAILONG_FONT_DIR names another folder holding the four LiberationSerif-*.ttf files.
FONT_DIRS = (*((Path(os.environ["HAILONG_FONT_DIR"]),) if os.environ.get("HAILONG_FONT_DIR")
               else ()),
             Path("/usr/share/fonts/truetype/liberation2"),
             Path("/usr/share/fonts/truetype/liberation"))
FACES = {"": "LiberationSerif-Regular.ttf", "-Bold": "LiberationSerif-Bold.ttf",
         "-Italic": "LiberationSerif-Italic.ttf", "-BoldItalic": "LiberationSerif-BoldItalic.ttf"}
_registered = threading.Lock()


class FontMissing(RuntimeError):
    """No Times New Roman-compatible font is installed."""


# Letters with two diacritics: a font without them prints "CNG HÒA" for "CỘNG HÒA".
VIETNAMESE = "ẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ"


def _has_vietnamese(folder: Path) -> bool:
    face = TTFontFile(str(folder / FACES[""]))
    return all(ord(c) in face.charToGlyph for c in VIETNAMESE + VIETNAMESE.lower())


def font_dir() -> Path:
    """The folder holding a Liberation Serif with Vietnamese letters (``fonts-liberation2``),
    or FontMissing."""
    for folder in FONT_DIRS:
        if all((folder / name).is_file() for name in FACES.values()) and _has_vietnamese(folder):
            return folder
    raise FontMissing("Liberation Serif 2 (Debian package fonts-liberation2; fonts-liberation "
                      "from Debian 13) is not installed: official documents need a Times New "
                      "Roman-compatible font with Vietnamese letters")


def _register() -> None:
    with _registered:
        if FAMILY in pdfmetrics.getRegisteredFontNames():
            return
        folder = font_dir()
        for suffix, name in FACES.items():
            pdfmetrics.registerFont(TTFont(FAMILY + suffix, str(folder / name)))
        pdfmetrics.registerFontFamily(FAMILY, normal=FAMILY, bold=FAMILY + "-Bold",
                                      italic=FAMILY + "-Italic",
                                      boldItalic=FAMILY + "-BoldItalic")


def _face(bold: bool = False, italic: bool = False) -> str:
    return FAMILY + ("-Bold" if bold and not italic else "-Italic" if italic and not bold
                     else "-BoldItalic" if bold and italic else "")


def _style(size: float, *, bold: bool = False, italic: bool = False, align: int = TA_JUSTIFY,
           indent: float = 0.0, after: float = 6.0, leading: float = 1.2) -> ParagraphStyle:
    return ParagraphStyle("hl", fontName=_face(bold, italic), fontSize=size,
                          leading=size * leading, alignment=align, firstLineIndent=indent,
                          spaceAfter=after)


def _text(value: str) -> str:
    """NFC text escaped for reportlab's paragraph markup (a name is never markup)."""
    return escape(unicodedata.normalize("NFC", value)).replace("\n", "<br/>")


class Rule(Flowable):
    """A solid horizontal line ``width`` long, centred in the space it is given."""

    def __init__(self, width: float, gap: float = 4.0) -> None:
        super().__init__()
        self.line_width, self.gap = width, gap

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.avail = avail_width
        return avail_width, self.gap * 2

    def draw(self) -> None:
        start = (self.avail - self.line_width) / 2
        self.canv.setLineWidth(0.6)
        self.canv.line(start, self.gap, start + self.line_width, self.gap)


def _para(text: str, style: ParagraphStyle) -> RLParagraph:
    return RLParagraph(_text(text), style)


def _header(doc: OfficialDocument, width: float) -> list[Flowable]:
    left_w = width * 0.4
    right_w = width - left_w
    centre13 = _style(13, align=TA_CENTER, after=0)
    bold13 = _style(13, bold=True, align=TA_CENTER, after=0)
    left: list[Flowable] = []
    if doc.parent_name:
        left.append(_para(doc.parent_name, centre13))
    left.append(_para(doc.issuer_name, bold13))
    # The line under the issuing body: a third to a half of its width (Phụ lục I).
    issuer_w = min(pdfmetrics.stringWidth(doc.issuer_name, _face(True), 13), left_w - 8)
    left.append(Rule(max(issuer_w * 0.45, 20 * mm)))
    quoc_hieu_pt = 13.0
    # Quốc hiệu stays on one line: 13 pt when it fits the column, else 12 pt (both allowed).
    if pdfmetrics.stringWidth(QUOC_HIEU, _face(True), quoc_hieu_pt) > right_w - 6:
        quoc_hieu_pt = 12.0
    right: list[Flowable] = [_para(QUOC_HIEU, _style(quoc_hieu_pt, bold=True, align=TA_CENTER,
                                                     after=0)),
                             _para(TIEU_NGU, _style(14, bold=True, align=TA_CENTER, after=0)),
                             Rule(pdfmetrics.stringWidth(TIEU_NGU, _face(True), 14))]
    if doc.language == "en":
        small = _style(11, italic=True, align=TA_CENTER, after=0)
        right += [_para(QUOC_HIEU_EN, small), _para(TIEU_NGU_EN, small)]
    # The blank for the number is kept (spaces that do not collapse).
    number = [_para(doc.number.replace(" ", "\u00a0"), _style(13, align=TA_CENTER, after=0))]
    place = [_para(doc.place_date, _style(14, italic=True, align=TA_CENTER, after=0))]
    table = RLTable([[left, right], [number, place]], colWidths=[left_w, right_w])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 1), (-1, 1), 6)]))
    title_style = _style(14, bold=True, align=TA_CENTER, after=0)
    title_w = min(pdfmetrics.stringWidth(doc.title, _face(True), 14), width)
    return [table, Spacer(1, 14), _para(doc.kind, title_style), _para(doc.title, title_style),
            Rule(max(title_w / 3, 25 * mm), gap=4), Spacer(1, 10)]


def _table(block: Table, width: float) -> RLTable:
    shares = block.widths or [1 / len(block.header)] * len(block.header)
    total = sum(shares)
    widths = [width * s / total for s in shares]
    head = _style(TABLE_PT, bold=True, align=TA_CENTER, after=0, leading=1.15)
    cells = [_style(TABLE_PT, align=TA_LEFT, after=0, leading=1.15),
             _style(TABLE_PT, align=TA_RIGHT, after=0, leading=1.15)]
    data = [[_para(h, head) for h in block.header]]
    for row in block.rows:
        data.append([_para(value, cells[i in block.numeric]) for i, value in enumerate(row)])
    table = RLTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                               ("LEFTPADDING", (0, 0), (-1, -1), 3),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 3)]))
    return table


def _picture(block: Picture, width: float) -> list[Flowable]:
    reader = ImageReader(io.BytesIO(block.png))
    pixels_w, pixels_h = reader.getSize()
    draw_w = min(block.width_mm * mm, width)
    image = Image(io.BytesIO(block.png), width=draw_w, height=draw_w * pixels_h / pixels_w)
    out: list[Flowable] = [image]
    if block.caption:
        out.append(_para(block.caption, _style(12, italic=True, align=TA_CENTER)))
    return [KeepTogether(out)]


def _body(doc: OfficialDocument, width: float) -> list[Flowable]:
    out: list[Flowable] = []
    blocks = doc.blocks
    for index, block in enumerate(blocks):
        # A heading, or a sentence introducing a table or chart, stays with what follows.
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        keep = isinstance(block, Heading) or isinstance(following, Table | Picture)
        if isinstance(block, Heading):
            style = _style(BODY_PT, bold=True, align=TA_LEFT)
            style.keepWithNext = keep
            out.append(_para(block.text, style))
        elif isinstance(block, Paragraph):
            style = _style(block.size or BODY_PT, bold=block.bold, italic=block.italic,
                           align=TA_CENTER if block.centre else TA_JUSTIFY,
                           indent=1.27 * cm if block.indent and not block.centre else 0.0)
            style.keepWithNext = keep
            out.append(_para(block.text, style))
        elif isinstance(block, Table):
            out += [_table(block, width), Spacer(1, 8)]
        else:
            out += _picture(block, width)
    return out


def _closing(doc: OfficialDocument, width: float) -> Flowable:
    recipients: list[Flowable] = [_para(doc.recipients_label,
                                        _style(12, bold=True, italic=True, align=TA_LEFT,
                                               after=0))]
    recipients += [_para(line, _style(11, align=TA_LEFT, after=0)) for line in doc.recipients]
    signature = [_para(line, _style(14, bold=True, align=TA_CENTER, after=0))
                 for line in doc.signature]
    table = RLTable([[recipients, signature]], colWidths=[width * 0.45, width * 0.55])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([Spacer(1, 12), table])


def _page_number(canvas: Canvas, template: SimpleDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont(_face(), 13)
    canvas.drawCentredString(LEFT + (A4[0] - LEFT - RIGHT) / 2, A4[1] - TOP / 2 - 4,
                             str(canvas.getPageNumber()))
    canvas.restoreState()


def render_pdf(doc: OfficialDocument) -> bytes:
    """Return ``doc`` as PDF bytes (A4, Nghị định 30 layout)."""
    _register()
    buffer = io.BytesIO()
    template = SimpleDocTemplate(buffer, pagesize=A4, topMargin=TOP, bottomMargin=BOTTOM,
                                 leftMargin=LEFT, rightMargin=RIGHT,
                                 title=doc.metadata_title or doc.title,
                                 author=doc.issuer_name.title(), lang=doc.language)
    width = A4[0] - LEFT - RIGHT
    story = _header(doc, width) + _body(doc, width) + [_closing(doc, width)]
    # Page 1 carries no number (Phụ lục I); later pages carry it in the top margin.
    template.build(story, onLaterPages=_page_number)
    return buffer.getvalue()
