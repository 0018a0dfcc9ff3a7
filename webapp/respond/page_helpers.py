"""Template helpers of the survey page (long lists, pictorial scales, listening), in one place."""

from __future__ import annotations

from flask import Blueprint

from . import choice_groups


def register(bp: Blueprint) -> None:
    """Make the helpers available to the survey templates."""
    for name, helper in choice_groups.template_helpers().items():
        bp.add_app_template_global(helper, name)
