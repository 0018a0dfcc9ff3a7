"""PAR INDEX: scorecard versions and point tables, assessments with criterion scores and
evidence files, official published results, targets, and action-plan owners (issue 16).

Revision ID: 0008_h16_parindex
Revises: 0008_h21_sec
Create Date: 2026-12-04 15:32:53.324514
"""

import sqlalchemy as sa
from alembic import op


revision = '0008_h16_parindex'
down_revision = '0008_h21_sec'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scorecard_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('version', sa.String(length=60), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('yaml_text', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecard_version')),
    sa.UniqueConstraint('key', 'version', name=op.f('uq_scorecard_version_key_version'))
    )
    op.create_table('official_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('index_key', sa.String(length=30), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('component', sa.String(length=200), nullable=False),
    sa.Column('score', sa.Numeric(precision=9, scale=3), nullable=False),
    sa.Column('maximum', sa.Numeric(precision=9, scale=3), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('out_of', sa.Integer(), nullable=True),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_official_result_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_official_result')),
    sa.UniqueConstraint('index_key', 'year', 'unit_id', 'component', name=op.f('uq_official_result_index_key_year_unit_id_component'))
    )
    with op.batch_alter_table('official_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_official_result_unit_id'), ['unit_id'], unique=False)

    op.create_table('scorecard_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scorecard_version_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=20), nullable=False),
    sa.Column('max_points', sa.Numeric(precision=9, scale=3), nullable=False),
    sa.ForeignKeyConstraint(['scorecard_version_id'], ['scorecard_version.id'], name=op.f('fk_scorecard_point_scorecard_version_id_scorecard_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecard_point')),
    sa.UniqueConstraint('scorecard_version_id', 'item_code', name=op.f('uq_scorecard_point_scorecard_version_id_item_code'))
    )
    with op.batch_alter_table('scorecard_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scorecard_point_scorecard_version_id'), ['scorecard_version_id'], unique=False)

    op.create_table('assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('scorecard_version_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('appraised_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('appraised_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['appraised_by_id'], ['user_account.id'], name=op.f('fk_assessment_appraised_by_id_user_account')),
    sa.ForeignKeyConstraint(['scorecard_version_id'], ['scorecard_version.id'], name=op.f('fk_assessment_scorecard_version_id_scorecard_version')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user_account.id'], name=op.f('fk_assessment_submitted_by_id_user_account')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_assessment_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment')),
    sa.UniqueConstraint('unit_id', 'scorecard_version_id', name=op.f('uq_assessment_unit_id_scorecard_version_id'))
    )
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_year'), ['year'], unique=False)

    op.create_table('target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('index_key', sa.String(length=60), nullable=False),
    sa.Column('item_code', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('value', sa.Numeric(precision=9, scale=3), nullable=True),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['set_by_id'], ['user_account.id'], name=op.f('fk_target_set_by_id_user_account')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_target_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target')),
    sa.UniqueConstraint('unit_id', 'year', 'index_key', 'item_code', name=op.f('uq_target_unit_id_year_index_key_item_code'))
    )
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_unit_id'), ['unit_id'], unique=False)

    op.create_table('action_plan_owner',
    sa.Column('action_plan_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_plan_id'], ['action_plan.id'], name=op.f('fk_action_plan_owner_action_plan_id_action_plan')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_action_plan_owner_user_id_user_account')),
    sa.PrimaryKeyConstraint('action_plan_id', name=op.f('pk_action_plan_owner'))
    )
    with op.batch_alter_table('action_plan_owner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_plan_owner_user_id'), ['user_id'], unique=False)

    op.create_table('criterion_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=20), nullable=False),
    sa.Column('responsible_unit_id', sa.Integer(), nullable=True),
    sa.Column('responsible_user_id', sa.Integer(), nullable=True),
    sa.Column('declared_value', sa.String(length=60), nullable=True),
    sa.Column('self_score', sa.Numeric(precision=9, scale=3), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=True),
    sa.Column('cause', sa.Text(), nullable=True),
    sa.Column('scored_by_id', sa.Integer(), nullable=True),
    sa.Column('scored_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('appraised_score', sa.Numeric(precision=9, scale=3), nullable=True),
    sa.Column('appraisal_reason', sa.Text(), nullable=True),
    sa.Column('appraised_by_id', sa.Integer(), nullable=True),
    sa.Column('appraised_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['appraised_by_id'], ['user_account.id'], name=op.f('fk_criterion_score_appraised_by_id_user_account')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_criterion_score_assessment_id_assessment')),
    sa.ForeignKeyConstraint(['responsible_unit_id'], ['unit.id'], name=op.f('fk_criterion_score_responsible_unit_id_unit')),
    sa.ForeignKeyConstraint(['responsible_user_id'], ['user_account.id'], name=op.f('fk_criterion_score_responsible_user_id_user_account')),
    sa.ForeignKeyConstraint(['scored_by_id'], ['user_account.id'], name=op.f('fk_criterion_score_scored_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criterion_score')),
    sa.UniqueConstraint('assessment_id', 'item_code', name=op.f('uq_criterion_score_assessment_id_item_code'))
    )
    with op.batch_alter_table('criterion_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criterion_score_assessment_id'), ['assessment_id'], unique=False)

    op.create_table('evidence_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('criterion_score_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['criterion_score_id'], ['criterion_score.id'], name=op.f('fk_evidence_file_criterion_score_id_criterion_score')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_evidence_file_unit_id_unit')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_evidence_file_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_file'))
    )
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_file_criterion_score_id'), ['criterion_score_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_file_unit_id'), ['unit_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_file_unit_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_file_criterion_score_id'))

    op.drop_table('evidence_file')
    with op.batch_alter_table('criterion_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criterion_score_assessment_id'))

    op.drop_table('criterion_score')
    with op.batch_alter_table('action_plan_owner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_plan_owner_user_id'))

    op.drop_table('action_plan_owner')
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_unit_id'))

    op.drop_table('target')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_year'))
        batch_op.drop_index(batch_op.f('ix_assessment_unit_id'))

    op.drop_table('assessment')
    with op.batch_alter_table('scorecard_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scorecard_point_scorecard_version_id'))

    op.drop_table('scorecard_point')
    with op.batch_alter_table('official_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_official_result_unit_id'))

    op.drop_table('official_result')
    op.drop_table('scorecard_version')
