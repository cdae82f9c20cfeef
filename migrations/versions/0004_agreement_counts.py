"""Agreement counts: the agreement page's figures kept up to date as blind verdicts are given,
instead of counted over every blind verdict each time the page is drawn; filled here from the
blind verdicts already stored.

Revision ID: 0004
Revises: 0003
Created: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agreementcount",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grouping", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("group_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("first_label_id", sa.Integer(), nullable=False),
        sa.Column("second_label_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("grouping", "group_key", "first_label_id", "second_label_id"),
    )
    # The month of the later verdict, in UTC: SQLite keeps times as ISO text (UTC); PostgreSQL's
    # to_char would use the server's time zone.
    month = "substr({0}, 1, 7)" if op.get_bind().dialect.name == "sqlite" else "to_char(({0}) AT TIME ZONE 'UTC', 'YYYY-MM')"
    later = "CASE WHEN a.given >= b.given THEN a.given ELSE b.given END"
    groups = {
        "pair": "CAST(a.reviewer_id AS VARCHAR(20)) || '-' || CAST(b.reviewer_id AS VARCHAR(20))",
        "article": "CAST(a.article_id AS VARCHAR(20))",
        "month": month.format(later),
    }
    for grouping, key in groups.items():
        op.execute(
            "INSERT INTO agreementcount (grouping, group_key, first_label_id, second_label_id, n) "
            f"SELECT '{grouping}', {key}, a.verdict_id, b.verdict_id, count(*) "
            "FROM blindverdict a JOIN blindverdict b ON b.claim_id = a.claim_id AND a.reviewer_id < b.reviewer_id "
            f"GROUP BY {key}, a.verdict_id, b.verdict_id"
        )


def downgrade() -> None:
    op.drop_table("agreementcount")
