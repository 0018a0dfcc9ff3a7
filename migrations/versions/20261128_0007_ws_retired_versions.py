"""Survey versions can be retired: citizens are then offered the newest version in force.

Revision ID: 0007_ws
Revises: 0005_sec
Create Date: 2026-11-28 01:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_ws"
down_revision = "0005_sec"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("survey_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("survey_version", schema=None) as batch_op:
        batch_op.drop_column("retired_at")
