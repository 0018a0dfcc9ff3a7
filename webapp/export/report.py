"""The disclosure report written beside every export (and summarised in the codebooks)."""

from __future__ import annotations

from collections.abc import Mapping

from .disclosure import EMAIL_MARK, NUMBER_MARK, SuppressionReport


def disclosure_markdown(report: SuppressionReport, include_text: bool,
                        weighting: Mapping[str, object], *, short: bool = False) -> str:
    """Describe what was left out, coarsened and suppressed."""
    lines = [
        "- Mã phiếu `response_id` là mã ngẫu nhiên, không theo thứ tự / random, not sequential.",
        "- Thời gian chỉ đến tháng (`month`) / times are coarsened to the month.",
        "- Thông tin liên hệ không bao giờ được xuất / contact details are never exported.",
        ("- Văn bản tự do được giữ sau khi xoá số điện thoại, số CMND/CCCD, email "
         f"(thay bằng `{NUMBER_MARK}`, `{EMAIL_MARK}`) / free text kept after removing phone "
         "numbers, ID numbers and e-mail addresses." if include_text else
         "- Văn bản tự do không được xuất / free-text answers are left out."),
        f"- k-anonymity, k = {report.k}, on the unit together with: "
        + (", ".join(f"`{i}`" for i in report.items) or "(no respondent items)"),
        f"- Ô bị xoá / cells suppressed: {sum(report.cells.values())} in "
        f"{report.rows_touched} of {report.rows} responses "
        f"({report.rows_fully_suppressed} with every respondent item suppressed).",
    ]
    if short:
        return "\n".join(lines)
    lines = ["# Báo cáo kiểm soát tiết lộ / Disclosure report", "", *lines, "",
             "## Local suppression by variable", "", "| variable | cells set to missing |",
             "|---|---|"]
    lines += [f"| `{name}` | {count} |" for name, count in report.cells.items()]
    lines += ["", "Method: in every combination of unit and respondent items shared by fewer "
              "than k responses, the item value that is rarest within the unit is set to "
              "missing, repeatedly, until every combination that still holds an item value is "
              "shared by at least k responses. The unit is never suppressed: a response with "
              "every item suppressed reveals only its unit, whose count is published anyway."]
    if report.units_below_k:
        lines += ["", "## Units with fewer than k responses", "",
                  "Every respondent item of these units' responses is suppressed.", "",
                  "| unit | responses |", "|---|---|"]
        lines += [f"| `{u}` | {n} |" for u, n in sorted(report.units_below_k.items())]
    dropped = weighting.get("dropped") or []
    collapsed = weighting.get("collapsed") or []
    lines += ["", "## Weighting notes", "",
              f"- Cells with responses but no dossier count (empty weight): {len(dropped)}",
              f"- Fields with dossiers but no responses (spread over the unit): "
              f"{len(collapsed)}"]
    return "\n".join(lines) + "\n"
