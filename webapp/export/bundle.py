"""One zip holding every file of an export, with a README that lists and explains them."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

# What each file is, by the end of its name (the data file is matched by its extension).
DESCRIPTIONS = (
    ("_codebook.xml", "Sổ mã DDI 2.5 / DDI 2.5 codebook (variables, labels, frequencies)"),
    ("_codebook.md", "Sổ mã đọc được / readable codebook"),
    ("_composite.csv", "Cách các chỉ số được tạo từ các tỷ số / how each index is built from "
                       "ratios (used by both scripts)"),
    ("_indices.R", "Script R tái lập mọi chỉ số và khoảng tin cậy đã công bố / R script that "
                   "reproduces every published index and interval, writes reproduced.csv"),
    ("_indices.do", "Do-file Stata, cùng phép tính / Stata do-file, same computation, writes "
                    "reproduced_stata.csv"),
    ("_disclosure.md", "Báo cáo kiểm soát tiết lộ: rủi ro và độ hữu ích / disclosure report: "
                       "risk and utility before and after"),
    ("_disclosure.json", "Cùng báo cáo, dạng máy đọc / the same report, machine-readable"),
)
DATA = "Dữ liệu vi mô đã bảo vệ, có trọng số / protected microdata with weights"


def describe(name: str) -> str:
    """The README line for one file name."""
    for suffix, text in DESCRIPTIONS:
        if name.endswith(suffix):
            return text
    return DATA


def write_bundle(out: Path, stem: str, files: Sequence[Path], summary: str) -> tuple[Path, Path]:
    """Write ``<stem>_README.md`` and ``<stem>.zip`` (README and every file); return both."""
    readme = out / f"{stem}_README.md"
    lines = [f"# {stem}", "", summary, "", "| tệp / file | nội dung / contents |", "|---|---|"]
    lines += [f"| `{p.name}` | {describe(p.name)} |" for p in files]
    lines += ["", "Tái lập / reproduce: `Rscript " + f"{stem}_indices.R` (or in Stata: "
              f"`do {stem}_indices.do`), then compare `reproduced.csv` with "
              "`hailong indices --format csv` or the pages. See docs/export.md."]
    readme.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bundle = out / f"{stem}.zip"
    with zipfile.ZipFile(bundle, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in [readme, *files]:
            zf.write(path, arcname=path.name)
    return readme, bundle
