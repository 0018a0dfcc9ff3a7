"""The wording of the unit report document in each language it is issued in (Vietnamese, the
language of record, and an English copy): gettext messages of context ``unit report``, so any
interface catalogue translates them. Text with ``{}`` fields is filled by :mod:`.unit_document`."""

from __future__ import annotations

from flask_babel import pgettext

from ..i18n import interface_catalogue

# Every word here has the message context "unit report" (written out in each call, as the
# extractor reads only literals): a short heading ("Item", "Status") is worded for a document
# and must not take the translation of the same English on a page.
# "95% c…" would read as a %-placeholder to the catalogue compiler: the English puts the
# percent sign before punctuation ("(95%)", "95%;").


def words(language: str) -> dict[str, str]:
    """The wording in ``language`` (Vietnamese when there is no catalogue for it)."""
    with interface_catalogue(language):
        return _catalogue()


def _catalogue() -> dict[str, str]:
    return {
        "number": pgettext("unit report", "No.:       /BC-UBND"),
        "kind": pgettext("unit report", "REPORT"),
        "title": pgettext(
            "unit report",
            "Citizens' and organisations' satisfaction ({survey}), {period}, {unit}"),
        "intro": pgettext(
            "unit report", "Based on the survey of citizens and organisations served by {unit} "
            "({survey}), {period}, {unit} reports the following results:"),
        "s_overall": pgettext("unit report", "I. OVERALL RESULT"),
        "interval": pgettext(
            "unit report", "Confidence interval (95%): {low} to {high}. {n} respondents (effective "
            "sample size {n_eff}). The interval holds the true value at a confidence level "
            "of 95%; the effective sample size is the number of respondents the weighted "
            "answers are worth."),
        "small": pgettext("unit report", "Note: few respondents, the figure is uncertain."),
        "suppressed": pgettext("unit report", "Not published: fewer than {k} valid answers."),
        "no_headline": pgettext(
            "unit report", "Not enough answers in this period for the overall index."),
        "volume": pgettext(
            "unit report", "The period had {responses} responses and {dossiers} dossiers "
            "handled{rate}."),
        "rate": pgettext("unit report", "; response rate {rate}"),
        "components": pgettext("unit report", "Results by element:"),
        "h_item": pgettext("unit report", "Item"),
        "h_value": pgettext("unit report", "Result"),
        "h_ci": pgettext("unit report", "Interval (95%)"),
        "h_n": pgettext("unit report", "Respondents"),
        "h_no": pgettext("unit report", "No."),
        "h_criterion": pgettext("unit report", "Criterion"),
        "s_criteria": pgettext("unit report", "II. RESULTS BY CRITERION (LOWEST FIRST)"),
        "criteria_note": pgettext(
            "unit report", "The criterion with the lowest result comes first: these are the "
            "aspects to remedy first."),
        "s_citizens": pgettext(
            "unit report", "III. WHAT CITIZENS RATE LOWEST AND MOST WANT IMPROVED"),
        "weakest": pgettext("unit report", "The three criteria citizens rate lowest:"),
        "wanted": pgettext(
            "unit report", "What citizens most want improved (share answering \"very much\"):"),
        "no_wishes": pgettext(
            "unit report", "No answers about wished improvements in this period."),
        "h_aspect": pgettext("unit report", "Aspect to improve"),
        "h_share": pgettext("unit report", "Share"),
        "s_change": pgettext("unit report", "IV. CHANGE SINCE THE PREVIOUS PERIOD"),
        "change_intro": pgettext(
            "unit report", "Compared with {previous}: a change is clear when it remains after "
            "controlling the false discovery rate (Benjamini-Hochberg, 5%) across "
            "the unit's indices; a change of a share is in percentage points (pp)."),
        "h_previous": pgettext("unit report", "Previous"),
        "h_current": pgettext("unit report", "Current"),
        "h_change": pgettext("unit report", "Change"),
        "h_change_pp": pgettext("unit report", "Change (pp)"),
        "h_clear": pgettext("unit report", "Clear"),
        "yes": pgettext("unit report", "Yes"),
        "no": pgettext("unit report", "No"),
        "no_change": pgettext("unit report", "No figures of the previous period to compare with."),
        "trend_caption": pgettext(
            "unit report", "Chart: {label} over the last {count} periods; the band is the "
            "interval at 95% (the axis does not start at 0, so changes stay visible)."),
        "h_period": pgettext("unit report", "Period"),
        "s_children": pgettext("unit report", "V. UNITS BELOW"),
        "children_note": pgettext(
            "unit report", "Highest first; group 1 is the highest (quartile groups, as in PAPI "
            "reports)."),
        "h_unit": pgettext("unit report", "Unit"),
        "h_group": pgettext("unit report", "Group"),
        "s_plans": pgettext("unit report", "{n}. ACTION PLANS"),
        "h_remedy": pgettext("unit report", "Remedy"),
        "h_owner": pgettext("unit report", "Owner"),
        "h_deadline": pgettext("unit report", "Deadline"),
        "h_status": pgettext("unit report", "Status"),
        "h_before_after": pgettext("unit report", "Before → after"),
        "done": pgettext("unit report", "Done"),
        "open": pgettext("unit report", "In progress"),
        "late": pgettext("unit report", "Overdue"),
        "no_plans": pgettext("unit report", "No action plan has been recorded."),
        "s_comments": pgettext("unit report", "{n}. CITIZENS' COMMENTS"),
        "comments_count": pgettext(
            "unit report", "The period had {total} comments: {open} open, {assigned} assigned, "
            "{replied} replied, {closed} closed."),
        "comments_none": pgettext("unit report", "No comments in this period."),
        "comments_topics": pgettext("unit report", "Comments by criterion:"),
        "comments_quotes": pgettext(
            "unit report", "Some recent comments (phone numbers, e-mail addresses and ID numbers "
            "removed):"),
        "other_topic": pgettext("unit report", "Not about a criterion"),
        "h_comments": pgettext("unit report", "Comments"),
        "recipients_label": pgettext("unit report", "Recipients:"),
        "parent_recipient": pgettext("unit report", "- {parent};"),
        "archive": pgettext("unit report", "- Archived: VT."),
        "superior": pgettext("unit report", "The level above"),
        "signature_1": pgettext("unit report", "ON BEHALF OF THE PEOPLE'S COMMITTEE"),
        "signature_2": pgettext("unit report", "CHAIRPERSON"),
        "none": pgettext("unit report", "–"),
        "subdims": pgettext(
            "unit report", "Dimensions and their sub-dimensions: each sub-dimension scores 1 to "
            "10; its contribution is that score divided by the number of "
            "sub-dimensions of its dimension, so the contributions add up to the "
            "dimension's score, as the PAPI reports print them."),
        "h_subdim": pgettext("unit report", "Dimension or sub-dimension"),
        "h_score": pgettext("unit report", "Score"),
        "h_contribution": pgettext("unit report", "Contribution"),
        "tt01": pgettext(
            "unit report", "The nine indicators of Circular 01/2018/TT-VPCP (0 to 2 points each)"),
        "tt01_total": pgettext("unit report", "Total: {total} of {max} points; rating: {band}."),
        "tt01_interval": pgettext("unit report", "Interval of the total (95%): {low} to {high}."),
        "tt01_missing": pgettext(
            "unit report", "No 18-point total and no rating yet: {missing} have no value for this "
            "period. The Circular's rating applies to all nine indicators only."),
        "h_indicator": pgettext("unit report", "Indicator"),
        "h_points": pgettext("unit report", "Points"),
        "h_source": pgettext("unit report", "Source"),
        "src_dossier": pgettext("unit report", "dossiers (on time or late)"),
        "src_unit": pgettext("unit report", "entered by the unit"),
        "src_citizens": pgettext("unit report", "citizens' ratings ({n})"),
    }
