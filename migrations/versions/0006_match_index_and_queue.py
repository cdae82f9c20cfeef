"""The first stage of "seen before" as an index of rare words, and a queue of claims to match.

`archiveterm` and `claimterm` hold the rare words each archived fact-check and each verified
claim is found by (factcheck.matching.index), filled here from the rows already stored: looking
a claim's words up there reads a bounded number of rows however big the archive, where the
full-text OR query it replaces ranked every entry sharing a word with the claim. `matchqueue`
lists the claims whose matches are still to be found (factcheck.matching.queue): an import
answers once its article is stored, and the matches follow. `ix_claim_status` serves search's
status filter.

Revision ID: 0006
Revises: 0005
Created: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import context, op
from sqlmodel import Session

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archiveterm",
        sa.Column("term", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("archive_entry_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["archive_entry_id"], ["archiveentry.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("term", "archive_entry_id"),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_archiveterm_archive_entry_id"), "archiveterm", ["archive_entry_id"], unique=False)
    op.create_table(
        "claimterm",
        sa.Column("term", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("term", "claim_id"),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_claimterm_claim_id"), "claimterm", ["claim_id"], unique=False)
    op.create_table(
        "matchqueue",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("queued", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("claim_id"),
    )
    # Search's status filter, newest first, read from the index alone (bench/README.md: PostgreSQL's
    # "common word + status" searches took 235 ms at the median without it at 1,000,000 claims).
    op.create_index("ix_claim_status", "claim", ["status", "dismissed", "id"], unique=False)
    if context.is_offline_mode():  # `db upgrade --sql`: no rows to read; the script says what to run
        op.execute("-- then run `factcheck search reindex` to index the rows already stored")
        return
    # The words of what is stored already, written by the code that keeps them in step.
    from factcheck.matching import index

    with Session(bind=op.get_bind()) as session:
        index.rebuild(session)


def downgrade() -> None:
    op.drop_index("ix_claim_status", table_name="claim")
    op.drop_table("matchqueue")
    op.drop_index(op.f("ix_claimterm_claim_id"), table_name="claimterm")
    op.drop_table("claimterm")
    op.drop_index(op.f("ix_archiveterm_archive_entry_id"), table_name="archiveterm")
    op.drop_table("archiveterm")
