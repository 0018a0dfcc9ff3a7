"""One definition of a Vietnamese phone number (issue 21, finding 2).

The probe found numbers the contact box accepts that the export's scrubber let through:
``(0912) 345 678``, ``0912 - 345 - 678``, double spaces, ``0912,345,678``, ``0912/345/678``,
``0912_345_678``. Here every such spelling, and seeded random ones, must be accepted by the
contact box and removed by the scrubber; and whatever the box accepts, the scrubber removes.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, seed
from hypothesis import strategies as st

from webapp.export.disclosure import NUMBER_MARK, scrub_text
from webapp.respond.contacts import ContactError, normalise_phone

PROBE = ["(0912) 345 678", "0912 - 345 - 678", "0912  345  678", "0912,345,678",
         "0912/345/678", "0912_345_678", "0912 . 345 . 678", "(0912)345678", "0912\t345\t678",
         "+84 912 345 678", "+84 (0) 912 345 678", "+84-912-345-678", "0084 912 345 678",
         "84 912 345 678", "(+84) 912 345 678", "+84912345678", "(028) 3829 1234"]
SEPARATORS = [" ", "  ", ".", "-", " - ", ",", ", ", "/", " / ", "_", "\t", ""]


@pytest.mark.parametrize("written", PROBE)
def test_probe_spellings__accepted_by_the_box__removed_by_the_scrubber(written: str) -> None:
    canonical = normalise_phone(written)
    assert re.fullmatch(r"(?:0|\+84)\d{9,10}", canonical)
    for text in (written, f"Gọi {written} nhé", f"SĐT:{written}.", f"ngày 12/11, {written}"):
        scrubbed = scrub_text(text)
        assert NUMBER_MARK in scrubbed, text
        assert not re.search(r"\d{3}", re.sub(r"\D", "", scrubbed.replace("12/11", ""))), \
            scrubbed


@pytest.mark.parametrize("text", ["Điểm 5, 4, 3 và 10 phút", "Quầy số 2, chờ 15 phút",
                                  "Năm 2026, tháng 11"])
def test_short_numbers_in_text__kept(text: str) -> None:
    assert scrub_text(text) == text


@pytest.mark.parametrize("raw", ["0912 345", "0912 345 678 901 234", "12/11/2026",
                                 "0912345678 0987654321", "++84912345678", "0912a345678"])
def test_not_one_phone_number__refused_by_the_box(raw: str) -> None:
    with pytest.raises(ContactError):
        normalise_phone(raw)


@st.composite
def written_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """A valid number and one way a person might write it."""
    national = draw(st.sampled_from("35789")) + draw(st.text("0123456789", min_size=8,
                                                              max_size=8))
    if draw(st.booleans()):
        national = "2" + draw(st.text("0123456789", min_size=9, max_size=9))  # landline
    prefix = draw(st.sampled_from(["0", "+84", "+84 (0)", "0084", "(+84)"]))
    digits = ("0" if prefix == "0" else "") + national
    cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), max_size=4)))
    groups = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
    if prefix == "0" and draw(st.booleans()):
        groups[0] = f"({groups[0]})"
    written = groups[0]
    for group in groups[1:]:
        separator = draw(st.sampled_from(SEPARATORS))
        written += separator + group
    if prefix != "0":
        written = prefix + draw(st.sampled_from([" ", "-", ""])) + written
    canonical = ("0" if prefix == "0" else "+84") + national
    return written, canonical


@seed(2121)
@given(number=written_numbers(),
       before=st.sampled_from(["", "Gọi ", "SĐT: ", "liên hệ (", "số "]),
       after=st.sampled_from(["", " nhé", ".", ")", ", cảm ơn"]))
def test_seeded_spellings__box_and_scrubber_agree(number: tuple[str, str], before: str,
                                                  after: str) -> None:
    written, canonical = number
    assert normalise_phone(written) == canonical
    scrubbed = scrub_text(before + written + after)
    assert not re.search(r"\d", scrubbed), (written, scrubbed)


@seed(2122)
@given(st.text(alphabet="0123456789 .-,/_()+", min_size=9, max_size=24))
def test_seeded_any_text__whatever_the_box_accepts_the_scrubber_removes(text: str) -> None:
    try:
        normalise_phone(text)
    except ContactError:
        return
    assert not re.search(r"\d", scrub_text(f"x {text} y")), text
