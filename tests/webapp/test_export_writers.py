"""The streaming Stata and SPSS writers: chunked files equal the one-piece result.

The reference is what pandas' ``to_stata`` and pyreadstat's ``write_sav`` make of the whole
frame at once; both files are read back with readers that did not write them (pandas,
pyreadstat and, when installed, R's haven).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from tests.conftest import require_or_skip
from webapp.export.labels import Variable
from webapp.export.layout import scan
from webapp.export.spss import SavError
from webapp.export.stata import DtaError
from webapp.export.writers import open_writer

LONG = ("Thủ tục được giải quyết đúng hẹn, cán bộ hướng dẫn tận tình. " * 60).strip()  # 3,900 B
YN = {1: {"vi": "Có", "en": "Yes"}, 2: {"vi": "Không", "en": "No"},
      9: {"vi": "Không có ý kiến", "en": "No opinion"}}
VARIABLES = [
    Variable("response_id", {"vi": "Mã phiếu"}, "id", kind="string"),
    Variable("unit_name", {"vi": "Tên đơn vị"}, "unit", kind="string"),
    Variable("q1", {"vi": "Anh/chị có hài lòng không?"}, "answer", measure="ordinal",
             values=YN, missing=(9,)),
    Variable("count", {"vi": "Số hồ sơ"}, "answer", measure="ordinal"),
    Variable("weight", {"vi": "Trọng số cuối cùng"}, "weight", measure="scale"),
    Variable("note", {"vi": "Ý kiến khác"}, "text", kind="string"),
    Variable("empty", {"vi": "Không ai trả lời"}, "text", kind="string"),
]


def _frame(rows: int = 41, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    q1 = pd.array(rng.choice([1, 2, 9], rows), dtype="Int64")
    q1[::6] = pd.NA
    count = pd.array(rng.integers(0, 70_000, rows), dtype="Int64")
    count[1::5] = pd.NA
    weight = rng.random(rows) * 40
    weight[::7] = np.nan
    units = np.array(["Phường Bắc Gia Nghĩa", "Xã Đắk Sắk", "Trung tâm Phục vụ hành chính công"])
    note: list[str | None] = [None] * rows
    note[3], note[17], note[40 % rows] = LONG, "Ngắn gọn", LONG[::-1]
    return pd.DataFrame({
        "response_id": [f"{i:032x}" for i in rng.integers(0, 2**62, rows)],
        "unit_name": units[rng.integers(0, 3, rows)],
        "q1": q1, "count": count, "weight": weight, "note": note,
        "empty": [None] * rows,
    })


def _write(fmt: str, path: Path, frame: pd.DataFrame, chunk: int) -> Path:
    writer = open_writer(fmt, path, VARIABLES, "vi", scan(frame, VARIABLES))
    for start in range(0, len(frame), chunk):
        writer.write(frame.iloc[start:start + chunk])
    writer.close()
    return path


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    strings = [v.name for v in VARIABLES if v.kind == "string"]
    return frame.astype({c: object for c in strings}).fillna({c: "" for c in strings})


def _numbers(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype({c: float for c in ("q1", "count", "weight")})


def test_dta__chunked_file_equals_pandas_one_piece(tmp_path: Path) -> None:
    frame = _frame()
    streamed = _write("dta", tmp_path / "streamed.dta", frame, chunk=4)
    whole = tmp_path / "whole.dta"
    _text(frame).astype({"q1": float, "count": float}).to_stata(
        whole, version=118, write_index=False, convert_strl=["note"],
        variable_labels={v.name: v.text("vi") for v in VARIABLES},
        value_labels={"q1": {c: lab["vi"] for c, lab in YN.items()}})
    got = pd.read_stata(streamed, convert_categoricals=False)
    ref = pd.read_stata(whole, convert_categoricals=False)
    pd.testing.assert_frame_equal(_numbers(got), _numbers(ref), check_dtype=False)
    pd.testing.assert_frame_equal(_numbers(got), _numbers(_text(frame)), check_dtype=False)
    assert got.loc[3, "note"] == LONG and got.loc[40, "note"] == LONG[::-1]
    with pd.io.stata.StataReader(streamed) as reader:
        assert reader.value_labels()["q1"] == {1: "Có", 2: "Không", 9: "Không có ý kiến"}
        assert reader.variable_labels()["q1"] == "Anh/chị có hài lòng không?"
        assert reader.data_label == "hailong microdata"
    # Codes are stored as the smallest Stata integer type that holds them.
    with pd.io.stata.StataReader(streamed) as reader:
        reader.read(1)
        assert [str(t) for t in reader._dtyplist[2:4]] == ["int8", "int32"]


def test_sav__chunked_file_equals_pyreadstat_one_piece(tmp_path: Path) -> None:
    frame = _frame()
    streamed = _write("sav", tmp_path / "streamed.sav", frame, chunk=4)
    whole = tmp_path / "whole.sav"
    pyreadstat.write_sav(_numbers(_text(frame)), str(whole),
                         column_labels={v.name: v.text("vi") for v in VARIABLES},
                         variable_value_labels={"q1": {1.0: "Có", 2.0: "Không",
                                                       9.0: "Không có ý kiến"}},
                         missing_ranges={"q1": [9.0]})
    got, meta = pyreadstat.read_sav(str(streamed), user_missing=True)
    ref, _ = pyreadstat.read_sav(str(whole), user_missing=True)
    pd.testing.assert_frame_equal(got, ref, check_dtype=False)
    assert got.loc[3, "note"] == LONG and got.loc[17, "note"] == "Ngắn gọn"
    assert meta.variable_value_labels["q1"] == {1.0: "Có", 2.0: "Không", 9.0: "Không có ý kiến"}
    assert meta.missing_ranges["q1"] == [{"lo": 9.0, "hi": 9.0}]
    assert meta.variable_measure == {"response_id": "nominal", "unit_name": "nominal",
                                     "q1": "ordinal", "count": "ordinal", "weight": "scale",
                                     "note": "nominal", "empty": "nominal"}
    assert dict(zip(meta.column_names, meta.column_labels, strict=True))["unit_name"] \
        == "Tên đơn vị"
    assert meta.number_rows == len(frame)
    # One chunk or many: the same data.
    single = _write("sav", tmp_path / "single.sav", frame, chunk=len(frame))
    pd.testing.assert_frame_equal(pyreadstat.read_sav(str(single), user_missing=True)[0], got)


@pytest.mark.parametrize("fmt", ["dta", "sav"])
def test_streaming_writers__rows_must_match_the_layout(tmp_path: Path, fmt: str) -> None:
    frame = _frame()
    error = DtaError if fmt == "dta" else SavError
    writer = open_writer(fmt, tmp_path / f"x.{fmt}", VARIABLES, "vi", scan(frame, VARIABLES))
    writer.write(frame.iloc[:10])
    with pytest.raises(error, match="announced"):
        writer.close()
    narrow = scan(frame.iloc[:2], VARIABLES)
    narrow.rows = len(frame)
    writer = open_writer(fmt, tmp_path / f"y.{fmt}", VARIABLES, "vi", narrow)
    with pytest.raises(error, match="wider than"):
        writer.write(frame)


R_READ = r"""
args <- commandArgs(trailingOnly = TRUE)
x <- haven::read_sav(args[1], user_na = TRUE)
y <- haven::read_dta(args[2])
cat(jsonlite::toJSON(list(
  sav_note = x$note[c(4, 18, 41)], dta_note = y$note[c(4, 18, 41)],
  sav_units = sort(unique(x$unit_name)), dta_units = sort(unique(y$unit_name)),
  sav_q1 = as.numeric(x$q1), dta_q1 = as.numeric(y$q1),
  sav_count = x$count, dta_count = y$count,
  sav_na = attr(x$q1, "na_values"), dta_labels = as.list(attr(y$q1, "labels")),
  sav_weight = x$weight, dta_weight = y$weight), auto_unbox = TRUE, digits = NA, na = "null"))
"""


@pytest.mark.needs_r
def test_streamed_dta_and_sav__read_by_r_haven(tmp_path: Path) -> None:
    if shutil.which("Rscript") is None:
        require_or_skip("Rscript is not installed (Debian: r-base-core)")
    frame = _frame()
    sav = _write("sav", tmp_path / "s.sav", frame, chunk=5)
    dta = _write("dta", tmp_path / "s.dta", frame, chunk=5)
    script = tmp_path / "read.R"
    script.write_text(R_READ, encoding="utf-8")
    run = subprocess.run(["Rscript", str(script), str(sav), str(dta)], capture_output=True,
                         text=True, check=False, timeout=300)
    if run.returncode != 0 and "there is no package" in run.stderr:
        require_or_skip("R packages haven and jsonlite are needed")
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    notes = [LONG, "Ngắn gọn", LONG[::-1]]
    assert got["sav_note"] == got["dta_note"] == notes
    assert got["sav_units"] == got["dta_units"] == sorted(set(frame["unit_name"]))
    q1 = [None if pd.isna(v) else float(v) for v in frame["q1"]]
    assert got["sav_q1"] == got["dta_q1"] == q1
    count = [None if pd.isna(v) else int(v) for v in frame["count"]]
    assert got["sav_count"] == got["dta_count"] == count
    weight = [None if np.isnan(v) else v for v in frame["weight"]]
    assert got["sav_weight"] == pytest.approx(weight) and got["dta_weight"] == \
        pytest.approx(weight)
    assert got["sav_na"] == 9 and got["dta_labels"] == {"Có": 1, "Không": 2,
                                                           "Không có ý kiến": 9}
