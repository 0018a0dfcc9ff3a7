"""The official list of Vietnam's 54 ethnic groups and its Kinh / other split.

Source: "Danh mục các thành phần dân tộc Việt Nam", Tổng cục Thống kê, Quyết định số
121-TCTK/PPCĐ ngày 02/3/1979 (codes 01-54 in the order of that list; the statistical code a
census uses). ``ethnic_groups.csv`` beside this module holds the codes and names; the language
group column follows the eight ethnolinguistic groups used in Vietnamese ethnography and is
given for reference only (the survey page groups the names by their first letter).

The survey definitions carry the same 54 choices in their ``ethnicity`` scale (a test keeps
them equal to the file). Instruments and releases that need the two-way split (Kinh / ethnic
minority, as PAPI publishes it) map every code with :func:`split`: code 1 is Kinh and every
other code is a minority, which also holds for answers stored under the older two-code scale
(1 = Kinh, 2 = other), so the split is the same across survey versions.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "ethnic_groups.csv"
KINH = 1
MINORITY = 2
SPLIT_LABELS = {KINH: {"vi": "Kinh", "en": "Kinh"},
                MINORITY: {"vi": "Dân tộc thiểu số", "en": "Ethnic minority"}}


@dataclass(frozen=True)
class EthnicGroup:
    """One group of the official list."""

    code: int
    name_vi: str
    language_group: str


@cache
def ethnic_groups() -> tuple[EthnicGroup, ...]:
    """The 54 groups in the order of the official list (Kinh first)."""
    with DATA_FILE.open(encoding="utf-8", newline="") as f:
        return tuple(EthnicGroup(int(row["code"]), unicodedata.normalize("NFC", row["name_vi"]),
                                 row["language_group"]) for row in csv.DictReader(f))


def split(code: int | None) -> int | None:
    """Kinh (1) or ethnic minority (2) for any ethnicity code; None stays None."""
    if code is None:
        return None
    return KINH if int(code) == KINH else MINORITY


def split_recode_groups() -> dict[int, tuple[tuple[int, ...], dict[str, str]]]:
    """The split as a global recode (new code -> original codes, label) for exports."""
    others = tuple(g.code for g in ethnic_groups() if g.code != KINH)
    return {KINH: ((KINH,), SPLIT_LABELS[KINH]), MINORITY: (others, SPLIT_LABELS[MINORITY])}
