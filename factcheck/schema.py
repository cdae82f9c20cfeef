"""The schema's version: Alembic's migrations (migrations/ in a checkout), and the start-up check.

The schema changes only through a revision in migrations/versions, applied by `factcheck db
upgrade` (Alembic's own commands, under ours: factcheck/cli.py). The app never runs DDL on a
database that has tables: `check_database`, called by the app factory, stops it with one line
when the database is behind the latest revision (or was made before revisions existed, or by a
newer release). A brand-new embedded SQLite database is the one exception: it is created on
first start by the same migrations, so `factcheck run` works on a fresh machine.
"""

from __future__ import annotations

import functools
import sys

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, inspect

from factcheck.config import bundled
from factcheck.errors import DatabaseOutOfDate

MIGRATIONS_DIR = bundled("migrations")
VERSION_TABLE = "alembic_version"


#: The full-text indexes (migrations/versions/0005): made and kept in step by SQL of each database's
#: own (FTS5 tables and their shadow tables, tsvector columns and GIN indexes), not by the models.
SEARCH_INDEX_NAMES = ("claim_search", "archive_search", "claimsearch", "search_document", "ix_archiveentry_search_document")


def include_object(_object: object, name: str | None, _type: str, _reflected: bool, _compare_to: object) -> bool:
    """Whether Alembic's autogenerate compares this table, column or index with the models: all
    but the full-text indexes."""
    return not (name or "").startswith(SEARCH_INDEX_NAMES)


#: Config attribute: the command only reads (current, history, check, revision): migrations/env.py
#: then takes no write lock and rolls back whatever Alembic did (such as creating its version table).
READ_ONLY = "factcheck.read_only"


def alembic_config(url: str | None = None, *, read_only: bool = False) -> Config:
    """Alembic's configuration for our migrations, on the database at `url`; `read_only` for the
    commands that only read."""
    config = Config(stdout=sys.stdout)  # as it is now: Config's default is the one at import time
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # the config file escape
    config.attributes[READ_ONLY] = read_only
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The latest revision in migrations/versions: the schema this factcheck's models describe."""
    head = _scripts().get_current_head()
    assert head is not None, "migrations/versions has no revision"
    return head


def is_known_revision(revision: str) -> bool:
    """Whether `revision` is one of this factcheck's (the latest or an earlier one), not a newer release's."""
    try:
        return _scripts().get_revision(revision) is not None
    except CommandError:
        return False


def current_revision(engine: Engine) -> tuple[str | None, bool]:
    """The database's revision (None before the first), and whether it has no tables at all
    (or only Alembic's own, left empty by `factcheck db downgrade base`)."""
    with engine.connect() as connection:
        # The tables first, then the revision: each read sees what was committed when it ran, and a
        # new database is made in one transaction, so a worker reading while another makes it
        # sees either no tables, or the latest revision; never tables without a revision (0.1.0).
        tables = set(inspect(connection).get_table_names()) - {VERSION_TABLE}
        current = MigrationContext.configure(connection).get_current_revision()
        empty = current is None and not tables
    return current, empty


def out_of_date(engine: Engine) -> str | None:
    """What to do about a database that is not at the latest revision, in one line; None if it is."""
    current, empty = current_revision(engine)
    head = head_revision()
    return None if current == head else _behind(current, head, empty)


def check_database(engine: Engine, *, create_new: bool = False) -> None:
    """Return if the database is at the latest revision; create it first when it has no tables
    and `create_new`; else raise DatabaseOutOfDate, saying to run `factcheck db upgrade`."""
    current, empty = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    if empty and create_new:
        _create(engine)
        return
    raise DatabaseOutOfDate(_behind(current, head, empty))


def downgrade_target(engine: Engine, revision: str) -> str | None:
    """Where a downgrade to `revision` (a revision, `base`, or `-N` steps) ends: None for no tables."""
    if revision == "base":
        return None
    if revision.startswith("-") and revision[1:].isdigit():
        target, _ = current_revision(engine)
        for _ in range(int(revision[1:])):
            target = _scripts().get_revision(target).down_revision if target else None
        return target
    return revision


def _create(engine: Engine) -> None:
    """Create a new database by the migrations, as `factcheck db upgrade` would."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    if engine.url.database in (None, "", ":memory:"):
        # Only this engine's own connection sees an in-memory database.
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        return
    # Concurrent first starts are safe: each migration begins with SQLite's write lock
    # (migrations/env.py), and the later ones find the database at the latest revision.
    command.upgrade(config, "head")


def _behind(current: str | None, head: str, empty: bool) -> str:
    if empty:
        return "the database has no tables yet: run `factcheck db upgrade` to create them."
    if current is None:
        return (
            "the database was made by factcheck 0.1.0 or earlier, before schema revisions: "
            "run `factcheck db upgrade` (every stored row is kept)."
        )
    try:
        _scripts().get_revision(current)
    except CommandError:
        return (
            f"the database is at revision {current}, which this factcheck does not know "
            "(a newer release made it): run that release, or its `factcheck db downgrade`."
        )
    return f"the database is at revision {current}, behind this factcheck's {head}: run `factcheck db upgrade`."
