"""The official list of 54 ethnic groups, the survey scales built from it, and the split."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest

from survey_defs import SHIPPED_DIR, load_definition
from survey_defs.ethnic_groups import KINH, MINORITY, ethnic_groups, split
from webapp.export.sdc import recode
from webapp.export.sdc_rules import RELEASES


def test_list__54_groups_kinh_first_codes_in_order_names_nfc_and_unique() -> None:
    groups = ethnic_groups()
    assert [g.code for g in groups] == list(range(1, 55))
    assert groups[0].name_vi == "Kinh"
    names = [g.name_vi for g in groups]
    assert len(set(names)) == 54
    assert all(unicodedata.normalize("NFC", n) == n for n in names)
    # Spot checks of exact spellings for groups of Đắk Nông / Đắk Lắk.
    assert {"Ê-đê", "Mnông", "Mạ", "Tày", "Nùng", "HMông", "Xtiêng"} <= set(names)
    # The eight language groups add up to the list (4 + 8 + 21 + 3 + 4 + 5 + 3 + 6).
    sizes = sorted(sum(1 for g in groups if g.language_group == lg)
                   for lg in {g.language_group for g in groups})
    assert sizes == [3, 3, 4, 4, 5, 6, 8, 21]


@pytest.mark.parametrize("file", ["sipas.yaml", "papi.yaml"])
def test_shipped_scale__is_the_official_list(file: str) -> None:
    definition = load_definition(SHIPPED_DIR / file).definition
    scale = definition.scales["ethnicity"]
    assert [(c.code, c.label["vi"]) for c in scale.choices] == [
        (g.code, g.name_vi) for g in ethnic_groups()]
    assert definition.scale_of("ethnicity") is scale


def test_split__kinh_and_every_other_code_including_the_old_two_code_scale() -> None:
    assert split(1) == KINH
    assert {split(c) for c in range(2, 55)} == {MINORITY}
    assert split(None) is None


def test_public_release__recodes_ethnicity_to_the_split_scientific_keeps_detail() -> None:
    frame = pd.DataFrame({"ethnicity": pd.array([1, 2, 12, 20, 28, 54, None], dtype="Int16")})
    public = recode(frame, RELEASES["public"].recodes)["ethnicity"]
    assert public.tolist()[:6] == [1, 2, 2, 2, 2, 2]
    assert public.isna().tolist()[-1]
    scientific = recode(frame, RELEASES["scientific"].recodes)["ethnicity"]
    assert scientific.tolist()[:6] == [1, 2, 12, 20, 28, 54]


@pytest.mark.parametrize("file", ["sipas.yaml", "papi.yaml", "onestop.yaml", "sipas_2017.yaml"])
def test_village_named__as_thon_bon_buon(file: str) -> None:
    """In the Central Highlands a village is a bon (M'nông) or a buôn (Ê Đê), not only a thôn."""
    import re

    definition = load_definition(SHIPPED_DIR / file).definition
    for q in definition.questions:
        text = q.label.get("vi", "")
        if re.search(r"\bthôn\b", text) and "Nông thôn" not in text:
            assert "thôn, bon, buôn" in text, (file, q.id)
