"""The first stage's index of rare words: which archived fact-checks and verified claims keep a word.

Each archived fact-check keeps the `signature` of its claim and title (its 16 rarest stems by the
shipped idf) in ArchiveTerm; each claim with an approved or published verdict, not dismissed,
keeps its claim's in ClaimTerm. A new claim's 12 rarest stems are looked up there, each word's
newest TERM_POSTINGS entries at most, and the entries sharing the most weight come first. Only
rare words are kept, so a word's list stays short unless the word is rare in general: the
lookup reads a bounded number of index rows however big the archive (a B-tree range per word,
the same SQL on SQLite and PostgreSQL). scripts/train_matcher.py emulates exactly this
(`best_by_terms`), so the ranker is trained on the candidates the app offers.

The rows follow the ORM: every flush that adds an entry or a claim, or changes an entry's claim
or title or a claim's text, status or "dismissed", rewrites that row's words (`watch`, called
with the engine); deleting an entry or a claim deletes its words (foreign keys). `rebuild`
writes them all from the rows (`factcheck search reindex`, the migration that made the tables).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain

from sqlalchemy import Connection, delete, event, insert, inspect, select, text
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from factcheck.matching.text import TERM_POSTINGS, signature
from factcheck.models import ArchiveEntry, ArchiveTerm, Claim, ClaimTerm
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


def write_entries(connection: Connection, entries: Iterable[tuple[int, str, str]]) -> int:
    """Replace the words of these (id, claim, title) archive entries; how many rows written."""
    return _write(connection, ArchiveTerm, ArchiveTerm.archive_entry_id,
                  ((entry_id, entry_words(claim, title)) for entry_id, claim, title in entries))


def write_claims(connection: Connection, claims: Iterable[Claim]) -> int:
    """Replace the words of these claims (none for a claim not signed off); how many rows written."""
    return _write(connection, ClaimTerm, ClaimTerm.claim_id, ((claim.id, claim_words(claim)) for claim in claims))


def _write(connection: Connection, table: type, owner, found: Iterable[tuple[int, list[str]]]) -> int:  # noqa: ANN001
    rows = list(found)
    written = 0
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        connection.execute(delete(table).where(owner.in_([number for number, _ in batch])))
        values = [{"term": word, owner.key: number} for number, words in batch for word in words]
        if values:
            connection.execute(insert(table), values)
        written += len(values)
    return written


def rebuild(session: Session) -> dict[str, int]:
    """Write every entry's and claim's words again from the rows; how many rows each table holds."""
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
        archive += write_entries(connection, batch)
        last = batch[-1][0]
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
    for number, (word, weight) in enumerate(weights):
        parts.append(
            f"SELECT * FROM (SELECT {owner} AS found, {int(weight)} AS weight FROM {table} "
            f"WHERE term = :t{number} ORDER BY {owner} DESC LIMIT :per_term) w{number}"
        )
        params[f"t{number}"] = word
    return f"SELECT found, sum(weight) AS score FROM ({' UNION ALL '.join(parts)}) words GROUP BY found", params


def archive_candidates(session: Session, weights: Sequence[tuple[str, int]], depth: int) -> list[tuple]:
    """(id, key, claim, title, summary) of the `depth` archived fact-checks keeping the most
    weight of these words, best first (ties: the newest)."""
    if not weights:
        return []
    found, params = _first_stage("archiveterm", "archive_entry_id", weights)
    statement = (
        f"SELECT e.id, e.key, e.claim, e.title, e.summary FROM ({found} ORDER BY score DESC, found DESC LIMIT :depth) f "
        "JOIN archiveentry e ON e.id = f.found ORDER BY f.score DESC, f.found DESC"
    )
    return list(session.execute(text(statement), params | {"depth": depth}))


def claim_candidates(
    session: Session, weights: Sequence[tuple[str, int]], depth: int, exclude_article_id: int, summary_chars: int
) -> list[tuple]:
    """(id, claim, article title, rationale and conclusion cut to `summary_chars`) of the `depth`
    verified claims of other articles keeping the most weight of these words, best first."""
    if not weights:
        return []
    found, params = _first_stage("claimterm", "claim_id", weights)
    signed_off = ", ".join(f"'{status.name}'" for status in SIGNED_OFF)
    # Only the best few are joined to their claims: claimterm holds signed-off claims alone, so the
    # filter (a claim of the same article; one changed with SQL past the app) rarely drops any.
    statement = (
        f"SELECT c.id, c.text, a.title, substr(c.rationale || ' ' || c.conclusion, 1, :chars) "
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


def watch() -> None:
    """Keep the words in step with every session's flushes from now on (once per process; idempotent)."""
    if not event.contains(OrmSession, "after_flush", _after_flush):
        event.listen(OrmSession, "after_flush", _after_flush)
