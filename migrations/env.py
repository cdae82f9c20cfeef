"""Alembic's environment for factcheck: the models' metadata, and how a migration connects.

Run through `factcheck db ...` (factcheck/cli.py), which gives the app's database URL. On SQLite
a migration runs in one real transaction begun with the write lock (BEGIN IMMEDIATE): a failed
migration leaves nothing half done, and two processes migrating at once (several workers
creating a new embedded database on their first start) take turns, the second finding nothing
to do. Foreign keys are off meanwhile, as SQLite's own procedure for changing a table asks:
batch mode copies a table and drops the old one, and with them on, that drop would cascade to
every row that points at it. They are checked before the migration commits.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine, event
from sqlmodel import SQLModel

import factcheck.models  # noqa: F401 (the tables, on SQLModel.metadata)
from factcheck.db import make_engine

#: How long a migration waits for another one (or a writer) to let go of a SQLite database.
SQLITE_WAIT_MS = 60_000


def migration_engine(url: str) -> Engine:
    """An engine for migrating: on SQLite, transactions that cover DDL and take the write lock first."""
    engine = make_engine(url, busy_timeout_ms=SQLITE_WAIT_MS)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _no_implicit_transactions(dbapi_connection, _record):  # noqa: ANN001
            dbapi_connection.execute("PRAGMA foreign_keys=OFF")
            dbapi_connection.isolation_level = None  # pysqlite would otherwise run DDL outside a transaction

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def run_migrations(connection: Connection) -> None:
    """Run the migrations Alembic was asked for, in one transaction."""
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=sqlite,  # SQLite alters most of a table by copying it
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"the migration left rows that point at missing rows: {broken[:5]}")


def run_offline() -> None:
    """`--sql`: print the SQL instead of running it."""
    url = context.config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=SQLModel.metadata, literal_binds=True, render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
elif "connection" in context.config.attributes:  # an in-memory database: only its own connection sees it
    run_migrations(context.config.attributes["connection"])
else:
    engine = migration_engine(context.config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as connection:
            run_migrations(connection)
    finally:
        engine.dispose()
