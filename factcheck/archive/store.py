"""The archive on the database: fact-checks read from a file (factcheck.archive.formats) stored
whole or not at all, each updated in place when imported again (by its id, else its address).

`import_archive` reads the file once, storing records in batches as it goes, in the caller's
transaction: a file with a bad record is refused by rolling that transaction back, so nothing of
it is kept, unless the caller asks to skip bad records. The CLI (`factcheck archive import`) and
the upload page both call it; then the claims still under review are queued to be matched
again (factcheck.matching.queue).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import BinaryIO

from sqlalchemy import func
from sqlmodel import Session, col, select

from factcheck.archive.formats import ArchiveRecord, FormatError, ReadProgress, RecordError, read_records
from factcheck.models import ArchiveEntry, utcnow

#: Records stored in one round trip.
BATCH = 500
#: Bad records listed before a file is refused as not an archive at all (a wrong file would
#: otherwise list millions of them).
MAX_REFUSED = 1000
#: The fields a re-import compares and updates.
FIELDS = (
    "claim",
    "title",
    "summary",
    "url",
    "published",
    "rating",
    "rating_value",
    "best_rating",
    "worst_rating",
    "publisher",
    "claimant",
    "appearance",
)


@dataclass
class ImportSummary:
    """What an archive import did: entries added and updated (changed), those already as the file
    has them, and the records refused (each with where and why)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[RecordError] = field(default_factory=list)
    shape: str = ""

    @property
    def stored(self) -> int:
        return self.added + self.updated

    def add(self, other: ImportSummary) -> None:
        """Count another file's import in this one (the CLI's "In all" line)."""
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.refused += other.refused

    def line(self) -> str:
        """The summary line: added, updated, refused."""
        return f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, refused {len(self.refused)}"


def import_archive(
    session: Session,
    stream: BinaryIO,
    name: str,
    *,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Read a ClaimReview or JSON-lines file into the archive, in the session's transaction.

    With a bad record, and not `skip_invalid`, nothing is stored: the caller must roll back (the
    summary's `refused` lists every bad record, and `stored` is what would have been). FormatError
    for a file that cannot be read at all. `progress(bytes_read)` is called as the file is read.
    """
    summary = ImportSummary()
    reading = ReadProgress()
    batch: list[ArchiveRecord] = []
    for item in read_records(stream, name, progress=reading):
        if isinstance(item, RecordError):
            summary.refused.append(item)
            if len(summary.refused) > MAX_REFUSED:
                raise FormatError(name, f"more than {MAX_REFUSED:,} bad records (the first: {summary.refused[0]}); "
                                  "is it the right file?")
        elif not summary.refused or skip_invalid:
            batch.append(item)
            if len(batch) >= BATCH:
                _store(session, batch, summary)
                batch = []
        if progress is not None:
            progress(reading.bytes_read)
    if batch and (not summary.refused or skip_invalid):
        _store(session, batch, summary)
    summary.shape = reading.shape
    return summary


def _store(session: Session, records: list[ArchiveRecord], summary: ImportSummary) -> None:
    """Add or update a batch: an entry with the record's key, else one with its address."""
    keys = [r.key for r in records]
    urls = [r.url for r in records if r.url]
    by_key = {e.key: e for e in session.exec(select(ArchiveEntry).where(col(ArchiveEntry.key).in_(keys)))}
    by_url: dict[str, ArchiveEntry] = {}
    if urls:
        for entry in session.exec(select(ArchiveEntry).where(col(ArchiveEntry.url).in_(urls))):
            by_url.setdefault(entry.url, entry)
    now = utcnow()
    for record in records:
        entry = by_key.get(record.key) or (by_url.get(record.url) if record.url else None)
        if entry is None:
            entry = ArchiveEntry(key=record.key, imported=now, updated=now, **{f: getattr(record, f) for f in FIELDS})
            session.add(entry)
            by_key[record.key] = entry
            summary.added += 1
        elif all(getattr(entry, f) == getattr(record, f) for f in FIELDS):
            summary.unchanged += 1
        else:
            for name in FIELDS:
                setattr(entry, name, getattr(record, name))
            entry.updated = now
            session.add(entry)
            summary.updated += 1
    session.flush()


def archive_size(session: Session) -> tuple[int, object]:
    """How many entries the archive holds, and when it last changed (None: empty)."""
    count, latest = session.exec(select(func.count(), func.max(ArchiveEntry.updated))).one()
    return count, latest


def recent_entries(session: Session, limit: int = 20) -> Iterable[ArchiveEntry]:
    """The entries imported or changed last, newest first."""
    newest = select(ArchiveEntry).order_by(col(ArchiveEntry.updated).desc(), col(ArchiveEntry.id).desc())
    return session.exec(newest.limit(limit)).all()
