"""Self-assessment and appraisal: who may do what, evidence checks, totals, ranks, audit."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.webapp.par_index_helpers import add_units, add_user, publish_card, write
from webapp.models import AuditEntry, EvidenceFile, Role
from webapp.par_index.assessment import (
    AssessmentError,
    appraise,
    assign,
    finish_appraisal,
    open_assessment,
    score_row,
    self_score,
    submit,
)
from webapp.par_index.evidence import MAX_EVIDENCE_BYTES, add_evidence
from webapp.par_index.results import compute, ranked
from webapp.par_index.scorecards import publish_scorecard

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(session: Session, tmp_path: Path) -> dict:
    units = add_units(session, tmp_path)
    version = publish_card(session, tmp_path)
    return {
        "units": units, "version": version,
        "m1": add_user(session, "m1@xa1.vn", Role.UNIT_MANAGER, units["XA1"]),
        "o1": add_user(session, "o1@xa1.vn", Role.ANALYST, units["XA1"]),
        "m2": add_user(session, "m2@xa2.vn", Role.UNIT_MANAGER, units["XA2"]),
        "m3": add_user(session, "m3@xa3.vn", Role.UNIT_MANAGER, units["XA3"]),
        "rev": add_user(session, "rev@dso.vn", Role.UNIT_MANAGER, units["DSO"]),
    }


def _self_assess(session: Session, w: dict, code: str, values: dict[str, str]):  # type: ignore[no-untyped-def]
    user = w[{"XA1": "m1", "XA2": "m2", "XA3": "m3"}[code]]
    a = open_assessment(session, w["units"][code], w["version"], user)
    for item, value in values.items():
        self_score(session, a, item, value=value, explanation="giải trình", user=user)
    submit(session, a, user)
    return a


def test_open__without_point_table__refused(session: Session, tmp_path: Path) -> None:
    from tests.webapp.par_index_helpers import CARD

    units = add_units(session, tmp_path)
    m1 = add_user(session, "m1@xa1.vn", Role.UNIT_MANAGER, units["XA1"])
    version = publish_scorecard(session, write(tmp_path, CARD.format(version="np", year=2024),
                                               "c.yaml"))
    with pytest.raises(AssessmentError, match="point table"):
        open_assessment(session, units["XA1"], version, m1)


def test_full_round__self_score_evidence_submit_appraise_totals(session: Session,
                                                               world: dict) -> None:
    w = world
    xa1 = w["units"]["XA1"]
    a = open_assessment(session, xa1, w["version"], w["m1"])
    assign(session, a, "1.1", responsible_unit=xa1, account=w["o1"], by=w["m1"])
    with pytest.raises(AssessmentError, match="only a manager"):
        assign(session, a, "1.2", responsible_unit=xa1, account=w["o1"], by=w["rev"])
    with pytest.raises(AssessmentError, match="does not belong"):
        assign(session, a, "1.2", responsible_unit=xa1, account=w["m2"], by=w["m1"])
    # The assigned officer scores 1.1; the manager the rest; others may not.
    assert self_score(session, a, "1.1", value="yes", explanation="",
                      user=w["o1"]).self_score == Decimal(2)
    for outsider in (w["m2"], w["rev"]):
        with pytest.raises(AssessmentError, match="only the account assigned"):
            self_score(session, a, "1.2", value="full", explanation="", user=outsider)
    with pytest.raises(AssessmentError, match="listed levels"):
        self_score(session, a, "1.2", value="most", explanation="", user=w["m1"])
    self_score(session, a, "1.2", value="half", explanation="", user=w["m1"])
    row21 = self_score(session, a, "2.1", value="0,9", explanation="", user=w["m1"])
    assert row21.self_score == Decimal(2)  # 4 x (0.9 - 0.8) / (1 - 0.8)
    # Evidence: type, content and size are checked.
    row11 = score_row(session, a, "1.1")
    for name, data, why in [("virus.exe", b"MZ..", "not accepted"),
                            ("ke-hoach.pdf", b"<html>", "not a .pdf file"),
                            ("rong.pdf", b"", "empty"),
                            ("lon.pdf", b"%PDF-" + b"0" * MAX_EVIDENCE_BYTES, "the limit")]:
        with pytest.raises(AssessmentError, match=why):
            add_evidence(session, a, row11, filename=name, data=data, user=w["o1"])
    ev = add_evidence(session, a, row11, filename="C:\\docs\\Kế hoạch CCHC.pdf", data=PDF,
                      user=w["o1"])
    assert (ev.filename, ev.content_type, ev.size) == ("Kế hoạch CCHC.pdf",
                                                       "application/pdf", len(PDF))
    # 1.2 and 2.1 have neither evidence nor explanation: submission is refused.
    with pytest.raises(AssessmentError, match="neither evidence nor explanation: 1.2, 2.1"):
        submit(session, a, w["m1"])
    for code in ("1.2", "2.1"):
        self_score(session, a, code, value=score_row(session, a, code).declared_value or "",
                   explanation="Chưa có văn bản; đang hoàn thiện", user=w["m1"])
    with pytest.raises(AssessmentError, match="only a submitted"):
        appraise(session, a, "1.1", reviewer=w["rev"])
    submit(session, a, w["m1"])
    with pytest.raises(AssessmentError, match="submitted"):
        self_score(session, a, "1.1", value="no", explanation="", user=w["o1"])
    # Appraisal by the district: not by the commune itself nor by a sibling commune.
    for wrong in (w["m1"], w["m2"]):
        with pytest.raises(AssessmentError, match="only a reviewer"):
            appraise(session, a, "1.1", reviewer=wrong)
    appraise(session, a, "1.1", reviewer=w["rev"])
    with pytest.raises(AssessmentError, match="needs a reason"):
        appraise(session, a, "1.2", reviewer=w["rev"], score=Decimal(1))
    with pytest.raises(AssessmentError, match="outside"):
        appraise(session, a, "1.2", reviewer=w["rev"], score=Decimal(5), reason="x")
    appraise(session, a, "1.2", reviewer=w["rev"], score=Decimal(1),
             reason="Kế hoạch mới hoàn thành một phần tư")
    with pytest.raises(AssessmentError, match="not appraised yet: 2.1"):
        finish_appraisal(session, a, w["rev"])
    appraise(session, a, "2.1", reviewer=w["rev"])
    finish_appraisal(session, a, w["rev"])
    result = compute(session, a)
    # 2 (1.1) + 1 (1.2, adjusted) + 2 (2.1) of 10.
    assert (result.total, result.maximum, result.percent) == (5, 10, Decimal("50.00"))
    assert result.band is not None and result.band.id == "yeu"
    assert result.items["1"].final == 3 and result.items["1"].lost == 3
    assert result.items["1.2"].self_score == 2 and result.items["1.2"].appraised_score == 1
    actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count("parindex.self_score") == 5
    assert actions.count("parindex.appraise") == 3
    assert {"parindex.open", "parindex.assign", "parindex.evidence", "parindex.submit",
            "parindex.appraised"} <= set(actions)
    adjusted = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "parindex.appraise", AuditEntry.target == "XA1:2024:1.2")).one()
    assert adjusted.user_id == w["rev"].id
    assert adjusted.detail == {"self": "2.000", "appraised": "1",
                               "reason": "Kế hoạch mới hoàn thành một phần tư"}
    assert session.scalar(select(EvidenceFile.data)) == PDF


def test_ranks__peers_of_the_same_version__ties_share_a_rank(session: Session,
                                                             world: dict) -> None:
    _self_assess(session, world, "XA1", {"1.1": "yes", "1.2": "half", "2.1": "0.9"})  # 6
    _self_assess(session, world, "XA2", {"1.1": "yes", "1.2": "full", "2.1": "0.95"})  # 9
    _self_assess(session, world, "XA3", {"1.1": "no", "1.2": "full", "2.1": "0.9"})  # 6
    results = ranked(session, world["version"])
    assert [(r.assessment.unit.code, r.percent, r.rank, r.out_of) for r in results] == [
        ("XA2", Decimal("90.00"), 1, 3), ("XA1", Decimal("60.00"), 2, 3),
        ("XA3", Decimal("60.00"), 2, 3)]
    assert [r.band.id for r in results if r.band] == ["tot", "yeu", "yeu"]
