"""Demo follow-up: citizens' comments to answer, and one unit's "you said, we did" note.

So a unit manager signed in on the demo finds an inbox with work in it and a public page to
look at, not empty screens.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy.orm import Session

from ..models import Comment, OnestopUnitScore, Unit, UnitPublication
from ..periods import Period, parse_period

# Criterion, Vietnamese comment (what citizens at a one-stop counter typically write).
COMMENTS: tuple[tuple[str | None, str], ...] = (
    ("c9.r15", "Phòng chờ thiếu ghế, buổi sáng nhiều người phải đứng chờ lâu."),
    ("c9.r15", "Nên có nước uống và quạt ở khu vực chờ, trời nóng rất mệt."),
    ("c9.r18", "Máy lấy số thứ tự hay bị hỏng, không biết khi nào đến lượt mình."),
    ("c9.r21", "Không thấy niêm yết mức lệ phí chứng thực, phải hỏi lại cán bộ."),
    ("c9.r25", "Phải đi lại ba lần mới đủ hồ sơ, mong cán bộ hướng dẫn một lần cho rõ."),
    ("c9.r28", "Hẹn trả kết quả thứ Sáu nhưng đến thứ Ba tuần sau mới có."),
    ("c9.r23", "Cán bộ quầy số 2 rất nhiệt tình, cảm ơn."),
    ("c9_fb.r33", "Đã phản ánh qua hòm thư góp ý nhưng chưa nhận được trả lời."),
    (None, "Mong xã có thêm chỗ để xe cho người dân đến làm thủ tục."),
    (None, "Nên cho nộp hồ sơ trực tuyến nhiều thủ tục hơn để đỡ phải đi lại."),
)
NOTE_VI = ("Tháng trước người dân phản ánh phòng chờ thiếu ghế và thiếu nước uống. Xã đã bố trí "
           "thêm 20 ghế, một máy lọc nước và niêm yết lại bảng phí, lệ phí tại quầy.")
NOTE_EN = ("Last month citizens said the waiting room lacked seats and drinking water. The "
           "commune added 20 seats and a water filter, and posted the fee table again.")


def load_demo_followup(session: Session, communes: list[Unit], months: list[str],
                       rng: np.random.Generator, per_unit: int = 4) -> int:
    """Add ``per_unit`` comments per commune in the last three months; publish one note."""
    count = 0
    for unit in communes:
        for pick in rng.choice(len(COMMENTS), size=per_unit, replace=False):
            criterion, body = COMMENTS[int(pick)]
            session.add(Comment(unit_id=unit.id, period=months[-1 - int(rng.integers(3))],
                                body=body, criterion=criterion))
            count += 1
    dak_song = next((u for u in communes if u.code == "LD-DS"), None)
    if dak_song is not None:
        session.add(UnitPublication(unit_id=dak_song.id, published=True, note_vi=NOTE_VI,
                                    note_en=NOTE_EN))
    return count


# One-stop indicators 5, 8, 9 as Đắk Song's staff entered them for each month, quarter and year;
# the other units have not entered theirs, so their pages say which indicators are missing.
UNIT_SCORES = {"LD-DS": {"tt01_5": 1, "tt01_8": 2, "tt01_9": 1}}


def load_demo_unit_scores(session: Session, communes: list[Unit], months: list[str]) -> int:
    """Enter the unit-level one-stop indicators of ``UNIT_SCORES`` for every month, quarter
    and year of ``months``."""
    parsed = [parse_period(m) for m in months]
    quarters = [str(Period.quarter_of(p.year, p.first_month)) for p in parsed]
    periods = list(dict.fromkeys([*months, *quarters, *(str(p.year) for p in parsed)]))
    count = 0
    for unit in communes:
        for indicator, points in UNIT_SCORES.get(unit.code, {}).items():
            for month in periods:
                session.add(OnestopUnitScore(unit_id=unit.id, period=month,
                                             indicator_id=indicator, points=points))
                count += 1
    return count
