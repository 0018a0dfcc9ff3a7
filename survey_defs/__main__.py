"""``python -m survey_defs check [PATH...]``: the Flask-free twin of ``hailong defs check``."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from survey_defs.load import check_paths, shipped_paths


def main(argv: Sequence[str] | None = None) -> int:
    """Print ``file:line: CODE message`` per problem; return 1 if any is an error."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] != "check":
        print("usage: python -m survey_defs check [PATH...]", file=sys.stderr)
        return 2
    paths = args[1:] or [str(p) for p in shipped_paths()]
    problems = check_paths(paths)
    for problem in problems:
        print(problem.format())
    return 1 if any(p.severity == "error" for p in problems) else 0


if __name__ == "__main__":
    sys.exit(main())
