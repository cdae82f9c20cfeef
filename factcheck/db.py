"""The database: one engine per app, one session per request, SQLite pragmas, init-db."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import click
from flask import Flask, current_app, g
from sqlalchemy import Column, Engine, event, inspect, text
from sqlalchemy import Enum as SAEnum
from sqlmodel import Session, SQLModel, create_engine, select

from factcheck import models
from factcheck.models import Rating, RatingScale

#: The default scale: (label, value, description). Best and worst are True and False.
DEFAULT_SCALE_NAME = "Truth-O-Meter (7 labels)"
DEFAULT_RATINGS: list[tuple[str, int, str]] = [
    ("True", 5, "Accurate; nothing significant is missing."),
    ("Mostly true", 4, "Accurate but needs clarification or more information."),
    ("Half true", 3, "Partially accurate; leaves out important details or takes things out of context."),
    ("Mostly false", 2, "Contains an element of truth but ignores facts that give a different impression."),
    ("False", 1, "Not accurate."),
    ("Unverifiable", 0, "The available evidence neither confirms nor refutes it."),
    ("Not a claim", -1, "Opinion, prediction or framing: nothing that can be checked."),
]


def make_engine(url: str, busy_timeout_ms: int = 5000) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):  # noqa: ANN001
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


@dataclass(frozen=True)
class PresetScale:
    """A built-in scale: (label, value, description) in display order, with the best and worst labels."""

    name: str
    description: str
    ratings: list[tuple[str, int, str]] = field(default_factory=list)
    best: str | None = None
    worst: str | None = None
    free_text: bool = False


PRESET_SCALES: list[PresetScale] = [
    PresetScale(
        DEFAULT_SCALE_NAME,
        "Five degrees of truth, plus labels for what cannot be checked.",
        DEFAULT_RATINGS,
        best="True",
        worst="False",
    ),
    PresetScale(
        "PolitiFact-style (6 levels)",
        "Six degrees from True to Pants on Fire, for statements that can be checked.",
        [
            ("True", 5, "Accurate, and nothing significant is left out."),
            ("Mostly True", 4, "Accurate, but needs a clarification or added context."),
            ("Half True", 3, "Partly accurate; leaves out important details or takes things out of context."),
            ("Mostly False", 2, "Has a grain of truth but ignores facts that change the picture."),
            ("False", 1, "Not accurate."),
            ("Pants on Fire", 0, "Not accurate, and a ridiculous claim besides."),
        ],
        best="True",
        worst="Pants on Fire",
    ),
    PresetScale(
        "Snopes-style labels",
        "Degrees of truth plus labels for rumours, quotes, images, scams and satire.",
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
        best="True",
        worst="False",
    ),
    PresetScale(
        "Conclusion only (free text)",
        "No labels: the reviewer writes a short conclusion, e.g. “Misleading: the figure is from 2019”.",
        free_text=True,
    ),
]


def init_db(engine: Engine) -> None:
    """Create missing tables and columns and the preset rating scales; safe to run on every start."""
    tables = [model.__table__ for model in _tables()]
    existing = set(inspect(engine).get_table_names())
    missing = [t for t in tables if t.name not in existing]
    if missing:
        SQLModel.metadata.create_all(engine, tables=missing)
    if existing:
        add_missing_columns(engine)
        add_missing_enum_values(engine)
        migrate_statuses(engine)
    with Session(engine) as session:
        present = {scale.name: scale for scale in session.exec(select(RatingScale)).all()}
        for preset in PRESET_SCALES:
            scale = present.get(preset.name)
            if scale is None:
                _seed(session, preset)
            elif not scale.preset:  # a database from before presets were marked
                scale.preset = True
                scale.description = scale.description or preset.description
                session.add(scale)
        session.commit()


def _seed(session: Session, preset: PresetScale) -> None:
    scale = RatingScale(name=preset.name, description=preset.description, free_text=preset.free_text, preset=True)
    session.add(scale)
    session.flush()
    for position, (label, value, description) in enumerate(preset.ratings):
        session.add(
            Rating(
                scale_id=scale.id,
                position=position,
                label=label,
                value=value,
                description=description,
                is_best=label == preset.best,
                is_worst=label == preset.worst,
            )
        )


def add_missing_columns(engine: Engine) -> list[str]:
    """Add columns that newer versions of the models define to an existing database.

    Only additions: a database made by an older factcheck keeps every row, and new columns
    start from their model default. Returns "table.column" for each column added.
    """
    added = []
    inspector = inspect(engine)
    # One catalogue query for all tables (not one per table): this runs on every start.
    columns = inspector.get_multi_columns()
    indexes = inspector.get_multi_indexes()
    schema = inspector.default_schema_name
    with engine.begin() as connection:
        for model in _tables():
            table = model.__table__
            present = {column["name"] for column in _for_table(columns, schema, table.name)}
            for column in table.columns:
                if column.name in present:
                    continue
                if isinstance(column.type, SAEnum) and column.type.native_enum:
                    column.type.create(connection, checkfirst=True)  # PostgreSQL: the enum's own type
                column_type = column.type.compile(dialect=engine.dialect)
                default = _sql_default(column)
                clause = f" NOT NULL DEFAULT {default}" if default is not None else ""
                connection.execute(text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {column_type}{clause}'))
                added.append(f"{table.name}.{column.name}")
            indexed = {index["name"] for index in _for_table(indexes, schema, table.name)}
            for index in table.indexes:
                if index.name not in indexed:
                    index.create(connection, checkfirst=True)
    return added


def _for_table(found: dict, schema: str | None, table: str) -> list:
    # SQLite reports the default schema as None, PostgreSQL by name.
    return found.get((schema, table)) or found.get((None, table)) or []


def migrate_statuses(engine: Engine) -> int:
    """Claims stored as `done` (before the workflow had second review) now need a second review.

    SQLAlchemy stores an enum by member name, so `done` is the row value `DONE`. Returns the
    number of claims moved.
    """
    with engine.begin() as connection:
        # Compared as text: on PostgreSQL 'DONE' is no longer a label of the claimstatus type.
        moved = connection.execute(
            text("UPDATE claim SET status = 'NEEDS_SECOND_REVIEW' WHERE CAST(status AS VARCHAR) IN ('DONE', 'done')")
        )
    return moved.rowcount


def add_missing_enum_values(engine: Engine) -> list[str]:
    """On PostgreSQL, add the labels newer models give an enum type (e.g. claim statuses).

    PostgreSQL stores an Enum column as a type of its own, created with the labels of its day;
    SQLite stores plain text and needs nothing. Returns "type.LABEL" for each label added.
    """
    if engine.dialect.name != "postgresql":
        return []
    added = []
    # ALTER TYPE ... ADD VALUE takes effect at commit: run each in its own autocommit statement.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for model in _tables():
            for column in model.__table__.columns:
                if not isinstance(column.type, SAEnum) or not column.type.name:
                    continue
                present = set(
                    connection.execute(
                        text(
                            "SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
                            "WHERE t.typname = :name AND t.typnamespace = to_regnamespace(current_schema())"
                        ),
                        {"name": column.type.name},
                    ).scalars()
                )
                for label in column.type.enums:
                    if present and label not in present:
                        connection.execute(text(f'ALTER TYPE "{column.type.name}" ADD VALUE IF NOT EXISTS \'{label}\''))
                        added.append(f"{column.type.name}.{label}")
    return added


def _sql_default(column: Column) -> str | None:
    value = column.default.arg if column.default is not None and column.default.is_scalar else None
    if value is None:
        return None if column.nullable else "''"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # both SQLite and PostgreSQL read these
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _tables() -> list[type[SQLModel]]:
    return [
        models.User,
        models.LoginSession,
        models.RatingScale,
        models.Rating,
        models.Article,
        models.Claim,
        models.Source,
        models.ClaimRevision,
        models.Assignment,
        models.BlindVerdict,
        models.Correction,
        models.Comment,
    ]


def default_scale(session: Session) -> RatingScale:
    """The scale new articles are rated on."""
    scale = session.exec(select(RatingScale).where(RatingScale.name == DEFAULT_SCALE_NAME)).first()
    if scale is None:
        raise LookupError("the default rating scale is missing; run `factcheck init-db`")
    return scale


def get_session() -> Session:
    """The current request's session, opened on first use and closed on teardown."""
    if "db_session" not in g:
        g.db_session = Session(current_app.extensions["factcheck.engine"], expire_on_commit=False)
    return g.db_session


def _close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@click.command("init-db")
def init_db_command() -> None:
    """Create the database tables and the preset rating scales (done on start anyway)."""
    init_db(current_app.extensions["factcheck.engine"])
    click.echo("Database ready.")


def init_app(app: Flask) -> None:
    """Bind an engine to the app, create the schema, and close sessions after each request."""
    engine = make_engine(app.config["DATABASE_URL"], app.config["SQLITE_BUSY_TIMEOUT_MS"])
    app.extensions["factcheck.engine"] = engine
    init_db(engine)
    app.teardown_appcontext(_close_session)
    app.cli.add_command(init_db_command)
