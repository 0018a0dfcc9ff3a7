"""The kept unit statistics give the numbers of the raw-row path, also after new responses,
changed dossier counts, for every kind of period, and read only responses they have not seen."""

from __future__ import annotations

import secrets
import uuid

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import delete, event, func, select, update
from sqlalchemy.orm import Session

from analysis.cell_stats import CellSums
from analysis.units import default_design, default_weights
from tests.numeric import assert_results_match
from tests.reference_indices import compute_indices
from tests.webapp.staff_helpers import PERIOD, PREVIOUS, World, build_world
from webapp.demo.loader import synthetic_answers
from webapp.models import DossierCount, ProcedureField, Response, StatCell, StatCellSet, Unit
from webapp.statistics import indices_cache, indices_store, stat_cells
from webapp.statistics.expectations import TOP_CODE, expectation_rows, rank_from_results
from webapp.statistics.microdata import load_dossier_counts, load_responses
from webapp.statistics.unit_report import unit_rows
from webapp.survey_versions import latest_version, load_version
from webapp.unit_tree import subtree_ids

NUMERIC = ["estimate", "se", "ci_low", "ci_high", "df", "n", "n_eff", "deff", "n_responses"]
OTHER = ["unit", "period", "scope", "index_id", "index_level", "small_sample", "suppressed",
         "ci_method"]


@pytest.fixture
def world(session: Session) -> World:
    world = build_world(session, responses_per_unit=30)
    second = ProcedureField(code="DD", name_vi="Đất đai", name_en="Land")
    session.add(second)
    session.flush()
    for code, count in (("A", 7), ("B", 1), ("P", 12)):  # B: a one-response post-stratum
        for month in (PREVIOUS, PERIOD):
            session.add(DossierCount(unit_id=world.units[code], field_id=second.id,
                                     period=month, dossiers=40 + count))
        _add(session, code, count, PERIOD, seed=count, field="DD")
    session.commit()
    return world


def _add(session: Session, code: str, count: int, month: str, *, seed: int,
         field: str = "HT") -> None:
    rng = np.random.default_rng(seed)
    version = latest_version(session, "sipas")
    definition = load_version(version)
    unit_id = session.scalar(select(Unit.id).where(Unit.code == code))
    field_id = session.scalar(select(ProcedureField.id).where(ProcedureField.code == field))
    for _ in range(count):
        session.add(Response(
            public_id=secrets.token_hex(16), submission_id=str(uuid.uuid4()),
            survey_version_id=version.id, unit_id=unit_id, field_id=field_id, period=month,
            channel="demo", on_time=True, language="vi",
            answers=synthetic_answers(definition, 0.5, rng, {"procedure": "x"})))
    session.commit()


def _same(session: Session, period: str, unit: str | None) -> pd.DataFrame:
    kept = indices_cache.cached_indices(session, "sipas", period, unit)
    raw = compute_indices(session, "sipas", period, unit)
    assert kept.responses == raw.responses
    assert len(kept.results) == len(raw.results) > 0
    pd.testing.assert_frame_equal(kept.results[OTHER], raw.results[OTHER])
    # Within the rounding of the arithmetic (tests/numeric.py): a unit whose answers are all
    # equal has a variance of 0 on one path and a cancelled 2.5e-17 on the other.
    assert_results_match(kept.results, raw.results)
    return kept.results


@pytest.mark.parametrize("period", [PERIOD, "2026-Q2", "2026"])
@pytest.mark.parametrize("unit", [None, "A", "P"])
def test_kept_statistics__equal_raw_rows(session: Session, world: World, period: str,
                                         unit: str | None) -> None:
    results = _same(session, period, unit)
    assert set(results["scope"]) == {"unit", "subtree"}


def test_new_responses__folded_in__equal_raw_rows(session: Session, world: World) -> None:
    before = _same(session, PERIOD, None)
    seen, mark = _kept(session)
    _add(session, "A1", 6, PERIOD, seed=99)
    _add(session, "B", 1, PERIOD, seed=98, field="DD")
    after = _same(session, PERIOD, None)
    # Only the new rows were read and added.
    now, moved = _kept(session)
    assert now == seen + 7 and moved > mark

    def value(frame: pd.DataFrame, code: str, scope: str) -> float:
        hit = frame[(frame["unit"] == code) & (frame["scope"] == scope)
                    & (frame["index_id"] == "overall")]
        return float(hit["estimate"].iloc[0])

    assert value(after, "A1", "unit") != value(before, "A1", "unit")
    assert value(after, "P", "subtree") != value(before, "P", "subtree")
    assert value(after, "B", "unit") != value(before, "B", "unit")
    # A's own responses did not change: its own row is kept as it was.
    assert value(after, "A", "unit") == value(before, "A", "unit")
    _same(session, "2026-Q2", "A")  # a period first asked after the fold


def test_changed_dossier_counts__rebuilt__equal_raw_rows(session: Session, world: World) -> None:
    _same(session, PERIOD, None)
    count = session.scalar(select(DossierCount).where(DossierCount.period == PERIOD))
    count.dossiers += 500
    session.commit()
    _same(session, PERIOD, None)


def test_several_periods__one_call__equal_one_by_one(session: Session, world: World) -> None:
    many = indices_cache.cached_indices_many(session, "sipas", [PREVIOUS, PERIOD], "P")
    indices_cache.clear()
    for period in (PREVIOUS, PERIOD):
        single = indices_cache.cached_indices(session, "sipas", period, "P")
        assert_results_match(many[period].results, single.results)


def test_expectations__share_equals_weighted_share(session: Session, world: World) -> None:
    definition = load_version(latest_version(session, "sipas"))
    tables = indices_cache.block_tables(session, "sipas", [PERIOD], "A")
    ranked = rank_from_results(definition, unit_rows(tables["expectations"][PERIOD].results, "A"))
    assert ranked and [e.estimate for e in ranked] == sorted(
        (e.estimate for e in ranked), reverse=True)
    ids = subtree_ids(session, session.scalar(select(Unit.id).where(Unit.code == "A")))
    weights = default_weights(load_responses(session, "sipas", PERIOD, ids),
                              load_dossier_counts(session, PERIOD, ids), unmatched="drop")
    frame = default_design(weights).frame
    for wish in ranked:
        values = pd.to_numeric(frame[wish.answer_id], errors="coerce")
        answered = values.notna()
        share = (frame["weight"][answered] * (values[answered] == TOP_CODE)).sum() \
            / frame["weight"][answered].sum()
        assert wish.estimate == pytest.approx(share, abs=1e-12)
        assert wish.n == int(answered.sum())
        assert wish.ci_low < wish.estimate < wish.ci_high
    assert {e.answer_id for e in ranked} <= {a for a, _ in expectation_rows(definition)}


def test_store__counts_every_response_once(session: Session, world: World) -> None:
    indices_cache.cached_indices(session, "sipas", PERIOD)
    indices_cache.cached_indices(session, "sipas", PREVIOUS)
    total, mark = _kept(session)
    assert total == session.scalar(select(func.count(Response.id)))
    assert mark == session.scalar(select(func.max(Response.id)))
    # A second refresh (another worker) finds nothing new and counts nothing twice.
    _, blocks = indices_cache.scored_blocks(session, "sipas")
    stat_cells.refresh(session.get_bind(), "sipas", blocks)
    assert _kept(session) == (total, mark)


def test_fresh_worker__answers_from_the_cells_table(session: Session, world: World) -> None:
    first = indices_cache.cached_indices(session, "sipas", PERIOD, "P").results
    indices_store.clear()  # a new process: nothing in memory
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        again = indices_cache.cached_indices(session, "sipas", PERIOD, "P").results
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert_results_match(again, first)
    assert any("stat_cell" in s for s in statements)
    assert not any("answers" in s for s in statements), "a fresh worker read the responses"


def _kept(session: Session) -> tuple[int, int]:
    """Responses counted in the kept cells of the indices block, and the set's mark."""
    session.expire_all()
    total = session.scalar(select(func.sum(StatCell.responses))
                           .where(StatCell.block == "indices"))
    return int(total or 0), int(session.scalar(select(func.max(StatCellSet.mark))) or 0)


def test_cells__built_in_the_database__equal_python_sums(session: Session, world: World) -> None:
    """PostgreSQL's INSERT ... SELECT ... GROUP BY writes the sums the Python path writes."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the in-database build is PostgreSQL's")
    _, blocks = indices_cache.scored_blocks(session, "sipas")
    engine = session.get_bind()
    state = stat_cells.refresh(engine, "sipas", blocks)
    in_sql = {b: stat_cells.load_cells(session, state, b) for b in blocks}
    session.execute(delete(StatCell))
    session.execute(update(StatCellSet).values(mark=0, recent="[]"))
    session.commit()
    again = stat_cells.refresh(engine, "sipas", blocks, in_database=False)
    assert again.mark == state.mark
    for name, spec in blocks.items():
        want, got = CellSums(spec), CellSums(spec)
        keys, n, packed = in_sql[name]
        got.put(keys, n, packed)
        want.put(*stat_cells.load_cells(session, again, name))
        assert set(got._index) == set(want._index) and len(keys) > 0
        order = [want._index[k] for k in got.keys.itertuples(index=False, name=None)]
        np.testing.assert_array_equal(got.n, want.n[order])
        # Sums of 0/1 and small integer products: exact in both; values summed in another
        # order differ by rounding only.
        for a, b in ((got.zsum, want.zsum[order]), (got.zcross, want.zcross[order]),
                     (got.valid, want.valid[order]), (got.nonbinary, want.nonbinary[order])):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=0)


def test_late_commit_below_the_mark__counted_once(session: Session, world: World) -> None:
    """A response whose id is below the mark when it commits is folded in once, later."""
    _, blocks = indices_cache.scored_blocks(session, "sipas")
    engine = session.get_bind()
    stat_cells.refresh(engine, "sipas", blocks)
    total, mark = _kept(session)
    template = session.scalar(select(Response).order_by(Response.id.desc()))

    def copy(rid: int) -> None:
        session.add(Response(
            id=rid, public_id=secrets.token_hex(16), submission_id=str(uuid.uuid4()),
            survey_version_id=template.survey_version_id, unit_id=template.unit_id,
            field_id=template.field_id, period=template.period, channel="demo",
            on_time=True, language="vi", answers=dict(template.answers)))
        session.commit()

    copy(mark + 10)  # committed first, with the higher id
    stat_cells.refresh(engine, "sipas", blocks)
    assert _kept(session) == (total + 1, mark + 10)
    copy(mark + 5)  # its transaction took a lower id and committed late
    copy(mark + 11)
    stat_cells.refresh(engine, "sipas", blocks)
    stat_cells.refresh(engine, "sipas", blocks)
    assert _kept(session) == (total + 3, mark + 11)
    _same(session, PERIOD, None)


def test_latest_month__cells_and_responses_above_the_mark(session: Session, world: World) -> None:
    assert stat_cells.latest_month(session, "sipas") == PERIOD  # no cells yet: the responses
    indices_cache.cached_indices(session, "sipas", PERIOD)  # cells built up to the mark
    assert stat_cells.latest_month(session, "sipas") == PERIOD
    _add(session, "A", 1, "2026-07", seed=5)  # above the mark, not folded in yet
    assert stat_cells.latest_month(session, "sipas") == "2026-07"
    assert stat_cells.latest_month(session, "papi") is None
