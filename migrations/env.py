"""Alembic's environment for factcheck: the models' metadata, and how a migration connects.

Run through `factcheck db ...` (factcheck/cli.py), which gives the app's database URL. Every
command runs in one transaction, all its revisions together, so a failed upgrade leaves the
database as it was. On SQLite that takes doing by hand: pysqlite runs DDL outside any
transaction of its own, so the connection begins one itself; an upgrade or downgrade begins it
holding the write lock (BEGIN IMMEDIATE), so that two processes migrating at once (several
workers creating a new embedded database on their first start) take turns, the second finding
nothing left to do, while reading commands (current, history, check) take no lock and are rolled
back. Foreign keys
are off while migrating, as SQLite's own procedure for changing a table asks: batch mode copies
a table and drops the old one, and with them on, that drop would cascade to every row pointing
at it. Before the transaction commits, any row a revision left pointing at nothing fails it.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine, event
from sqlmodel import SQLModel

import factcheck.models  # noqa: F401 (the tables, on SQLModel.metadata)
from factcheck import schema
from factcheck.db import make_engine
from factcheck.errors import MigrationFailed
from factcheck.schema import READ_ONLY

#: How long a migration waits for another one (or a writer) to let go of a SQLite database.
SQLITE_WAIT_MS = 60_000


def migration_engine(url: str, writes: bool) -> Engine:
    """An engine for migrating: on SQLite, transactions that cover DDL (taking the write lock
    first when the command `writes`), with foreign keys off."""
    engine = make_engine(url, busy_timeout_ms=SQLITE_WAIT_MS)
    if engine.dialect.name == "sqlite":
        begin = "BEGIN IMMEDIATE" if writes else "BEGIN"

        @event.listens_for(engine, "connect")
        def _no_implicit_transactions(dbapi_connection, _record):  # noqa: ANN001
            dbapi_connection.execute("PRAGMA foreign_keys=OFF")
            dbapi_connection.isolation_level = None  # transactions are begun below, DDL included

        @event.listens_for(engine, "begin")
        def _begin(connection: Connection) -> None:
            connection.exec_driver_sql(begin)

    return engine


def run_migrations(connection: Connection, writes: bool = True) -> None:
    """Run the revisions Alembic was asked for, in one transaction; one that only reads (current,
    history, check) is rolled back, so it never leaves even Alembic's version table behind."""
    if not writes:
        with connection.begin() as reading:
            run_migrations(connection)  # inside it: Alembic begins no transaction of its own
            reading.rollback()
        return
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=sqlite,  # SQLite alters most of a table by copying it
        compare_type=True,
        include_object=schema.include_object,  # the full-text indexes are SQL of each database's own
        transactional_ddl=True,  # on SQLite too: the engine above makes its DDL transactional
    )
    with context.begin_transaction():
        dangling = _dangling_rows(connection) if sqlite else set()
        context.run_migrations()
        if sqlite and (new := _dangling_rows(connection) - dangling):
            raise MigrationFailed(
                f"the migration would leave {len(new)} rows pointing at rows that do not exist "
                f"(table, row, referenced table: {sorted(new)[:3]}); nothing was changed."
            )


def _dangling_rows(connection: Connection) -> set[tuple]:
    return {tuple(row[:3]) for row in connection.exec_driver_sql("PRAGMA foreign_key_check")}


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
    writes = not context.config.attributes.get(READ_ONLY, False)
    engine = migration_engine(context.config.get_main_option("sqlalchemy.url"), writes)
    try:
        with engine.connect() as connection:
            run_migrations(connection, writes)
    finally:
        engine.dispose()
