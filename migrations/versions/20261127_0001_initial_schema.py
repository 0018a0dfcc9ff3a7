"""Initial schema: units, counters, procedures, dossier counts, survey versions, responses,
comments, dossier tokens, users and the audit log.

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 22:57:26.334535
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('procedure_field',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_vi', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedure_field')),
    sa.UniqueConstraint('code', name=op.f('uq_procedure_field_code'))
    )
    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_vi', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.Column('unit_type', sa.String(length=40), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('successor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['unit.id'], name=op.f('fk_unit_parent_id_unit')),
    sa.ForeignKeyConstraint(['successor_id'], ['unit.id'], name=op.f('fk_unit_successor_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('code', name=op.f('uq_unit_code'))
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_parent_id'), ['parent_id'], unique=False)

    op.create_table('counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_vi', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('token_generation', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_counter_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counter')),
    sa.UniqueConstraint('unit_id', 'code', name=op.f('uq_counter_unit_id_code'))
    )
    with op.batch_alter_table('counter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counter_unit_id'), ['unit_id'], unique=False)

    op.create_table('dossier_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('dossiers', sa.Integer(), nullable=False),
    sa.CheckConstraint('dossiers >= 0', name=op.f('ck_dossier_count_dossiers_non_negative')),
    sa.ForeignKeyConstraint(['field_id'], ['procedure_field.id'], name=op.f('fk_dossier_count_field_id_procedure_field')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_dossier_count_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_count')),
    sa.UniqueConstraint('unit_id', 'field_id', 'period', name=op.f('uq_dossier_count_unit_id_field_id_period'))
    )
    with op.batch_alter_table('dossier_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_count_unit_id'), ['unit_id'], unique=False)

    op.create_table('procedure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('national_code', sa.String(length=40), nullable=False),
    sa.Column('name_vi', sa.String(length=400), nullable=False),
    sa.Column('name_en', sa.String(length=400), nullable=True),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['field_id'], ['procedure_field.id'], name=op.f('fk_procedure_field_id_procedure_field')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedure')),
    sa.UniqueConstraint('national_code', name=op.f('uq_procedure_national_code'))
    )
    with op.batch_alter_table('procedure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedure_field_id'), ['field_id'], unique=False)

    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('admin', 'unit_manager', 'analyst', 'viewer', name='role', native_enum=False, length=20), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_user_account_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('email', name=op.f('uq_user_account_email'))
    )
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('target', sa.String(length=120), nullable=True),
    sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_audit_entry_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)

    op.create_table('dossier_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('dossier_hash', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('counter_id', sa.Integer(), nullable=True),
    sa.Column('procedure_id', sa.Integer(), nullable=True),
    sa.Column('field_id', sa.Integer(), nullable=True),
    sa.Column('on_time', sa.Boolean(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['counter_id'], ['counter.id'], name=op.f('fk_dossier_token_counter_id_counter')),
    sa.ForeignKeyConstraint(['field_id'], ['procedure_field.id'], name=op.f('fk_dossier_token_field_id_procedure_field')),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'], name=op.f('fk_dossier_token_procedure_id_procedure')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_dossier_token_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_dossier_token_token_hash'))
    )
    with op.batch_alter_table('dossier_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_token_dossier_hash'), ['dossier_hash'], unique=False)

    op.create_table('survey_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_key', sa.String(length=60), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('definition_text', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('scoring_changes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['published_by_id'], ['user_account.id'], name=op.f('fk_survey_version_published_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_version')),
    sa.UniqueConstraint('survey_key', 'content_hash', name=op.f('uq_survey_version_survey_key_content_hash')),
    sa.UniqueConstraint('survey_key', 'version', name=op.f('uq_survey_version_survey_key_version'))
    )
    with op.batch_alter_table('survey_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_version_survey_key'), ['survey_key'], unique=False)

    op.create_table('response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('submission_id', sa.String(length=64), nullable=False),
    sa.Column('survey_version_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('counter_id', sa.Integer(), nullable=True),
    sa.Column('field_id', sa.Integer(), nullable=True),
    sa.Column('procedure_id', sa.Integer(), nullable=True),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('on_time', sa.Boolean(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('answers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['counter.id'], name=op.f('fk_response_counter_id_counter')),
    sa.ForeignKeyConstraint(['field_id'], ['procedure_field.id'], name=op.f('fk_response_field_id_procedure_field')),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'], name=op.f('fk_response_procedure_id_procedure')),
    sa.ForeignKeyConstraint(['survey_version_id'], ['survey_version.id'], name=op.f('fk_response_survey_version_id_survey_version')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_response_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response')),
    sa.UniqueConstraint('public_id', name=op.f('uq_response_public_id')),
    sa.UniqueConstraint('submission_id', name=op.f('uq_response_submission_id'))
    )
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index('ix_response_version_period_unit', ['survey_version_id', 'period', 'unit_id'], unique=False)

    op.create_table('comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('criterion', sa.String(length=80), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('assigned_to_id', sa.Integer(), nullable=True),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['user_account.id'], name=op.f('fk_comment_assigned_to_id_user_account')),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_comment_response_id_response'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_comment_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment'))
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_response_id'), ['response_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_unit_id'), ['unit_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_unit_id'))
        batch_op.drop_index(batch_op.f('ix_comment_response_id'))

    op.drop_table('comment')
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_version_period_unit')
        batch_op.drop_index(batch_op.f('ix_response_unit_id'))

    op.drop_table('response')
    with op.batch_alter_table('survey_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_version_survey_key'))

    op.drop_table('survey_version')
    with op.batch_alter_table('dossier_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_token_dossier_hash'))

    op.drop_table('dossier_token')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))

    op.drop_table('audit_entry')
    op.drop_table('user_account')
    with op.batch_alter_table('procedure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedure_field_id'))

    op.drop_table('procedure')
    with op.batch_alter_table('dossier_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_count_unit_id'))

    op.drop_table('dossier_count')
    with op.batch_alter_table('counter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counter_unit_id'))

    op.drop_table('counter')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_parent_id'))

    op.drop_table('unit')
    op.drop_table('procedure_field')
