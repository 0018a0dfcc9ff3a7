"""Shared set-up for the PAR INDEX tests: a small unit tree, a published scorecard with points."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from webapp.administration.units import import_units
from webapp.models import Role, ScorecardVersion, Unit, User
from webapp.par_index.scorecards import import_points, publish_scorecard

UNITS = """code,name_vi,unit_type,parent_code
DNO,Tỉnh Đắk Nông,province,
DSO,Huyện Đắk Song,district,DNO
XA1,Xã Nâm N'Jang,commune,DSO
XA2,Xã Trường Xuân,commune,DSO
XA3,Xã Thuận Hạnh,commune,DSO
"""

# A commune scorecard for tests: each rule type once, 10 points in all.
CARD = """\
key: test_xa
version: "{version}"
year: {year}
level: xa
title: {{vi: "Chỉ số CCHC cấp xã (thử)", en: "Commune PAR (test)"}}
languages: [vi, en]
sources: {{HL: "hailong"}}
total_points: 10
bands:
  - {{id: tot, label: {{vi: "Tốt", en: "Good"}}, min_percent: 90}}
  - {{id: kha, label: {{vi: "Khá", en: "Fair"}}, min_percent: 70}}
  - {{id: yeu, label: {{vi: "Yếu", en: "Weak"}}, min_percent: 0}}
domains:
  - code: "1"
    name: {{vi: "Chỉ đạo, điều hành", en: "Direction"}}
    max_points: null
    source: HL
    verification: I
    criteria:
      - code: "1.1"
        name: {{vi: "Ban hành kế hoạch CCHC", en: "Reform plan issued"}}
        max_points: null
        rule: {{type: yesno}}
        evidence: {{vi: "Kế hoạch CCHC năm"}}
      - code: "1.2"
        name: {{vi: "Hoàn thành kế hoạch", en: "Plan completed"}}
        max_points: null
        rule:
          type: levels
          levels:
            - {{id: full, label: {{vi: "Hoàn thành"}}, share: 1}}
            - {{id: half, label: {{vi: "Một nửa"}}, share: 0.5}}
            - {{id: none, label: {{vi: "Không"}}, share: 0}}
  - code: "2"
    name: {{vi: "Thủ tục hành chính", en: "Procedures"}}
    max_points: null
    source: HL
    verification: I
    criteria:
      - code: "2.1"
        name: {{vi: "Hồ sơ đúng hạn", en: "Dossiers on time"}}
        max_points: null
        rule: {{type: proportional, zero_at: 0.8, full_at: 1}}
"""

POINTS = {"1": "6", "1.1": "2", "1.2": "4", "2": "4", "2.1": "4"}


def write(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def add_units(session: Session, tmp_path: Path) -> dict[str, Unit]:
    import_units(session, write(tmp_path, UNITS, "units.csv"))
    return {u.code: u for u in session.query(Unit)}


def add_user(session: Session, email: str, role: Role, unit: Unit | None) -> User:
    user = User(email=email, password_hash="x", role=role,
                unit_id=unit.id if unit else None)
    session.add(user)
    session.commit()
    return user


def publish_card(session: Session, tmp_path: Path, year: int = 2024,
                 points: dict[str, str] | None = None) -> ScorecardVersion:
    version = f"test-{year}"
    path = write(tmp_path, CARD.format(version=version, year=year), f"card{year}.yaml")
    row = publish_scorecard(session, path)
    lines = ["scorecard,version,item_code,max_points"] + [
        f"test_xa,{version},{code},{value}" for code, value in (points or POINTS).items()]
    import_points(session, write(tmp_path, "\n".join(lines) + "\n", f"points{year}.csv"))
    return row


def dec(text: str) -> Decimal:
    return Decimal(text)


def setup_par(session: Session, tmp_path: Path) -> dict[str, int]:
    """On the staff test tree (P -> A -> A1, P -> B): a 2024 scorecard with points; A's
    self-assessment scored with evidence on 1.1 (a draft, ready to submit); A1's submitted
    (ready to appraise); B without one. Returns ids: version, evidence."""
    from webapp.par_index.assessment import open_assessment, score_row, self_score, submit
    from webapp.par_index.evidence import add_evidence

    version = publish_card(session, tmp_path)
    admin = session.query(User).filter_by(role=Role.ADMIN).first()
    assert admin is not None
    units = {u.code: u for u in session.query(Unit)}
    ids = {"version": version.id}
    for code in ("A", "A1"):
        a = open_assessment(session, units[code], version, admin)
        for item, value in (("1.1", "yes"), ("1.2", "half"), ("2.1", "0.9")):
            self_score(session, a, item, value=value, explanation="Giải trình", user=admin)
        if code == "A":
            ids["evidence"] = add_evidence(
                session, a, score_row(session, a, "1.1"), filename="ke-hoach.pdf",
                data=b"%PDF-1.4\n%%EOF\n", user=admin).id
        else:
            submit(session, a, admin)
    return ids
