"""The newsroom's memory: the archive of fact-checks, the matches found for each claim, the links
reviewers make to earlier checks, and the full-text indexes search and matching read.

The indexes live in the database and are kept in step by triggers, in the transaction that
changes the rows, whatever writes them (the app, an import, a migration):
- SQLite: FTS5 tables `claim_search` (a claim's text, its rationale and conclusion, its sources'
  titles, publishers and quotes, its article's title; rowid = claim.id) and `archive_search` (an
  entry's claim, title and summary; rowid = archiveentry.id), Porter-stemmed.
- PostgreSQL: a table `claimsearch` (claim_id, a weighted English tsvector) filled by
  `claimsearch_refresh(claim_id)` and rebuilt whole by `claimsearch_rebuild()`, and a generated
  column `archiveentry.search_document`, each with a GIN index.
`factcheck search reindex` rebuilds them (factcheck.search).

A later revision that copies the `claim`, `source`, `article` or `archiveentry` table in SQLite's
batch mode drops its triggers: it must create them again (tests/test_search.py checks they exist).

Revision ID: 0005
Revises: 0004
Created: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _refers(name: str, target: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), sa.ForeignKey(target, ondelete="CASCADE"), nullable=nullable)


def _long(name: str) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=False, default="")


def _when(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "archiveentry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(length=300), nullable=False, unique=True),
        _long("claim"),
        _long("title"),
        _long("summary"),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("rating", sa.String(length=200), nullable=True),
        sa.Column("rating_value", sa.Float(), nullable=True),
        sa.Column("best_rating", sa.Float(), nullable=True),
        sa.Column("worst_rating", sa.Float(), nullable=True),
        sa.Column("publisher", sa.String(length=200), nullable=True),
        sa.Column("claimant", sa.String(length=200), nullable=True),
        sa.Column("appearance", sa.String(length=2000), nullable=True),
        _when("imported"),
        _when("updated"),
        sa.Index("ix_archiveentry_updated", "updated"),
        sa.Index("ix_archiveentry_url", "url"),
    )
    op.create_table(
        "claimmatch",
        sa.Column("id", sa.Integer(), primary_key=True),
        _refers("claim_id", "claim.id"),
        sa.Column("position", sa.Integer(), nullable=False),
        _refers("archive_entry_id", "archiveentry.id", nullable=True),
        _refers("other_claim_id", "claim.id", nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("model", sa.String(length=40), nullable=False, default=""),
        _when("found"),
        sa.UniqueConstraint("claim_id", "position"),
        sa.Index("ix_claimmatch_claim_id", "claim_id"),
        sa.Index("ix_claimmatch_archive_entry_id", "archive_entry_id"),
        sa.Index("ix_claimmatch_other_claim_id", "other_claim_id"),
    )
    op.create_table(
        "claimlink",
        sa.Column("id", sa.Integer(), primary_key=True),
        _refers("claim_id", "claim.id"),
        sa.Column("ref", sa.String(length=320), nullable=False),
        _refers("archive_entry_id", "archiveentry.id", nullable=True),
        _refers("other_claim_id", "claim.id", nullable=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        _when("created"),
        sa.UniqueConstraint("claim_id", "ref"),
        sa.Index("ix_claimlink_claim_id", "claim_id"),
        sa.Index("ix_claimlink_archive_entry_id", "archive_entry_id"),
        sa.Index("ix_claimlink_other_claim_id", "other_claim_id"),
        sa.Index("ix_claimlink_user_id", "user_id"),
    )
    for statement in SQLITE if op.get_bind().dialect.name == "sqlite" else POSTGRESQL:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS claim_search")
        op.execute("DROP TABLE IF EXISTS archive_search")
    else:
        for table, name in POSTGRESQL_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute("DROP TABLE IF EXISTS claimsearch")
        for function in ("claimsearch_rebuild()", "claimsearch_refresh(integer)", "claimsearch_of_claim()",
                         "claimsearch_of_source()", "claimsearch_of_article()"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.drop_table("claimlink")
    op.drop_table("claimmatch")
    op.drop_table("archiveentry")


# --- SQLite: FTS5 tables and the triggers that keep them in step --------------------------------------

#: What the claim index holds for claim `{0}` (a claim row's alias): the same expression is
#: factcheck.search.sqlite's, for `factcheck search reindex`.
_CLAIM_ROW = (
    "{0}.id, {0}.text, {0}.rationale || ' ' || {0}.conclusion, "
    "coalesce((SELECT group_concat(s.title || ' ' || s.publisher || ' ' || s.quote, ' ') "
    "FROM source s WHERE s.claim_id = {0}.id), ''), "
    "coalesce((SELECT a.title FROM article a WHERE a.id = {0}.article_id), '')"
)

SQLITE_TRIGGERS = [
    "claim_search_insert", "claim_search_update", "claim_search_delete",
    "claim_search_source_insert", "claim_search_source_update", "claim_search_source_delete",
    "claim_search_article_title",
    "archive_search_insert", "archive_search_update", "archive_search_delete",
]

_SOURCES_OF = (
    "UPDATE claim_search SET sources = coalesce((SELECT group_concat(s.title || ' ' || s.publisher || ' ' || s.quote, ' ') "
    "FROM source s WHERE s.claim_id = {0}.claim_id), '') WHERE rowid = {0}.claim_id;"
)

SQLITE = [
    "CREATE VIRTUAL TABLE claim_search USING fts5(claim, rationale, sources, article, "
    "tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3')",
    "CREATE VIRTUAL TABLE archive_search USING fts5(claim, title, summary, "
    "tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3')",
    f"INSERT INTO claim_search (rowid, claim, rationale, sources, article) SELECT {_CLAIM_ROW.format('c')} FROM claim c",
    "INSERT INTO archive_search (rowid, claim, title, summary) SELECT id, claim, title, summary FROM archiveentry",
    "CREATE TRIGGER claim_search_insert AFTER INSERT ON claim BEGIN "
    f"INSERT INTO claim_search (rowid, claim, rationale, sources, article) SELECT {_CLAIM_ROW.format('new')}; END",
    "CREATE TRIGGER claim_search_update AFTER UPDATE OF text, rationale, conclusion ON claim BEGIN "
    "UPDATE claim_search SET claim = new.text, rationale = new.rationale || ' ' || new.conclusion WHERE rowid = new.id; END",
    "CREATE TRIGGER claim_search_delete AFTER DELETE ON claim BEGIN DELETE FROM claim_search WHERE rowid = old.id; END",
    f"CREATE TRIGGER claim_search_source_insert AFTER INSERT ON source BEGIN {_SOURCES_OF.format('new')} END",
    "CREATE TRIGGER claim_search_source_update AFTER UPDATE ON source BEGIN "
    f"{_SOURCES_OF.format('old')} {_SOURCES_OF.format('new')} END",
    f"CREATE TRIGGER claim_search_source_delete AFTER DELETE ON source BEGIN {_SOURCES_OF.format('old')} END",
    "CREATE TRIGGER claim_search_article_title AFTER UPDATE OF title ON article BEGIN "
    "UPDATE claim_search SET article = new.title WHERE rowid IN (SELECT id FROM claim WHERE article_id = new.id); END",
    "CREATE TRIGGER archive_search_insert AFTER INSERT ON archiveentry BEGIN "
    "INSERT INTO archive_search (rowid, claim, title, summary) VALUES (new.id, new.claim, new.title, new.summary); END",
    "CREATE TRIGGER archive_search_update AFTER UPDATE OF claim, title, summary ON archiveentry BEGIN "
    "UPDATE archive_search SET claim = new.claim, title = new.title, summary = new.summary WHERE rowid = new.id; END",
    "CREATE TRIGGER archive_search_delete AFTER DELETE ON archiveentry BEGIN "
    "DELETE FROM archive_search WHERE rowid = old.id; END",
]


# --- PostgreSQL: tsvector documents, GIN indexes, trigger functions -----------------------------------

POSTGRESQL_TRIGGERS = [
    ("claim", "claimsearch_claim"),
    ("source", "claimsearch_source"),
    ("article", "claimsearch_article"),
]

#: A claim's document: its text weighs most (A), then rationale and conclusion (B), its sources (C)
#: and its article's title (D).
_CLAIM_DOCUMENT = (
    "setweight(to_tsvector('english', c.text), 'A') "
    "|| setweight(to_tsvector('english', c.rationale || ' ' || c.conclusion), 'B') "
    "|| setweight(to_tsvector('english', coalesce(s.sources, '')), 'C') "
    "|| setweight(to_tsvector('english', a.title), 'D')"
)
_CLAIM_DOCUMENTS = (
    f"SELECT c.id, {_CLAIM_DOCUMENT} FROM claim c JOIN article a ON a.id = c.article_id "
    "LEFT JOIN (SELECT claim_id, string_agg(title || ' ' || publisher || ' ' || quote, ' ') AS sources "
    "FROM source GROUP BY claim_id) s ON s.claim_id = c.id"
)

POSTGRESQL = [
    "ALTER TABLE archiveentry ADD COLUMN search_document tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', claim), 'A') || setweight(to_tsvector('english', title), 'B') "
    "|| setweight(to_tsvector('english', summary), 'C')) STORED",
    "CREATE INDEX ix_archiveentry_search_document ON archiveentry USING gin (search_document)",
    "CREATE TABLE claimsearch (claim_id integer PRIMARY KEY REFERENCES claim (id) ON DELETE CASCADE, "
    "document tsvector NOT NULL)",
    "CREATE INDEX ix_claimsearch_document ON claimsearch USING gin (document)",
    "CREATE FUNCTION claimsearch_refresh(integer) RETURNS void LANGUAGE sql AS $$ "
    "INSERT INTO claimsearch (claim_id, document) "
    f"SELECT c.id, {_CLAIM_DOCUMENT} FROM claim c JOIN article a ON a.id = c.article_id "
    "LEFT JOIN (SELECT claim_id, string_agg(title || ' ' || publisher || ' ' || quote, ' ') AS sources "
    "FROM source WHERE claim_id = $1 GROUP BY claim_id) s ON s.claim_id = c.id WHERE c.id = $1 "
    "ON CONFLICT (claim_id) DO UPDATE SET document = excluded.document $$",
    "CREATE FUNCTION claimsearch_rebuild() RETURNS void LANGUAGE sql AS $$ "
    f"DELETE FROM claimsearch; INSERT INTO claimsearch (claim_id, document) {_CLAIM_DOCUMENTS} $$",
    "CREATE FUNCTION claimsearch_of_claim() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "PERFORM claimsearch_refresh(NEW.id); RETURN NULL; END $$",
    "CREATE FUNCTION claimsearch_of_source() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP <> 'INSERT' THEN PERFORM claimsearch_refresh(OLD.claim_id); END IF; "
    "IF TG_OP <> 'DELETE' THEN PERFORM claimsearch_refresh(NEW.claim_id); END IF; RETURN NULL; END $$",
    "CREATE FUNCTION claimsearch_of_article() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "PERFORM claimsearch_refresh(id) FROM claim WHERE article_id = NEW.id; RETURN NULL; END $$",
    "CREATE TRIGGER claimsearch_claim AFTER INSERT OR UPDATE OF text, rationale, conclusion ON claim "
    "FOR EACH ROW EXECUTE FUNCTION claimsearch_of_claim()",
    "CREATE TRIGGER claimsearch_source AFTER INSERT OR UPDATE OR DELETE ON source "
    "FOR EACH ROW EXECUTE FUNCTION claimsearch_of_source()",
    "CREATE TRIGGER claimsearch_article AFTER UPDATE OF title ON article "
    "FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION claimsearch_of_article()",
    "SELECT claimsearch_rebuild()",
]
