"""Units' own recordings (survey_audio.unit_id) and translated interface texts.

Revision ID: 0010_h20f
Revises: 0009_h20
Create Date: 2026-12-05 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0010_h20f'
down_revision = '0009_h20'
branch_labels = None
depends_on = None

_KEY = ['survey_version_id', 'item_id', 'language']


def upgrade() -> None:
    with op.batch_alter_table('survey_audio', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_survey_audio_unit_id_unit'), 'unit',
                                    ['unit_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_survey_audio_unit_id'), ['unit_id'], unique=False)
        batch_op.drop_constraint('uq_survey_audio_survey_version_id_item_id_language',
                                 type_='unique')
        batch_op.create_index('uq_survey_audio_shared', _KEY, unique=True,
                              postgresql_where=sa.text('unit_id IS NULL'),
                              sqlite_where=sa.text('unit_id IS NULL'))
        batch_op.create_index('uq_survey_audio_unit', [*_KEY, 'unit_id'], unique=True,
                              postgresql_where=sa.text('unit_id IS NOT NULL'),
                              sqlite_where=sa.text('unit_id IS NOT NULL'))
    op.create_table('interface_translation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interface_translation')),
    sa.UniqueConstraint('language', 'key', name=op.f('uq_interface_translation_language_key'))
    )


def downgrade() -> None:
    op.drop_table('interface_translation')
    # Units' own recordings have no place in the older schema.
    op.execute("DELETE FROM survey_audio WHERE unit_id IS NOT NULL")
    with op.batch_alter_table('survey_audio', schema=None) as batch_op:
        batch_op.drop_index('uq_survey_audio_unit')
        batch_op.drop_index('uq_survey_audio_shared')
        batch_op.create_unique_constraint('uq_survey_audio_survey_version_id_item_id_language',
                                          _KEY)
        batch_op.drop_index(batch_op.f('ix_survey_audio_unit_id'))
        batch_op.drop_constraint(batch_op.f('fk_survey_audio_unit_id_unit'), type_='foreignkey')
        batch_op.drop_column('unit_id')
