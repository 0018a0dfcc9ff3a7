"""Security probe (issue 21): unlinkable comments, survey keys bound to counters, sessions.

* Counters carry the surveys their tokens may open (``survey_keys``, SIPAS by default).
* Users carry a session version (sessions end at sign-out and deactivation); the account
  lock columns go (throttling is per client and account, in the rate limiter).
* Comments and their contacts get random 64-bit ids (existing ones are renumbered, their audit
  entries follow), ``comment.updated_at`` and ``comment_contact.delete_after`` keep the month
  only: neither a sequential id nor a precise time may place a comment among the responses.

Revision ID: 0008_h21_sec
Revises: 0008_h14_cells
Create Date: 2026-12-04 15:40:00
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0008_h21_sec"
down_revision = "0008_h14_cells"
branch_labels = None
depends_on = None

_CONTACT_FK = "fk_comment_contact_comment_id_comment"


def _month_sql(column: str, dialect: str) -> str:
    if dialect == "postgresql":
        return f"date_trunc('month', {column} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    return f"strftime('%Y-%m-01 00:00:00.000000', {column})"


def _unlink_comments() -> None:
    conn = op.get_bind()
    dialect = conn.dialect.name
    if dialect == "postgresql":
        op.drop_constraint(_CONTACT_FK, "comment_contact", type_="foreignkey")
        for table, column in (("comment", "id"), ("comment_contact", "id"),
                              ("comment_contact", "comment_id")):
            op.alter_column(table, column, type_=sa.BigInteger(), existing_nullable=False)
        op.create_foreign_key(_CONTACT_FK, "comment_contact", "comment", ["comment_id"], ["id"],
                              ondelete="CASCADE")
    columns = [c["name"] for c in sa.inspect(conn).get_columns("comment") if c["name"] != "id"]
    copied = ", ".join(columns)
    taken: set[int] = set()

    def fresh() -> int:
        while (value := secrets.randbelow(2**53 - 1) + 1) in taken:
            pass
        taken.add(value)
        return value

    for (old,) in conn.execute(sa.text("SELECT id FROM comment")).all():
        new = fresh()
        params = {"new": new, "old": old}
        # A copy under the new id, the contact moved to it, then the old row deleted: no
        # foreign key is broken at any point (SQLite cannot defer them inside a migration).
        conn.execute(sa.text(f"INSERT INTO comment (id, {copied}) "  # noqa: S608 - catalogue names
                             f"SELECT :new, {copied} FROM comment WHERE id = :old"), params)
        conn.execute(sa.text("UPDATE comment_contact SET comment_id = :new "
                             "WHERE comment_id = :old"), params)
        conn.execute(sa.text("DELETE FROM comment WHERE id = :old"), params)
        conn.execute(sa.text("UPDATE audit_entry SET target = :t_new WHERE target = :t_old"),
                     {"t_new": f"comment:{new}", "t_old": f"comment:{old}"})
    for (old,) in conn.execute(sa.text("SELECT id FROM comment_contact")).all():
        conn.execute(sa.text("UPDATE comment_contact SET id = :new WHERE id = :old"),
                     {"new": fresh(), "old": old})
    # Month-only times; a contact is kept until the start of the third month after its month.
    conn.execute(sa.text(f"UPDATE comment SET updated_at = {_month_sql('updated_at', dialect)}"))
    if dialect == "postgresql":
        conn.execute(sa.text(
            "UPDATE comment_contact SET delete_after = (date_trunc('month', delete_after AT "
            "TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC'"))
    else:
        conn.execute(sa.text(
            "UPDATE comment_contact SET delete_after = strftime('%Y-%m-01 00:00:00.000000', "
            "delete_after, 'start of month', '+1 month')"))


def upgrade() -> None:
    _unlink_comments()
    # Counters open SIPAS only until an administrator allows more.
    op.add_column("counter", sa.Column("survey_keys", sa.String(length=200), nullable=False,
                                       server_default="sipas"))
    # Sessions end at sign-out and deactivation; the account lock (a denial of service anyone
    # could trigger) gives way to throttling per client and account, kept in the rate limiter.
    op.add_column("user_account", sa.Column("session_version", sa.Integer(), nullable=False,
                                            server_default="1"))
    _drop_column("user_account", "failed_logins")
    _drop_column("user_account", "locked_until")


def _drop_column(table: str, column: str) -> None:
    if op.get_bind().dialect.name == "sqlite":  # SQLite 3.35+: no batch copy (it cascades)
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)


def downgrade() -> None:
    op.add_column("user_account", sa.Column("failed_logins", sa.Integer(), nullable=False,
                                            server_default="0"))
    op.add_column("user_account", sa.Column("locked_until", sa.DateTime(timezone=True),
                                            nullable=True))
    _drop_column("user_account", "session_version")
    _drop_column("counter", "survey_keys")
    # The random ids and month-only times stay (the old values are gone on purpose).
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(_CONTACT_FK, "comment_contact", type_="foreignkey")
        for table, column in (("comment", "id"), ("comment_contact", "id"),
                              ("comment_contact", "comment_id")):
            op.alter_column(table, column, type_=sa.Integer(), existing_nullable=False,
                            postgresql_using=f"{column}::integer")
        op.create_foreign_key(_CONTACT_FK, "comment_contact", "comment", ["comment_id"], ["id"],
                              ondelete="CASCADE")
