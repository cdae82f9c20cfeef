"""The security and audit log: logins and their failures, refusals, and changes to users, roles,
assignments, rating scales, approval rules, articles and the archive (factcheck.domain.audit).
Only ever added to: the app never updates or deletes a row of it.

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


def downgrade() -> None:
    op.drop_index(op.f("ix_auditevent_user_id"), table_name="auditevent")
    op.drop_index("ix_auditevent_kind", table_name="auditevent")
    op.drop_index("ix_auditevent_at", table_name="auditevent")
    op.drop_table("auditevent")
