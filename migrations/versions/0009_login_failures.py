"""Login failures kept in the database, and when each session was last used.

Failed logins were counted in each server process's memory, per username only, in a table a
spray of made-up usernames could flush: now every process counts the same rows, per account and
per client address, and a restart forgets none. A session not used for SESSION_IDLE_MINUTES ends:
existing sessions count as last used when they were made (a login older than the idle limit
asks for the password again after the upgrade).

Revision ID: 0009
Revises: 0008
Created: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "loginfailure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _TEXT(length=10), nullable=False),
        sa.Column("key", _TEXT(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_loginfailure_kind_key_at", "loginfailure", ["kind", "key", "at"], unique=False)
    op.create_index(op.f("ix_loginfailure_at"), "loginfailure", ["at"], unique=False)
    # Plain ALTER TABLE on both databases (and `db upgrade --sql`): a constant default, at once
    # replaced by each session's creation time; the app always writes the column itself.
    last_seen = sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False, server_default="1970-01-01 00:00:00")
    op.add_column("loginsession", last_seen)
    op.execute("UPDATE loginsession SET last_seen = created")


def downgrade() -> None:
    op.drop_column("loginsession", "last_seen")
    op.drop_index(op.f("ix_loginfailure_at"), table_name="loginfailure")
    op.drop_index("ix_loginfailure_kind_key_at", table_name="loginfailure")
    op.drop_table("loginfailure")
