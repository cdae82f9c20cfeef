"""Agreement counts only settled claims: counted as blind verdicts were given, the agreement page
told an editor who was one of a claim's blind reviewers the other's label before settling. The
counts are made again here from the settled claims alone; from now on `settle` adds them.

Revision ID: 0008
Revises: 0007
Created: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _recount(settled_only: bool) -> None:
    op.execute("DELETE FROM agreementcount")
    # The month of the later verdict, in UTC (as revision 0004 counts it).
    month = "substr({0}, 1, 7)" if op.get_bind().dialect.name == "sqlite" else "to_char(({0}) AT TIME ZONE 'UTC', 'YYYY-MM')"
    later = "CASE WHEN a.given >= b.given THEN a.given ELSE b.given END"
    groups = {
        "pair": "CAST(a.reviewer_id AS VARCHAR(20)) || '-' || CAST(b.reviewer_id AS VARCHAR(20))",
        "article": "CAST(a.article_id AS VARCHAR(20))",
        "month": month.format(later),
    }
    where = "WHERE a.settled IS NOT NULL " if settled_only else ""
    for grouping, key in groups.items():
        op.execute(
            "INSERT INTO agreementcount (grouping, group_key, first_label_id, second_label_id, n) "
            f"SELECT '{grouping}', {key}, a.verdict_id, b.verdict_id, count(*) "
            "FROM blindverdict a JOIN blindverdict b ON b.claim_id = a.claim_id AND a.reviewer_id < b.reviewer_id "
            f"{where}GROUP BY {key}, a.verdict_id, b.verdict_id"
        )


def upgrade() -> None:
    _recount(settled_only=True)


def downgrade() -> None:
    _recount(settled_only=False)
