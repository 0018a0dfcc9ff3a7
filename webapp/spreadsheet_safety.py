"""Keeping text from becoming a formula when a CSV or XLSX file is opened in a spreadsheet.

A cell starting with ``= + - @`` (or a tab or carriage return before one) is run as a formula
by Excel and LibreOffice: a citizen's comment or a unit name could then fetch a URL or run a
command on the analyst's machine. CSV cells are prefixed with an apostrophe, the usual
neutraliser, which spreadsheets hide; plain numbers such as ``-5`` are left alone.
"""

from __future__ import annotations

import re

import pandas as pd

_TRIGGER = re.compile(r"^[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def neutralise(text: str) -> str:
    """``text``, prefixed with ``'`` when a spreadsheet would read it as a formula."""
    if _TRIGGER.match(text) and not _NUMBER.match(text):
        return "'" + text
    return text


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells are neutralised (other columns untouched)."""
    text_columns = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c].dtype)
                    or frame[c].dtype == object]
    if not text_columns:
        return frame
    safe = frame.copy()
    for column in text_columns:
        safe[column] = safe[column].map(lambda v: neutralise(v) if isinstance(v, str) else v)
    return safe
