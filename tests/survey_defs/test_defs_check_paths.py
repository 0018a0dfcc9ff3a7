"""check_paths and ``python -m survey_defs check``: every file, every problem, exit status."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_defs import SHIPPED_DIR, Code, check_paths
from survey_defs.__main__ import main

BROKEN = (SHIPPED_DIR / "onestop.yaml").read_text(encoding="utf-8").replace(
    "    scale: contacts\n", "    scale: contact\n").replace("show_if: overall == 0",
                                                             "show_if: overal == 0")


def test_check_paths__reports_problems_of_every_file_in_order(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("key: [unclosed\n", encoding="utf-8")
    problems = check_paths([broken, SHIPPED_DIR / "sipas.yaml", bad_yaml])
    assert [(Path(p.file).name, p.code) for p in problems] == [
        ("broken.yaml", "HL302"), ("broken.yaml", "HL202"), ("bad.yaml", "HL100")]
    assert all(p.severity == "error" for p in problems)


def test_check_paths__missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    problems = check_paths([tmp_path / "nope.yaml"])
    assert [(p.code, p.line) for p in problems] == [("HL108", 1)]


def test_main__exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert capsys.readouterr().out == ""
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    assert main(["check", str(broken)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{broken}:") and " HL302 " in out[0]
    assert main([]) == 2


def test_docs__list_every_catalogue_code() -> None:
    docs = (SHIPPED_DIR.parent / "docs" / "definitions.md").read_text(encoding="utf-8")
    missing = [c.name for c in Code if f"| {c.name} | {c.severity} |" not in docs]
    assert missing == []
