"""The two release types of a microdata export and their disclosure-control rules.

A *release type* declares, as statistical offices do (Hundepool et al. 2012, sec. 3.2-3.4;
Templ, Kowarik and Meindl 2015, sec. 2):

* the **key variables** (quasi-identifiers): what an intruder could know about a respondent.
  hailong's scenario is an acquaintance who knows that a person filed a dossier at a given unit in
  the period and can see or easily learn their gender, age, ethnicity and whether they live in town
  or in the countryside. The unit is always a key; it is never suppressed (the indices are
  published per unit) but a unit too small to publish indices for is coarsened (pooled under its
  parent) in the public-use file;
* the **global recodes** applied before any suppression (wider age bands, broad education and
  occupation groups): they cost every respondent a little detail instead of some respondents all
  of it;
* ``k`` and the **importance order** of the keys for local suppression (the last is blanked
  first).

Education and occupation are not keys in this scenario (an acquaintance rarely knows them with
certainty); in the public-use file they are released in broad groups only, which is what keeps
the file safe if that assumption is wrong for some respondents.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from survey_defs.ethnic_groups import split_recode_groups

Labels = dict[str, str]


@dataclass(frozen=True)
class Recode:
    """A global recode of one coded variable: new code → (original codes, label)."""

    variable: str
    groups: dict[int, tuple[tuple[int, ...], Labels]]

    def mapping(self) -> dict[int, int]:
        """Original code → new code."""
        return {old: new for new, (olds, _lab) in self.groups.items() for old in olds}

    def merged(self) -> int:
        """How many original categories disappear (merged into another)."""
        return sum(len(olds) - 1 for olds, _lab in self.groups.values())


@dataclass(frozen=True)
class Release:
    """What a release type protects and how."""

    name: str
    label: Labels
    default_k: int
    keys: tuple[str, ...]  # respondent keys in importance order, most important first
    recodes: tuple[Recode, ...] = ()
    coarsen_below: int = 0  # units with fewer responses are pooled under their parent
    needs_agreement: bool = False
    note: Labels = field(default_factory=dict)


def _both(vi: str, en: str) -> Labels:
    return {"vi": vi, "en": en}


AGE_3 = Recode("age_band", {
    1: ((1, 2), _both("Từ 18 đến 34 tuổi", "18-34")),
    2: ((3, 4), _both("Từ 35 đến 60 tuổi", "35-60")),
    3: ((5,), _both("Trên 60 tuổi", "Over 60")),
})
EDUCATION_3 = Recode("education", {
    1: ((1, 2, 6), _both("Trung học cơ sở trở xuống hoặc khác", "Lower secondary or less, other")),
    2: ((3, 4), _both("Trung học phổ thông, nghề, cao đẳng",
                      "Upper secondary, vocational, college")),
    3: ((5,), _both("Đại học trở lên", "University or above")),
})
OCCUPATION_3 = Recode("occupation", {
    1: ((1, 2, 4), _both("Không đi làm (nghỉ hưu, ở nhà, sinh viên)",
                      "Not working (retired, at home, student)")),
    2: ((3, 7), _both("Làm tự do hoặc khác", "Self-employed, informal or other")),
    3: ((5, 6), _both("Làm công ăn lương (công hoặc tư)", "Employee (public or private)")),
})

# The 54 groups of the official list (and the older two-code scale) as Kinh / minority: with
# 54 categories as a key, nearly every minority respondent in a commune would be unique.
ETHNICITY_2 = Recode("ethnicity", split_recode_groups())

# Published indices are suppressed below this many valid answers (analysis.units.SUPPRESS_BELOW),
# so pooling smaller units costs no published figure.
POOL_UNITS_BELOW = 10

VISIBLE_KEYS = ("gender", "age_band", "ethnicity", "residence")

RELEASES: dict[str, Release] = {
    "public": Release(
        "public", _both("Tệp công khai", "Public-use file"), 5, VISIBLE_KEYS,
        (AGE_3, EDUCATION_3, OCCUPATION_3, ETHNICITY_2), coarsen_below=POOL_UNITS_BELOW,
        note=_both("Cho mọi người dùng: tuổi, học vấn, nghề nghiệp theo nhóm rộng, "
                   "dân tộc Kinh/thiểu số; k = 5.",
                   "For any user: age, education and occupation in broad groups, "
                   "ethnicity as Kinh/minority; k = 5.")),
    "scientific": Release(
        "scientific", _both("Tệp cho nghiên cứu", "Scientific-use file"), 3, VISIBLE_KEYS,
        (), coarsen_below=0, needs_agreement=True,
        note=_both("Cho nhà nghiên cứu có tên trong thoả thuận sử dụng: đủ chi tiết; k = 3.",
                "For analysts named in a data-use agreement: full detail; k = 3.")),
}
DEFAULT_RELEASE = "public"
