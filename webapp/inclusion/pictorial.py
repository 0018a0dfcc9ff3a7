"""The pictorial form of the satisfaction scales: a face beside each label.

Each satisfaction scale's codes map to a mood from 1 (very unhappy) to 5 (very happy); the
faces are five small SVG symbols drawn once per page and referenced by each choice, so a
16-row grid costs a few hundred bytes more, not sixteen pictures. The input's value is the
scale's code as always: the faces change what a citizen sees, never what is stored.
"""

from __future__ import annotations

from markupsafe import Markup

# scale id -> code -> mood (1..5). Only scales that measure satisfaction get faces.
MOODS: dict[str, dict[int, int]] = {
    "sat5": {1: 1, 2: 2, 3: 3, 4: 4, 5: 5},
    "sat3": {0: 2, 1: 4, 2: 5},
}

_FILL = {1: "#f2a0a0", 2: "#f7c59f", 3: "#f3e38c", 4: "#c5e3a0", 5: "#8fd19e"}
_MOUTH = {1: "M14 35Q24 25 34 35", 2: "M15 34Q24 29 33 34", 3: "M15 32H33",
          4: "M15 30Q24 37 33 30", 5: "M13 28Q24 42 35 28"}


def _symbol(mood: int) -> str:
    return (f'<symbol id="face{mood}" viewBox="0 0 48 48">'
            f'<circle cx="24" cy="24" r="22" fill="{_FILL[mood]}" stroke="#333" '
            'stroke-width="2"/><circle cx="17" cy="19" r="2.6"/><circle cx="31" cy="19" '
            f'r="2.6"/><path d="{_MOUTH[mood]}" fill="none" stroke="#222" stroke-width="2.6" '
            'stroke-linecap="round"/></symbol>')


_DEFS = ('<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false"><defs>'
         + "".join(_symbol(m) for m in range(1, 6)) + "</defs></svg>")
FACE_SYMBOLS = Markup(_DEFS)  # noqa: S704 - built above from constants only


def moods(scale_id: str | None) -> dict[int, int]:
    """Code -> mood of a satisfaction scale; empty for any other scale."""
    return MOODS.get(scale_id or "", {})
