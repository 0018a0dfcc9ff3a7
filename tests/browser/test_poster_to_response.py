"""From the printed poster to a stored response: decode the QR image, open it, answer."""

from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp
from flask import Flask
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.browser.test_survey import complete
from tests.webapp.survey_helpers import setup_counter
from webapp.cli import main
from webapp.models import Response

pytestmark = pytest.mark.browser


def test_poster_png__decoded_url__answered_on_phone(app: Flask, session: Session,  # type: ignore[no-untyped-def]
                                                    live_server: str, phone,
                                                    tmp_path: Path) -> None:
    counter = setup_counter(session)
    app.config["HAILONG_BASE_URL"] = live_server  # what a real poster would print
    out = tmp_path / "poster.png"
    result = app.test_cli_runner().invoke(main, ["qr", "poster", "--counter", counter.code,
                                                 "--format", "png", "--out", str(out)])
    assert result.exit_code == 0, result.output
    codes = [r.text for r in zxingcpp.read_barcodes(Image.open(out))
             if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(codes) == 1 and codes[0].startswith(live_server + "/s/")
    complete(phone, codes[0])
    expect(phone.locator("h1")).to_contain_text("Xin cảm ơn")
    assert session.scalar(select(func.count()).select_from(Response)) == 1
    assert session.scalar(select(Response.counter_id)) == counter.id
