"""Configuration precedence, the default database, and SQLite settings."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from factcheck import create_app

ROOT = Path(__file__).resolve().parent.parent


def test_default_database_is_created_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("FACTCHECK_DATABASE_URL", raising=False)
    app = create_app()
    assert (tmp_path / "instance" / "factcheck.sqlite").exists()
    client = app.test_client()
    assert client.get("/").headers["Location"] == "/login?next=/"
    assert client.get("/login").status_code == 200
    # The generated secret is kept, so sessions survive a restart.
    assert create_app().config["SECRET_KEY"] == app.config["SECRET_KEY"]
    app.extensions["factcheck.engine"].dispose()


def test_precedence_defaults_instance_env_test_config(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(f"DATABASE_URL = 'sqlite:///{tmp_path}/from-instance.sqlite'\nSECRET_KEY = 'i'\n")
    monkeypatch.setenv("FACTCHECK_INSTANCE_PATH", str(instance))
    assert create_app().config["DATABASE_URL"].endswith("from-instance.sqlite")
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", f"sqlite:///{tmp_path}/from-env.sqlite")
    monkeypatch.setenv("FACTCHECK_SECRET_KEY", "e")
    app = create_app()
    assert app.config["DATABASE_URL"].endswith("from-env.sqlite") and app.config["SECRET_KEY"] == "e"
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/from-test.sqlite"})
    assert app.config["DATABASE_URL"].endswith("from-test.sqlite") and app.config["SECRET_KEY"] == "e"


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'wal.sqlite'}", "SECRET_KEY": "x"})
    with app.extensions["factcheck.engine"].connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    app.extensions["factcheck.engine"].dispose()


def test_a_plain_wheel_install_carries_templates_and_static_files(tmp_path):
    """`pip install .` (not editable) must give a working app: build the wheel and run it alone."""
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
    )
    if build.returncode != 0:
        pytest.fail(build.stderr[-2000:])
    wheel = next(tmp_path.glob("factcheck-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "factcheck/templates/base.html" in names
    assert "factcheck/templates/review/show.html" in names
    assert "factcheck/static/factcheck.js" in names
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    script = (
        "import factcheck, sys\n"
        "assert factcheck.__file__.startswith(sys.argv[1]), factcheck.__file__\n"
        "app = factcheck.create_app({'DATABASE_URL': 'sqlite://', 'SECRET_KEY': 'x'})\n"
        "client = app.test_client()\n"
        "assert b'Log in' in client.get('/login').data\n"
        "assert client.get('/static/factcheck.css').status_code == 200\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(unpacked)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(unpacked), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr[-2000:]


def test_an_older_database_gains_new_columns_and_keeps_its_rows(tmp_path):
    """Upgrading factcheck must not lose stored work: new columns are added, rows stay."""
    import sqlite3

    path = tmp_path / "old.sqlite"
    connection = sqlite3.connect(path)
    connection.executescript(
        """
        CREATE TABLE article (id INTEGER PRIMARY KEY, title VARCHAR NOT NULL, outlet VARCHAR NOT NULL,
          author VARCHAR NOT NULL, url VARCHAR NOT NULL, published DATE, text TEXT NOT NULL,
          rating_scale_id INTEGER NOT NULL, created DATETIME NOT NULL);
        INSERT INTO article VALUES (1, 'Old', '', '', '', NULL, 'A claim.', 1, '2026-01-01 00:00:00');
        """
    )
    connection.commit()
    connection.close()
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "x"})
    app.extensions["factcheck.engine"].dispose()
    connection = sqlite3.connect(path)
    columns = [row[1] for row in connection.execute("PRAGMA table_info(article)")]
    assert {"dateline", "source_url", "content_hash"} <= set(columns)
    assert connection.execute("SELECT title, text, dateline FROM article").fetchall() == [("Old", "A claim.", "")]
    connection.close()


OLD_SCHEMA = """
CREATE TABLE ratingscale (id {serial} PRIMARY KEY, name VARCHAR NOT NULL UNIQUE);
CREATE TABLE article (id {serial} PRIMARY KEY, title VARCHAR NOT NULL, outlet VARCHAR NOT NULL,
  author VARCHAR NOT NULL, url VARCHAR NOT NULL, published DATE, text TEXT NOT NULL,
  rating_scale_id INTEGER NOT NULL, created TIMESTAMP NOT NULL);
CREATE TABLE claim (id {serial} PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES article (id),
  position INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
  status {status} NOT NULL, verdict_id INTEGER, rationale TEXT NOT NULL, updated TIMESTAMP NOT NULL);
INSERT INTO article (title, outlet, author, url, text, rating_scale_id, created)
  VALUES ('Old', '', '', '', 'It rained. It poured.', 1, '2026-01-01 00:00:00');
INSERT INTO claim (article_id, position, start, "end", text, status, rationale, updated)
  VALUES (1, 0, 0, 10, 'It rained.', 'DONE', 'Seen.', '2026-01-01 00:00:00'),
         (1, 1, 11, 21, 'It poured.', 'IN_PROGRESS', '', '2026-01-01 00:00:00');
"""


@pytest.fixture
def empty_database(tmp_path):
    """A database with no tables: a SQLite file, or a new schema in the PostgreSQL pass."""
    from tests.postgres import postgres_schema

    server = os.environ.get("FACTCHECK_TEST_POSTGRES_URL")
    if not server:
        yield f"sqlite:///{tmp_path / 'old.sqlite'}"
        return
    with postgres_schema(server) as url:
        yield url


def test_claims_stored_before_second_review_existed_need_one_now(empty_database):
    """An older database (on PostgreSQL, with an enum type of three statuses) upgrades in place."""
    from sqlalchemy import create_engine

    from factcheck.models import Claim, ClaimStatus

    engine = create_engine(empty_database)
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        if postgres:
            connection.execute(text("CREATE TYPE claimstatus AS ENUM ('TO_REVIEW', 'IN_PROGRESS', 'DONE')"))
        script = OLD_SCHEMA.format(serial="SERIAL" if postgres else "INTEGER", status="claimstatus" if postgres else "VARCHAR(11)")
        for statement in filter(str.strip, script.split(";")):
            connection.execute(text(statement))
    engine.dispose()
    app = create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x"})
    create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x"}).extensions["factcheck.engine"].dispose()  # twice: idempotent
    with Session(app.extensions["factcheck.engine"]) as session:
        claims = session.exec(select(Claim).order_by(Claim.position)).all()
        assert [(c.text, c.status, c.rationale, c.version) for c in claims] == [
            ("It rained.", ClaimStatus.NEEDS_SECOND_REVIEW, "Seen.", 1),
            ("It poured.", ClaimStatus.IN_PROGRESS, "", 1),
        ]
        claims[1].status = ClaimStatus.PUBLISHED  # a label the old enum type did not have
        session.add(claims[1])
        session.commit()
    app.extensions["factcheck.engine"].dispose()
