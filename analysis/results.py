"""Immutable estimation results.

An :class:`Estimate` carries the point estimate, its design-based standard
error, the degrees of freedom used for the interval, the number of respondents
(rows with nonzero weight), the design effect and the interval itself, like
R ``survey``'s ``svystat``/``svyciprop`` objects (Lumley 2010, ch. 2).

JSON convention (:meth:`Estimate.to_dict`): an infinite ``df`` is written as
the string ``"Inf"`` (as R's ``jsonlite`` and ``shared/reference`` do) and NaN
values as ``None`` (``null``), so the output is strict JSON.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import cast, overload

import pandas as pd
from scipy import stats

__all__ = ["DomainEstimates", "Estimate", "critical_value", "json_number", "normal_or_t_ci"]


@functools.lru_cache(maxsize=256)
def critical_value(level: float, df: float) -> float:
    """Return the two-sided quantile for ``level``: normal if ``df`` is infinite, else t.

    Parameters
    ----------
    level : float
        Confidence level in (0, 1).
    df : float
        Degrees of freedom; ``math.inf`` selects the normal distribution.

    Returns
    -------
    float
        ``qnorm(1 - (1 - level) / 2)`` or ``qt(1 - (1 - level) / 2, df)``; NaN if ``df <= 0``.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    upper = 1 - (1 - level) / 2
    if math.isinf(df):
        return float(stats.norm.ppf(upper))
    if not df > 0:
        return math.nan
    return float(stats.t.ppf(upper, df))


def normal_or_t_ci(estimate: float, se: float, df: float, level: float) -> tuple[float, float]:
    """Return the Wald interval ``estimate -/+ q * se`` (normal if ``df`` is inf, else t).

    Parameters
    ----------
    estimate, se : float
        Point estimate and standard error.
    df : float
        Degrees of freedom (``math.inf`` for the normal quantile, R's ``confint`` default).
    level : float
        Confidence level.

    Returns
    -------
    tuple of float
        ``(lower, upper)``.
    """
    q = critical_value(level, df)
    return estimate - q * se, estimate + q * se


def json_number(value: float | int | None) -> float | int | str | None:
    """Return ``value`` as strict-JSON data: inf -> ``"Inf"``/``"-Inf"``, NaN -> ``None``."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "Inf" if value > 0 else "-Inf"
    return value


@dataclass(frozen=True)
class Estimate:
    """One estimate with its uncertainty.

    Attributes
    ----------
    estimate, se : float
        Point estimate and design-based standard error.
    df : float
        Degrees of freedom used for the interval (``math.inf`` = normal quantile).
    n : int
        Respondents (rows with nonzero weight and a non-missing value) behind the estimate.
    deff : float or None
        Design effect as R's ``deff = TRUE`` (None where undefined).
    ci_low, ci_high : float
        Interval bounds at ``level``.
    level : float
        Confidence level of the interval.
    method : str
        How the interval was built (``"wald"``, ``"logit"``, ``"beta"``, ...).
    """

    estimate: float
    se: float
    df: float
    n: int
    deff: float | None
    ci_low: float
    ci_high: float
    level: float
    method: str

    @property
    def variance(self) -> float:
        """Return ``se ** 2``."""
        return self.se**2

    def to_dict(self, group: Hashable | None = None) -> dict[str, object]:
        """Return the JSON-ready record of ``python -m analysis estimate``.

        Parameters
        ----------
        group : hashable, optional
            Domain label (``None`` without ``--by``).

        Returns
        -------
        dict
            Keys ``group, estimate, se, ci_low, ci_high, df, n, deff``; ``df`` inf is ``"Inf"``
            and NaN is ``None``.
        """
        record = asdict(self)
        out: dict[str, object] = {"group": _plain(group)}
        for key in ("estimate", "se", "ci_low", "ci_high", "df", "n", "deff"):
            out[key] = json_number(cast("float | int | None", _plain(record[key])))
        if isinstance(out["df"], float) and out["df"].is_integer():
            out["df"] = int(out["df"])  # degf is a count: 197, not 197.0
        return out


def _plain(value: object) -> object:
    """Convert numpy scalars to Python scalars (for JSON)."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value


@dataclass(frozen=True)
class DomainEstimates(Sequence[tuple[Hashable, Estimate]]):
    """Estimates for the domains of a ``by`` variable, in sorted group order (as ``svyby``)."""

    items: tuple[tuple[Hashable, Estimate], ...]

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, index: int) -> tuple[Hashable, Estimate]: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[tuple[Hashable, Estimate], ...]: ...

    def __getitem__(
        self, index: int | slice
    ) -> tuple[Hashable, Estimate] | tuple[tuple[Hashable, Estimate], ...]:
        return self.items[index]

    def __iter__(self) -> Iterator[tuple[Hashable, Estimate]]:
        return iter(self.items)

    def get(self, group: Hashable) -> Estimate:
        """Return the estimate of ``group`` (KeyError if absent)."""
        for label, est in self.items:
            if label == group:
                return est
        raise KeyError(group)

    def to_frame(self) -> pd.DataFrame:
        """Return one row per domain with the :class:`Estimate` fields, indexed by group."""
        rows = [{"group": g, **asdict(e)} for g, e in self.items]
        return pd.DataFrame(rows).set_index("group")

    def to_records(self) -> list[dict[str, object]]:
        """Return the JSON records (see :meth:`Estimate.to_dict`)."""
        return [e.to_dict(g) for g, e in self.items]
