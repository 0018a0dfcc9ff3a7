"""One-time tokens of staff create forms (issue 15): a double submit creates one record.

Revision ID: 0009_h15p
Revises: 0009_h15i
Create Date: 2026-12-04 18:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_h15p"
down_revision = '0009_h15i'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_submission",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_form_submission")),
    )
    op.create_index(op.f("ix_form_submission_created_at"), "form_submission", ["created_at"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_form_submission_created_at"), table_name="form_submission")
    op.drop_table("form_submission")
