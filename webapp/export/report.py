"""The disclosure report written beside every export (and summarised in the codebooks)."""

from __future__ import annotations

from collections.abc import Mapping

from .disclosure import EMAIL_MARK, NUMBER_MARK
from .sdc import Protection, RiskSummary
from .sdc_rules import RELEASES


def _risk_row(label: str, risk: RiskSummary | None) -> str:
    if risk is None:
        return f"| {label} | | | | |"
    return (f"| {label} | {risk.violations} of {risk.rows} | {risk.max_reid:.3f} | "
            f"{risk.expected_reid:.2f} | {risk.max_individual:.3f} |")


def disclosure_markdown(prot: Protection, include_text: bool,
                        weighting: Mapping[str, object], *, short: bool = False,
                        agreement: str | None = None) -> str:
    """Describe what was left out, recoded, pooled and suppressed, with risk and utility."""
    release = RELEASES[prot.release]
    kept = prot.kept_share()
    lines = [
        f"- Loại tệp / release type: **{release.label['vi']} / {release.label['en']}**"
        + (f" (thoả thuận / agreement: {agreement})" if agreement else ""),
        "- Mã phiếu `response_id` là mã ngẫu nhiên, không theo thứ tự / random, not sequential.",
        "- Thời gian chỉ đến tháng (`month`) / times are coarsened to the month.",
        "- Thông tin liên hệ không bao giờ được xuất / contact details are never exported.",
        ("- Văn bản tự do được giữ sau khi xoá số điện thoại, số CMND/CCCD, email "
         f"(thay bằng `{NUMBER_MARK}`, `{EMAIL_MARK}`) / free text kept after removing phone "
         "numbers, ID numbers and e-mail addresses." if include_text else
         "- Văn bản tự do không được xuất / free-text answers are left out."),
        f"- k-anonymity, k = {prot.k}, on the unit together with the key variables: "
        + (", ".join(f"`{i}`" for i in prot.keys) or "(none)"),
        f"- Ô bị xoá / cells suppressed: {sum(prot.suppressed.values())}; values kept: "
        + ", ".join(f"`{v}` {kept[v]:.1%}" for v in prot.keys),
    ]
    if prot.risk_after is not None:
        lines.append(f"- k-anonymity violations before / after: "
                     f"{prot.risk_before.violations if prot.risk_before else '?'} / "
                     f"{prot.risk_after.violations}")
    if short:
        return "\n".join(lines)
    lines = ["# Báo cáo kiểm soát tiết lộ / Disclosure report", "", *lines, "",
             "## Risk before and after / Rủi ro trước và sau", "",
             "| file | k-anonymity violations | max 1/f | expected re-identifications "
             "(Σ individual risk) | max individual risk |", "|---|---|---|---|---|",
             _risk_row("original", prot.risk_before), _risk_row("protected", prot.risk_after),
             "", "## Utility by variable / Độ hữu ích theo biến", "",
             "| variable | key | categories merged (global recoding) | values present | "
             "cells suppressed | share kept |", "|---|---|---|---|---|---|"]
    for v in prot.items:
        lines.append(f"| `{v}` | {'yes' if v in prot.keys else 'no'} | "
                     f"{prot.merged.get(v, 0)} | {prot.observed[v]} | {prot.suppressed[v]} | "
                     f"{kept[v]:.1%} |")
    lines += _utility_lines(prot.utility)
    if prot.pooled_units:
        lines += ["", "## Small units pooled under their parent", "",
                  "Their published indices are suppressed (too few answers); in this file their "
                  "responses carry the pooled code, counters are blanked and strata are "
                  "renumbered.",
                  "", "| unit | pooled as |", "|---|---|"]
        lines += [f"| `{u}` | `{p}` |" for u, p in sorted(prot.pooled_units.items())]
    lines += ["", "Method (sdcMicro as published, Templ, Kowarik and Meindl 2015; Hundepool et al. "
              "2012): risk is measured on the original keys; global recoding merges categories; "
              "local suppression then blanks, in each response whose key combination is shared "
              "by fewer than k responses of its unit, the key whose loss is cheapest (spread "
              "over the keys, least important first on a tie). A blank matches any category "
              "when combinations are counted. The unit, the answers, the index variables and "
              "the weights are never changed, so every published unit index is reproduced "
              "from this file exactly."]
    dropped = weighting.get("dropped") or []
    collapsed = weighting.get("collapsed") or []
    lines += ["", "## Weighting notes", "",
              f"- Cells with responses but no dossier count (empty weight): {len(dropped)}",
              f"- Fields with dossiers but no responses (spread over the unit): "
              f"{len(collapsed)}"]
    return "\n".join(lines) + "\n"


def _utility_lines(utility: Mapping[str, object]) -> list[str]:
    groups = utility.get("group_shares") or []
    lines = ["", "## Change in the main estimates / Thay đổi của các ước lượng chính", "",
             f"- Unit indices: {utility.get('unit_indices', 'unchanged')}"]
    if not groups:
        return lines
    lines += ["", f"Weighted mean of `{utility.get('score')}` by group, original (after global "
              "recoding) and protected file (suppressed values left out):", "",
              "| variable | group | original | protected | difference |", "|---|---|---|---|---|"]
    for g in groups:  # type: ignore[union-attr]
        lines.append(f"| `{g['variable']}` | {g['group']} | {g['original']:.4f} | "
                     f"{g['protected']:.4f} | {g['difference']:+.4f} |")
    lines.append(f"\nLargest absolute difference: {utility.get('max_group_difference', 0):.4f}")
    return lines
