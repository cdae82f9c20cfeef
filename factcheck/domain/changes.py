"""Change stamps: which pages a transaction changed, counted in the same transaction.

Every transaction bumps, once, the stamp of each article whose rows it writes (the article, its
claims, and what hangs off a claim: sources, comments, history, corrections, assignments, blind
verdicts), and the `site` stamp when it writes what any page may show (users, rating scales); the
`blind` stamp covers what the agreement page draws from across articles (BLIND). An INSERT,
UPDATE or DELETE statement run through the session (not the unit of work) bumps the article named
by its `article_id` execution option, or `site` when it names none: a statement nobody labelled
makes every page look changed. Logins and the stamps themselves are not watched. What the session
does not see is not counted: SQL run on a connection or engine directly, `text()` statements
(migrations and test set-ups only), or a database restored from a backup (restart the server
processes after a restore or a downgrade: their pages were drawn at stamps that may come back).

The stamps are bumped before the rows they cover are written (in `before_flush`, and before a
statement runs), so every writer locks an article's stamp before any of its rows and two
PostgreSQL transactions never wait on each other in opposite orders.

A page drawn from the database as it was at stamps (a, s) is the same page as long as the stamps
read (a, s): factcheck.views.page_cache serves it again until then, across processes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Table, bindparam, event, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col

from factcheck.models import (
    ArchiveTerm,
    ArchiveTermCount,
    Article,
    AuditEvent,
    BlindVerdict,
    ChangeStamp,
    Claim,
    ClaimTerm,
    LoginFailure,
    LoginSession,
    MatchQueue,
)

SITE = "site"
#: What the agreement page is drawn from, across articles: every blind verdict, and the articles'
#: titles. Bumped as well as the article's stamp when a blind verdict is written, an article
#: changed or deleted, or a claim deleted (its blind verdicts go with it).
BLIND = "blind"
#: Rows no cached page shows: a login, failed logins, the audit log (its own page is never cached),
#: the stamps themselves, and the matcher's queue and index.
UNWATCHED = (LoginSession, LoginFailure, AuditEvent, ChangeStamp, MatchQueue, ArchiveTerm, ArchiveTermCount, ClaimTerm)


def article_scope(article_id: int) -> str:
    """The stamp of one article and everything in it."""
    return f"article:{article_id}"


#: Read on every cached page: built once.
_STAMPS = select(ChangeStamp.scope, ChangeStamp.version).where(
    col(ChangeStamp.scope).in_(bindparam("scopes", expanding=True))
)


def stamps(session: Session, scopes: Iterable[str]) -> tuple[tuple[str, int], ...]:
    """The stamps of these scopes as stored (0 for one never bumped), in the order given."""
    scopes = list(scopes)
    rows = session.connection().execute(_STAMPS, {"scopes": scopes})
    found = {scope: version for scope, version in rows}
    return tuple((scope, found.get(scope, 0)) for scope in scopes)


def bump(connection: Connection, scopes: Iterable[str]) -> None:
    """Count one more change in each scope (creating its stamp on its first change); sorted, so
    two PostgreSQL transactions lock the stamps they share in the same order."""
    rows = [{"scope": scope, "version": 1} for scope in sorted(set(scopes))]
    add_counts(connection, ChangeStamp.__table__, rows, key=["scope"], counter="version")


def add_counts(connection: Connection, table: Table, rows: list[dict[str, Any]], *, key: list[str], counter: str) -> None:
    """Insert these rows, or add each one's `counter` to that of the row stored with the same
    `key` (its unique columns): one INSERT ... ON CONFLICT DO UPDATE, on SQLite and PostgreSQL.
    Rows are written in the order given: callers keep it fixed, so writers lock them alike."""
    if not rows:
        return
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values(rows)
    added = {counter: table.c[counter] + statement.excluded[counter]}
    connection.execute(statement.on_conflict_do_update(index_elements=[table.c[name] for name in key], set_=added))


def _flushed_scopes(session: OrmSession) -> set[str]:
    """The scopes of what this flush is about to write. A new article has no id yet and nothing
    drawn for it (its claims, written with its id, bump it); a deleted one bumps its own."""
    scopes: set[str] = set()
    claim_ids: set[int] = set()
    changed = [obj for obj in session.dirty if session.is_modified(obj, include_collections=False)]
    for obj in [*session.new, *session.deleted, *changed]:
        if isinstance(obj, UNWATCHED):
            continue
        if isinstance(obj, BlindVerdict) or (isinstance(obj, Article) and obj not in session.new) or (
            isinstance(obj, Claim) and obj in session.deleted
        ):
            scopes.add(BLIND)
        if isinstance(obj, Article):
            if obj.id is not None:
                scopes.add(article_scope(obj.id))
        elif getattr(obj, "article_id", None) is not None:
            scopes.add(article_scope(obj.article_id))
        elif getattr(obj, "claim_id", None) is not None:
            claim_ids.add(obj.claim_id)
        else:
            scopes.add(SITE)
    if claim_ids:
        found = session.connection().execute(
            select(Claim.id, Claim.article_id).where(col(Claim.id).in_(claim_ids))
        ).all()
        scopes.update(article_scope(article_id) for _, article_id in found)
        if len(found) < len(claim_ids):
            scopes.add(SITE)  # a claim gone with its rows: whose article it was is not known here
    return scopes


#: Session.info key: the scopes this transaction has bumped already.
_BUMPED = "factcheck.bumped"


def _bump_once(session: OrmSession, scopes: Iterable[str]) -> None:
    """Bump the scopes this transaction has not bumped yet: once is enough, since its rows become
    visible together at its commit, and the stamp's row lock is held from the first bump."""
    done: set[str] = session.info.setdefault(_BUMPED, set())
    new = set(scopes) - done
    if new:
        bump(session.connection(), new)
        done.update(new)


def lock(session: Session, scopes: Iterable[str]) -> None:
    """Bump these stamps now, before reading what a change depends on: their rows stay locked to
    this transaction, so another writer of the same scopes waits for its commit and then reads
    what it wrote (PostgreSQL's row lock; SQLite's one writer)."""
    _bump_once(session, scopes)


def _transaction_over(session: OrmSession, *_args: object) -> None:
    session.info.pop(_BUMPED, None)


def _before_flush(session: OrmSession, _context: object, _instances: object) -> None:
    _bump_once(session, _flushed_scopes(session))


def _before_statement(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and issubclass(mapper.class_, UNWATCHED):
        return
    article_id = state.execution_options.get("article_id")
    scopes = [article_scope(article_id) if article_id is not None else SITE]
    if mapper is None or issubclass(mapper.class_, (BlindVerdict, Article)) or state.is_delete:
        scopes.append(BLIND)
    _bump_once(state.session, scopes)


def watch() -> None:
    """Bump stamps in every session from now on (once per process; idempotent)."""
    if not event.contains(OrmSession, "before_flush", _before_flush):
        event.listen(OrmSession, "before_flush", _before_flush)
        event.listen(OrmSession, "do_orm_execute", _before_statement)
        for end in ("after_commit", "after_rollback", "after_soft_rollback"):
            event.listen(OrmSession, end, _transaction_over)
