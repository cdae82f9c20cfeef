"""Backups of the SQLite database: a consistent copy of the live file by SQLite's online backup API,
checked before it is kept, and a restore that puts one back only while nothing else uses the
database. On PostgreSQL, pg_dump and pg_restore do this (README, "Backups").

No Flask: `factcheck backup` and `factcheck restore` (factcheck/commands.py) give the database's
URL and print what these return. Nothing is left half-written: a copy is made under a hidden name
beside its place, checked, and only then moved there.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from factcheck.errors import FactcheckError
from factcheck.schema import VERSION_TABLE, is_known_revision

PG_DUMP = "factcheck backup copies a SQLite database; back up PostgreSQL with pg_dump -Fc -d DB -f factcheck.dump"
PG_RESTORE = (
    "factcheck restore restores a SQLite database; restore PostgreSQL with pg_restore --clean --if-exists -d DB factcheck.dump"
)

log = logging.getLogger(__name__)

#: How long a restore waits for other connections to let go of the database before refusing.
IN_USE_WAIT_SECONDS = 2.0

#: Tables every factcheck database has had, since 0.1.0 (before schema revisions).
FACTCHECK_TABLES = {"article", "claim", "user"}


class BackupRefused(FactcheckError):
    """A backup or restore that cannot be made safely; nothing was written."""


@dataclass(frozen=True)
class Snapshot:
    """What a database holds at one moment: its schema revision and each table's rows."""

    revision: str | None
    rows: dict[str, int]

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass(frozen=True)
class Copy:
    """A database file written and checked: what it holds, its size, and how long it took."""

    path: Path
    snapshot: Snapshot
    size: int
    seconds: float


@dataclass(frozen=True)
class Restored:
    """A restore done: what the database holds now, and where the database it replaced is kept
    (None when there was none)."""

    snapshot: Snapshot
    kept: Path | None
    seconds: float


def sqlite_file(url: str, *, restoring: bool = False) -> Path:
    """The database file at `url`; any other database is refused, naming PostgreSQL's own tool."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise BackupRefused(PG_RESTORE if restoring else PG_DUMP)
    if parsed.database in (None, "", ":memory:") or parsed.database.startswith("file:"):
        raise BackupRefused(f"the database is not a file: {parsed.render_as_string(hide_password=True)}")
    return Path(parsed.database).absolute()


def backup_database(database: Path, target: Path, *, force: bool = False) -> Copy:
    """Copy the live database into the new file `target` (over an existing one only if `force`),
    with the online backup API while server processes go on writing, and check the copy."""
    started = time.perf_counter()
    target = target.absolute()
    if target.is_dir():
        raise BackupRefused(f"{target} is a folder: give the backup's file name")
    if target.exists() and not force:
        raise BackupRefused(f"{target} exists: give --force to replace it")
    if _same_file(target, database):
        raise BackupRefused(f"{target} is the database itself")
    live = _open(database, must_exist=True)
    try:
        snapshot, size = _copy_into(live, target, replace=force)
    finally:
        live.close()
    return Copy(target, snapshot, size, time.perf_counter() - started)


def check_backup(backup: Path) -> Snapshot:
    """What the backup file holds, once it is known to be whole (integrity_check) and a factcheck
    database this release can run (at its latest revision or an earlier one)."""
    if not backup.is_file():
        raise BackupRefused(f"{backup} is {'a folder' if backup.is_dir() else 'not there'}: give a backup file")
    try:
        with _reading(backup) as connection:
            _check_integrity(connection, backup)
            snapshot = _snapshot(connection)
    except sqlite3.DatabaseError as error:
        raise BackupRefused(f"{backup} is not a SQLite database ({error})") from None
    if snapshot.revision is None and not set(snapshot.rows) >= FACTCHECK_TABLES:
        raise BackupRefused(f"{backup} is not a factcheck database (it has no {', '.join(sorted(FACTCHECK_TABLES))} tables)")
    if snapshot.revision is not None and not is_known_revision(snapshot.revision):
        raise BackupRefused(
            f"{backup} is at schema revision {snapshot.revision}, which this factcheck does not know "
            "(a newer release made it): restore it with that release"
        )
    return snapshot


def restore_database(database: Path, backup: Path, *, now: dt.datetime | None = None) -> Restored:
    """Put the backup's rows into the database, while no other process has it open; the database it
    replaces is kept first, beside it, as `<name>.before-restore-<UTC time>` (mode 0600)."""
    started = time.perf_counter()
    if _same_file(backup, database):
        raise BackupRefused(f"{backup} is the database itself")
    wanted = check_backup(backup)
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    keep_to_owner(database)
    live = _open(database, must_exist=False, timeout=IN_USE_WAIT_SECONDS)
    try:
        _hold_alone(live, database)
        kept = None
        if _snapshot(live).rows:
            stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
            kept = database.with_name(f"{database.name}.before-restore-{stamp}")
            _copy_into(live, kept, replace=False)
        with _reading(backup) as source:
            source.backup(live)
        _check_integrity(live, database)
        restored = _snapshot(live)
    except sqlite3.OperationalError as error:
        raise BackupRefused(f"cannot restore into {database}: {error}") from None
    finally:
        live.close()  # lets the other processes in again
    if restored != wanted:
        raise BackupRefused(f"{database} does not hold what {backup} holds after the restore; the old database is {kept}")
    return Restored(restored, kept, time.perf_counter() - started)


def keep_to_owner(database: Path) -> None:
    """Make the SQLite file readable by its owner alone before SQLite opens it (SQLite would make it
    0644, and it holds password and session-token hashes); SQLite gives its -wal and -shm files the
    same mode. A file readable by others already (made by an older factcheck) is narrowed to 0600,
    with a warning; one that is not ours to change is left as it is, with a warning too."""
    try:
        handle = os.open(database, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            _narrow(path)
        return
    try:
        os.fchmod(handle, 0o600)  # whatever the umask
    finally:
        os.close(handle)


def _narrow(path: Path) -> None:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            path.chmod(0o600)
            log.warning("%s was readable by other users (mode %o): now by its owner only (0600)", path, mode)
    except FileNotFoundError:
        return
    except OSError as error:
        log.warning("%s is readable by other users and cannot be narrowed to 0600: %s", path, error.strerror or error)


# --- The pieces ---------------------------------------------------------------------------------


def _open(database: Path, *, must_exist: bool, timeout: float = 5.0) -> sqlite3.Connection:
    """A connection of our own (no implicit transactions) to the database file."""
    mode = "rw" if must_exist else "rwc"
    try:
        return sqlite3.connect(f"{database.as_uri()}?mode={mode}", uri=True, timeout=timeout, isolation_level=None)
    except sqlite3.OperationalError as error:
        reason = "there is no database there" if not database.exists() else str(error)
        raise BackupRefused(f"cannot open {database}: {reason}") from None


@contextmanager
def _reading(path: Path) -> Iterator[sqlite3.Connection]:
    """The backup file, opened read-only (a restore never changes it)."""
    connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, isolation_level=None)
    try:
        yield connection
    finally:
        connection.close()


def _copy_into(live: sqlite3.Connection, target: Path, *, replace: bool) -> tuple[Snapshot, int]:
    """Copy the database `live` is on into `target`: counted and copied in one read transaction
    (one snapshot, whatever other connections write meanwhile), written under a hidden name beside
    `target` (mode 0600), checked against the counts, then moved into place."""
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as error:
        raise BackupRefused(f"cannot write {target}: {error.strerror or error}") from None
    os.close(handle)
    partial = Path(name)
    try:
        copy = sqlite3.connect(partial, isolation_level=None)
        try:
            live.execute("BEGIN")
            try:
                counted = _snapshot(live)  # this starts the read transaction the backup then copies
                live.backup(copy)
            finally:
                live.execute("COMMIT")
            copy.execute("PRAGMA journal_mode=DELETE")  # one file, without -wal and -shm beside it
            _check_integrity(copy, target)
            copied = _snapshot(copy)
        finally:
            copy.close()
        if copied != counted:
            raise BackupRefused(f"the copy does not hold what the database held: {_difference(counted, copied)}")
        os.chmod(partial, 0o600)
        _sync(partial)
        _place(partial, target, replace=replace)
        return copied, target.stat().st_size
    except sqlite3.Error as error:
        raise BackupRefused(f"cannot copy the database to {target}: {error}") from None
    except OSError as error:
        raise BackupRefused(f"cannot write {target}: {error.strerror or error}") from None
    finally:
        partial.unlink(missing_ok=True)


def _place(partial: Path, target: Path, *, replace: bool) -> None:
    """Move the finished copy to `target`, atomically; over an existing file only if `replace`."""
    if replace:
        partial.replace(target)
    else:
        try:
            os.link(partial, target)  # fails if another file got there meanwhile
        except FileExistsError:
            raise BackupRefused(f"{target} exists: give --force to replace it") from None
        except OSError:  # a file system without hard links
            if target.exists():
                raise BackupRefused(f"{target} exists: give --force to replace it") from None
            partial.replace(target)
    _sync(target.parent)


def _sync(path: Path) -> None:
    """Flush a file, or a folder's entries, to the disk."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _snapshot(connection: sqlite3.Connection) -> Snapshot:
    """The revision and every table's rows (the full-text indexes' virtual tables are counted
    through the tables that store them)."""
    tables = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
        )
    ]
    rows = {name: connection.execute(f"SELECT count(*) FROM {_quoted(name)}").fetchone()[0] for name in tables}
    revision = None
    if VERSION_TABLE in rows:
        found = connection.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
        revision = found[0] if found else None
    return Snapshot(revision, rows)


def _check_integrity(connection: sqlite3.Connection, path: Path) -> None:
    problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise BackupRefused(f"{path} is damaged: {'; '.join(problems[:3])}")


def _hold_alone(live: sqlite3.Connection, database: Path) -> None:
    """Take the database for this connection alone, until it closes: refused while any other
    connection has it open (a server process, idle or writing, or a command)."""
    try:
        live.execute("PRAGMA locking_mode=EXCLUSIVE")
        live.execute("BEGIN EXCLUSIVE")
        live.execute("COMMIT")  # the lock stays, in this locking mode
        live.execute("PRAGMA journal_mode=WAL")  # as the app runs it
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise BackupRefused(
                f"{database} is in use by another process (a server, or a command): stop the server, then restore"
            ) from None
        raise BackupRefused(f"cannot restore into {database}: {error}") from None


def _same_file(path: Path, other: Path) -> bool:
    try:
        return path.samefile(other)
    except OSError:
        return False


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _difference(expected: Snapshot, found: Snapshot) -> str:
    if expected.revision != found.revision:
        return f"revision {found.revision}, not {expected.revision}"
    tables = sorted(set(expected.rows) | set(found.rows))
    return ", ".join(f"{t}: {found.rows.get(t)} rows, not {expected.rows.get(t)}" for t in tables
                     if expected.rows.get(t) != found.rows.get(t))
