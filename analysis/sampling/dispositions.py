"""AAPOR final disposition codes and response rates RR1 and RR3.

Codes follow AAPOR's Standard Definitions (in-person household surveys): 1.1 complete (I),
1.2 partial (P), 2.10-2.12 refusal and break-off (R), 2.20-2.27 non-contact (NC), 2.30-2.36
other (O), 3.10-3.19 unknown whether a household/eligible (UH), 3.20-3.90 unknown other (UO),
4.x not eligible. Only the first two levels are used to classify.

RR1 = I / ((I + P) + (R + NC + O) + (UH + UO)): every case of unknown eligibility is counted
as eligible. RR3 = I / ((I + P) + (R + NC + O) + e (UH + UO)), with ``e`` the share of eligible
cases among cases whose eligibility is known (AAPOR's proportional allocation), unless given.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import pandas as pd

from analysis.errors import AnalysisError

__all__ = ["CATEGORIES", "classify", "response_rates", "response_rates_by"]

CATEGORIES = ("I", "P", "R", "NC", "O", "UH", "UO", "NE")
LABELS = {"1.1": "complete", "1.2": "partial", "2.1": "refusal or break-off",
          "2.2": "non-contact", "2.3": "other non-response", "3.1": "unknown if household",
          "3.2": "unknown, other", "4": "not eligible"}


def classify(code: str) -> str:
    """The AAPOR category (I, P, R, NC, O, UH, UO, NE) of a disposition code such as '2.11'."""
    text = str(code).strip()
    head, _, tail = text.partition(".")
    if not head.isdigit() or (tail and not tail.isdigit()):
        raise AnalysisError(f"{code!r} is not an AAPOR disposition code (e.g. 1.1, 2.11, 4.1)")
    first = int(head)
    second = tail[:1] if tail else ""
    if first == 1 and second in ("1", "2"):
        return "I" if second == "1" else "P"
    if first == 2 and second in ("1", "2", "3"):
        return {"1": "R", "2": "NC", "3": "O"}[second]
    if first == 3 and second in ("1", "2", "3", "9"):
        return "UH" if second == "1" else "UO"
    if first == 4:
        return "NE"
    raise AnalysisError(f"{code!r} is not an AAPOR disposition code (e.g. 1.1, 2.11, 4.1)")


def _counts(codes: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(CATEGORIES, 0)
    for code in codes:
        counts[classify(code)] += 1
    return counts


def response_rates(codes: Iterable[str], e: float | None = None) -> dict[str, float]:
    """Counts per category, ``e``, RR1 and RR3 for one group of final dispositions."""
    c = _counts(codes)
    eligible = c["I"] + c["P"] + c["R"] + c["NC"] + c["O"]
    unknown = c["UH"] + c["UO"]
    if e is None:
        known = eligible + c["NE"]
        e = eligible / known if known else 1.0
    if not 0 <= e <= 1:
        raise AnalysisError(f"e must be between 0 and 1, got {e}")
    rr1_base = eligible + unknown
    rr3_base = eligible + e * unknown
    return {**{k: float(v) for k, v in c.items()}, "e": float(e),
            "RR1": c["I"] / rr1_base if rr1_base else math.nan,
            "RR3": c["I"] / rr3_base if rr3_base else math.nan}


def response_rates_by(frame: pd.DataFrame, by: str | list[str], code: str = "disposition",
                      e: Mapping[str, float] | float | None = None) -> pd.DataFrame:
    """RR1 and RR3 per group (village, interviewer); ``e`` per group, one value, or estimated."""
    rows = []
    for key, part in frame.groupby(by, sort=True):
        label = key[0] if isinstance(key, tuple) and len(key) == 1 else key
        group_e = e.get(str(label)) if isinstance(e, Mapping) else e
        rows.append({"group": label, **response_rates(part[code].astype(str), group_e)})
    return pd.DataFrame(rows)
