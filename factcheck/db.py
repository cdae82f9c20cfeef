"""The database: one engine per app, one session per request as its unit of work, SQLite pragmas.

A request's session is opened on first use and its changes are committed once: when the view
has answered with a success (below 400, redirects included), or earlier, as soon as the change is
made and only the answer is left to draw (`commit_changes`, called by the helpers that draw the
answer to a change); any error or exception before that rolls them back. So one reviewer action
is stored whole or not at all, and no view commits or rolls back by hand.
Commands and scripts get the same unit of work from `transaction(engine)`.

The schema itself is never changed here: factcheck.schema checks at start-up that the database
is at the latest migration (creating a new embedded database on first start).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, has_app_context
from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

from factcheck import schema
from factcheck.backup import keep_to_owner
from factcheck.domain import audit, changes
from factcheck.forms import LIMITS_KEY, ArticleLimits
from factcheck.matching import index, queue


def make_engine(url: str, busy_timeout_ms: int = 5000) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout on every connection.
    Sessions bump change stamps (factcheck.domain.changes), keep the first stage's words in step
    (factcheck.matching.index) and queue new claims for matching (factcheck.matching.queue) from now on;
    an audit event loaded in a session is never flushed changed or deleted (factcheck.domain.audit;
    the database's triggers, from migration 0010, refuse every other way)."""
    changes.watch()
    index.watch()
    queue.watch()
    audit.watch()
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000})
    database = engine.url.database
    if database and database != ":memory:" and not database.startswith("file:"):

        @event.listens_for(engine, "do_connect")
        def _owner_only(_dialect, _record, _args, _params):  # noqa: ANN001
            keep_to_owner(Path(database))

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):  # noqa: ANN001
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def get_session() -> Session:
    """The current request's session, opened on first use; committed or rolled back at its end."""
    if "db_session" not in g:
        g.db_session = Session(current_app.extensions["factcheck.engine"], expire_on_commit=False)
        # Claims the request queues are matched by this process's background thread once committed.
        g.db_session.info[queue.IN_BACKGROUND] = current_app.config["MATCH_IN_BACKGROUND"]
        g.db_session.info[LIMITS_KEY] = limits_from(current_app.config)
    return g.db_session


def limits_from(config: Mapping[str, Any]) -> ArticleLimits:
    """The article limits the settings give."""
    return ArticleLimits(max_chars=int(config["ARTICLE_MAX_CHARS"]), max_claims=int(config["ARTICLE_MAX_CLAIMS"]))


def commit_changes() -> None:
    """End the request's unit of work early, once its change is made and what is left only reads
    (drawing the answer): other writers then need not wait while the page is drawn. SQLite lets
    one writer at a time hold the database, and 20 reviewers saving at once wait about half as
    long at the 95th percentile (bench/README.md)."""
    session = g.get("db_session")
    if session is not None:
        session.commit()


def rollback() -> None:
    """Undo what the request changed so far (a refusal is drawn from the stored state)."""
    session = g.get("db_session")
    if session is not None:
        session.rollback()


def _end_unit_of_work(response: Response) -> Response:
    """Commit the request's changes if it succeeded, else roll them back."""
    session = g.get("db_session")
    if session is not None:
        if response.status_code < 400:
            session.commit()  # a failure here is a 500: nothing of the request is kept
        else:
            session.rollback()
    return response


def _close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()  # rolls back whatever an exception left uncommitted


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work outside a request (commands, scripts): committed if the block ends
    normally, rolled back if it raises."""
    with Session(engine, expire_on_commit=False) as session:
        if has_app_context():  # a command of the app: its settings' limits
            session.info[LIMITS_KEY] = limits_from(current_app.config)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def init_app(app: Flask, *, check_database: bool = True) -> None:
    """Bind an engine to the app, check its schema, and run each request as one unit of work.

    `check_database` False skips the schema check: for `factcheck db ...`, which brings the
    database to the latest revision.
    """
    engine = make_engine(app.config["DATABASE_URL"], app.config["SQLITE_BUSY_TIMEOUT_MS"])
    app.extensions["factcheck.engine"] = engine
    if check_database:
        try:
            schema.check_database(engine, create_new=engine.dialect.name == "sqlite")
        except schema.DatabaseOutOfDate:
            engine.dispose()  # the app is not made: nothing else will close its connections
            raise
    app.after_request(_end_unit_of_work)
    app.teardown_appcontext(_close_session)
