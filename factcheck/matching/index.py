"""The first stage's index of rare words: which archived fact-checks and verified claims keep a word.

Each archived fact-check keeps the `signature` of its claim and title (its 16 rarest stems by the
shipped idf) in ArchiveTerm; each claim with an approved or published verdict, not dismissed,
keeps its claim's in ClaimTerm. A new claim's 12 rarest stems are looked up there, each word's
newest TERM_POSTINGS entries at most, and the entries sharing the most weight come first. In
the archive, the words are looked up fewest entries first (ArchiveTermCount keeps the counts),
a word kept for TERM_POSTINGS entries or more not at all, until ROW_BUDGET rows. Only rare
words are kept, so a word's list stays short unless the word is rare in general: the lookup
reads a bounded number of index rows however big the archive (a B-tree range per word, the
same SQL on SQLite and PostgreSQL). scripts/train_matcher.py emulates exactly this
(`best_by_terms`), so the ranker is trained on the candidates the app offers.

The rows follow the ORM: every flush that adds an entry or a claim, or changes an entry's claim
or title or a claim's text, status or "dismissed", rewrites that row's words and the archive's
word counts (`watch`, called with the engine); deleting an entry or a claim deletes its words
(foreign keys), and an entry's counts with them. `rebuild` writes them all from the rows
(`factcheck search reindex`, the migrations that made the tables), and so counts again after
rows changed with SQL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain

from sqlalchemy import Connection, delete, event, insert, inspect, select, text
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col

from factcheck.domain import changes
from factcheck.matching.text import ROW_BUDGET, TERM_POSTINGS, looked_up, signature
from factcheck.models import ArchiveEntry, ArchiveTerm, ArchiveTermCount, Claim, ClaimTerm
from factcheck.vocabulary import ClaimStatus

#: Rows written per statement when many are (re)indexed.
BATCH = 1000
SIGNED_OFF = (ClaimStatus.APPROVED, ClaimStatus.PUBLISHED)


def entry_words(claim: str, title: str) -> list[str]:
    """The words an archived fact-check is found by."""
    return signature(f"{claim} {title}")


def claim_words(claim: Claim) -> list[str]:
    """The words a claim is found by: none unless its verdict is approved or published."""
    return signature(claim.text) if claim.status in SIGNED_OFF and not claim.dismissed else []


def write_entries(connection: Connection, entries: Iterable[tuple[int, str, str]], counted: bool = True) -> int:
    """Replace the words of these (id, claim, title) archive entries, and their counts unless
    `counted` is False (a rebuild counts them all at the end); how many rows written."""
    return _write(connection, ArchiveTerm, ArchiveTerm.archive_entry_id,
                  ((entry_id, entry_words(claim, title)) for entry_id, claim, title in entries), counted)


def write_claims(connection: Connection, claims: Iterable[Claim]) -> int:
    """Replace the words of these claims (none for a claim not signed off); how many rows written."""
    return _write(connection, ClaimTerm, ClaimTerm.claim_id, ((claim.id, claim_words(claim)) for claim in claims))


def _write(connection: Connection, table: type, owner, found: Iterable[tuple[int, list[str]]], counted: bool = False) -> int:  # noqa: ANN001
    rows = list(found)
    written = 0
    change: Counter[str] = Counter()
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        replaced = delete(table).where(owner.in_([number for number, _ in batch]))
        if counted:  # the words the rows had, as they go
            change.subtract(connection.execute(replaced.returning(table.term)).scalars())
        else:
            connection.execute(replaced)
        values = [{"term": word, owner.key: number} for number, words in batch for word in words]
        if values:
            connection.execute(insert(table), values)
        if counted:
            change.update(value["term"] for value in values)
        written += len(values)
    if counted:
        _count(connection, change)
    return written


#: Adds to words' counts of archive entries. Not changes.add_counts: that writes one VALUES list,
#: compiled for each call, right for a few stamps; for the thousands of words of an import it made
#: `import_archive` 20% slower (bench/README.md). Here SQLite takes a list of rows, PostgreSQL two
#: arrays (a list of rows is a statement a row there: 14% slower).
_ADD_TO_COUNT = "ON CONFLICT (term) DO UPDATE SET entries = archivetermcount.entries + excluded.entries"
_ADD_ROWS = text(f"INSERT INTO archivetermcount (term, entries) VALUES (:term, :entries) {_ADD_TO_COUNT}")
_ADD_ARRAYS = text(
    "INSERT INTO archivetermcount (term, entries) "
    f"SELECT * FROM unnest(CAST(:terms AS varchar[]), CAST(:entries AS integer[])) {_ADD_TO_COUNT}"
)


def _count(connection: Connection, change: Counter[str]) -> None:
    """Add this change to the words' counts, in word order; a count that falls to nothing goes.

    Two writers never interleave here: every flush that writes an archive entry first takes the
    site's change stamp (factcheck.domain.changes), and `rebuild` takes it too, so the second
    waits for the first's commit."""
    changed = [(word, by) for word, by in sorted(change.items()) if by]
    if not changed:
        return
    if connection.dialect.name == "postgresql":
        connection.execute(_ADD_ARRAYS, {"terms": [word for word, _ in changed], "entries": [by for _, by in changed]})
    else:
        connection.execute(_ADD_ROWS, [{"term": word, "entries": by} for word, by in changed])
    fallen = [word for word, by in changed if by < 0]
    if fallen:
        connection.execute(delete(ArchiveTermCount).where(col(ArchiveTermCount.term).in_(fallen), ArchiveTermCount.entries <= 0))


#: Every word's count of archive entries, from ArchiveTerm (the benchmark's loader runs it too).
RECOUNT = "INSERT INTO archivetermcount (term, entries) SELECT term, count(*) FROM archiveterm GROUP BY term"


def recount(connection: Connection) -> None:
    """Count every word's archive entries again from ArchiveTerm."""
    connection.execute(delete(ArchiveTermCount))
    connection.execute(text(RECOUNT))


def rebuild(session: Session) -> dict[str, int]:
    """Write every entry's and claim's words again from the rows; how many rows each table holds."""
    # Migration 0006 runs this too, on a schema without the counts (and with no app running).
    counted = inspect(session.connection()).has_table(ArchiveTermCount.__tablename__)
    if counted:
        # As every flush that writes an archive entry does: an import under way finishes first.
        changes.lock(session, [changes.SITE])
    connection = session.connection()
    connection.execute(delete(ArchiveTerm))
    connection.execute(delete(ClaimTerm))
    archive, last = 0, 0
    while True:  # in batches by id: the archive may hold millions of entries
        batch = connection.execute(
            select(ArchiveEntry.id, ArchiveEntry.claim, ArchiveEntry.title)
            .where(ArchiveEntry.id > last).order_by(ArchiveEntry.id).limit(BATCH * 10)
        ).all()
        if not batch:
            break
        archive += write_entries(connection, batch, counted=False)
        last = batch[-1][0]
    if counted:
        recount(connection)
    # Columns, not Claim objects: an older revision's migration runs this before later columns exist.
    signed_off = connection.execute(
        select(Claim.id, Claim.text).where(Claim.status.in_(SIGNED_OFF), Claim.dismissed.is_(False))  # type: ignore[union-attr, attr-defined]
    )
    claims = _write(connection, ClaimTerm, ClaimTerm.claim_id, ((claim_id, signature(text_)) for claim_id, text_ in signed_off))
    return {"archive": archive, "claims": claims}


def _first_stage(table: str, owner: str, weights: Sequence[tuple[str, int]]) -> tuple[str, dict[str, object]]:
    """The entries (or claims) keeping the most weight of these words, as (found, score) rows: one
    B-tree range per word, its newest TERM_POSTINGS rows at most."""
    parts, params = [], {"per_term": TERM_POSTINGS}
    # Words and weights are parameters, so that the text is the same for every claim with as many
    # words: SQLite's statement cache and psycopg's prepared statements spare it the planning.
    for number, (word, weight) in enumerate(weights):
        parts.append(
            f"SELECT * FROM (SELECT {owner} AS found, CAST(:w{number} AS INTEGER) AS weight FROM {table} "
            f"WHERE term = :t{number} ORDER BY {owner} DESC LIMIT :per_term) w{number}"
        )
        params[f"t{number}"] = word
        params[f"w{number}"] = int(weight)
    return f"SELECT found, sum(weight) AS score FROM ({' UNION ALL '.join(parts)}) words GROUP BY found", params


#: What a match shows of an archived fact-check (`e`), and of a verified claim (`c`, of article
#: `a`; its verdict: its label on the scale, else its written conclusion), named as
#: factcheck.matching.store reads them: the candidates' rows and the stored matches' are alike.
ARCHIVE_SHOWN = ("e.id AS entry_id, e.key AS key, e.claim AS claim, e.title AS title, e.rating AS rating, e.url AS url, "
                 "e.publisher AS publisher, e.published AS published")
CLAIM_SHOWN = ("c.id AS claim_id, c.text AS claim, a.title AS title, "
               "coalesce((SELECT label FROM rating r WHERE r.id = c.verdict_id), nullif(c.conclusion, '')) AS verdict, "
               "a.outlet AS outlet, a.published AS published, a.id AS article_id")


def archive_candidates(session: Session, weights: Sequence[tuple[str, int]], depth: int) -> list[tuple]:
    """The `depth` archived fact-checks keeping the most weight of the words `looked_up` chooses
    of these, best first (ties: the newest), as rows of ARCHIVE_SHOWN and `summary`: what a
    match shows and what the ranker reads."""
    if not weights:
        return []
    words = [word for word, _weight in weights]
    counted = select(ArchiveTermCount.term, ArchiveTermCount.entries).where(col(ArchiveTermCount.term).in_(words))
    weights = looked_up(weights, dict(session.execute(counted).all()), TERM_POSTINGS, ROW_BUDGET)
    if not weights:
        return []
    found, params = _first_stage("archiveterm", "archive_entry_id", weights)
    statement = (
        f"SELECT {ARCHIVE_SHOWN}, e.summary AS summary FROM ({found} ORDER BY score DESC, found DESC LIMIT :depth) f "
        "JOIN archiveentry e ON e.id = f.found ORDER BY f.score DESC, f.found DESC"
    )
    return list(session.execute(text(statement), params | {"depth": depth}))


def claim_candidates(
    session: Session, weights: Sequence[tuple[str, int]], depth: int, exclude_article_id: int, summary_chars: int
) -> list[tuple]:
    """The `depth` verified claims of other articles keeping the most weight of these words, best
    first, as rows of CLAIM_SHOWN and `summary` (rationale and conclusion, cut to `summary_chars`)."""
    if not weights:
        return []
    found, params = _first_stage("claimterm", "claim_id", weights)
    signed_off = ", ".join(f"'{status.name}'" for status in SIGNED_OFF)
    # Only the best few are joined to their claims: claimterm holds signed-off claims alone, so the
    # filter (a claim of the same article; one changed with SQL past the app) rarely drops any.
    statement = (
        f"SELECT {CLAIM_SHOWN}, substr(c.rationale || ' ' || c.conclusion, 1, :chars) AS summary "
        f"FROM ({found} ORDER BY score DESC, found DESC LIMIT :joined) f "
        "JOIN claim c ON c.id = f.found JOIN article a ON a.id = c.article_id "
        f"WHERE c.status IN ({signed_off}) AND NOT c.dismissed AND c.article_id <> :article "
        "ORDER BY f.score DESC, f.found DESC LIMIT :depth"
    )
    params |= {"depth": depth, "joined": depth * 5, "article": exclude_article_id, "chars": summary_chars}
    return list(session.execute(text(statement), params))


def _changed(instance: object, names: Sequence[str]) -> bool:
    attributes = inspect(instance).attrs
    return any(attributes[name].history.has_changes() for name in names)


def _after_flush(session: OrmSession, _context: object) -> None:
    entries, claims = [], []
    for instance in chain(session.new, session.dirty):
        if isinstance(instance, ArchiveEntry) and (instance in session.new or _changed(instance, ("claim", "title"))):
            entries.append((instance.id, instance.claim, instance.title))
        elif isinstance(instance, Claim) and (
            # A new claim has no words to replace, and none to keep unless it comes signed off.
            claim_words(instance) if instance in session.new else _changed(instance, ("text", "status", "dismissed"))
        ):
            claims.append(instance)
    if entries:
        write_entries(session.connection(), entries)
    if claims:
        write_claims(session.connection(), claims)


def _before_flush(session: OrmSession, _context: object, _instances: object) -> None:
    # An entry deleted takes its words with it (foreign key): their counts go down before it goes.
    deleted = [instance.id for instance in session.deleted if isinstance(instance, ArchiveEntry)]
    if deleted:
        connection = session.connection()
        gone: Counter[str] = Counter()
        gone.subtract(connection.execute(select(ArchiveTerm.term).where(col(ArchiveTerm.archive_entry_id).in_(deleted))).scalars())
        _count(connection, gone)


def watch() -> None:
    """Keep the words in step with every session's flushes from now on (once per process; idempotent)."""
    if not event.contains(OrmSession, "after_flush", _after_flush):
        event.listen(OrmSession, "after_flush", _after_flush)
    if not event.contains(OrmSession, "before_flush", _before_flush):
        event.listen(OrmSession, "before_flush", _before_flush)
