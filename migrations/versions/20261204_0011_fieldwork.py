"""Field surveys: sampling frames, frame contacts kept apart, drawn samples and their members.

Revision ID: 0008_h17_fieldwork
Revises: 0008_h16_parindex
Create Date: 2026-12-04 15:45:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0008_h17_fieldwork'
down_revision = '0008_h16_parindex'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sampling_frame',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('columns', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('source_file', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('contacts_deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sampling_frame')),
    sa.UniqueConstraint('name', 'version', name=op.f('uq_sampling_frame_name_version'))
    )
    op.create_table('field_sample',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('frame_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('parameters', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['frame_id'], ['sampling_frame.id'], name=op.f('fk_field_sample_frame_id_sampling_frame')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_sample')),
    sa.UniqueConstraint('name', name=op.f('uq_field_sample_name'))
    )
    with op.batch_alter_table('field_sample', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_sample_frame_id'), ['frame_id'], unique=False)

    op.create_table('frame_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('frame_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('unit_key', sa.String(length=120), nullable=False),
    sa.Column('attributes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['frame_id'], ['sampling_frame.id'], name=op.f('fk_frame_unit_frame_id_sampling_frame'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_frame_unit')),
    sa.UniqueConstraint('frame_id', 'unit_key', name=op.f('uq_frame_unit_frame_id_unit_key'))
    )
    with op.batch_alter_table('frame_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_frame_unit_frame_id'), ['frame_id'], unique=False)

    op.create_table('frame_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('frame_unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('address', sa.String(length=400), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['frame_unit_id'], ['frame_unit.id'], name=op.f('fk_frame_contact_frame_unit_id_frame_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_frame_contact')),
    sa.UniqueConstraint('frame_unit_id', name=op.f('uq_frame_contact_frame_unit_id'))
    )
    op.create_table('sample_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.Column('frame_unit_id', sa.Integer(), nullable=False),
    sa.Column('stratum', sa.String(length=120), nullable=False),
    sa.Column('psu', sa.String(length=120), nullable=False),
    sa.Column('prob', sa.Float(), nullable=False),
    sa.Column('base_weight', sa.Float(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('replacement_rank', sa.Integer(), nullable=False),
    sa.Column('interviewer_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['frame_unit_id'], ['frame_unit.id'], name=op.f('fk_sample_member_frame_unit_id_frame_unit')),
    sa.ForeignKeyConstraint(['interviewer_id'], ['user_account.id'], name=op.f('fk_sample_member_interviewer_id_user_account')),
    sa.ForeignKeyConstraint(['sample_id'], ['field_sample.id'], name=op.f('fk_sample_member_sample_id_field_sample'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sample_member')),
    sa.UniqueConstraint('sample_id', 'frame_unit_id', name=op.f('uq_sample_member_sample_id_frame_unit_id'))
    )
    with op.batch_alter_table('sample_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sample_member_sample_id'), ['sample_id'], unique=False)


    op.create_table('field_interview',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.Column('sample_member_id', sa.Integer(), nullable=False),
    sa.Column('submission_key', sa.String(length=200), nullable=False),
    sa.Column('disposition', sa.String(length=8), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('interview_minutes', sa.Float(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sample_id'], ['field_sample.id'], name=op.f('fk_field_interview_sample_id_field_sample'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sample_member_id'], ['sample_member.id'], name=op.f('fk_field_interview_sample_member_id_sample_member'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_interview')),
    sa.UniqueConstraint('sample_id', 'submission_key', name=op.f('uq_field_interview_sample_id_submission_key'))
    )
    with op.batch_alter_table('field_interview', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_interview_sample_id'), ['sample_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_field_interview_sample_member_id'), ['sample_member_id'], unique=False)

    op.create_table('field_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.Column('stratum', sa.String(length=120), nullable=False),
    sa.Column('psu', sa.String(length=120), nullable=False),
    sa.Column('base_weight', sa.Float(), nullable=False),
    sa.Column('attributes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('answers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['sample_id'], ['field_sample.id'], name=op.f('fk_field_answer_sample_id_field_sample'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_answer')),
    sa.UniqueConstraint('public_id', name=op.f('uq_field_answer_public_id'))
    )
    with op.batch_alter_table('field_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_answer_sample_id'), ['sample_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('field_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_answer_sample_id'))

    op.drop_table('field_answer')
    with op.batch_alter_table('field_interview', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_interview_sample_member_id'))
        batch_op.drop_index(batch_op.f('ix_field_interview_sample_id'))

    op.drop_table('field_interview')
    with op.batch_alter_table('sample_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sample_member_sample_id'))

    op.drop_table('sample_member')
    op.drop_table('frame_contact')
    with op.batch_alter_table('frame_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_frame_unit_frame_id'))

    op.drop_table('frame_unit')
    with op.batch_alter_table('field_sample', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_sample_frame_id'))

    op.drop_table('field_sample')
    op.drop_table('sampling_frame')
