"""An administrative document as data: the header of Nghị định 30/2020 (Phụ lục I) and a body
of headings, paragraphs, tables and pictures, rendered to PDF (:mod:`.pdf`) and DOCX
(:mod:`.docx_writer`) from the same object, so both files say the same thing."""

from __future__ import annotations

from dataclasses import dataclass, field

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
# An English copy keeps the Vietnamese heading and gives its translation underneath.
QUOC_HIEU_EN = "SOCIALIST REPUBLIC OF VIET NAM"
TIEU_NGU_EN = "Independence - Freedom - Happiness"
# Longest first, so "Thành phố" is not cut as "Thành".
PLACE_KINDS = ("Thành phố", "Thị trấn", "Thị xã", "Huyện", "Phường", "Quận", "Tỉnh", "Xã")


@dataclass(frozen=True)
class Heading:
    """A section heading (bold, e.g. "I. KẾT QUẢ ĐẠT ĐƯỢC")."""

    text: str


@dataclass(frozen=True)
class Paragraph:
    """Body text: justified with a first-line indent unless ``indent`` is off."""

    text: str
    indent: bool = True
    bold: bool = False
    italic: bool = False
    size: float | None = None  # points; None = the body size
    centre: bool = False


@dataclass(frozen=True)
class Table:
    """A table with a bold header row; ``widths`` are shares of the text width."""

    header: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None
    numeric: frozenset[int] = frozenset()  # columns aligned right


@dataclass(frozen=True)
class Picture:
    """A chart as a PNG, ``width_mm`` wide, with a caption under it."""

    png: bytes
    width_mm: float
    caption: str = ""


Block = Heading | Paragraph | Table | Picture


@dataclass
class OfficialDocument:
    """Everything a document of Nghị định 30 shows, already worded in its language."""

    language: str
    parent_name: str  # tên cơ quan chủ quản, uppercase ("" for none)
    issuer_name: str  # tên cơ quan ban hành, uppercase
    number: str  # "Số:      /BC-UBND"
    place_date: str  # "Đắk Song, ngày 04 tháng 12 năm 2026"
    kind: str  # "BÁO CÁO"
    title: str  # trích yếu
    blocks: list[Block] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)  # "- Lưu: VT." last
    recipients_label: str = "Nơi nhận:"
    signature: list[str] = field(default_factory=list)  # authority and position lines
    metadata_title: str = ""

    def text_lines(self) -> list[str]:
        """Every line of text the document holds, in order (for comparing renderings)."""
        lines = [self.parent_name, self.issuer_name, QUOC_HIEU, TIEU_NGU, self.number,
                 self.place_date, self.kind, self.title]
        for block in self.blocks:
            if isinstance(block, Heading | Paragraph):
                lines.append(block.text)
            elif isinstance(block, Table):
                lines.extend(block.header)
                lines.extend(cell for row in block.rows for cell in row)
            else:
                lines.append(block.caption)
        return [line for line in lines if line]


def place_name(unit_name: str) -> str:
    """The địa danh of the date line: a unit's Vietnamese name without its administrative kind
    ("Xã Đắk Song" -> "Đắk Song"), as Nghị định 30 writes the place."""
    name = unit_name.strip()
    for kind in PLACE_KINDS:
        if name.lower().startswith(kind.lower() + " ") and len(name) > len(kind) + 1:
            return name[len(kind) + 1:].strip()
    return name
