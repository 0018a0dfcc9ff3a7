"""A comment with a contact phone is no longer linkable to its response.

The comment keeps the procedure field (what the inbox filters by) itself; a comment whose
citizen left a phone number loses its response_id, and that response loses the free text that
the comment copies, so neither a foreign key nor identical text joins the phone to the answers.

Revision ID: 0005_sec
Revises: 0004
Create Date: 2026-11-28 02:35:00
"""

import json

import sqlalchemy as sa
from alembic import op

revision = '0005_sec'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite: a plain ADD COLUMN with a REFERENCES clause. A batch "move and copy" would drop
    # the old comment table, and with foreign keys on that cascades to comment_contact and
    # deletes every phone number left for follow-up.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE comment ADD COLUMN field_id INTEGER "
                   "REFERENCES procedure_field (id)")
    else:
        op.add_column('comment', sa.Column('field_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_comment_field_id_procedure_field'), 'comment',
                              'procedure_field', ['field_id'], ['id'])
    op.execute("UPDATE comment SET field_id = (SELECT response.field_id FROM response "
               "WHERE response.id = comment.response_id) WHERE response_id IS NOT NULL")
    conn = op.get_bind()
    linked = conn.execute(sa.text(
        "SELECT comment.id, comment.response_id, comment.body, response.answers "
        "FROM comment JOIN comment_contact ON comment_contact.comment_id = comment.id "
        "JOIN response ON response.id = comment.response_id")).all()
    value = "CAST(:a AS JSONB)" if conn.dialect.name == "postgresql" else ":a"
    for comment_id, response_id, body, answers in linked:
        # The comment body is the response's free texts joined by blank lines.
        answers = json.loads(answers) if isinstance(answers, str) else dict(answers)
        parts = set(body.split("\n\n"))
        kept = {k: v for k, v in answers.items() if not (isinstance(v, str) and v in parts)}
        conn.execute(sa.text(f"UPDATE response SET answers = {value} WHERE id = :r"),
                     {"a": json.dumps(kept, ensure_ascii=False), "r": response_id})
        conn.execute(sa.text("UPDATE comment SET response_id = NULL WHERE id = :c"),
                     {"c": comment_id})


def downgrade() -> None:
    # The links removed on upgrade are gone for good (that is the point); only the column goes.
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:  # the batch copy below must not cascade into comment_contact
        op.execute("PRAGMA foreign_keys=OFF")
    with op.batch_alter_table('comment', schema=None) as batch_op:
        if not sqlite:
            batch_op.drop_constraint(batch_op.f('fk_comment_field_id_procedure_field'),
                                     type_='foreignkey')
        batch_op.drop_column('field_id')
    if sqlite:
        op.execute("PRAGMA foreign_keys=ON")
