"""Field surveys, part two: the survey asked per sample, paper forms' double data entry, and
random ids for field answers (a sequential id followed the order of the interview records,
which name the sampled person).

Revision ID: 0009_h17b
Revises: 0009_h15p
Create Date: 2026-12-04 18:45:00
"""

import secrets

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0009_h17b'
down_revision = '0009_h15p'
branch_labels = None
depends_on = None


def _random_answer_ids() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        op.alter_column('field_answer', 'id', type_=sa.BigInteger(), existing_nullable=False)
    taken: set[int] = set()
    for (old,) in conn.execute(sa.text("SELECT id FROM field_answer ORDER BY id")).all():
        while (new := secrets.randbelow(2**53 - 1) + 1) in taken:
            pass
        taken.add(new)
        # Negative first, so a new id never meets an old one still in place.
        conn.execute(sa.text("UPDATE field_answer SET id = :new WHERE id = :old"),
                     {"new": -new, "old": old})
    conn.execute(sa.text("UPDATE field_answer SET id = -id WHERE id < 0"))


def upgrade() -> None:
    _random_answer_ids()
    with op.batch_alter_table('field_sample', schema=None) as batch_op:
        batch_op.add_column(sa.Column('survey_key', sa.String(length=40),
                                      server_default='papi', nullable=False))
    op.create_table('paper_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.Column('sample_member_id', sa.Integer(), nullable=False),
    sa.Column('entry_no', sa.Integer(), nullable=False),
    sa.Column('clerk_id', sa.Integer(), nullable=False),
    sa.Column('disposition', sa.String(length=8), nullable=False),
    sa.Column('answers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['clerk_id'], ['user_account.id'], name=op.f('fk_paper_entry_clerk_id_user_account')),
    sa.ForeignKeyConstraint(['sample_id'], ['field_sample.id'], name=op.f('fk_paper_entry_sample_id_field_sample'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sample_member_id'], ['sample_member.id'], name=op.f('fk_paper_entry_sample_member_id_sample_member'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_entry')),
    sa.UniqueConstraint('sample_member_id', 'entry_no', name=op.f('uq_paper_entry_sample_member_id_entry_no'))
    )
    with op.batch_alter_table('paper_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_entry_sample_id'), ['sample_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paper_entry_sample_member_id'), ['sample_member_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('paper_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_entry_sample_member_id'))
        batch_op.drop_index(batch_op.f('ix_paper_entry_sample_id'))
    op.drop_table('paper_entry')
    with op.batch_alter_table('field_sample', schema=None) as batch_op:
        batch_op.drop_column('survey_key')
    # Field answers keep their random ids (BIGINT on PostgreSQL): going back to sequential ids
    # would recreate the link this revision removed.
