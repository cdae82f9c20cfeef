"""How many archived fact-checks keep each rare word: the first stage reads the fewest first.

`archivetermcount` counts the entries each word of `archiveterm` is kept for, filled here from
the rows already stored and kept in step by factcheck.matching.index. With the counts, a claim's
words are looked up in the archive fewest entries first, a word kept for 20,000 entries or more
(TERM_POSTINGS) not at all, until 40,000 index rows (ROW_BUDGET): at 1,000,000 entries the p95
claim read 38,000 rows instead of 74,000, and the right fact-check was among the first 5 as
often (bench/README.md, "Search and matching at archive scale").

Revision ID: 0011
Revises: 0010
Created: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archivetermcount",
        sa.Column("term", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term"),
    )
    op.execute("INSERT INTO archivetermcount (term, entries) SELECT term, count(*) FROM archiveterm GROUP BY term")


def downgrade() -> None:
    op.drop_table("archivetermcount")
