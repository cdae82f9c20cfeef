"""The database: one engine per app, one session per request, SQLite pragmas, init-db."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app, g
from sqlalchemy import Column, Engine, event, inspect, text
from sqlmodel import Session, SQLModel, create_engine, select

from factcheck import models
from factcheck.models import Rating, RatingScale

#: The default scale: (label, value, description). Best and worst are the first and fifth.
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


def init_db(engine: Engine) -> None:
    """Create missing tables and columns and the default rating scale; safe to run on every start."""
    SQLModel.metadata.create_all(engine, tables=[t.__table__ for t in _tables()])
    add_missing_columns(engine)
    migrate_statuses(engine)
    with Session(engine) as session:
        if session.exec(select(RatingScale).where(RatingScale.name == DEFAULT_SCALE_NAME)).first():
            return
        scale = RatingScale(name=DEFAULT_SCALE_NAME)
        session.add(scale)
        session.flush()
        for position, (label, value, description) in enumerate(DEFAULT_RATINGS):
            session.add(
                Rating(
                    scale_id=scale.id,
                    position=position,
                    label=label,
                    value=value,
                    description=description,
                    is_best=position == 0,
                    is_worst=position == 4,
                )
            )
        session.commit()


def add_missing_columns(engine: Engine) -> list[str]:
    """Add columns that newer versions of the models define to an existing database.

    Only additions: a database made by an older factcheck keeps every row, and new columns
    start from their model default. Returns "table.column" for each column added.
    """
    added = []
    inspector = inspect(engine)
    with engine.begin() as connection:
        for model in _tables():
            table = model.__table__
            present = {column["name"] for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name in present:
                    continue
                column_type = column.type.compile(dialect=engine.dialect)
                default = _sql_default(column)
                clause = f" NOT NULL DEFAULT {default}" if default is not None else ""
                connection.execute(text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {column_type}{clause}'))
                added.append(f"{table.name}.{column.name}")
            for index in table.indexes:
                index.create(connection, checkfirst=True)
    return added


def migrate_statuses(engine: Engine) -> int:
    """Claims stored as `done` (before the workflow had second review) now need a second review.

    SQLAlchemy stores an enum by member name, so `done` is the row value `DONE`. Returns the
    number of claims moved.
    """
    with engine.begin() as connection:
        moved = connection.execute(
            text("UPDATE claim SET status = 'NEEDS_SECOND_REVIEW' WHERE status IN ('DONE', 'done')")
        )
    return moved.rowcount


def _sql_default(column: Column) -> str | None:
    value = column.default.arg if column.default is not None and column.default.is_scalar else None
    if value is None:
        return None if column.nullable else "''"
    if isinstance(value, bool):
        return "1" if value else "0"
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
    """Create the database tables and the default rating scale (done on start anyway)."""
    init_db(current_app.extensions["factcheck.engine"])
    click.echo("Database ready.")


def init_app(app: Flask) -> None:
    """Bind an engine to the app, create the schema, and close sessions after each request."""
    engine = make_engine(app.config["DATABASE_URL"], app.config["SQLITE_BUSY_TIMEOUT_MS"])
    app.extensions["factcheck.engine"] = engine
    init_db(engine)
    app.teardown_appcontext(_close_session)
    app.cli.add_command(init_db_command)
