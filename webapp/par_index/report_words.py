"""The wording of the PAR INDEX báo cáo in each language it is issued in (Vietnamese, the
language of record, and an English copy): gettext messages of context ``par report``, so any
interface catalogue translates them. Text with ``{}`` fields is filled by :mod:`.report_content`
and :mod:`.report_document`."""

from __future__ import annotations

from flask_babel import pgettext

from ..i18n import interface_catalogue

LANGUAGES = ("vi", "en")

# Every word has the message context "par report" (written out in each call: the extractor reads
# only literals), so a short heading worded for the báo cáo never takes a page's translation.
# A percent sign is never followed by a letter ("{share}% s…" would read as a %-placeholder to
# the catalogue compiler).


def words(language: str) -> dict[str, str]:
    """The báo cáo's wording in ``language`` (Vietnamese when there is no catalogue for it)."""
    with interface_catalogue(language):
        return _catalogue()


def _catalogue() -> dict[str, str]:
    return {
        "number": pgettext("par report", "No.:       /BC-UBND"),
        "kind": pgettext("par report", "REPORT"),
        "title": pgettext(
            "par report",
            "Analysis of the {year} results of the Public Administration Reform "
            "Index, SIPAS and PAPI of {unit}"),
        "intro": pgettext(
            "par report",
            "Following the direction of the level above on remedying shortcomings "
            "and improving the PAR INDEX, SIPAS and PAPI, {unit} reports its "
            "analysis of {year} as follows:"),
        "recipients_label": pgettext("par report", "Recipients:"),
        "superior": pgettext("par report", "The level above"),
        "parent_recipient": pgettext("par report", "- {parent};"),
        "archive": pgettext("par report", "- Archived: VT."),
        "signature_1": pgettext("par report", "ON BEHALF OF THE PEOPLE'S COMMITTEE"),
        "signature_2": pgettext("par report", "CHAIRPERSON"),
        "s_achieved": pgettext("par report", "I. RESULTS ACHIEVED"),
        "total": pgettext("par report", "Total for {year}: {total}/{maximum} points, {percent}%"),
        "total_rank": pgettext("par report", ", ranked {rank}/{out_of}"),
        "total_band": pgettext("par report", ", classified {band}"),
        "compare": pgettext(
            "par report",
            "Compared with {year} ({total} points, {percent}%): {change} {delta} "
            "points{rank}."),
        "up": pgettext("par report", "up"),
        "down": pgettext("par report", "down"),
        "same": pgettext("par report", "unchanged"),
        "rank_steps": pgettext("par report", "; rank {change} {steps} place(s)"),
        "rank_same": pgettext("par report", "; rank unchanged"),
        "steps": pgettext("par report", "{change} {steps} place(s)"),
        "overall_target": pgettext("par report", "Overall target ({target}): {verdict}."),
        "achieved": pgettext("par report", "achieved"),
        "not_achieved": pgettext("par report", "not achieved"),
        "target_level": pgettext("par report", "level {value}"),
        "target_no_worse": pgettext("par report", "no lower than last year"),
        "target_top_half": pgettext("par report", "in the top half of the ranking"),
        "target_max": pgettext("par report", "full points"),
        "official": pgettext("par report", "Official published results:"),
        "h_index": pgettext("par report", "Index"),
        "h_year": pgettext("par report", "Year"),
        "h_component": pgettext("par report", "Component"),
        "whole_index": pgettext("par report", "Whole index"),
        "h_score": pgettext("par report", "Score"),
        "h_maximum": pgettext("par report", "Maximum"),
        "h_rank": pgettext("par report", "Rank"),
        "h_source": pgettext("par report", "Source"),
        "h_code": pgettext("par report", "Code"),
        "h_criterion": pgettext("par report", "Criterion"),
        "h_target": pgettext("par report", "Target"),
        "h_lost": pgettext("par report", "Points lost"),
        "h_change_year": pgettext("par report", "Change on last year"),
        "h_unit": pgettext("par report", "Responsible unit"),
        "h_person": pgettext("par report", "Responsible person"),
        "h_domain": pgettext("par report", "Domain"),
        "h_previous": pgettext("par report", "Last year"),
        "h_change": pgettext("par report", "Change"),
        "achieved_list": pgettext("par report", "Criteria that reached their target ({n}):"),
        "s_shortfalls": pgettext("par report", "II. SHORTCOMINGS AND LIMITATIONS"),
        "not_achieved_list": pgettext(
            "par report",
            "Criteria that did not reach their target ({n}):"),
        "lost_intro": pgettext(
            "par report",
            "Criteria that lost points or fell since last year (most points lost "
            "first) and who is responsible:"),
        "unassigned": pgettext("par report", "Not assigned"),
        "domains_intro": pgettext("par report", "Rank per domain against last year:"),
        "worst_intro": pgettext(
            "par report",
            "What citizens rated lowest (SIPAS survey at the one-stop counter):"),
        "worst_line": pgettext("par report", "{label}: satisfied {share}% (n = {n})"),
        "wanted_line": pgettext(
            "par report",
            "{label}: {share}% want it improved very much (n = {n})"),
        "list_item": pgettext("par report", "- {text};"),
        "s_causes": pgettext("par report", "III. CAUSES"),
        "cause": pgettext("par report", "- Criterion {code} ({name}): {cause}"),
        "no_causes": pgettext(
            "par report",
            "No cause has been entered for the criteria that lost points."),
        "s_remedies": pgettext("par report", "IV. REMEDIES"),
        "remedy": pgettext(
            "par report",
            "- Criterion {code}: {description} (owner: {owner}; deadline: "
            "{deadline}; {status})."),
        "done": pgettext("par report", "completed"),
        "open": pgettext("par report", "in progress"),
        "no_remedies": pgettext(
            "par report",
            "No remedy has been assigned to the criteria that lost points."),
        "wanted_intro": pgettext("par report", "What citizens most want improved:"),
    }
