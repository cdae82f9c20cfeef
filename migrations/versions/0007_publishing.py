"""Publishing: claim details (claimant, where and when it was said, a short summary), article
tags, archived articles, when a claim was published (the public list's order), and an index on
when claims changed.

ClaimReview (factcheck.report.claimreview) needs who made a claim (`itemReviewed.author`) and a
short `claimReviewed`; collection reports filter by tag; an editor archives an article to hide it
from the lists while it stays in reports, exports and public pages. Existing rows get empty
details, no tags, and stay unarchived.

Revision ID: 0007
Revises: 0006
Created: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    # Plain ALTER TABLE on both databases (no batch copy on SQLite: it would drop the search triggers).
    op.add_column("claim", sa.Column("claimant", _TEXT(length=200), nullable=False, server_default=""))
    op.add_column("claim", sa.Column("claim_url", _TEXT(length=2000), nullable=False, server_default=""))
    op.add_column("claim", sa.Column("claim_date", sa.Date(), nullable=True))
    op.add_column("claim", sa.Column("summary", _TEXT(length=200), nullable=False, server_default=""))
    op.add_column("claim", sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
    # When each published claim was last published, from its history (else when it last changed).
    op.execute(
        "UPDATE claim SET published_at = coalesce((SELECT max(r.changed) FROM claimrevision r WHERE r.claim_id = claim.id "
        "AND r.field = 'status' AND r.after = 'published'), updated) WHERE status = 'PUBLISHED'"
    )
    op.create_index("ix_claim_published", "claim", ["status", "published_at", "id"], unique=False)
    op.add_column("article", sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "articletag",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("tag", _TEXT(length=50), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "tag"),
    )
    op.create_index(op.f("ix_articletag_tag"), "articletag", ["tag"], unique=False)
    # The dashboard and collection reports count verdicts given in a period.
    op.create_index(op.f("ix_claimrevision_changed"), "claimrevision", ["changed"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_claimrevision_changed"), table_name="claimrevision")
    op.drop_index(op.f("ix_articletag_tag"), table_name="articletag")
    op.drop_table("articletag")
    op.drop_column("article", "archived")
    op.drop_index("ix_claim_published", table_name="claim")
    for name in ("published_at", "summary", "claim_date", "claim_url", "claimant"):
        op.drop_column("claim", name)
