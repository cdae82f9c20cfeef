"""The security and audit log: logins and their failures, refusals, and changes to users, roles,
assignments, rating scales, approval rules, articles and the archive (factcheck.domain.audit).
Only ever added to: triggers in the database refuse any UPDATE, DELETE, REPLACE or upsert of an
entry (and TRUNCATE on PostgreSQL), whatever sends it; the one update let through is the foreign
key's own SET NULL when an entry's user is deleted (the entry keeps its copy of the username).

Revision ID: 0010
Revises: 0009
Created: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auditevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("target", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_auditevent_at", "auditevent", ["at"], unique=False)
    op.create_index("ix_auditevent_kind", "auditevent", ["kind"], unique=False)
    op.create_index(op.f("ix_auditevent_user_id"), "auditevent", ["user_id"], unique=False)
    for statement in SQLITE if op.get_bind().dialect.name == "sqlite" else POSTGRESQL:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("auditevent_no_update", "auditevent_no_delete", "auditevent_no_replace"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS auditevent_append_only ON auditevent")
        op.execute("DROP TRIGGER IF EXISTS auditevent_no_truncate ON auditevent")
        op.execute("DROP FUNCTION IF EXISTS auditevent_append_only()")
    op.drop_index(op.f("ix_auditevent_user_id"), table_name="auditevent")
    op.drop_index("ix_auditevent_kind", table_name="auditevent")
    op.drop_index("ix_auditevent_at", table_name="auditevent")
    op.drop_table("auditevent")


REFUSED = "the audit log is append-only: its entries are never changed or deleted"
#: The update the foreign key makes when an entry's user is deleted: user_id to NULL, nothing else.
_SQLITE_USER_GONE = (
    "NEW.user_id IS NULL AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.kind = OLD.kind AND "
    "NEW.username = OLD.username AND NEW.address = OLD.address AND NEW.target = OLD.target AND NEW.detail = OLD.detail"
)
SQLITE = [
    f"CREATE TRIGGER auditevent_no_update BEFORE UPDATE ON auditevent WHEN NOT ({_SQLITE_USER_GONE}) "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END",
    f"CREATE TRIGGER auditevent_no_delete BEFORE DELETE ON auditevent BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END",
    # INSERT OR REPLACE / REPLACE INTO an existing id would delete the entry without a DELETE trigger.
    "CREATE TRIGGER auditevent_no_replace BEFORE INSERT ON auditevent "
    "WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM auditevent WHERE id = NEW.id) "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END",
]
POSTGRESQL = [
    f"""CREATE FUNCTION auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.user_id IS NULL
       AND (NEW.id, NEW.at, NEW.kind, NEW.username, NEW.address, NEW.target, NEW.detail)
           IS NOT DISTINCT FROM (OLD.id, OLD.at, OLD.kind, OLD.username, OLD.address, OLD.target, OLD.detail) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{REFUSED}';
END $$""",
    "CREATE TRIGGER auditevent_append_only BEFORE UPDATE OR DELETE ON auditevent "
    "FOR EACH ROW EXECUTE FUNCTION auditevent_append_only()",
    "CREATE TRIGGER auditevent_no_truncate BEFORE TRUNCATE ON auditevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION auditevent_append_only()",
]
