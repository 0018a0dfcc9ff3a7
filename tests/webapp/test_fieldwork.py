"""Frames, samples, assignments and closing fieldwork: contact data apart, then gone."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.webapp.test_anonymity import dump
from webapp.cli import main
from webapp.fieldwork.frames import import_frame
from webapp.fieldwork.samples import (
    SampleError,
    assign,
    close_fieldwork,
    contacts_for,
    draw_sample,
    get_sample,
)
from webapp.models import FrameContact, FrameUnit, SampleMember, SamplingFrame, User
from webapp.models.user import Role

PHONE = "0987 654 321"
NAME = "Nguyễn Thị Thử Nghiệm"
ADDRESS = "Thôn Thử 9, xã Kiểm Tra"


def households(tmp_path: Path, name: str = "hh.csv") -> Path:
    """Two villages of 10 households; household h03 of village A carries probe contact data."""
    rows = [["unit_id", "village", "members", "contact_name", "contact_address",
             "contact_phone"]]
    for village, count in (("A", 10), ("B", 10)):
        for i in range(count):
            contact = ([NAME, ADDRESS, PHONE] if (village, i) == ("A", 3)
                       else [f"Hộ {village}{i}", f"Thôn {village}", f"09000000{i:02d}"])
            rows.append([f"{village}-h{i:02d}", village, str(i % 5 + 1), *contact])
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def count(session: Session, model) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_frames_import__valid__versioned_with_contacts_apart(session: Session,
                                                             tmp_path: Path) -> None:
    report = import_frame(session, households(tmp_path), name="hh", numeric=("members",))
    assert (report.version, report.rows, report.contacts) == (1, 20, 20)
    again = import_frame(session, households(tmp_path), name="hh", numeric=("members",))
    assert again.version == 2
    assert count(session, SamplingFrame) == 2 and count(session, FrameUnit) == 40
    for attributes in session.scalars(select(FrameUnit.attributes)):
        assert not {"contact_name", "contact_phone", "contact_address"} & set(attributes)
        assert NAME not in str(attributes) and PHONE not in str(attributes)
    frame = session.scalars(select(SamplingFrame).where(SamplingFrame.version == 1)).one()
    assert "contact_phone" not in frame.columns


def test_frames_import__bad_rows__every_problem_located_nothing_imported(
        runner: FlaskCliRunner, session: Session, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("unit_id,village,members,seat,contact_phone\n"
                    "A1,A,3,1,0912345678\n"
                    "A1,A,2,0,\n"
                    ",B,x,maybe,call me\n", encoding="utf-8")
    result = runner.invoke(main, ["frames", "import", "--name", "hh", "--numeric", "members",
                                  "--flag", "seat", str(path)])
    assert result.exit_code == 1
    assert result.output.splitlines()[:5] == [
        "bad.csv:3: column 'unit_id': 'A1' already appears on line 2",
        "bad.csv:4: column 'contact_phone': 'call me' is not a phone number "
        "(digits, spaces, +, -, brackets)",
        "bad.csv:4: column 'members': 'x' is not a non-negative number",
        "bad.csv:4: column 'seat': 'maybe' is not 1/0, true/false or yes/no",
        "bad.csv:4: column 'unit_id': is empty",
    ]
    assert "5 problem(s); nothing was imported." in result.output
    assert count(session, SamplingFrame) == 0 and count(session, FrameContact) == 0


def test_frames_import__missing_required_column__header_error(runner: FlaskCliRunner,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "nohead.csv"
    path.write_text("id,village\n1,A\n", encoding="utf-8")
    result = runner.invoke(main, ["frames", "import", "--name", "hh", str(path)])
    assert result.exit_code == 1
    assert "nohead.csv:1: column 'unit_id': required column is missing" in result.output


def test_sample_draw__cli__design_variables_and_no_contact_data(
        runner: FlaskCliRunner, session: Session, tmp_path: Path) -> None:
    assert runner.invoke(main, ["frames", "import", "--name", "hh", "--numeric", "members",
                                str(households(tmp_path))]).exit_code == 0
    out = tmp_path / "sample.csv"
    result = runner.invoke(main, ["sample", "draw", "--frame", "hh", "--strata", "village",
                                  "--size", "4", "--method", "pps", "--size-measure", "members",
                                  "--seed", "17", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert NAME not in text and PHONE not in text and "contact" not in text
    rows = list(csv.DictReader(text.splitlines()))
    assert len(rows) == 8
    assert {"unit_id", "stratum", "psu", "prob", "base_weight"} <= set(rows[0])
    # PPS by members (1..5 twice per village, total 30): prob = 4 * members / 30.
    for row in rows:
        assert float(row["prob"]) == pytest.approx(4 * float(row["members"]) / 30)
        assert float(row["base_weight"]) == pytest.approx(1 / float(row["prob"]))
        assert row["psu"] == row["unit_id"] and row["stratum"] == row["village"]
    assert count(session, SampleMember) == 8


def test_sample_draw__same_seed__same_units(session: Session, tmp_path: Path) -> None:
    import_frame(session, households(tmp_path), name="hh", numeric=("members",))
    one = draw_sample(session, frame_name="hh", name="s1", method="srs", size=3, seed=5,
                      strata="village", replacements=2)
    two = draw_sample(session, frame_name="hh", name="s2", method="srs", size=3, seed=5,
                      strata="village", replacements=2)
    assert one.rows["unit_id"].tolist() == two.rows["unit_id"].tolist()
    assert one.rows["role"].value_counts().to_dict() == {"sample": 6, "replacement": 4}
    with pytest.raises(SampleError, match="a sample named 's1' exists already"):
        draw_sample(session, frame_name="hh", name="s1", method="srs", size=3, seed=5)
    with pytest.raises(SampleError, match="stratum 'A': cannot draw 11 units from 10"):
        draw_sample(session, frame_name="hh", name="s3", method="srs", size=11, seed=5,
                    strata="village")


def _interviewer(session: Session, email: str) -> User:
    user = User(email=email, password_hash="!", role=Role.INTERVIEWER)
    session.add(user)
    session.commit()
    return user


def test_contacts__only_the_assigned_interviewer__then_deleted_at_close(
        database_url: str, session: Session, tmp_path: Path) -> None:
    import_frame(session, households(tmp_path), name="hh", numeric=("members",))
    drawn = draw_sample(session, frame_name="hh", name="s", method="srs", size=10, seed=1,
                        strata="village")
    sample = get_sample(session, "s")
    first, second = _interviewer(session, "a@example.org"), _interviewer(session, "b@example.org")
    a_psus = drawn.rows.loc[drawn.rows["village"] == "A", "psu"].tolist()
    assert assign(session, sample, first, a_psus) == 10
    seen = contacts_for(session, sample, first)
    assert len(seen) == 10 and {c["unit_key"][0] for c in seen} == {"A"}
    assert any(c["phone"] == PHONE and c["name"] == NAME for c in seen)
    assert contacts_for(session, sample, second) == []
    before = dump(database_url)
    assert PHONE in before and NAME in before  # the probe is findable, so its absence counts

    assert close_fieldwork(session, sample) == 20
    after = dump(database_url)
    for probe in (PHONE, NAME, ADDRESS, "0900000001", "Hộ B2"):
        assert probe not in after
    assert count(session, FrameContact) == 0 and count(session, FrameUnit) == 20
    with pytest.raises(SampleError, match="is closed"):
        assign(session, sample, second, a_psus)


def test_fieldwork_close__cli(runner: FlaskCliRunner, session: Session, tmp_path: Path) -> None:
    import_frame(session, households(tmp_path), name="hh")
    draw_sample(session, frame_name="hh", name="s", method="systematic", size=2, seed=3)
    result = runner.invoke(main, ["fieldwork", "close", "--sample", "s"])
    assert result.exit_code == 0, result.output
    assert "20 contact records deleted" in result.output
    result = runner.invoke(main, ["fieldwork", "close", "--sample", "nope"])
    assert result.exit_code == 1 and "no sample named 'nope'" in result.output


def test_sample_draw_design__papi__persons_with_overall_probabilities(
        runner: FlaskCliRunner, tmp_path: Path) -> None:
    areas = [["unit_id", "province", "district", "commune", "village", "adults",
              "district_capital", "district_seat", "commune_seat"]]
    persons = [["unit_id", "province", "district", "commune", "village", "contact_name"]]
    for d in range(4):
        for c in range(2):
            for v in range(2):
                village = f"D{d}C{c}V{v}"
                adults = 25 + 5 * (d + c + v)
                areas.append([village, "P", f"D{d}", f"D{d}C{c}", village, adults,
                              int(d == 0), int(c == 0), int(v == 0)])
                persons += [[f"{village}-{i}", "P", f"D{d}", f"D{d}C{c}", village, f"Dân {i}"]
                            for i in range(adults)]
    for name, rows in (("areas.csv", areas), ("persons.csv", persons)):
        with (tmp_path / name).open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    assert runner.invoke(main, [
        "frames", "import", "--name", "villages", "--kind", "villages", "--numeric", "adults",
        "--flag", "district_capital", "--flag", "district_seat", "--flag", "commune_seat",
        str(tmp_path / "areas.csv")]).exit_code == 0
    assert runner.invoke(main, ["frames", "import", "--name", "residents", "--kind",
                                "residents", str(tmp_path / "persons.csv")]).exit_code == 0
    out = tmp_path / "papi.csv"
    result = runner.invoke(main, ["sample", "draw-design", "--areas", "villages", "--persons",
                                  "residents", "--name", "papi-2026", "--seed", "2026",
                                  "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    main_rows = [r for r in rows if r["role"] == "sample"]
    # 3 districts x 2 communes x 2 villages x 20 residents; every commune has 2 villages.
    assert len(main_rows) == 3 * 2 * 2 * 20
    assert "Dân" not in out.read_text(encoding="utf-8")
    sizes = {f"D{d}": sum(25 + 5 * (d + c + v) for c in range(2) for v in range(2))
             for d in range(4)}
    rest = sum(sizes[f"D{d}"] for d in range(1, 4))
    for row in main_rows:
        d = int(row["district"][1])
        p_district = 1.0 if d == 0 else 2 * sizes[row["district"]] / rest
        adults = 25 + 5 * (d + int(row["commune"][3]) + int(row["village"][5]))
        # communes and villages: 2 of 2 in this frame, so probability 1 at those stages.
        assert float(row["prob"]) == pytest.approx(p_district * 20 / adults)
        assert row["stratum"] == ("P/D0" if d == 0 else "P")


# ---- returns from ODK Central / KoboToolbox ---------------------------------------------------
def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _drawn(session: Session, tmp_path: Path) -> list[str]:
    import_frame(session, households(tmp_path), name="hh")
    drawn = draw_sample(session, frame_name="hh", name="s", method="srs", size=3, seed=8,
                        strata="village")
    return drawn.rows["unit_id"].tolist()


def test_fieldwork_import__odk_central_export__matched_and_idempotent(
        runner: FlaskCliRunner, session: Session, tmp_path: Path) -> None:
    from webapp.models import FieldAnswer, FieldInterview

    ids = _drawn(session, tmp_path)
    export = _write(tmp_path / "odk.csv", [
        ["SubmissionDate", "start", "end", "respondent_id", "disposition", "c1", "c9-c9_r1",
         "meta-instanceID", "KEY"],
        ["2026-12-01", "2026-12-01T09:00:00+07:00", "2026-12-01T09:24:30+07:00", ids[0], "1.1",
         "4", "5", "uuid:a", "uuid:a"],
        ["2026-12-01", "", "", ids[1], "2.11", "", "", "uuid:b", "uuid:b"],
        ["2026-12-01", "", "", ids[3], "2.20", "", "", "uuid:c", "uuid:c"],
    ])
    args = ["fieldwork", "import", "--sample", "s", str(export)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "odk: 3 interviews imported (1 with answers), 0 already imported" in result.output
    result = runner.invoke(main, args)
    assert "0 interviews imported (0 with answers), 3 already imported" in result.output
    assert count(session, FieldInterview) == 3 and count(session, FieldAnswer) == 1
    answer = session.scalars(select(FieldAnswer)).one()
    assert answer.answers == {"c1": "4", "c9_r1": "5"}
    assert not hasattr(answer, "sample_member_id")
    minutes = session.scalar(select(FieldInterview.interview_minutes)
                             .where(FieldInterview.submission_key == "uuid:a"))
    assert minutes == pytest.approx(24.5)
    rates = runner.invoke(main, ["fieldwork", "rates", "--sample", "s", "--by", "village"])
    assert rates.exit_code == 0, rates.output
    lines = {line.split()[0]: line.split() for line in rates.output.splitlines()[1:]}
    # Village A: ids[0] complete, ids[1] refusal, ids[2] pending -> RR1 = 1/2.
    a = lines["A"]
    assert a[1:5] == ["1", "2", "1.000", "0.500"]
    assert lines["B"][1:3] == ["2", "1"]


def test_fieldwork_import__kobo_bad_rows__all_reported_nothing_stored(
        runner: FlaskCliRunner, session: Session, tmp_path: Path) -> None:
    from webapp.models import FieldInterview

    ids = _drawn(session, tmp_path)
    export = _write(tmp_path / "kobo.csv", [
        ["respondent_id", "disposition", "grp/c1", "_uuid", "_submission_time"],
        [ids[0], "1.1", "3", "k1", "2026-12-02"],
        ["nobody", "1.1", "3", "k2", "2026-12-02"],
        [ids[1], "9.9", "", "k3", "2026-12-02"],
        [ids[0], "1.1", "2", "k4", "2026-12-02"],
        [ids[2], "1.1", "2", "k1", "2026-12-02"],
    ])
    result = runner.invoke(main, ["fieldwork", "import", "--sample", "s", str(export)])
    assert result.exit_code == 1
    assert result.output.splitlines()[:4] == [
        "kobo.csv:3: column 'respondent_id': 'nobody' is not in sample 's'",
        "kobo.csv:4: column 'disposition': '9.9' is not an AAPOR disposition code "
        "(e.g. 1.1, 2.11, 4.1)",
        f"kobo.csv:5: column 'respondent_id': '{ids[0]}' already has a completed interview",
        "kobo.csv:6: column '_uuid': 'k1' already appears on line 2",
    ]
    assert count(session, FieldInterview) == 0


def test_fieldwork_estimate__nonresponse_weights_and_linearised_se(
        runner: FlaskCliRunner, session: Session, tmp_path: Path) -> None:
    from webapp.fieldwork.estimates import estimate_mean, weighted_answers

    import_frame(session, households(tmp_path), name="hh")
    drawn = draw_sample(session, frame_name="hh", name="s", method="srs", size=6, seed=8,
                        strata="village")
    a = drawn.rows.loc[drawn.rows["village"] == "A", "unit_id"].tolist()
    b = drawn.rows.loc[drawn.rows["village"] == "B", "unit_id"].tolist()
    # A: 4 completes, 1 refusal, 1 not eligible; B: 3 completes, 3 pending.
    outcomes = ([(a[i], "1.1", str(v)) for i, v in enumerate([7, 5, 9, 6])]
                + [(a[4], "2.11", ""), (a[5], "4.10", "")]
                + [(b[i], "1.1", str(v)) for i, v in enumerate([3, 8, 4])])
    _write(tmp_path / "odk.csv", [["respondent_id", "disposition", "score", "KEY"],
                                  *[[r, c, v, f"k{i}"] for i, (r, c, v) in enumerate(outcomes)]])
    assert runner.invoke(main, ["fieldwork", "import", "--sample", "s",
                                str(tmp_path / "odk.csv")]).exit_code == 0
    frame = weighted_answers(session, get_sample(session, "s"), ["village"])
    # Base weight 10/6; class A: 5 eligible sampled / 4 answers; class B: 6 / 3.
    expected = {"A": 10 / 6 * 5 / 4, "B": 10 / 6 * 6 / 3}
    assert frame["weight"].tolist() == pytest.approx(frame["village"].map(expected).tolist())
    result = estimate_mean(session, get_sample(session, "s"), "score", classes=["village"])
    y = frame["score"].astype(float).to_numpy()
    w = frame["weight"].to_numpy()
    ybar = (w * y).sum() / w.sum()
    assert result.estimate.estimate == pytest.approx(ybar, rel=1e-12)
    # Second path: stratified with-replacement linearisation, each answer its own PSU.
    z = w * (y - ybar) / w.sum()
    variance = 0.0
    for village in ("A", "B"):
        zh = z[(frame["village"] == village).to_numpy()]
        variance += len(zh) / (len(zh) - 1) * ((zh - zh.mean()) ** 2).sum()
    assert result.estimate.se == pytest.approx(variance ** 0.5, rel=1e-10)
    out = runner.invoke(main, ["fieldwork", "estimate", "--sample", "s", "--variable", "score",
                               "--classes", "village"])
    assert out.exit_code == 0, out.output
    assert f"score: {ybar:.4f}" in out.output and "7 answers" in out.output


def _sign_in(client, email: str) -> None:  # type: ignore[no-untyped-def]
    from tests.webapp.staff_helpers import csrf_token

    response = client.post("/auth/login", data={"email": email, "password": "fieldwork pass 17",
                                                "csrf_token": csrf_token(client)})
    assert response.status_code == 302


def test_assignments_page__contacts_only_for_the_assigned_interviewer(
        app, session: Session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from webapp.administration.users import create_user

    first, _ = create_user(session, email="a@example.org", role="admin",
                           password="fieldwork pass 17")
    create_user(session, email="b@example.org", role="admin", password="fieldwork pass 17")
    session.commit()
    import_frame(session, households(tmp_path), name="hh")
    drawn = draw_sample(session, frame_name="hh", name="s", method="srs", size=10, seed=1,
                        strata="village")
    assign(session, get_sample(session, "s"), first,
           drawn.rows.loc[drawn.rows["village"] == "A", "psu"].tolist())

    anonymous = app.test_client().get("/staff/fieldwork/assignments")
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]
    client = app.test_client()
    _sign_in(client, "a@example.org")
    page = client.get("/staff/fieldwork/assignments")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert NAME in html and PHONE in html and "Hộ B2" not in html
    other = app.test_client()
    _sign_in(other, "b@example.org")
    html = other.get("/staff/fieldwork/assignments").get_data(as_text=True)
    assert NAME not in html and PHONE not in html and "Hộ A1" not in html
    close_fieldwork(session, get_sample(session, "s"))
    html = client.get("/staff/fieldwork/assignments").get_data(as_text=True)
    assert NAME not in html and "Hộ A1" not in html


def test_weighted_answers__ethnicity_also_as_the_kinh_minority_split(
        runner: FlaskCliRunner, session: Session, tmp_path: Path) -> None:
    """Weighting may use the official list (``ethnicity``) or the split (``ethnicity_split``)."""
    from webapp.fieldwork.estimates import weighted_answers

    import_frame(session, households(tmp_path), name="hh")
    drawn = draw_sample(session, frame_name="hh", name="s", method="srs", size=6, seed=8,
                        strata="village")
    members = drawn.rows["unit_id"].tolist()[:4]
    codes = ["1", "20", "12", ""]  # Kinh, Mnông, Ê-đê, not answered
    _write(tmp_path / "odk.csv", [["respondent_id", "disposition", "ethnicity", "KEY"],
                                  *[[r, "1.1", c, f"k{i}"]
                                    for i, (r, c) in enumerate(zip(members, codes,
                                                                   strict=True))]])
    assert runner.invoke(main, ["fieldwork", "import", "--sample", "s",
                                str(tmp_path / "odk.csv")]).exit_code == 0
    frame = weighted_answers(session, get_sample(session, "s"), ["village"])
    by_code = dict(zip(frame["ethnicity"].astype(str), frame["ethnicity_split"], strict=True))
    assert by_code["1"] == 1 and by_code["20"] == 2 and by_code["12"] == 2
