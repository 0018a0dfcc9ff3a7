"""Field surveys, part three: a sample belongs to a unit (its staff see its pages),
back-checks of completed interviews with their outcome, and saved interrupted interviews.

Revision ID: 0010_h17f
Revises: 0010_h20f
Create Date: 2026-12-05 07:10:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0010_h17f'
down_revision = '0010_h20f'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing samples get no unit: only administrators see them until one is given
    # (hailong fieldwork set-unit); guessing a unit could show a sample to the wrong staff.
    with op.batch_alter_table('field_sample', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_field_sample_unit_id'), ['unit_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_field_sample_unit_id_unit'), 'unit',
                                    ['unit_id'], ['id'])
    op.create_table('back_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.Column('sample_member_id', sa.Integer(), nullable=False),
    sa.Column('interviewer_id', sa.Integer(), nullable=False),
    sa.Column('selected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('checked_by', sa.Integer(), nullable=True),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['checked_by'], ['user_account.id'],
                            name=op.f('fk_back_check_checked_by_user_account')),
    sa.ForeignKeyConstraint(['interviewer_id'], ['user_account.id'],
                            name=op.f('fk_back_check_interviewer_id_user_account')),
    sa.ForeignKeyConstraint(['sample_id'], ['field_sample.id'],
                            name=op.f('fk_back_check_sample_id_field_sample'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sample_member_id'], ['sample_member.id'],
                            name=op.f('fk_back_check_sample_member_id_sample_member'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_back_check')),
    sa.UniqueConstraint('sample_member_id', name=op.f('uq_back_check_sample_member_id'))
    )
    with op.batch_alter_table('back_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_back_check_sample_id'), ['sample_id'], unique=False)


    op.create_table('interview_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.Column('sample_member_id', sa.Integer(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()),
                                                'postgresql'), nullable=False),
    sa.Column('submission_id', sa.String(length=64), nullable=False),
    sa.Column('started', sa.String(length=40), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sample_id'], ['field_sample.id'],
                            name=op.f('fk_interview_draft_sample_id_field_sample'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sample_member_id'], ['sample_member.id'],
                            name=op.f('fk_interview_draft_sample_member_id_sample_member'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interview_draft')),
    sa.UniqueConstraint('sample_member_id', name=op.f('uq_interview_draft_sample_member_id'))
    )
    with op.batch_alter_table('interview_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interview_draft_sample_id'), ['sample_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('interview_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interview_draft_sample_id'))
    op.drop_table('interview_draft')
    with op.batch_alter_table('back_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_back_check_sample_id'))
    op.drop_table('back_check')
    with op.batch_alter_table('field_sample', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_field_sample_unit_id_unit'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_field_sample_unit_id'))
        batch_op.drop_column('unit_id')
