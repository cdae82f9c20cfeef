"""Baseline: the schema of factcheck 0.1.0, the last release before revisions.

A new database gets every table and the preset rating scales. A database made by factcheck
0.1.0 or earlier (tables, but no revision) is brought to the same schema in place, keeping every
row: once, here, what 0.1.0 did by hand on every start. Missing tables, columns and indexes are
added (columns with their default), PostgreSQL's enum types get the labels they lack, claims
stored as `done` (before second review existed) need a second review, and any preset scale
missing is seeded. The tables and the presets are written out below as they were at this
revision, so later changes to the models or to factcheck.domain.scales never change what this
revision does. `--sql` writes the script for a new database only: adopting an older one needs
to look at it first.

Revision ID: 0001
Revises:
Created: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BASELINE = sa.MetaData()


def _enum(name: str, *labels: str) -> sa.Enum:
    # SQLAlchemy stores an enum by member name; on PostgreSQL as a type of its own.
    return sa.Enum(*labels, name=name, metadata=BASELINE)


ROLE = _enum("role", "ADMIN", "EDITOR", "REVIEWER")
CLAIM_STATUS = _enum("claimstatus", "TO_REVIEW", "IN_PROGRESS", "NEEDS_SECOND_REVIEW", "APPROVED", "PUBLISHED")
CLAIM_KIND = _enum("claimkind", "FACTUAL", "STATISTIC", "ATTRIBUTION", "PREDICTION", "OPINION", "NOT_A_CLAIM")
STANCE = _enum("stance", "SUPPORTS", "REFUTES", "CONTEXT")


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _text(name: str, **kwargs: object) -> sa.Column:
    """A required string column; `default` is what an older database's rows get when it is added."""
    return sa.Column(name, sa.String(), nullable=False, default="", **kwargs)


def _long(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=nullable, default=None if nullable else "")


def _flag(name: str) -> sa.Column:
    return sa.Column(name, sa.Boolean(), nullable=False, default=False)


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _refers(name: str, target: str, *, nullable: bool = False, cascade: bool = False) -> sa.Column:
    on_delete = "CASCADE" if cascade else None
    return sa.Column(name, sa.Integer(), sa.ForeignKey(target, ondelete=on_delete), nullable=nullable)


sa.Table(
    "user", BASELINE, _id(),
    sa.Column("username", sa.String(), nullable=False),
    _text("display_name"),
    sa.Column("role", ROLE, nullable=False, default="REVIEWER"),
    sa.Column("password_hash", sa.String(), nullable=False),
    sa.Column("active", sa.Boolean(), nullable=False, default=True),
    _when("created"),
    sa.Index("ix_user_username", "username", unique=True),
)
sa.Table(
    "loginsession", BASELINE, _id(),
    sa.Column("token_hash", sa.String(), nullable=False),
    _refers("user_id", "user.id", cascade=True),
    _when("created"),
    _when("expires"),
    sa.Index("ix_loginsession_token_hash", "token_hash", unique=True),
    sa.Index("ix_loginsession_user_id", "user_id"),
)
sa.Table(
    "ratingscale", BASELINE, _id(),
    sa.Column("name", sa.String(), nullable=False, unique=True),
    _text("description"),
    _flag("free_text"),
    _flag("preset"),
)
sa.Table(
    "rating", BASELINE, _id(),
    _refers("scale_id", "ratingscale.id"),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Column("label", sa.String(), nullable=False),
    sa.Column("value", sa.Integer(), nullable=False),
    _flag("is_best"),
    _flag("is_worst"),
    _text("description"),
    sa.Column("min_sources", sa.Integer(), nullable=False, default=1),
    sa.UniqueConstraint("scale_id", "label"),
    sa.Index("ix_rating_scale_id", "scale_id"),
)
sa.Table(
    "article", BASELINE, _id(),
    sa.Column("title", sa.String(), nullable=False),
    _text("outlet"),
    _text("author"),
    _text("url"),
    sa.Column("published", sa.Date(), nullable=True),
    _text("dateline"),
    _text("source_url"),
    _text("content_hash"),
    _long("text"),
    _refers("rating_scale_id", "ratingscale.id"),
    _flag("blind_review"),
    _when("created"),
    sa.Index("ix_article_content_hash", "content_hash"),
)
sa.Table(
    "claim", BASELINE, _id(),
    _refers("article_id", "article.id", cascade=True),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Column("start", sa.Integer(), nullable=False),
    sa.Column("end", sa.Integer(), nullable=False),
    _long("text"),
    sa.Column("status", CLAIM_STATUS, nullable=False, default="TO_REVIEW"),
    _refers("verdict_id", "rating.id", nullable=True),
    _text("conclusion"),
    _long("rationale"),
    sa.Column("checkworthiness", sa.Float(), nullable=True),
    sa.Column("kind", CLAIM_KIND, nullable=True),
    _text("signals"),
    sa.Column("worth_checking", sa.Boolean(), nullable=True),
    _flag("dismissed"),
    _when("updated"),
    sa.Column("version", sa.Integer(), nullable=False, default=1),
    _refers("submitted_by_id", "user.id", nullable=True),
    sa.UniqueConstraint("article_id", "position"),
    sa.Index("ix_claim_article_id", "article_id"),
)
sa.Table(
    "source", BASELINE, _id(),
    _refers("claim_id", "claim.id", cascade=True),
    sa.Column("url", sa.String(), nullable=False),
    _text("title"),
    _text("publisher"),
    _long("quote"),
    sa.Column("stance", STANCE, nullable=False, default="CONTEXT"),
    sa.Column("accessed", sa.Date(), nullable=False),
    _when("created"),
    sa.Index("ix_source_claim_id", "claim_id"),
)
sa.Table(
    "claimrevision", BASELINE, _id(),
    _refers("claim_id", "claim.id", cascade=True),
    sa.Column("field", sa.String(), nullable=False),
    _long("before", nullable=True),
    _long("after", nullable=True),
    _when("changed"),
    _refers("user_id", "user.id", nullable=True),
    sa.Index("ix_claimrevision_claim_id", "claim_id"),
)
sa.Table(
    "assignment", BASELINE, _id(),
    _refers("article_id", "article.id", cascade=True),
    _refers("claim_id", "claim.id", nullable=True, cascade=True),
    _refers("reviewer_id", "user.id", cascade=True),
    _refers("assigned_by_id", "user.id", nullable=True),
    _when("created"),
    sa.UniqueConstraint("article_id", "claim_id", "reviewer_id"),
    sa.Index("ix_assignment_article_id", "article_id"),
    sa.Index("ix_assignment_claim_id", "claim_id"),
    sa.Index("ix_assignment_reviewer_id", "reviewer_id"),
)
sa.Table(
    "blindverdict", BASELINE, _id(),
    _refers("claim_id", "claim.id", cascade=True),
    _refers("article_id", "article.id", cascade=True),
    _refers("reviewer_id", "user.id", cascade=True),
    _refers("verdict_id", "rating.id"),
    _long("rationale"),
    _when("given"),
    _when("settled", nullable=True),
    _flag("chosen"),
    sa.UniqueConstraint("claim_id", "reviewer_id"),
    sa.Index("ix_blindverdict_article_id", "article_id"),
    sa.Index("ix_blindverdict_claim_id", "claim_id"),
    sa.Index("ix_blindverdict_reviewer_id", "reviewer_id"),
)
sa.Table(
    "correction", BASELINE, _id(),
    _refers("claim_id", "claim.id", cascade=True),
    _refers("user_id", "user.id", nullable=True),
    _when("created"),
    _long("reason"),
    sa.Column("old_verdict", sa.String(), nullable=True),
    _long("old_rationale"),
    sa.Column("old_status", CLAIM_STATUS, nullable=False),
    sa.Index("ix_correction_claim_id", "claim_id"),
)
sa.Table(
    "comment", BASELINE, _id(),
    _refers("claim_id", "claim.id", cascade=True),
    _refers("user_id", "user.id", nullable=True),
    _when("created"),
    _long("body"),
    sa.Index("ix_comment_claim_id", "claim_id"),
)


def upgrade() -> None:
    bind = op.get_bind()
    if context.is_offline_mode():  # `--sql`: the script for a new database
        BASELINE.create_all(bind, checkfirst=False)
        _seed_presets(bind, stored={})
        return
    existing = set(sa.inspect(bind).get_table_names())
    if existing & set(BASELINE.tables):
        _adopt(bind)
    else:
        BASELINE.create_all(bind)
    _seed_presets(bind)


def downgrade() -> None:
    """No tables at all: every stored row is lost."""
    BASELINE.drop_all(op.get_bind())


# --- A database from before revisions -----------------------------------------------------------


def _adopt(bind: sa.Connection) -> None:
    """Bring a database made by factcheck 0.1.0 or earlier to this revision's schema, keeping its rows."""
    if bind.dialect.name == "postgresql":
        # A new label can be used only once added and committed: outside this transaction.
        with op.get_context().autocommit_block():
            _add_enum_labels(bind)
    BASELINE.create_all(bind, checkfirst=True)  # tables newer than the database
    _add_columns(bind)
    # Stored by member name; `done` came before second review. Compared as text: on PostgreSQL
    # 'DONE' is no label of the claimstatus type any more.
    bind.execute(
        sa.text("UPDATE claim SET status = 'NEEDS_SECOND_REVIEW' WHERE CAST(status AS VARCHAR) IN ('DONE', 'done')")
    )


def _add_enum_labels(bind: sa.Connection) -> None:
    """Give each of PostgreSQL's enum types the labels this revision's columns use."""
    for enum in (ROLE, CLAIM_STATUS, CLAIM_KIND, STANCE):
        present = set(
            bind.execute(
                sa.text(
                    "SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
                    "WHERE t.typname = :name AND t.typnamespace = to_regnamespace(current_schema())"
                ),
                {"name": enum.name},
            ).scalars()
        )
        for label in enum.enums:
            if present and label not in present:
                bind.execute(sa.text(f"ALTER TYPE \"{enum.name}\" ADD VALUE IF NOT EXISTS '{label}'"))


def _add_columns(bind: sa.Connection) -> None:
    """Add the columns and indexes an older database lacks; existing rows get each column's default."""
    inspector = sa.inspect(bind)
    for table in BASELINE.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            if isinstance(column.type, sa.Enum) and bind.dialect.name == "postgresql":
                column.type.create(bind, checkfirst=True)
            type_sql = column.type.compile(dialect=bind.dialect)
            default = _sql_default(column)
            clause = f" NOT NULL DEFAULT {default}" if default is not None else ""
            bind.execute(sa.text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {type_sql}{clause}'))
        indexed = {index["name"] for index in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in indexed:
                index.create(bind)


def _sql_default(column: sa.Column) -> str | None:
    value = column.default.arg if column.default is not None and column.default.is_scalar else None
    if value is None:
        return None if column.nullable else "''"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # both SQLite and PostgreSQL read these
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


# --- Presets ------------------------------------------------------------------------------------

#: The preset scales as this revision seeds them: (name, description, free_text, best, worst,
#: [(label, value, description), ...]). Written out, not imported: what 0001 does never changes.
PRESETS = [
    (
        "Truth-O-Meter (7 labels)",
        "Five degrees of truth, plus labels for what cannot be checked.",
        False,
        "True",
        "False",
        [
            ("True", 5, "Accurate; nothing significant is missing."),
            ("Mostly true", 4, "Accurate but needs clarification or more information."),
            ("Half true", 3, "Partially accurate; leaves out important details or takes things out of context."),
            ("Mostly false", 2, "Contains an element of truth but ignores facts that give a different impression."),
            ("False", 1, "Not accurate."),
            ("Unverifiable", 0, "The available evidence neither confirms nor refutes it."),
            ("Not a claim", -1, "Opinion, prediction or framing: nothing that can be checked."),
        ],
    ),
    (
        "PolitiFact-style (6 levels)",
        "Six degrees from True to Pants on Fire, for statements that can be checked.",
        False,
        "True",
        "Pants on Fire",
        [
            ("True", 5, "Accurate, and nothing significant is left out."),
            ("Mostly True", 4, "Accurate, but needs a clarification or added context."),
            ("Half True", 3, "Partly accurate; leaves out important details or takes things out of context."),
            ("Mostly False", 2, "Has a grain of truth but ignores facts that change the picture."),
            ("False", 1, "Not accurate."),
            ("Pants on Fire", 0, "Not accurate, and a ridiculous claim besides."),
        ],
    ),
    (
        "Snopes-style labels",
        "Degrees of truth plus labels for rumours, quotes, images, scams and satire.",
        False,
        "True",
        "False",
        [
            ("True", 5, "The main elements of the claim are demonstrably accurate."),
            ("Mostly True", 4, "The main point is accurate; some details are wrong or missing."),
            ("Mixture", 3, "Contains significant parts that are true and parts that are false."),
            ("Mostly False", 2, "The main point is wrong, though some details are accurate."),
            ("False", 1, "The main elements of the claim are demonstrably inaccurate."),
            ("Unproven", 0, "There is evidence both ways, or too little to reach a conclusion."),
            ("Unfounded", 0, "No evidence supports it, and it is not plausible on its face."),
            ("Outdated", 0, "Was accurate once; events have moved on since."),
            ("Miscaptioned", 1, "A real photo or video, presented with a false description of what it shows."),
            ("Correct Attribution", 5, "The person quoted did say or write this."),
            ("Misattributed", 1, "The words are real, but someone else said or wrote them."),
            ("Scam", 1, "A scheme to take money or personal data from the people who believe it."),
            ("Legend", 0, "A tale retold so often that where it came from can no longer be traced."),
            ("Labeled Satire", 0, "Comes from a site or author that openly says it publishes satire."),
            ("Originated as Satire", 0, "Began as satire and is now passed around as if it were news."),
        ],
    ),
    (
        "Conclusion only (free text)",
        "No labels: the reviewer writes a short conclusion, e.g. “Misleading: the figure is from 2019”.",
        True,
        None,
        None,
        [],
    ),
]



def _seed_presets(bind: sa.Connection, stored: dict | None = None) -> None:
    """Add each preset scale missing by name; mark stored ones of a preset's name as presets."""
    scales, ratings = BASELINE.tables["ratingscale"], BASELINE.tables["rating"]
    if stored is None:
        columns = (scales.c.id, scales.c.name, scales.c.preset, scales.c.description)
        stored = {row.name: row for row in bind.execute(sa.select(*columns))}
    for name, description, free_text, best, worst, labels in PRESETS:
        row = stored.get(name)
        if row is not None:
            if not row.preset:  # a database from before presets were marked
                kept = row.description or description
                bind.execute(scales.update().where(scales.c.id == row.id).values(preset=True, description=kept))
            continue
        bind.execute(scales.insert().values(name=name, description=description, free_text=free_text, preset=True))
        scale_id = sa.select(scales.c.id).where(scales.c.name == name).scalar_subquery()
        for position, (label, value, meaning) in enumerate(labels):
            bind.execute(
                ratings.insert().values(
                    scale_id=scale_id,
                    position=position,
                    label=label,
                    value=value,
                    description=meaning,
                    is_best=label == best,
                    is_worst=label == worst,
                    min_sources=1,
                )
            )
