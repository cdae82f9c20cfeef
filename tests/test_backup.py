"""`factcheck backup` and `factcheck restore` (SQLite's online backup API), and a database and
instance folder kept to their owner."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import stat
import threading
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from factcheck import backup
from factcheck.app import create_app
from factcheck.domain.articles import create_article
from factcheck.domain.scales import default_scale
from factcheck.forms import ArticleCreate
from factcheck.models import Article, Claim
from factcheck.schema import head_revision
from tests.conftest import DATA, FactcheckRunner, store_articles

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("FACTCHECK_TEST_POSTGRES_URL")), reason="backups of a SQLite file (PostgreSQL: pg_dump)"
)

TEXT = "The mayor said crime fell {0}% in {0}. The council approved {0} new buses."  # two claims


@pytest.fixture
def permissive_umask():
    """The usual umask, under which SQLite alone would make the database readable by everyone."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def database_of(app) -> Path:
    return Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))


def run(app, *args: str):
    """`factcheck ARGS...` on this app, with the app's engine closed first (as a server stopped)."""
    app.extensions["factcheck.engine"].dispose()
    return FactcheckRunner(app).invoke(args=list(args))


def held(path: Path) -> dict[str, int]:
    """The articles and claims a database file holds, read with plain sqlite3."""
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]
        return {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("article", "claim")}
    finally:
        connection.close()


def test_a_backup_taken_while_two_reviewers_write_is_one_moment_and_restores(app, tmp_path):
    engine = app.extensions["factcheck.engine"]
    stop = threading.Event()
    written = [0, 0]

    def write(writer: int) -> None:  # one article (two claims) per transaction, as an import stores it
        number = writer * 1_000_000
        while not stop.is_set():
            with Session(engine) as session:
                create_article(session, ArticleCreate(text=TEXT.format(number)), default_scale(session))
                session.commit()
            number += 1
            written[writer] += 1

    writers = [threading.Thread(target=write, args=(writer,)) for writer in range(2)]
    for thread in writers:
        thread.start()
    try:
        while sum(written) < 20:
            threading.Event().wait(0.01)
        copies = []
        for number in range(3):
            path = tmp_path / f"backup-{number}.sqlite"
            result = FactcheckRunner(app).invoke(args=["backup", str(path)])
            assert result.exit_code == 0, result.output
            assert f"to {path}: 3" in result.stdout and " MB in " in result.stdout
            copies.append(held(path))
    finally:
        stop.set()
        for thread in writers:
            thread.join()
    for copy in copies:  # every article with both its claims: a state that was committed
        assert copy["claim"] == 2 * copy["article"]
    assert copies[0]["article"] < copies[-1]["article"] < sum(written)  # taken while the writers wrote

    fresh = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh' / 'new.sqlite'}",
                        "SECRET_KEY": "k"}, check_database=False)
    result = run(fresh, "restore", "--yes", str(tmp_path / "backup-2.sqlite"))
    assert result.exit_code == 0, result.output
    assert "Restart the server processes" in result.stdout and "kept as" not in result.stdout
    restored = create_app({"TESTING": True, "DATABASE_URL": fresh.config["DATABASE_URL"], "SECRET_KEY": "k"})
    with Session(restored.extensions["factcheck.engine"]) as session:
        assert session.exec(select(func.count()).select_from(Article)).one() == copies[-1]["article"]
        assert session.exec(select(func.count()).select_from(Claim)).one() == copies[-1]["claim"]
    restored.extensions["factcheck.engine"].dispose()
    assert mode(database_of(fresh)) == 0o600 and mode(database_of(fresh).parent) == 0o700


def test_restore_keeps_the_database_it_replaces(app, tmp_path, permissive_umask):
    store_articles(app, 2)
    assert run(app, "backup", str(tmp_path / "two.sqlite")).exit_code == 0
    store_articles(app, 3, start=10)
    result = run(app, "restore", "--yes", str(tmp_path / "two.sqlite"))
    assert result.exit_code == 0, result.output
    assert held(database_of(app)) == {"article": 2, "claim": 4}
    [kept] = database_of(app).parent.glob("test.sqlite.before-restore-*")
    assert f"kept as {kept}" in result.stdout
    assert held(kept) == {"article": 5, "claim": 10}
    assert mode(kept) == mode(tmp_path / "two.sqlite") == 0o600


def test_restore_asks_first(app, tmp_path):
    store_articles(app, 1)
    assert run(app, "backup", str(tmp_path / "one.sqlite")).exit_code == 0
    store_articles(app, 1, start=5)
    result = FactcheckRunner(app).invoke(args=["restore", str(tmp_path / "one.sqlite")], input="n\n")
    assert result.exit_code == 1 and "Replace the database" in result.output
    assert held(database_of(app))["article"] == 2


def test_restoring_an_older_database_brings_it_to_the_latest_revision(app, tmp_path):
    old = tmp_path / "old.sqlite"
    shutil.copyfile(DATA / "factcheck-0.1.0.sqlite", old)  # in WAL mode: reading it makes its -shm beside it
    result = run(app, "restore", "--yes", str(old))
    assert result.exit_code == 0, result.output
    assert "revision (none: 0.1.0)" in result.stdout and f"at revision {head_revision()} (the latest)" in result.stdout
    assert held(database_of(app))["article"] > 0


@pytest.mark.parametrize("other", ["writing", "idle"])
def test_restore_is_refused_while_another_process_has_the_database_open(app, tmp_path, monkeypatch, other):
    monkeypatch.setattr(backup, "IN_USE_WAIT_SECONDS", 0.1)
    store_articles(app, 1)
    assert run(app, "backup", str(tmp_path / "one.sqlite")).exit_code == 0
    store_articles(app, 1, start=5)
    server = sqlite3.connect(database_of(app), isolation_level=None)
    server.execute("SELECT count(*) FROM article").fetchone()
    if other == "writing":
        server.execute("BEGIN IMMEDIATE")
        server.execute("UPDATE article SET title = 'being written' WHERE id = 1")
    try:
        result = run(app, "restore", "--yes", str(tmp_path / "one.sqlite"))
    finally:
        server.close()  # a write in progress is rolled back
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"Error: {database_of(app)} is in use by another process (a server, or a command): "
                                          "stop the server, then restore"]
    assert held(database_of(app))["article"] == 2
    assert not list(tmp_path.glob("*before-restore*"))


def _newer_release(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = 'f00d'")
    connection.commit()
    connection.close()


@pytest.mark.parametrize(
    ("args", "prepare", "message"),
    [
        (["backup", "{tmp}"], None, "is a folder: give the backup's file name"),
        (["backup", "{tmp}/taken.sqlite"], "taken", "taken.sqlite exists: give --force to replace it"),
        (["backup", "{tmp}/missing/b.sqlite"], None, "cannot write {tmp}/missing/b.sqlite: No such file or directory"),
        (["backup", "{db}"], None, "exists: give --force to replace it"),
        (["backup", "--force", "{db}"], None, "is the database itself"),
        (["restore", "--yes", "{tmp}/missing.sqlite"], None, "missing.sqlite is not there: give a backup file"),
        (["restore", "--yes", "{tmp}"], None, "is a folder: give a backup file"),
        (["restore", "--yes", "{tmp}/taken.sqlite"], "taken", "taken.sqlite is not a SQLite database"),
        (["restore", "--yes", "{tmp}/other.sqlite"], "other", "other.sqlite is not a factcheck database"),
        (["restore", "--yes", "{tmp}/newer.sqlite"], "newer", "which this factcheck does not know (a newer release made it)"),
        (["restore", "--yes", "{db}"], None, "is the database itself"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(app, tmp_path, args, prepare, message):
    store_articles(app, 1)
    tmp = tmp_path / "out"
    tmp.mkdir()
    if prepare == "taken":
        (tmp / "taken.sqlite").write_text("my notes")
    elif prepare == "other":
        sqlite3.connect(tmp / "other.sqlite").execute("CREATE TABLE notes (text)").connection.close()
    elif prepare == "newer":
        assert run(app, "backup", str(tmp / "newer.sqlite")).exit_code == 0
        _newer_release(tmp / "newer.sqlite")
    before = sorted((path.name, path.stat().st_size) for path in tmp.iterdir())
    result = run(app, *[arg.format(tmp=tmp, db=database_of(app)) for arg in args])
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1 and message.format(tmp=tmp) in result.stderr, result.stderr
    assert sorted((path.name, path.stat().st_size) for path in tmp.iterdir()) == before
    assert not list(database_of(app).parent.glob("*before-restore*")) and not list(database_of(app).parent.glob(".*"))
    assert held(database_of(app))["article"] == 1


def test_force_replaces_an_earlier_backup(app, tmp_path):
    target = tmp_path / "b.sqlite"
    target.write_text("an older backup")
    store_articles(app, 2)
    result = run(app, "backup", "--force", str(target))
    assert result.exit_code == 0, result.output
    assert held(target) == {"article": 2, "claim": 4} and mode(target) == 0o600


@pytest.mark.parametrize(("command", "tool"), [("backup", "pg_dump -Fc -d DB -f factcheck.dump"),
                                               ("restore", "pg_restore --clean --if-exists -d DB factcheck.dump")])
def test_postgresql_is_sent_to_its_own_tools(app, tmp_path, command, tool):
    app.config["DATABASE_URL"] = "postgresql+psycopg://factcheck:secret@db.example.org/factcheck"
    result = FactcheckRunner(app).invoke(args=[command, "--yes" if command == "restore" else "--force", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"Error: {backup.PG_DUMP if command == 'backup' else backup.PG_RESTORE}"]
    assert tool in result.stderr and not (tmp_path / "x").exists()


def test_a_new_instance_is_kept_to_its_owner(tmp_path, monkeypatch, permissive_umask):
    instance = tmp_path / "instance"
    monkeypatch.setenv("FACTCHECK_INSTANCE_PATH", str(instance))
    monkeypatch.delenv("FACTCHECK_DATABASE_URL", raising=False)
    monkeypatch.delenv("FACTCHECK_SECRET_KEY", raising=False)
    app = create_app({"TESTING": True})
    store_articles(app, 1)
    files = {path.name: mode(path) for path in instance.iterdir()}
    app.extensions["factcheck.engine"].dispose()
    assert mode(instance) == 0o700
    assert files == {"factcheck.sqlite": 0o600, "factcheck.sqlite-wal": 0o600, "factcheck.sqlite-shm": 0o600,
                     "secret_key": 0o600}


def test_a_database_readable_by_others_is_narrowed_with_a_warning(tmp_path, caplog, permissive_umask):
    path = tmp_path / "old.sqlite"
    shutil.copyfile(DATA / "factcheck-0.1.0.sqlite", path)
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="factcheck.db"):
        app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "k"}, check_database=False)
        with app.extensions["factcheck.engine"].connect():
            pass
        app.extensions["factcheck.engine"].dispose()
    assert mode(path) == 0o600
    assert [record.getMessage() for record in caplog.records] == [
        f"{path} was readable by other users (mode 644): now by its owner only (0600)"
    ]
