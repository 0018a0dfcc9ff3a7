"""Comment contacts: a phone number left for follow-up, kept apart from the answers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 00:16:36.153454
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('comment_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('delete_after', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_comment_contact_comment_id_comment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_contact')),
    sa.UniqueConstraint('comment_id', name=op.f('uq_comment_contact_comment_id'))
    )
    with op.batch_alter_table('comment_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_contact_delete_after'), ['delete_after'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('comment_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_contact_delete_after'))

    op.drop_table('comment_contact')
