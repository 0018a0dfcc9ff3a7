"""Choosing the text of a definition label in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping


def translated(labels: Mapping[str, str], language: str) -> str:
    """Pick a definition label in ``language``, falling back to Vietnamese (always present)."""
    return labels.get(language) or labels.get("vi") or next(iter(labels.values()), "")
