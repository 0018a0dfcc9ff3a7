"""Build a set of kept cells inside PostgreSQL: one ``INSERT ... SELECT ... GROUP BY`` per block.

The scoring composite says how each ratio reads its one answer item
(:attr:`analysis.scoring.composite.LinearComposite.rules`), so ``z = (y, x)`` of a response is
a ``CASE`` over its JSONB answers, and a cell's sums (:class:`analysis.cell_stats.CellSums`:
Σ z, Σ z z' upper triangle, valid counts per output, non-0/1 numerators per ratio) are
aggregates of a ``GROUP BY unit, field, month``. ``array_send`` writes them as the same bytes
:meth:`CellSums.pack` writes. The server reads and scores the answers in its own process: no
response crosses the connection. An answer is read as a number when it is a JSON number or a
string holding one (as the Python path does). SQLite has no such single statement here (its
expression depth and lack of arrays): it builds a set with the Python path of :mod:`.stat_cells`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from analysis.cell_stats import empty_composite

from ..models import Response, StatCellSet, SurveyVersion

LAG = 1000  # ids below the mark read again, for transactions that committed late
NO_FIELD = 0  # field_id of a cell whose responses name no procedure field

_NUMBER = r"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$"


def _literal(value: float) -> str:
    # float8, not numeric: sums of numeric values cost several times more per row.
    return f"float8 '{float(value)!r}'"


def _item(column: str) -> str:
    """An answer as float8 (NULL unless a JSON number or a numeric string); ``on_time`` is the
    response's dossier flag and ``question#code`` whether a multiple choice holds the code
    (as :func:`.stat_cells._value` reads them)."""
    if column == "on_time":
        return "CASE WHEN on_time THEN float8 '1' WHEN NOT on_time THEN float8 '0' END"
    if "#" in column:
        question, code = column.rsplit("#", 1)
        key = "'" + question.replace("'", "''") + "'"
        return (f"CASE WHEN jsonb_typeof(answers->{key}) = 'array' THEN CASE WHEN "
                f"answers->{key} @> jsonb_build_array({int(code)}) THEN float8 '1' "
                "ELSE float8 '0' END END")
    key = "'" + column.replace("'", "''") + "'"
    return (f"CASE jsonb_typeof(answers->{key}) WHEN 'number' THEN (answers->>{key})::float8 "
            f"WHEN 'string' THEN CASE WHEN answers->>{key} ~ '{_NUMBER}' "
            f"THEN (answers->>{key})::float8 END END")


def _ratio_sql(rule: tuple[Any, ...], code: str) -> tuple[str, str]:
    """SQL of ``y`` and ``x`` of one ratio, on the item's value ``code``."""
    if rule[0] == "share":
        _, _, satisfied, excluded = rule
        x = f"({code} IS NOT NULL"
        if excluded:
            x += f" AND {code} NOT IN ({', '.join(_literal(c) for c in excluded)})"
        x += ")"
        listed = ", ".join(_literal(c) for c in satisfied) or "NULL"
        y = f"CASE WHEN {x} AND {code} IN ({listed}) THEN float8 '1' ELSE float8 '0' END"
        return y, f"CASE WHEN {x} THEN float8 '1' ELSE float8 '0' END"
    if rule[0] == "number":
        _, _, lo, hi = rule
        return (f"CASE WHEN {code} IS NOT NULL THEN least(greatest({code}, {_literal(lo)}), "
                f"{_literal(hi)}) ELSE float8 '0' END",
                f"CASE WHEN {code} IS NOT NULL THEN float8 '1' ELSE float8 '0' END")
    _, _, values = rule
    whens = " ".join(f"WHEN {_literal(c)} THEN {_literal(v)}" for c, v in values)
    listed = ", ".join(_literal(c) for c, _ in values) or "NULL"
    return (f"CASE {code} {whens} ELSE float8 '0' END" if values else "float8 '0'",
            f"CASE WHEN {code} IN ({listed}) THEN float8 '1' ELSE float8 '0' END")


def block_sql(spec: Mapping[str, Any]) -> str:
    """The ``INSERT ... SELECT ... GROUP BY`` of one scoring block (bind parameters
    ``set_id, block, mark, versions``)."""
    shape = empty_composite(spec)
    items = list(dict.fromkeys(rule[1] for rule in shape.rules))
    a = {item: f"a{i}" for i, item in enumerate(items)}
    r = len(shape.rules)
    ys, xs = zip(*(_ratio_sql(rule, a[rule[1]]) for rule in shape.rules), strict=True)
    z = [*ys, *xs]
    p = len(z)
    sums = [f"sum(z{j})" for j in range(p)]
    sums += [f"sum(z{i} * z{j})" for i, j in zip(*np.triu_indices(p), strict=True)]
    needed = (shape.coef != 0)
    for k in range(len(shape.output_ids)):
        ors = " OR ".join(f"z{r + j} <> 0" for j in np.flatnonzero(needed[k])) or "false"
        sums.append(f"sum(CASE WHEN {ors} THEN float8 '1' ELSE float8 '0' END)")
    sums += [f"sum(CASE WHEN z{j} NOT IN (0, 1) THEN float8 '1' ELSE float8 '0' END)"
             for j in range(r)]
    answers = ", ".join(f"{_item(item)} AS {a[item]}" for item in items)
    scored = ", ".join(f"{expr} AS z{j}" for j, expr in enumerate(z))
    # OFFSET 0 keeps each subquery a step of its own: pulled up, the answers' CASE expressions
    # would be copied into every one of the thousand aggregates and evaluated there.
    # Built from the published scoring block only: item names are quoted SQL literals
    # (quotes doubled), codes and values are Python floats; request data never reaches it.
    statement = (
        "INSERT INTO stat_cell (set_id, block, unit_id, field_id, month, responses, "  # noqa: S608
        "changed_mark, sums) "
        "SELECT"
        "  :set_id, :block, unit_id, field_id, month, count(*), :mark, "
        f"array_send(ARRAY[{', '.join(sums)}]::float8[]) "
        f"FROM (SELECT unit_id, field_id, month, {scored} FROM ("
        f"SELECT unit_id, coalesce(field_id, {NO_FIELD}) AS field_id, period AS month, "
        f"{answers} FROM response "
        "WHERE id <= :mark AND survey_version_id = ANY(:versions) OFFSET 0) AS answered "
        "OFFSET 0) AS scored "
        "GROUP BY unit_id, field_id, month")
    return statement


def build_in_database(session: Session, cells: StatCellSet,
                      blocks: Mapping[str, Mapping[str, Any]]) -> None:
    """Fill an empty set from every response, in one repeatable-read transaction (so the
    mark, the late-commit window and the sums see the same responses); commits."""
    session.rollback()
    session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    # A thousand aggregates in one statement: LLVM would spend minutes compiling them (and
    # does not answer cancel requests meanwhile); the executor's own evaluation is quicker.
    session.execute(text("SET LOCAL jit = off"))
    mark = session.scalar(select(Response.id).order_by(Response.id.desc()).limit(1)) or 0
    versions = list(session.scalars(select(SurveyVersion.id)
                                    .where(SurveyVersion.survey_key == cells.survey_key)))
    fresh = session.get(StatCellSet, cells.id, populate_existing=True)
    if fresh is None or fresh.mark != 0 or mark == 0:
        session.rollback()
        return
    for name, spec in blocks.items():
        session.execute(text(block_sql(spec)), {"set_id": cells.id, "block": name,
                                               "mark": mark, "versions": versions})
    window = list(session.scalars(select(Response.id).where(Response.id > mark - LAG,
                                                           Response.id <= mark)))
    moved = session.execute(
        text("UPDATE stat_cell_set SET mark = :mark, recent = :recent "
             "WHERE id = :id AND mark = 0"),
        {"mark": mark, "recent": str(sorted(window)), "id": cells.id})
    if moved.rowcount != 1:  # another worker built it meanwhile
        session.rollback()
        return
    session.commit()
