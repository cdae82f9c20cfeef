"""PostgreSQL for the tests: one throwaway schema per test run, emptied before each test.

scripts/test.sh starts a throwaway cluster and runs the suite a second time with
FACTCHECK_TEST_POSTGRES_URL pointing at it, so every test that uses the `app` fixture also runs
on PostgreSQL. Emptying the tables (TRUNCATE ... RESTART IDENTITY) costs far less than creating
them anew for each test; the app then seeds its default rating scale again, as on a first start.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import Engine, create_engine, inspect, text


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


def empty_tables(engine: Engine) -> None:
    """Remove every row of every table in the engine's schema and restart the id sequences."""
    tables = inspect(engine).get_table_names()
    if tables:
        with engine.begin() as connection:
            names = ", ".join(f'"{name}"' for name in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def with_search_path(url: str, schema: str) -> str:
    """The URL with `options=-csearch_path=<schema>` added to its query."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query["options"] = f"-csearch_path={schema}"
    return urlunsplit(parts._replace(query=urlencode(query)))
