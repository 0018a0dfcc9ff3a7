"""The export form read into a request, as a plain function (no server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from webapp.export.request_form import ExportFormError, FormProblem, export_request_from_form

OUT = Path("/nonexistent/jobs")


def test_good_form__gives_the_request() -> None:
    req = export_request_from_form({"survey": "sipas", "period": "2026-01..2026-06",
                                    "format": "csv", "unit": "A", "k": "5",
                                    "include_text": "1"}, out_dir=OUT)
    assert (req.survey, req.period, req.fmt, req.unit_code, req.k, req.include_text) == (
        "sipas", "2026-01..2026-06", "csv", "A", 5, True)
    assert req.out_dir == OUT


def test_same_period_twice__is_that_period() -> None:
    req = export_request_from_form({"period": "2026-Q3..2026-Q3", "format": "csv"}, out_dir=OUT)
    assert req.period == "2026-Q3" and req.unit_code is None and req.include_text is False


@pytest.mark.parametrize(("values", "problem"), [
    ({"period": "2026-06..2026-01", "format": "csv"}, FormProblem.PERIOD_ORDER),
    ({"period": "2026-13", "format": "csv"}, FormProblem.PERIOD),
    ({"period": "2026", "format": "doc"}, FormProblem.FORMAT_OR_K),
    ({"period": "2026"}, FormProblem.FORMAT_OR_K),
    ({"period": "2026", "format": "csv", "k": "0"}, FormProblem.FORMAT_OR_K),
    ({"period": "2026", "format": "csv", "k": "two"}, FormProblem.FORMAT_OR_K),
])
def test_bad_form__names_the_problem(values: dict[str, str], problem: FormProblem) -> None:
    with pytest.raises(ExportFormError) as caught:
        export_request_from_form(values, out_dir=OUT)
    assert caught.value.problem is problem and caught.value.period == values["period"]
