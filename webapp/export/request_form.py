"""Reading the export page's form into an :class:`ExportRequest`: a plain function, so the view
only carries out its answer and the rules are tested without a server."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from pathlib import Path

from ..periods import PeriodError, PeriodOrderError, parse_period_span
from .sdc_rules import DEFAULT_RELEASE, RELEASES
from .service import ExportRequest
from .writers import FORMATS


class FormProblem(enum.Enum):
    """What is wrong with a posted export form (the view words it in the reader's language)."""

    PERIOD_ORDER = "period_order"  # a range FROM..TO that starts after it ends
    PERIOD = "period"  # not YYYY, YYYY-Qn, YYYY-MM or FROM..TO
    FORMAT_OR_K = "format_or_k"  # an unknown format, or k not a whole number >= 1
    RELEASE = "release"  # neither public use nor scientific use
    AGREEMENT = "agreement"  # a scientific-use file without its data-use agreement


class ExportFormError(ValueError):
    """The form cannot make an export request; ``problem`` says why, ``period`` as posted."""

    def __init__(self, problem: FormProblem, period: str) -> None:
        super().__init__(problem.value)
        self.problem, self.period = problem, period


def export_request_from_form(values: Mapping[str, str], *, out_dir: Path) -> ExportRequest:
    """The export the form asks for, written to ``out_dir``; raise ExportFormError."""
    text = values.get("period", "")
    try:
        period = str(parse_period_span(text))
    except PeriodOrderError:
        raise ExportFormError(FormProblem.PERIOD_ORDER, text) from None
    except PeriodError:
        raise ExportFormError(FormProblem.PERIOD, text) from None
    release = values.get("release") or DEFAULT_RELEASE
    if release not in RELEASES:
        raise ExportFormError(FormProblem.RELEASE, text)
    agreement = (values.get("agreement") or "").strip() or None
    if RELEASES[release].needs_agreement and agreement is None:
        raise ExportFormError(FormProblem.AGREEMENT, text)
    fmt = values.get("format", "")
    try:
        # An empty k means the release type's own (public use is stricter).
        k = int(values.get("k") or RELEASES[release].default_k)
    except ValueError:
        raise ExportFormError(FormProblem.FORMAT_OR_K, text) from None
    if fmt not in FORMATS or k < 1:
        raise ExportFormError(FormProblem.FORMAT_OR_K, text)
    language = values.get("language", "vi")
    return ExportRequest(values.get("survey", ""), period, fmt, out_dir,
                         values.get("unit") or None, k, values.get("include_text") == "1",
                         language if language in ("vi", "en") else "vi",
                         release=release, agreement=agreement)
