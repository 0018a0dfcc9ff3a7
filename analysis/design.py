"""The survey design object, described once and checked up front.

A :class:`SurveyDesign` holds the data frame, the sampling weights, the
stratification, one or more stages of clusters and the finite population
corrections, in the form R ``survey``'s ``svydesign`` builds (Lumley 2010,
ch. 2-3; R source ``R/survey.R``, ``R/multistage.R``):

* stage 1 strata are the ``strata`` column (or one stratum); stage ``s > 1``
  strata are the stage ``s - 1`` clusters (clusters are nested);
* the number of PSUs per stratum (``n_psu``) is counted once, on the full
  design, and kept when the design is subset, so a domain estimate keeps the
  whole design for its variance (R's ``subset``/``svyby``);
* ``fpc`` values all ``<= 1`` are sampling fractions, all ``>= 1`` population
  sizes (counts of PSUs in the stratum, or of SSUs in the PSU at stage 2).

Design errors are raised here, not at estimation time: non-positive or missing
weights, missing design variables, clusters not nested in strata (unless
``nest=True``), an fpc below the sample size, and a stratum with a single PSU
under ``LonelyPSU.FAIL`` (the default, as R's ``options(survey.lonely.psu =
"fail")``).
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from analysis.errors import DesignError

__all__ = ["Calibration", "LonelyPSU", "PostStratum", "Raking", "Stage", "SurveyDesign"]


class LonelyPSU(enum.Enum):
    """Policy for a stratum with a single PSU (R's ``options(survey.lonely.psu)``).

    FAIL (default) raises :class:`DesignError` when the design is built;
    CERTAINTY treats the PSU as sampled with certainty (no variance);
    ADJUST centres the PSU total at the grand mean instead of the stratum mean;
    AVERAGE replaces its variance by the average over the other strata.
    """

    FAIL = "fail"
    CERTAINTY = "certainty"
    ADJUST = "adjust"
    AVERAGE = "average"


@dataclass(frozen=True, eq=False)
class Stage:
    """One stage of sampling: integer codes of clusters and strata, PSU counts and fpc.

    ``cluster`` and ``stratum`` are per-row codes (clusters numbered uniquely over the whole
    design); ``n_psu[h]`` is the number of clusters in stratum ``h`` of the full design;
    ``popsize[h]`` the population number of clusters (None without fpc).
    """

    cluster: np.ndarray
    stratum: np.ndarray
    cluster_stratum: np.ndarray
    n_psu: np.ndarray
    popsize: np.ndarray | None
    labels: np.ndarray


@dataclass(frozen=True, eq=False)
class PostStratum:
    """Post-stratification record (R's ``postStrata`` entry): cells, weights after and before."""

    cell: np.ndarray
    weights: np.ndarray
    old_weights: np.ndarray


@dataclass(frozen=True, eq=False)
class Raking:
    """Raking record (R class ``"raking"``): per margin, cell codes and weights after that step."""

    margins: tuple[tuple[np.ndarray, np.ndarray], ...]


Calibration = PostStratum | Raking


def _readonly(array: np.ndarray) -> np.ndarray:
    array = np.array(array, copy=True)
    array.setflags(write=False)
    return array


def _as_list(columns: str | Sequence[str] | None) -> list[str]:
    if columns is None:
        return []
    if isinstance(columns, str):
        return [c for c in columns.split(",") if c] if "," in columns else [columns]
    return list(columns)


def _column(frame: pd.DataFrame, name: str, role: str) -> pd.Series:
    if name not in frame.columns:
        raise DesignError(f"{role} column {name!r} is not in the data")
    col = frame[name]
    if col.isna().any():
        rows = np.flatnonzero(col.isna().to_numpy())[:5].tolist()
        raise DesignError(f"{role} column {name!r} has missing values (rows {rows})")
    return col


def _numeric(frame: pd.DataFrame, name: str, role: str) -> np.ndarray:
    col = _column(frame, name, role)
    values = pd.to_numeric(col, errors="coerce")
    if values.isna().any():
        bad = col[values.isna()].iloc[0]
        raise DesignError(f"{role} column {name!r} is not numeric (value {bad!r})")
    return values.to_numpy(dtype=float)


def _codes(*keys: np.ndarray) -> np.ndarray:
    """Return dense integer codes of the interaction of ``keys`` (sorted label order)."""
    if len(keys) == 1:
        return pd.factorize(keys[0], sort=True)[0].astype(np.int64)
    frame = pd.DataFrame({f"k{i}": k for i, k in enumerate(keys)})
    return frame.groupby(list(frame.columns), sort=True).ngroup().to_numpy(dtype=np.int64)


def _stage_fpc(
    values: np.ndarray, stratum: np.ndarray, n_psu: np.ndarray, stage: int, name: str
) -> np.ndarray:
    """Return the per-stratum population size implied by an fpc column (R's ``as.fpc``)."""
    if np.any(~np.isfinite(values)) or np.any(values <= 0):
        raise DesignError(f"fpc column {name!r} must be positive and finite")
    first = np.zeros(len(n_psu))
    first[stratum] = values
    if np.any(np.abs(values - first[stratum]) > 1e-9 * np.abs(values)):
        raise DesignError(f"fpc column {name!r} varies within a stratum at stage {stage}")
    if np.all(values <= 1):
        popsize = n_psu / first
    elif np.all(values >= 1):
        popsize = first
    else:
        raise DesignError(
            f"fpc column {name!r} mixes fractions and population sizes: "
            "all values must be <= 1 (fractions) or all >= 1 (counts)"
        )
    if np.any(popsize < n_psu - 1e-9):
        h = int(np.flatnonzero(popsize < n_psu - 1e-9)[0])
        raise DesignError(
            f"fpc column {name!r} implies more than 100% sampling at stage {stage} "
            f"(population {popsize[h]:g} < {int(n_psu[h])} sampled units)"
        )
    return popsize


def _build_stage(
    cluster: np.ndarray, stratum: np.ndarray, labels: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (cluster -> stratum map, n_psu per stratum, stratum labels)."""
    n_clusters = int(cluster.max()) + 1
    cluster_stratum = np.full(n_clusters, -1, dtype=np.int64)
    cluster_stratum[cluster] = stratum
    n_psu = np.bincount(cluster_stratum, minlength=int(stratum.max()) + 1).astype(float)
    return cluster_stratum, n_psu, labels


def _check_nested(cluster: np.ndarray, stratum: np.ndarray, name: str) -> None:
    pairs = pd.DataFrame({"c": cluster, "s": stratum}).drop_duplicates()
    if pairs["c"].duplicated().any():
        raise DesignError(
            f"clusters {name!r} are not nested in strata at the top level "
            "(a cluster appears in several strata); you may want nest=True"
        )


@dataclass(frozen=True, eq=False)
class SurveyDesign:
    """A complex survey design: data, weights, strata, cluster stages, fpc, calibration.

    Build it with :meth:`from_frame`. ``weights`` is 0 for rows outside a subset;
    ``n`` counts rows with nonzero weight; ``degf`` is R's ``degf(design)``.
    """

    frame: pd.DataFrame
    weights: np.ndarray
    stages: tuple[Stage, ...]
    lonely_psu: LonelyPSU = LonelyPSU.FAIL
    calibration: tuple[Calibration, ...] = field(default=())
    has_strata: bool = False
    has_fpc: bool = False

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        weight: str,
        strata: str | None = None,
        cluster: str | Sequence[str] | None = None,
        fpc: str | Sequence[str] | None = None,
        lonely_psu: LonelyPSU = LonelyPSU.FAIL,
        nest: bool = False,
    ) -> SurveyDesign:
        """Build and check a design, as R's ``svydesign(ids, strata, weights, fpc, nest)``.

        Parameters
        ----------
        frame : pandas.DataFrame
            One row per respondent.
        weight : str
            Sampling-weight column (positive numbers).
        strata : str, optional
            Stage-1 stratum column.
        cluster : str or sequence of str, optional
            Cluster columns, one per stage (PSU first); ``"a,b"`` is accepted. None: each row
            is its own PSU.
        fpc : str or sequence of str, optional
            Finite population correction, one column per cluster stage: fractions (all <= 1)
            or population sizes. Without fpc only stage 1 enters the variance (ultimate
            cluster), as R.
        lonely_psu : LonelyPSU
            Policy for strata with a single PSU (default FAIL, which raises here).
        nest : bool
            Cluster labels are only unique within strata (R's ``nest=TRUE``).

        Returns
        -------
        SurveyDesign

        Raises
        ------
        DesignError
            Unknown or missing columns, non-positive weights, clusters not nested in strata,
            bad fpc, a single-PSU stratum under ``LonelyPSU.FAIL``.
        """
        if not isinstance(frame, pd.DataFrame) or len(frame) == 0:
            raise DesignError("the data has no rows")
        frame = frame.reset_index(drop=True)
        weights = _numeric(frame, weight, "weight")
        if np.any(~np.isfinite(weights)) or np.any(weights <= 0):
            row = int(np.flatnonzero(~(np.isfinite(weights) & (weights > 0)))[0])
            raise DesignError(
                f"weight column {weight!r} must be positive and finite "
                f"(row {row} has {weights[row]!r})"
            )
        clusters = _as_list(cluster)
        fpcs = _as_list(fpc)
        if fpcs and len(fpcs) != max(len(clusters), 1):
            raise DesignError(
                f"{len(fpcs)} fpc columns for {max(len(clusters), 1)} cluster stages: give one "
                "fpc column per stage (as R), or only the PSU column for an ultimate-cluster design"
            )
        n = len(frame)
        if strata is not None:
            s_labels = _column(frame, strata, "strata").to_numpy()
            stratum = _codes(s_labels)
        else:
            s_labels = np.ones(n, dtype=np.int64)
            stratum = np.zeros(n, dtype=np.int64)
        ids = [_column(frame, c, "cluster").to_numpy() for c in clusters] or [np.arange(n)]
        if len(set(pd.Series(ids[0]).tolist())) == 1 and not (nest and strata is not None):
            raise DesignError("the design has only one primary sampling unit")
        stages = cls._stages(ids, stratum, s_labels, clusters, fpcs, frame, nest)
        design = cls(
            frame=frame,
            weights=_readonly(weights),
            stages=stages,
            lonely_psu=LonelyPSU(lonely_psu),
            has_strata=strata is not None,
            has_fpc=bool(fpcs),
        )
        design._check_lonely()
        return design

    @staticmethod
    def _stages(
        ids: list[np.ndarray],
        stratum: np.ndarray,
        s_labels: np.ndarray,
        names: list[str],
        fpcs: list[str],
        frame: pd.DataFrame,
        nest: bool,
    ) -> tuple[Stage, ...]:
        stages: list[Stage] = []
        keys: list[np.ndarray] = [stratum] if nest else []
        current_stratum = stratum
        stratum_labels = pd.unique(pd.Series(s_labels)[np.argsort(stratum, kind="stable")])
        for i, raw in enumerate(ids):
            keys = [*keys, raw]
            code = _codes(*keys)
            if i == 0 and not nest:
                _check_nested(code, stratum, names[0] if names else "rows")
            cluster_stratum, n_psu, labels = _build_stage(code, current_stratum, stratum_labels)
            popsize = None
            if i < len(fpcs):
                values = _numeric(frame, fpcs[i], "fpc")
                popsize = _stage_fpc(values, current_stratum, n_psu, i + 1, fpcs[i])
            stages.append(
                Stage(
                    cluster=_readonly(code),
                    stratum=_readonly(current_stratum),
                    cluster_stratum=_readonly(cluster_stratum),
                    n_psu=_readonly(n_psu),
                    popsize=None if popsize is None else _readonly(popsize),
                    labels=labels,
                )
            )
            current_stratum = code
            first = pd.Series(raw).groupby(code, sort=True).first()
            prefix = f"{names[i] if names else 'row'} "
            stratum_labels = (prefix + first.astype(str)).to_numpy()
        return tuple(stages)

    def _check_lonely(self) -> None:
        if self.lonely_psu is not LonelyPSU.FAIL:
            return
        for number, stage in enumerate(self.variance_stages(), start=1):
            lonely = stage.n_psu == 1
            if stage.popsize is not None:
                lonely &= (stage.popsize - stage.n_psu) / stage.popsize >= 1e-7
            if lonely.any():
                h = int(np.flatnonzero(lonely)[0])
                label = stage.labels[h]
                label = label.item() if hasattr(label, "item") else label
                raise DesignError(
                    f"stratum {label!r} has only one PSU at stage {number}; "
                    "choose a lonely_psu policy (certainty, adjust or average) or merge strata"
                )

    def variance_stages(self) -> tuple[Stage, ...]:
        """Return the stages that enter the variance (stage 1, and later ones only with fpc)."""
        used = [self.stages[0]]
        for previous, stage in zip(self.stages, self.stages[1:], strict=False):
            if previous.popsize is None:
                break
            used.append(stage)
        return tuple(used)

    @property
    def n(self) -> int:
        """Number of rows with nonzero weight."""
        return int(np.count_nonzero(self.weights))

    @property
    def nrow(self) -> int:
        """Number of rows of the frame, including zero-weight rows (R's ``nrow(design)``)."""
        return len(self.weights)

    @functools.cached_property
    def degf(self) -> int:
        """R's ``degf``: PSUs minus strata, counting only rows with nonzero weight."""
        inset = self.weights != 0
        first = self.stages[0]
        return int(len(np.unique(first.cluster[inset])) - len(np.unique(first.stratum[inset])))

    @property
    def sum_weights(self) -> float:
        """Sum of the weights (the estimated population size)."""
        return float(self.weights.sum())

    def subset(self, mask: np.ndarray | pd.Series) -> SurveyDesign:
        """Return the design restricted to ``mask``: zero weights outside, full design kept.

        Parameters
        ----------
        mask : array of bool
            One entry per row of ``frame``; NaN counts as False.

        Returns
        -------
        SurveyDesign
            Same stages and calibration; rows outside the domain have weight 0.
        """
        keep = _mask(mask, len(self.weights))
        return replace(self, weights=_readonly(np.where(keep, self.weights, 0.0)))

    def with_weights(
        self, weights: np.ndarray, calibration: Calibration | None = None
    ) -> SurveyDesign:
        """Return the design with new weights, optionally appending a calibration record.

        Parameters
        ----------
        weights : array of float
            Non-negative, one per row of ``frame``.
        calibration : PostStratum or Raking, optional
            Record used by the variance to account for the calibration.
        """
        w = np.asarray(weights, dtype=float)
        if w.shape != self.weights.shape or np.any(~np.isfinite(w)) or np.any(w < 0):
            raise DesignError("new weights must be finite, non-negative, one per row")
        extra = () if calibration is None else (calibration,)
        return replace(self, weights=_readonly(w), calibration=self.calibration + extra)


def _mask(mask: np.ndarray | pd.Series, n: int) -> np.ndarray:
    if isinstance(mask, pd.Series):
        mask = mask.to_numpy()
    keep = np.asarray(mask)
    if keep.dtype == object:
        keep = pd.Series(keep).fillna(False).to_numpy()
    keep = keep.astype(bool)
    if keep.shape != (n,):
        raise DesignError(f"subset mask has {keep.size} entries, the design has {n} rows")
    return keep
