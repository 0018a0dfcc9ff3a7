"""Disclosure control of exports: free text, contact details, k-anonymity by local suppression."""

from __future__ import annotations

import json
import secrets
import uuid
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.webapp.test_export import export, load, read_csv
from tests.webapp.test_export_sdc import KEYS, violations
from webapp.export.disclosure import scrub_text
from webapp.models import Response, SurveyVersion

ITEMS = ["gender", "age_band", "ethnicity", "education", "occupation", "residence"]


@pytest.mark.parametrize(("text", "kept", "gone"), [
    ("Gọi tôi 0912 345 678 nhé", "Gọi tôi", "0912"),
    ("SĐT +84 912.345.678", "SĐT", "912"),
    ("CCCD 001203004567 của tôi", "của tôi", "001203004567"),
    ("CMND 123456789", "CMND", "123456789"),
    ("email: nguyen.van.a@gmail.com cảm ơn", "cảm ơn", "gmail"),
])
def test_scrub_text__phone_id_email_removed(text: str, kept: str, gone: str) -> None:
    clean = scrub_text(text)
    assert kept in clean and gone not in clean


def test_scrub_text__short_numbers_kept() -> None:
    text = "Chờ 3 ngày, phí 50000 đồng, quầy 12"
    assert scrub_text(text) == text


def _add_text_responses(session: Session) -> None:
    """Copy three responses with comments holding a phone, an ID number and an e-mail, and
    contact keys a definition never asked for."""
    # A SIPAS response (the exported survey): the demo also holds other instruments.
    base = session.scalar(select(Response).join(SurveyVersion)
                          .where(SurveyVersion.survey_key == "sipas")
                          .order_by(Response.id).limit(1))
    assert base is not None
    comments = ["Cán bộ nhiệt tình, gọi 0987654321 nếu cần",
                "CCCD 079203001234 bị giữ lâu",
                "Liên hệ tran.b@example.vn, rất hài lòng"]
    for text in comments:
        answers = dict(base.answers) | {"comment": text, "phone": "0912345678",
                                        "contact_email": "x@example.org"}
        session.add(Response(public_id=secrets.token_hex(16), submission_id=str(uuid.uuid4()),
                             survey_version_id=base.survey_version_id, unit_id=base.unit_id,
                             counter_id=base.counter_id, field_id=base.field_id,
                             period=base.period, channel="web", on_time=True, language="vi",
                             answers=answers))
    session.commit()


def test_export__free_text_left_out_by_default__scrubbed_on_request(
        app: Flask, session: Session, tmp_path: Path) -> None:
    load(session, app, responses=150)
    _add_text_responses(session)
    default = export(session, tmp_path, "csv", "default")
    raw = default.data_file.read_text(encoding="utf-8-sig")
    assert "comment" not in read_csv(default.data_file).columns
    assert "nhiệt tình" not in raw
    with_text = export(session, tmp_path, "csv", "text", include_text=True)
    data = read_csv(with_text.data_file)
    comments = set(data["comment"].dropna())
    assert "Cán bộ nhiệt tình, gọi [số đã xoá] nếu cần" in comments
    assert "CCCD [số đã xoá] bị giữ lâu" in comments
    assert "Liên hệ [email đã xoá], rất hài lòng" in comments
    for result in (default, with_text):
        text = result.data_file.read_text(encoding="utf-8-sig")
        for secret in ("0987654321", "079203001234", "tran.b@example.vn", "0912345678",
                       "x@example.org"):
            assert secret not in text
        assert not {"phone", "contact_email"} & set(read_csv(result.data_file).columns)


@pytest.mark.parametrize("k", [3, 5])
def test_export__k_anonymity_holds_on_output_and_is_reported(
        app: Flask, session: Session, tmp_path: Path, k: int) -> None:
    load(session, app, responses=300)
    result = export(session, tmp_path, "csv", k=k)
    data = read_csv(result.data_file)
    report = json.loads(result.files[-1].read_text(encoding="utf-8"))
    assert report["k"] == k and report["keys"] == KEYS
    assert violations(data, KEYS, k) == 0
    assert sum(report["suppressed"].values()) > 0
    assert f"k = {k}" in (result.data_file.parent / result.files[-2].name).read_text("utf-8")
    # Every suppressed cell is an answer that was given: the k = 1 file holds a value there.
    unsuppressed = read_csv(export(session, tmp_path, "csv", "k1", k=1).data_file)
    blanked = sum(int((data[c].isna() & unsuppressed[c].notna()).sum()) for c in ITEMS)
    assert blanked == sum(report["suppressed"].values())
    assert (data["weight"] == unsuppressed["weight"]).all()
