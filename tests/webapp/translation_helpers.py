"""A made-up test language (ISO 639 ``qaa``, reserved for local use), produced by the test:
every Vietnamese label prefixed with a marker, so a test can see which language a page is in."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

TEST_LANGUAGE = "qaa"
TEST_LANGUAGE_NAME = "Tiếng Thử"


def fill(exported: Path, out: Path, *, skip: str | None = None,
         overrides: dict[str, str] | None = None) -> Path:
    """Fill the target column of an exported sheet (``skip``: leave that row out)."""
    book = load_workbook(exported)
    sheet = book["translation"]
    for row in sheet.iter_rows(min_row=2):
        item_id, vi = row[0].value, row[2].value or ""
        if item_id == skip:
            for cell in row:
                cell.value = None  # an emptied row, as a translator deleting it would leave
            continue
        text = TEST_LANGUAGE_NAME if item_id == ":language" else f"[qaa] {vi}"
        row[4].value = (overrides or {}).get(str(item_id), text)
    book.save(out)
    return out
