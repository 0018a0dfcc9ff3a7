"""Kept statistics in the database: cell sums per survey, unit, field and month.

The cells are filled by the application (a refresh from the set's high-water mark; on
PostgreSQL a set is built with one INSERT ... SELECT ... GROUP BY over the responses' JSONB):
``hailong stats-cells`` builds them ahead of the first page.

Revision ID: 0008_h14_cells
Revises: 0007_ws
Create Date: 2026-12-04 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_h14_cells"
down_revision = "0007_ws"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stat_cell_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_key", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("mark", sa.Integer(), nullable=False),
        sa.Column("recent", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stat_cell_set")),
        sa.UniqueConstraint("survey_key", "fingerprint",
                            name=op.f("uq_stat_cell_set_survey_key_fingerprint")),
    )
    op.create_table(
        "stat_cell",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("block", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("changed_mark", sa.Integer(), nullable=False),
        sa.Column("sums", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["set_id"], ["stat_cell_set.id"],
                                name=op.f("fk_stat_cell_set_id_stat_cell_set"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"],
                                name=op.f("fk_stat_cell_unit_id_unit"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stat_cell")),
        sa.UniqueConstraint("set_id", "block", "unit_id", "field_id", "month",
                            name=op.f("uq_stat_cell_set_id_block_unit_id_field_id_month")),
    )
    op.create_index("ix_stat_cell_set_changed", "stat_cell", ["set_id", "changed_mark"])


def downgrade() -> None:
    op.drop_index("ix_stat_cell_set_changed", table_name="stat_cell")
    op.drop_table("stat_cell")
    op.drop_table("stat_cell_set")
