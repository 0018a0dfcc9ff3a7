"""One-stop indicators entered by a unit's staff (TT 01/2018 indicators 5, 8, 9).

Revision ID: 0009_h15i
Revises: 0009_h18q
Create Date: 2026-12-04 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0009_h15i'
down_revision = '0009_h18q'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('onestop_unit_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('indicator_id', sa.String(length=40), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['user_account.id'], name=op.f('fk_onestop_unit_score_entered_by_id_user_account')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_onestop_unit_score_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_onestop_unit_score')),
    sa.UniqueConstraint('unit_id', 'period', 'indicator_id', name=op.f('uq_onestop_unit_score_unit_id_period_indicator_id'))
    )
    op.create_index(op.f('ix_onestop_unit_score_unit_id'), 'onestop_unit_score', ['unit_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_onestop_unit_score_unit_id'), table_name='onestop_unit_score')
    op.drop_table('onestop_unit_score')
