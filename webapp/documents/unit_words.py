"""The wording of the unit report document in each language it is issued in (Vietnamese, the
language of record, and an English copy): gettext messages of context ``unit report``, so any
interface catalogue translates them. Text with ``{}`` fields is filled by :mod:`.unit_document`."""

from __future__ import annotations

from flask_babel import pgettext

from ..i18n import interface_catalogue

# One context for the report's words: a short heading here ("Item", "Status") is worded for a
# document, and must not take the translation of the same English on a page.
CONTEXT = "unit report"
# "95% c…" would read as a %-placeholder to the catalogue compiler: the English puts the
# percent sign before punctuation ("(95%)", "95%;").


def words(language: str) -> dict[str, str]:
    """The wording in ``language`` (Vietnamese when there is no catalogue for it)."""
    with interface_catalogue(language):
        return _catalogue()


def _catalogue() -> dict[str, str]:
    return {
        "number": pgettext(CONTEXT, "No.:       /BC-UBND"),
        "kind": pgettext(CONTEXT, "REPORT"),
        "title": pgettext(
            CONTEXT, "Citizens' and organisations' satisfaction ({survey}), {period}, {unit}"),
        "intro": pgettext(
            CONTEXT, "Based on the survey of citizens and organisations served by {unit} "
            "({survey}), {period}, {unit} reports the following results:"),
        "s_overall": pgettext(CONTEXT, "I. OVERALL RESULT"),
        "interval": pgettext(
            CONTEXT, "Confidence interval (95%): {low} to {high}. {n} respondents (effective "
            "sample size {n_eff}). The interval holds the true value at a confidence level "
            "of 95%; the effective sample size is the number of respondents the weighted "
            "answers are worth."),
        "small": pgettext(CONTEXT, "Note: few respondents, the figure is uncertain."),
        "suppressed": pgettext(CONTEXT, "Not published: fewer than {k} valid answers."),
        "no_headline": pgettext(
            CONTEXT, "Not enough answers in this period for the overall index."),
        "volume": pgettext(
            CONTEXT, "The period had {responses} responses and {dossiers} dossiers "
            "handled{rate}."),
        "rate": pgettext(CONTEXT, "; response rate {rate}"),
        "components": pgettext(CONTEXT, "Results by element:"),
        "h_item": pgettext(CONTEXT, "Item"),
        "h_value": pgettext(CONTEXT, "Result"),
        "h_ci": pgettext(CONTEXT, "Interval (95%)"),
        "h_n": pgettext(CONTEXT, "Respondents"),
        "h_no": pgettext(CONTEXT, "No."),
        "h_criterion": pgettext(CONTEXT, "Criterion"),
        "s_criteria": pgettext(CONTEXT, "II. RESULTS BY CRITERION (LOWEST FIRST)"),
        "criteria_note": pgettext(
            CONTEXT, "The criterion with the lowest result comes first: these are the "
            "aspects to remedy first."),
        "s_citizens": pgettext(CONTEXT, "III. WHAT CITIZENS RATE LOWEST AND MOST WANT IMPROVED"),
        "weakest": pgettext(CONTEXT, "The three criteria citizens rate lowest:"),
        "wanted": pgettext(
            CONTEXT, "What citizens most want improved (share answering \"very much\"):"),
        "no_wishes": pgettext(CONTEXT, "No answers about wished improvements in this period."),
        "h_aspect": pgettext(CONTEXT, "Aspect to improve"),
        "h_share": pgettext(CONTEXT, "Share"),
        "s_change": pgettext(CONTEXT, "IV. CHANGE SINCE THE PREVIOUS PERIOD"),
        "change_intro": pgettext(
            CONTEXT, "Compared with {previous}: a change is clear when it remains after "
            "controlling the false discovery rate (Benjamini-Hochberg, 5%) across "
            "the unit's indices; a change of a share is in percentage points (pp)."),
        "h_previous": pgettext(CONTEXT, "Previous"),
        "h_current": pgettext(CONTEXT, "Current"),
        "h_change": pgettext(CONTEXT, "Change"),
        "h_change_pp": pgettext(CONTEXT, "Change (pp)"),
        "h_clear": pgettext(CONTEXT, "Clear"),
        "yes": pgettext(CONTEXT, "Yes"),
        "no": pgettext(CONTEXT, "No"),
        "no_change": pgettext(CONTEXT, "No figures of the previous period to compare with."),
        "trend_caption": pgettext(
            CONTEXT, "Chart: {label} over the last {count} periods; the band is the "
            "interval at 95% (the axis does not start at 0, so changes stay visible)."),
        "h_period": pgettext(CONTEXT, "Period"),
        "s_children": pgettext(CONTEXT, "V. UNITS BELOW"),
        "children_note": pgettext(
            CONTEXT, "Highest first; group 1 is the highest (quartile groups, as in PAPI "
            "reports)."),
        "h_unit": pgettext(CONTEXT, "Unit"),
        "h_group": pgettext(CONTEXT, "Group"),
        "s_plans": pgettext(CONTEXT, "{n}. ACTION PLANS"),
        "h_remedy": pgettext(CONTEXT, "Remedy"),
        "h_owner": pgettext(CONTEXT, "Owner"),
        "h_deadline": pgettext(CONTEXT, "Deadline"),
        "h_status": pgettext(CONTEXT, "Status"),
        "h_before_after": pgettext(CONTEXT, "Before → after"),
        "done": pgettext(CONTEXT, "Done"),
        "open": pgettext(CONTEXT, "In progress"),
        "late": pgettext(CONTEXT, "Overdue"),
        "no_plans": pgettext(CONTEXT, "No action plan has been recorded."),
        "s_comments": pgettext(CONTEXT, "{n}. CITIZENS' COMMENTS"),
        "comments_count": pgettext(
            CONTEXT, "The period had {total} comments: {open} open, {assigned} assigned, "
            "{replied} replied, {closed} closed."),
        "comments_none": pgettext(CONTEXT, "No comments in this period."),
        "comments_topics": pgettext(CONTEXT, "Comments by criterion:"),
        "comments_quotes": pgettext(
            CONTEXT, "Some recent comments (phone numbers, e-mail addresses and ID numbers "
            "removed):"),
        "other_topic": pgettext(CONTEXT, "Not about a criterion"),
        "h_comments": pgettext(CONTEXT, "Comments"),
        "recipients_label": pgettext(CONTEXT, "Recipients:"),
        "parent_recipient": pgettext(CONTEXT, "- {parent};"),
        "archive": pgettext(CONTEXT, "- Archived: VT."),
        "superior": pgettext(CONTEXT, "The level above"),
        "signature_1": pgettext(CONTEXT, "ON BEHALF OF THE PEOPLE'S COMMITTEE"),
        "signature_2": pgettext(CONTEXT, "CHAIRPERSON"),
        "none": pgettext(CONTEXT, "–"),
        "subdims": pgettext(
            CONTEXT, "Dimensions and their sub-dimensions: each sub-dimension scores 1 to "
            "10; its contribution is that score divided by the number of "
            "sub-dimensions of its dimension, so the contributions add up to the "
            "dimension's score, as the PAPI reports print them."),
        "h_subdim": pgettext(CONTEXT, "Dimension or sub-dimension"),
        "h_score": pgettext(CONTEXT, "Score"),
        "h_contribution": pgettext(CONTEXT, "Contribution"),
        "tt01": pgettext(
            CONTEXT, "The nine indicators of Circular 01/2018/TT-VPCP (0 to 2 points each)"),
        "tt01_total": pgettext(CONTEXT, "Total: {total} of {max} points; rating: {band}."),
        "tt01_interval": pgettext(CONTEXT, "Interval of the total (95%): {low} to {high}."),
        "tt01_missing": pgettext(
            CONTEXT, "No 18-point total and no rating yet: {missing} have no value for this "
            "period. The Circular's rating applies to all nine indicators only."),
        "h_indicator": pgettext(CONTEXT, "Indicator"),
        "h_points": pgettext(CONTEXT, "Points"),
        "h_source": pgettext(CONTEXT, "Source"),
        "src_dossier": pgettext(CONTEXT, "dossiers (on time or late)"),
        "src_unit": pgettext(CONTEXT, "entered by the unit"),
        "src_citizens": pgettext(CONTEXT, "citizens' ratings ({n})"),
    }
