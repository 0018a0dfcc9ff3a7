"""Shared fixtures for the analysis tests: reference data and the apistrat designs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.design import SurveyDesign

REFERENCE = Path(__file__).resolve().parent / "reference"


def read_api(name: str) -> pd.DataFrame:
    """Read one of the api CSVs exported from R (``cds`` as text, empty = NA)."""
    return pd.read_csv(REFERENCE / name, dtype={"cds": str})


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    return REFERENCE


@pytest.fixture(scope="session")
def apistrat() -> pd.DataFrame:
    return read_api("apistrat.csv")


@pytest.fixture(scope="session")
def dstrat(apistrat: pd.DataFrame) -> SurveyDesign:
    # dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
    return SurveyDesign.from_frame(apistrat, weight="pw", strata="stype", fpc="fpc")


@pytest.fixture(scope="session")
def dstrat_nofpc(apistrat: pd.DataFrame) -> SurveyDesign:
    # dstrat_nofpc <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat)
    return SurveyDesign.from_frame(apistrat, weight="pw", strata="stype")


@pytest.fixture(scope="session")
def extra_refs() -> dict:
    """Results of reference/make_refs_extra.R (R survey 4.1.1)."""
    return json.loads((REFERENCE / "extra_refs.json").read_text())
