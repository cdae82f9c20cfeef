"""PostgreSQL for the tests: one throwaway schema per test run, put back as new before each test.

scripts/test.sh starts a throwaway cluster and runs the suite a second time with
FACTCHECK_TEST_POSTGRES_URL pointing at it, so every test that uses the `app` fixture also runs
on PostgreSQL. The schema is brought to the latest revision once (`factcheck db upgrade`); before
each test every table is emptied (TRUNCATE ... RESTART IDENTITY costs far less than creating the
tables anew) and the rows the migrations wrote (the preset rating scales, the revision) are put
back, so each test starts from what a new database holds.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import Engine, MetaData, create_engine, text


@contextmanager
def postgres_schema(server_url: str) -> Iterator[str]:
    """Create an empty schema, yield a URL whose connections use it, and drop it afterwards."""
    schema = "t_" + uuid.uuid4().hex[:16]
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield with_search_path(server_url, schema)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


Rows = dict[str, list[dict]]


def new_database_rows(engine: Engine) -> Rows:
    """Every row of every table, by table: what a new database holds, taken right after migrating."""
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return {table.name: [dict(row._mapping) for row in connection.execute(table.select())] for table in metadata.sorted_tables}


def reset_tables(engine: Engine, rows: Rows) -> None:
    """Empty every table of the engine's schema and put back `rows` (from new_database_rows), with
    the id sequences set past them."""
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.begin() as connection:
        names = ", ".join(f'"{name}"' for name in metadata.tables)
        # The audit log refuses TRUNCATE (migration 0010): its owner, the tests' user, lifts that here only.
        connection.execute(text("ALTER TABLE auditevent DISABLE TRIGGER auditevent_no_truncate"))
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        connection.execute(text("ALTER TABLE auditevent ENABLE TRIGGER auditevent_no_truncate"))
        for table in metadata.sorted_tables:
            if rows.get(table.name):
                connection.execute(table.insert(), rows[table.name])
                if "id" in table.c:
                    connection.execute(
                        text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), (SELECT max(id) FROM \"{table.name}\"))")
                    )


def with_search_path(url: str, schema: str) -> str:
    """The URL with `options=-csearch_path=<schema>` added to its query."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query["options"] = f"-csearch_path={schema}"
    return urlunsplit(parts._replace(query=urlencode(query)))
