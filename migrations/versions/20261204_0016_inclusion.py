"""Answering without reading: unit survey options, recorded audio, survey translations.

Revision ID: 0009_h20
Revises: 0009_h17b
Create Date: 2026-12-04 18:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0009_h20'
down_revision = '0009_h17b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('unit_survey_options',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('pictorial_scale', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_survey_options_unit_id_unit')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_unit_survey_options_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_unit_survey_options'))
    )
    op.create_table('survey_audio',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_version_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=120), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('media_type', sa.String(length=40), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['survey_version_id'], ['survey_version.id'], name=op.f('fk_survey_audio_survey_version_id_survey_version')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_survey_audio_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_audio')),
    sa.UniqueConstraint('survey_version_id', 'item_id', 'language', name=op.f('uq_survey_audio_survey_version_id_item_id_language'))
    )
    with op.batch_alter_table('survey_audio', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_audio_survey_version_id'), ['survey_version_id'], unique=False)
    op.create_table('survey_translation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_version_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('label_id', sa.String(length=160), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['survey_version_id'], ['survey_version.id'], name=op.f('fk_survey_translation_survey_version_id_survey_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_translation')),
    sa.UniqueConstraint('survey_version_id', 'language', 'label_id', name=op.f('uq_survey_translation_survey_version_id_language_label_id'))
    )
    with op.batch_alter_table('survey_translation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_translation_survey_version_id'), ['survey_version_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('survey_translation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_translation_survey_version_id'))
    op.drop_table('survey_translation')
    with op.batch_alter_table('survey_audio', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_audio_survey_version_id'))
    op.drop_table('survey_audio')
    op.drop_table('unit_survey_options')
