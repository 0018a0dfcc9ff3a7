"""QR posters and codes: decoded with a real QR decoder, and the decoded URL opens the survey."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from PIL import Image
from sqlalchemy.orm import Session

from tests.conftest import require_or_skip
from tests.webapp.survey_helpers import setup_counter
from webapp.cli import main
from webapp.counters.poster import render_poster
from webapp.counters.qr import qr_matrix, qr_svg
from webapp.counters.service import counter_url
from webapp.models import Counter, Unit
from webapp.respond.tokens import verify_counter_token

zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp (the test extra) decodes QR codes")

UNIT_NAME = "Trung tâm Phục vụ hành chính công tỉnh Lâm Đồng"


def decode(image: Image.Image) -> list[str]:
    """Return the texts of the QR codes a real decoder finds in ``image``."""
    return [r.text for r in zxingcpp.read_barcodes(image)
            if r.format == zxingcpp.BarcodeFormat.QRCode]


def pdfium() -> Any:
    """Return pypdfium2 (the test extra), or skip."""
    try:
        import pypdfium2
    except ImportError:
        require_or_skip("pypdfium2 (the test extra) is needed to read PDFs")
    return pypdfium2


def pdf_pages(data: bytes) -> list[tuple[str, Image.Image]]:
    """Return (text, 150-dpi image) per page of a PDF, through PDFium."""
    document = pdfium().PdfDocument(data)
    pages = [(page.get_textpage().get_text_range(), page.render(scale=150 / 72).to_pil())
             for page in document]
    document.close()
    return pages


@pytest.fixture
def counter(session: Session) -> Counter:
    unit = Unit(code="LD-TTHCC", name_vi=UNIT_NAME, name_en="Lam Dong Service Centre",
                unit_type="centre")
    unit.counters = [Counter(code="Q1", name_vi="Quầy số 1 – Đất đai", name_en="Counter 1"),
                     Counter(code="Q2", name_vi="Quầy số 2 – Hộ tịch"),
                     Counter(code="Q3", name_vi="Quầy cũ", active=False)]
    session.add(unit)
    session.commit()
    return unit.counters[0]


def test_qr_svg__same_modules_as_matrix() -> None:
    data = "https://hl.example.vn/s/0.1.1.abcdefghijklmnopqrst"
    svg = qr_svg(data)
    root = ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input
    matrix = qr_matrix(data)
    size = len(matrix)
    assert root.get("viewBox") == f"0 0 {size} {size}"
    drawn = [[False] * size for _ in range(size)]
    path = root.find("{http://www.w3.org/2000/svg}path")
    assert path is not None
    for x, y, width in re.findall(r"M(\d+) (\d+)h(\d+)", path.get("d", "")):
        for column in range(int(x), int(x) + int(width)):
            drawn[int(y)][column] = True
    assert drawn == matrix


def test_qr_matrix__decodes_with_real_decoder() -> None:
    data = "https://hl.example.vn/d/AbC-123_xyz"
    matrix = qr_matrix(data)
    image = Image.new("L", (len(matrix), len(matrix)), 255)
    image.putdata([0 if cell else 255 for row in matrix for cell in row])
    assert decode(image.resize((len(matrix) * 8,) * 2, Image.Resampling.NEAREST)) == [data]


@pytest.mark.parametrize("size", ["a4", "a5"])
def test_cli_poster_png__decodes_to_counter_url_that_opens_survey(
        runner: FlaskCliRunner, client: FlaskClient, app: Flask, session: Session,
        tmp_path: Path, size: str) -> None:
    counter = setup_counter(session)
    out = tmp_path / "poster.png"
    result = runner.invoke(main, ["qr", "poster", "--counter", counter.code, "--format", "png",
                                  "--size", size, "--out", str(out)])
    assert result.exit_code == 0, result.output
    image = Image.open(out)
    texts = decode(image)
    assert texts == [counter_url(counter, app.config)]
    url = urlsplit(texts[0])
    assert f"{url.scheme}://{url.netloc}" == app.config["HAILONG_BASE_URL"]
    assert verify_counter_token(session, url.path.removeprefix("/s/"), app.config) is counter
    page = client.get(url.path)
    assert page.status_code == 200
    assert "Xã Đắk Song" in page.get_data(as_text=True)
    # The code is printed 9-12 cm wide: its dark modules span at least 8 cm of the page.
    dpi = 150
    width_px = image.size[0]
    dark_columns = [x for x in range(width_px)
                    if any(image.getpixel((x, y))[0] < 128  # type: ignore[index]
                           for y in range(image.size[1] // 3, image.size[1] * 2 // 3, 4))]
    assert (dark_columns[-1] - dark_columns[0]) / dpi * 2.54 >= 8.0


def test_poster_pdf__unit_name_text_and_decodable_code(app: Flask, counter: Counter) -> None:
    pages = pdf_pages(render_poster(counter, app.config, fmt="pdf"))
    assert len(pages) == 1
    text, image = pages[0]
    flat = " ".join(text.split())
    assert UNIT_NAME in flat and "Quầy số 1 – Đất đai" in flat
    assert "Quét mã để Ông/Bà đánh giá" in flat and "Scan to rate" in flat
    assert "khoảng 3 phút" in flat and "bạn" not in flat  # polite form, one duration
    assert counter_url(counter, app.config) in flat
    assert decode(image) == [counter_url(counter, app.config)]


def test_poster_pdf__a4_and_a5_page_sizes(app: Flask, counter: Counter) -> None:
    for size, (width_mm, height_mm) in (("a4", (210, 297)), ("a5", (148, 210))):
        document = pdfium().PdfDocument(render_poster(counter, app.config, fmt="pdf", size=size))
        width, height = document[0].get_size()
        document.close()
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (width_mm, height_mm)


def test_poster_svg__valid_svg_with_title(app: Flask, counter: Counter) -> None:
    svg = render_poster(counter, app.config, fmt="svg")
    root = ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert UNIT_NAME in svg.decode()


def test_cli_sheet__one_page_per_active_counter(runner: FlaskCliRunner, app: Flask,
                                               counter: Counter, tmp_path: Path) -> None:
    out = tmp_path / "sheet.pdf"
    result = runner.invoke(main, ["qr", "sheet", "--unit", "LD-TTHCC", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 poster(s)" in result.output
    pages = pdf_pages(out.read_bytes())
    decoded = [decode(image) for _text, image in pages]
    codes = [c for c in counter.unit.counters if c.active]
    assert decoded == [[counter_url(c, app.config)] for c in codes]
    assert all(UNIT_NAME in " ".join(text.split()) for text, _ in pages)


@pytest.mark.parametrize(("args", "message"), [
    (["qr", "poster", "--counter", "NOPE", "--out", "x.png"], "unknown counter code 'NOPE'"),
    (["qr", "poster", "--counter", "Q1", "--out", "x.txt"], "--format pdf|svg|png"),
    (["qr", "sheet", "--unit", "NOPE", "--out", "x.pdf"], "unknown unit code 'NOPE'"),
])
def test_cli_qr__bad_arguments__exit_1(runner: FlaskCliRunner, counter: Counter,
                                       tmp_path: Path, args: list[str], message: str,
                                       monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, args)
    assert result.exit_code == 1 and message in result.output
    assert not (tmp_path / args[-1]).exists()


def test_poster_png__bytes_are_png(app: Flask, counter: Counter) -> None:
    data = render_poster(counter, app.config, fmt="png", size="a5")
    assert Image.open(io.BytesIO(data)).format == "PNG"


def test_poster_a5__long_names__text_shrinks_code_still_decodes(app: Flask,
                                                                 counter: Counter) -> None:
    counter.unit.name_vi = "Trung tâm Phục vụ hành chính công " * 4
    counter.name_vi = "Quầy số 1 – Đất đai, xây dựng và tài nguyên môi trường, hộ tịch"
    data = render_poster(counter, app.config, fmt="png", size="a5")
    assert decode(Image.open(io.BytesIO(data))) == [counter_url(counter, app.config)]
