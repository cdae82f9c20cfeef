"""Indexes on the foreign keys that had none, and on the article list's order (newest first).

Without them, looking up the claims with a given verdict, the revisions, comments and corrections
of a user, the articles on a scale, or the newest articles read whole tables. Adding an index
changes no row.

Revision ID: 0003
Revises: 0002
Created: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: (table, column): each gets the index SQLModel names ix_<table>_<column>.
INDEXED = [
    ("article", "created"),
    ("article", "rating_scale_id"),
    ("assignment", "assigned_by_id"),
    ("blindverdict", "verdict_id"),
    ("claim", "submitted_by_id"),
    ("claim", "verdict_id"),
    ("claimrevision", "user_id"),
    ("comment", "user_id"),
    ("correction", "user_id"),
]


def upgrade() -> None:
    for table, column in INDEXED:
        # One already there under this name (made by hand, as the docs' tuning advice has it) is kept.
        op.create_index(f"ix_{table}_{column}", table, [column], unique=False, if_not_exists=True)


def downgrade() -> None:
    for table, column in reversed(INDEXED):
        op.drop_index(f"ix_{table}_{column}", table_name=table)
