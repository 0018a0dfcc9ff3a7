"""The comments inbox filter read from the query, as a plain function (no server)."""

from __future__ import annotations

import pytest

from webapp.followup.comment_forms import FilterError, comment_filter
from webapp.followup.comments import CommentFilter


def test_filter__empty_values_mean_no_filter() -> None:
    assert comment_filter({"period": "", "field": "", "status": ""}) == CommentFilter()
    assert comment_filter({"period": "2026-Q3", "field": "HT", "criterion": "c9.r15",
                           "status": "open"}) == CommentFilter("2026-Q3", "HT", "c9.r15", "open")


@pytest.mark.parametrize("args", [{"period": "2026-13"}, {"status": "lost"}])
def test_filter__malformed_period_or_unknown_status_refused(args: dict[str, str]) -> None:
    with pytest.raises(FilterError):
        comment_filter(args)
