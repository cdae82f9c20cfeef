"""Schema revisions: `factcheck db ...`, databases from before revisions, and the app's start-up check.

The suite's second pass runs this module on PostgreSQL too, so each check holds on both.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command as alembic
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import create_engine, func, inspect, text
from sqlmodel import Session, SQLModel, select

from factcheck import create_app, schema
from factcheck.commands import cli
from factcheck.db import make_engine
from factcheck.domain.agreement import tables_from_counts
from factcheck.domain.blind import agreement_page, blind_label_counts
from factcheck.domain.scales import DEFAULT_SCALE_NAME, PRESET_SCALES
from factcheck.models import Article, Claim, Rating, RatingScale, User
from factcheck.schema import DatabaseOutOfDate, head_revision
from factcheck.vocabulary import ClaimStatus
from tests.conftest import DATA, PASSWORD, html, log_in
from tests.postgres import postgres_schema

ROOT = Path(__file__).resolve().parent.parent
POLITIFACT = "PolitiFact-style (6 levels)"
SNOPES = "Snopes-style labels"
CONCLUSION = "Conclusion only (free text)"


@pytest.fixture
def empty_database(tmp_path):
    """A database with no tables: a SQLite file, or a new schema in the PostgreSQL pass."""
    server = os.environ.get("FACTCHECK_TEST_POSTGRES_URL")
    if not server:
        yield f"sqlite:///{tmp_path / 'old.sqlite'}"
        return
    with postgres_schema(server) as url:
        yield url


@pytest.fixture
def factcheck(tmp_path):
    """Run `factcheck ARGS` on the database at `url` as a user would: settings from the environment."""

    def run(url: str, *args: str, input: str | None = None):
        env = {"FACTCHECK_DATABASE_URL": url, "FACTCHECK_SECRET_KEY": "x", "FACTCHECK_INSTANCE_PATH": str(tmp_path / "i")}
        return CliRunner().invoke(cli, list(args), env=env, input=input)

    return run


def execute(url: str, script: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        for statement in filter(str.strip, script.split(";")):
            connection.execute(text(statement))
    engine.dispose()


def differences(url: str) -> list:
    """What Alembic's autogenerate finds between the models and the database (nothing, when they agree)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        found = compare_metadata(MigrationContext.configure(connection, opts={"include_object": schema.include_object}), SQLModel.metadata)
    engine.dispose()
    return found


def revision_of(url: str) -> str | None:
    engine = create_engine(url)
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    engine.dispose()
    return current


# --- The models and the migrations ----------------------------------------------------------------


def test_the_models_and_the_migrations_agree(empty_database, factcheck):
    result = factcheck(empty_database, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert revision_of(empty_database) == head_revision()
    assert differences(empty_database) == []
    result = factcheck(empty_database, "db", "check")
    assert result.exit_code == 0 and "agree" in result.stdout


def test_alembic_commands_called_from_python_keep_what_they_do(empty_database):
    """Scripts and the test fixtures upgrade with alembic.command directly: that commits."""
    alembic.upgrade(schema.alembic_config(empty_database), "head")
    assert revision_of(empty_database) == head_revision()


def test_downgrade_to_base_removes_every_table_and_upgrade_builds_them_again(empty_database, factcheck):
    assert factcheck(empty_database, "db", "upgrade").exit_code == 0
    result = factcheck(empty_database, "db", "downgrade", "base", "--yes")
    assert result.exit_code == 0, result.output
    engine = create_engine(empty_database)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    assert revision_of(empty_database) is None
    assert factcheck(empty_database, "db", "upgrade").exit_code == 0
    assert differences(empty_database) == []


def test_downgrade_asks_first_and_takes_minus_one_for_one_step(empty_database, factcheck):
    result = factcheck(empty_database, "db", "upgrade")
    assert result.exit_code == 0 and result.stdout.splitlines()[-1] == f"The database is at revision {head_revision()} (the latest)."
    result = factcheck(empty_database, "db", "downgrade", "-1", input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert "Tables and columns added after revision 0010 are dropped, with every row in them." in result.output
    assert revision_of(empty_database) == head_revision()  # nothing dropped
    assert factcheck(empty_database, "db", "downgrade", "-1", input="y\n").exit_code == 0
    assert revision_of(empty_database) == "0010"
    engine = create_engine(empty_database)
    assert "archivetermcount" not in inspect(engine).get_table_names()
    engine.dispose()
    assert factcheck(empty_database, "db", "downgrade", "-1", input="y\n").exit_code == 0
    assert revision_of(empty_database) == "0009"
    engine = create_engine(empty_database)
    assert "auditevent" not in inspect(engine).get_table_names()
    engine.dispose()
    assert factcheck(empty_database, "db", "downgrade", "-1", input="y\n").exit_code == 0
    assert revision_of(empty_database) == "0008"
    engine = create_engine(empty_database)
    assert "loginfailure" not in inspect(engine).get_table_names()
    assert "last_seen" not in {column["name"] for column in inspect(engine).get_columns("loginsession")}
    engine.dispose()
    assert factcheck(empty_database, "db", "downgrade", "-1", input="y\n").exit_code == 0
    assert revision_of(empty_database) == "0007"  # agreement counted over every blind verdict again
    assert factcheck(empty_database, "db", "downgrade", "-1", input="y\n").exit_code == 0
    assert revision_of(empty_database) == "0006"
    engine = create_engine(empty_database)
    assert "articletag" not in inspect(engine).get_table_names()
    assert not {"claimant", "summary"} & {column["name"] for column in inspect(engine).get_columns("claim")}
    engine.dispose()
    assert factcheck(empty_database, "db", "downgrade", "-1", input="y\n").exit_code == 0
    assert revision_of(empty_database) == "0005"
    engine = create_engine(empty_database)
    assert not {"archiveterm", "claimterm", "matchqueue"} & set(inspect(engine).get_table_names())
    engine.dispose()
    assert factcheck(empty_database, "db", "downgrade", "-1", input="y\n").exit_code == 0
    assert revision_of(empty_database) == "0004"
    engine = create_engine(empty_database)
    assert not {"archiveentry", "claimmatch", "claimlink", "claim_search", "claimsearch"} & set(inspect(engine).get_table_names())
    engine.dispose()
    assert factcheck(empty_database, "db", "downgrade", "-1", input="y\n").exit_code == 0
    assert revision_of(empty_database) == "0003"
    engine = create_engine(empty_database)
    assert "agreementcount" not in inspect(engine).get_table_names()
    engine.dispose()
    assert factcheck(empty_database, "db", "downgrade", "-1", input="y\n").exit_code == 0
    assert revision_of(empty_database) == "0002"
    assert factcheck(empty_database, "db", "downgrade", "-1", input="y\n").exit_code == 0
    assert revision_of(empty_database) == "0001"
    engine = create_engine(empty_database)
    assert "changestamp" not in inspect(engine).get_table_names()
    engine.dispose()
    result = factcheck(empty_database, "db", "downgrade", "-1", input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert "This drops every table: all users, articles, claims and reviews are lost for good." in result.output
    assert revision_of(empty_database) == "0001"  # nothing dropped
    result = factcheck(empty_database, "db", "downgrade", "-1", input="y\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "The database has no tables."
    assert revision_of(empty_database) is None  # one step back from the baseline: no tables


def test_after_a_downgrade_to_base_the_database_counts_as_new(empty_database, factcheck):
    assert factcheck(empty_database, "db", "upgrade").exit_code == 0
    assert factcheck(empty_database, "db", "downgrade", "base", "--yes").exit_code == 0
    if empty_database.startswith("sqlite"):
        create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x"}).extensions["factcheck.engine"].dispose()
        assert revision_of(empty_database) == head_revision()  # created again on first start
    else:
        with pytest.raises(DatabaseOutOfDate, match="has no tables yet"):
            create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x"})


def test_a_new_database_holds_the_preset_scales_the_code_describes(empty_database, factcheck):
    """The baseline seeds its own copy of the presets: a change to PRESET_SCALES needs a revision."""
    assert factcheck(empty_database, "db", "upgrade").exit_code == 0
    engine = create_engine(empty_database)
    with Session(engine) as session:
        stored = []
        for scale in session.exec(select(RatingScale).order_by(RatingScale.id)).all():
            ratings = session.exec(select(Rating).where(Rating.scale_id == scale.id).order_by(Rating.position)).all()
            best = next((r.label for r in ratings if r.is_best), None)
            worst = next((r.label for r in ratings if r.is_worst), None)
            labels = [(r.label, r.value, r.description) for r in ratings]
            stored.append((scale.name, scale.description, scale.free_text, scale.preset, best, worst, labels))
    engine.dispose()
    assert stored == [
        (p.name, p.description, p.free_text, True, p.best, p.worst, list(p.ratings)) for p in PRESET_SCALES
    ]


def test_a_revision_that_leaves_dangling_rows_changes_nothing(tmp_path, factcheck, monkeypatch):
    """On SQLite, where foreign keys are off while migrating: the check runs before the commit."""
    folder = tmp_path / "migrations"
    shutil.copytree(ROOT / "migrations", folder)
    (folder / "versions" / "9999_orphan.py").write_text(
        f'revision = "9999"\ndown_revision = "{head_revision()}"\nbranch_labels = depends_on = None\n'
        "from alembic import op\n\n\ndef upgrade():\n"
        "    op.execute(\"INSERT INTO comment (claim_id, created, body) VALUES (999, '2026-01-01', 'x')\")\n"
        '    op.execute("CREATE TABLE scratch (id INTEGER)")\n\n\ndef downgrade():\n    pass\n'
    )
    monkeypatch.setattr(schema, "MIGRATIONS_DIR", folder)
    monkeypatch.setattr(schema, "_scripts", functools.cache(lambda: ScriptDirectory.from_config(schema.alembic_config())))
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    result = factcheck(url, "db", "upgrade")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Error: the migration would leave 1 rows pointing at rows that do not exist "
        "(table, row, referenced table: [('comment', 1, 'claim')]); nothing was changed."
    ]
    assert revision_of(url) is None  # not even the baseline, which ran in the same transaction
    connection = sqlite3.connect(tmp_path / "db.sqlite")
    assert connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall() == []
    connection.close()


def test_rows_dangling_before_the_upgrade_do_not_stop_it(tmp_path, factcheck):
    path = tmp_path / "old.sqlite"
    shutil.copyfile(DATA / "factcheck-0.1.0.sqlite", path)
    connection = sqlite3.connect(path)  # foreign keys are off unless asked for: an old mishap
    connection.execute("INSERT INTO comment (claim_id, user_id, created, body) VALUES (999, NULL, '2026-01-01', 'lost')")
    connection.commit()
    connection.close()
    result = factcheck(f"sqlite:///{path}", "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert revision_of(f"sqlite:///{path}") == head_revision()


def test_reading_commands_do_not_wait_for_a_writer(tmp_path, factcheck):
    """current, history and check read: they run while another process holds SQLite's write lock."""
    path = tmp_path / "busy.sqlite"
    url = f"sqlite:///{path}"
    assert factcheck(url, "db", "upgrade").exit_code == 0
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE ratingscale SET description = description")
    try:
        for command in (["current"], ["history"], ["check"]):
            result = factcheck(url, "db", *command)
            assert result.exit_code == 0, (command, result.output)
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_reading_commands_leave_an_old_database_as_it_was_and_say_what_to_do(tmp_path, factcheck):
    path = tmp_path / "old.sqlite"
    shutil.copyfile(DATA / "factcheck-0.1.0.sqlite", path)
    before = path.read_bytes()
    current = factcheck(f"sqlite:///{path}", "db", "current")
    assert current.exit_code == 0 and current.stdout == ""
    assert current.stderr.splitlines() == [
        "factcheck: the database was made by factcheck 0.1.0 or earlier, before schema revisions: "
        "run `factcheck db upgrade` (every stored row is kept)."
    ]
    assert factcheck(f"sqlite:///{path}", "db", "history").exit_code == 0
    assert path.read_bytes() == before  # not even an empty version table


def test_current_and_history_name_the_revisions(empty_database, factcheck):
    assert factcheck(empty_database, "db", "current").stdout.strip() == ""
    factcheck(empty_database, "db", "upgrade")
    assert factcheck(empty_database, "db", "current").stdout.split()[:2] == [head_revision(), "(head)"]
    history = factcheck(empty_database, "db", "history").stdout
    assert "0010 -> 0011 (head) (current), How many archived fact-checks keep each rare word" in history
    assert "0009 -> 0010, The security and audit log" in history
    assert "0008 -> 0009, Login failures kept in the database" in history
    assert "0007 -> 0008, Agreement counts only settled claims" in history
    assert "0006 -> 0007, Publishing: claim details (claimant, where and when it was said" in history
    assert "0005 -> 0006, The first stage of \"seen before\" as an index of rare words" in history
    assert "0004 -> 0005, The newsroom's memory: the archive of fact-checks" in history
    assert "0003 -> 0004, Agreement counts: the agreement page's figures kept up to date" in history
    assert "0002 -> 0003, Indexes on the foreign keys that had none" in history
    assert "0001 -> 0002, Change stamps: a counter per article" in history
    assert "<base> -> 0001, Baseline: the schema of factcheck 0.1.0" in history


def test_revision_writes_a_new_revision_that_autogenerate_leaves_empty(empty_database, factcheck, tmp_path, monkeypatch):
    folder = tmp_path / "migrations"
    shutil.copytree(ROOT / "migrations", folder)
    monkeypatch.setattr(schema, "MIGRATIONS_DIR", folder)
    assert factcheck(empty_database, "db", "upgrade").exit_code == 0
    result = factcheck(empty_database, "db", "revision", "-m", "Nothing yet", "--autogenerate")
    assert result.exit_code == 0, result.output
    shipped = {path.name for path in (ROOT / "migrations" / "versions").glob("*.py")}
    [written] = [p for p in (folder / "versions").glob("*.py") if p.name not in shipped]
    code = [line for line in written.read_text().splitlines() if not line.lstrip().startswith("#")]
    assert f"down_revision = '{head_revision()}'" in code
    for function in ("def upgrade() -> None:", "def downgrade() -> None:"):
        assert code[code.index(function) + 1] == "    pass"  # autogenerate found nothing to do


def test_upgrade_sql_prints_the_ddl_without_touching_the_database(empty_database, factcheck):
    result = factcheck(empty_database, "db", "upgrade", "--sql")
    assert result.exit_code == 0, result.output
    assert "CREATE TABLE claim" in result.stdout
    assert revision_of(empty_database) is None


# --- The app's start-up check ---------------------------------------------------------------------


def test_a_new_embedded_database_is_created_on_first_start(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite'}", "SECRET_KEY": "x"})
    url = app.config["DATABASE_URL"]
    app.extensions["factcheck.engine"].dispose()
    assert revision_of(url) == head_revision()
    assert differences(url) == []


def test_several_workers_starting_on_a_new_database_create_it_once(tmp_path):
    """Four processes start on the same new SQLite file at once: all come up, the schema is made once."""
    url = f"sqlite:///{tmp_path / 'race.sqlite'}"
    script = (
        "import sys; from factcheck import create_app\n"
        "app = create_app({'DATABASE_URL': sys.argv[1], 'SECRET_KEY': 'x'})\n"
        "assert app.test_client().get('/login').status_code == 200\n"
    )
    workers = [subprocess.Popen([sys.executable, "-c", script, url], stderr=subprocess.PIPE, text=True) for _ in range(4)]
    for worker in workers:
        _, stderr = worker.communicate(timeout=120)
        assert worker.returncode == 0, stderr[-2000:]
    connection = sqlite3.connect(tmp_path / "race.sqlite")
    assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]
    assert connection.execute("SELECT count(*) FROM ratingscale").fetchone() == (4,)
    connection.close()


def test_a_new_server_database_is_left_to_db_upgrade(empty_database, factcheck):
    """Web workers run no DDL: only the embedded SQLite default is created on start."""
    if not empty_database.startswith("postgresql"):
        pytest.skip("on SQLite a new database is created on first start (test above)")
    with pytest.raises(DatabaseOutOfDate, match=r"has no tables yet: run `factcheck db upgrade`"):
        create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x"})
    assert revision_of(empty_database) is None
    assert factcheck(empty_database, "db", "upgrade").exit_code == 0
    create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x"}).extensions["factcheck.engine"].dispose()


def test_an_app_on_a_database_behind_the_latest_revision_stops_with_one_line(empty_database, factcheck):
    assert factcheck(empty_database, "db", "upgrade").exit_code == 0
    execute(empty_database, "UPDATE alembic_version SET version_num = 'ffffffffffff'")
    with pytest.raises(DatabaseOutOfDate, match="revision ffffffffffff, which this factcheck does not know"):
        create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x"})
    execute(empty_database, "DROP TABLE alembic_version")
    with pytest.raises(DatabaseOutOfDate) as refused:
        create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x"})
    assert "\n" not in str(refused.value) and "run `factcheck db upgrade`" in str(refused.value)


def test_factcheck_run_on_an_old_database_says_what_to_do_and_exits(tmp_path):
    old = tmp_path / "old.sqlite"
    shutil.copyfile(DATA / "factcheck-0.1.0.sqlite", old)
    old.chmod(0o600)  # as factcheck made it: a world-readable one is narrowed with a warning line first
    exe = shutil.which("factcheck") or str(ROOT / ".venv/bin/factcheck")
    env = {**os.environ, "FACTCHECK_DATABASE_URL": f"sqlite:///{old}", "FACTCHECK_INSTANCE_PATH": str(tmp_path / "i")}
    run = subprocess.run([exe, "run", "--port", "0"], capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        "factcheck: the database was made by factcheck 0.1.0 or earlier, before schema revisions: "
        "run `factcheck db upgrade` (every stored row is kept)."
    ]
    assert revision_of(f"sqlite:///{old}") is None  # nothing was changed
    upgrade = subprocess.run([exe, "db", "upgrade"], capture_output=True, text=True, env=env, timeout=60)
    assert upgrade.returncode == 0, upgrade.stderr
    assert revision_of(f"sqlite:///{old}") == head_revision()


# --- Databases made before revisions --------------------------------------------------------------


@pytest.fixture
def release_database(empty_database):
    """The database factcheck 0.1.0 made (tests/data/README.md), in a file or a new PostgreSQL schema."""
    if empty_database.startswith("sqlite:///"):
        shutil.copyfile(DATA / "factcheck-0.1.0.sqlite", empty_database.removeprefix("sqlite:///"))
        return empty_database
    engine = create_engine(empty_database)
    with engine.connect() as connection:
        name = connection.execute(text("SELECT current_schema()")).scalar()
    dump = (DATA / "factcheck-0.1.0.postgresql.sql").read_text(encoding="utf-8").replace("{schema}", name)
    raw = engine.raw_connection()
    try:
        raw.cursor().execute(dump)
        raw.commit()
    finally:
        raw.close()
        engine.dispose()
    return empty_database


def row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    names = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    with engine.connect() as connection:
        counts = {t: connection.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in names}
    engine.dispose()
    return counts


def test_a_database_made_by_the_last_release_upgrades_keeping_every_row(release_database, factcheck):
    before = row_counts(release_database)
    assert before["claim"] == 30 and before["user"] == 5 and before["ratingscale"] == 5
    with pytest.raises(DatabaseOutOfDate, match="made by factcheck 0.1.0 or earlier"):
        create_app({"DATABASE_URL": release_database, "SECRET_KEY": "x"})
    result = factcheck(release_database, "db", "upgrade")
    assert result.exit_code == 0, result.output
    # Of its two claims with two blind verdicts each, the settled one is counted: by pair, article
    # and month (revision 0008: an unsettled claim's pair would tell its labels).
    after = row_counts(release_database)
    # Every claim is in the search index, made by the migration (FTS5 on SQLite, tsvectors on PostgreSQL).
    assert after.get("claim_search", after.get("claimsearch")) == 30
    kept = {t: n for t, n in after.items() if not t.startswith(schema.SEARCH_INDEX_NAMES)}
    assert kept == {**before, "changestamp": 0, "agreementcount": 3, "archiveentry": 0, "claimmatch": 0, "claimlink": 0,
                    "archiveterm": 0, "archivetermcount": 0, "claimterm": 0, "matchqueue": 0, "articletag": 0,
                    "loginfailure": 0, "auditevent": 0}
    assert differences(release_database) == []
    engine = create_engine(release_database)
    with Session(engine) as session:
        kept, _ = agreement_page(session, 1)
        articles = [a.id for a in session.exec(select(Article))]
        afresh = tables_from_counts(*(blind_label_counts(session, by, articles) for by in ("pair", "article", "month")))
        assert kept == afresh and kept.by_pair
    engine.dispose()
    assert factcheck(release_database, "db", "upgrade").exit_code == 0  # again: nothing to do
    expected = json.loads((DATA / "factcheck-0.1.0-exports.json").read_text(encoding="utf-8"))
    for article_id, record in expected.items():
        exported = factcheck(release_database, "export", article_id, "--format", "json")
        assert exported.exit_code == 0, exported.output
        # The same record, and each claim with the earlier checks linked to it: none, before there were links.
        with_links = {**record, "claims": [{**claim, "same_claim_as": []} for claim in record["claims"]]}
        now = json.loads(exported.stdout)
        # Fields added since (ids, tags, claim details, sign-offs) are compared apart, below.
        assert {**now, "article": {k: v for k, v in now["article"].items() if k in record["article"]},
                "claims": [{k: v for k, v in claim.items() if k in with_links["claims"][0]} for claim in now["claims"]]} == with_links
        assert now["article"]["tags"] == [] and now["article"]["archived"] is False
        assert {(c["claimant"], c["claim_url"], c["claim_date"], c["summary"]) for c in now["claims"]} == {("", "", None, "")}
    # Its people can still log in, with the passwords they had, and review.
    app = create_app({"DATABASE_URL": release_database, "SECRET_KEY": "x"})
    client = app.test_client()
    assert log_in(client, "edna", PASSWORD).status_code == 303
    page = html(client.get("/articles/1?show=all"))
    assert len(page.select(".claim-row")) == 25  # 26 claims (one was split), one dismissed
    assert "Mostly false" in page.select_one("#claims").get_text()
    app.extensions["factcheck.engine"].dispose()


def test_an_older_database_gains_new_columns_and_keeps_its_rows(tmp_path, factcheck):
    """Upgrading factcheck must not lose stored work: new columns are added, rows stay."""
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
    assert factcheck(f"sqlite:///{path}", "db", "upgrade").exit_code == 0
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


def test_claims_stored_before_second_review_existed_need_one_now(empty_database, factcheck):
    """An older database (on PostgreSQL, with an enum type of three statuses) upgrades in place."""
    postgres = empty_database.startswith("postgresql")
    script = OLD_SCHEMA.format(serial="SERIAL" if postgres else "INTEGER", status="claimstatus" if postgres else "VARCHAR(11)")
    if postgres:
        script = "CREATE TYPE claimstatus AS ENUM ('TO_REVIEW', 'IN_PROGRESS', 'DONE');" + script
    execute(empty_database, script)
    assert factcheck(empty_database, "db", "upgrade").exit_code == 0
    assert factcheck(empty_database, "db", "upgrade").exit_code == 0  # twice: idempotent
    app = create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x"})
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


def test_an_older_database_gains_the_scale_columns_and_presets(tmp_path, factcheck):
    path = tmp_path / "old.sqlite"
    create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "x"}).extensions["factcheck.engine"].dispose()
    # What a database from before scales looked like: no such columns, only the default scale.
    connection = sqlite3.connect(path)
    connection.executescript(
        """
        DROP TABLE alembic_version;
        DROP TABLE auditevent;
        DROP TABLE changestamp;
        DROP TABLE agreementcount;
        DROP TABLE loginfailure;
        ALTER TABLE loginsession DROP COLUMN last_seen;
        DROP TABLE articletag;
        DROP TABLE matchqueue;
        DROP INDEX ix_claim_status;
        DROP INDEX ix_claimrevision_changed;
        DROP INDEX ix_claim_published;
        DROP TABLE claimterm;
        DROP TABLE archivetermcount;
        DROP TABLE archiveterm;
        DROP TABLE claimlink;
        DROP TABLE claimmatch;
        DROP TABLE archiveentry;
        DROP TABLE claim_search;
        DROP TABLE archive_search;
        """
        + "".join(f"DROP TRIGGER IF EXISTS {name};" for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        + """
        ALTER TABLE claim DROP COLUMN conclusion;
        ALTER TABLE claim DROP COLUMN claimant;
        ALTER TABLE claim DROP COLUMN claim_url;
        ALTER TABLE claim DROP COLUMN claim_date;
        ALTER TABLE claim DROP COLUMN summary;
        ALTER TABLE claim DROP COLUMN published_at;
        ALTER TABLE article DROP COLUMN archived;
        ALTER TABLE ratingscale DROP COLUMN free_text;
        ALTER TABLE ratingscale DROP COLUMN preset;
        ALTER TABLE ratingscale DROP COLUMN description;
        DELETE FROM rating WHERE scale_id > 1;
        DELETE FROM ratingscale WHERE id > 1;
        """
    )
    connection.commit()
    connection.close()
    assert factcheck(f"sqlite:///{path}", "db", "upgrade").exit_code == 0
    connection = sqlite3.connect(path)
    assert "conclusion" in [row[1] for row in connection.execute("PRAGMA table_info(claim)")]
    rows = connection.execute("SELECT id, name, free_text, preset FROM ratingscale ORDER BY id").fetchall()
    connection.close()
    assert rows[0] == (1, DEFAULT_SCALE_NAME, 0, 1)
    assert [r[1] for r in rows[1:]] == [POLITIFACT, SNOPES, CONCLUSION] and rows[3][2] == 1


def test_upgrading_an_older_database_seeds_each_preset_once(release_database, factcheck):
    assert factcheck(release_database, "db", "upgrade").exit_code == 0
    app = create_app({"DATABASE_URL": release_database, "SECRET_KEY": "x"})
    with Session(app.extensions["factcheck.engine"]) as session:
        presets = session.exec(select(RatingScale.name).where(RatingScale.preset == True)).all()  # noqa: E712
        assert sorted(presets) == sorted([DEFAULT_SCALE_NAME, POLITIFACT, SNOPES, CONCLUSION])
        assert session.exec(select(func.count()).select_from(Rating)).one() == 7 + 6 + 15 + 2
        assert session.exec(select(func.count()).select_from(User)).one() == 5
        assert session.exec(select(func.count()).select_from(Article)).one() == 3
    app.extensions["factcheck.engine"].dispose()


def test_a_database_at_the_baseline_gains_the_change_stamps(empty_database, factcheck):
    """Revision 0002 on a database at 0001 (the first release with revisions): the app stops until
    `db upgrade`, which adds the table and keeps the rows."""
    assert factcheck(empty_database, "db", "upgrade", "0001").exit_code == 0
    assert revision_of(empty_database) == "0001"
    with pytest.raises(DatabaseOutOfDate, match="factcheck db upgrade"):
        create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x"})
    before = row_counts(empty_database)
    assert factcheck(empty_database, "db", "upgrade").exit_code == 0
    after = {t: n for t, n in row_counts(empty_database).items() if not t.startswith(schema.SEARCH_INDEX_NAMES)}
    assert after == {**before, "changestamp": 0, "agreementcount": 0, "archiveentry": 0, "claimmatch": 0, "claimlink": 0,
                     "archiveterm": 0, "archivetermcount": 0, "claimterm": 0, "matchqueue": 0, "articletag": 0,
                     "loginfailure": 0, "auditevent": 0}
    assert differences(empty_database) == []


def test_sessions_from_before_0009_count_as_last_used_when_made(empty_database, factcheck):
    assert factcheck(empty_database, "db", "upgrade", "0008").exit_code == 0
    execute(
        empty_database,
        "INSERT INTO \"user\" (id, username, display_name, role, password_hash, active, created) "
        "VALUES (1, 'ana', '', 'REVIEWER', 'x', true, '2026-12-01 09:00:00');"
        "INSERT INTO loginsession (token_hash, user_id, created, expires) "
        "VALUES ('abc', 1, '2026-12-01 09:30:00', '2026-12-01 21:30:00')",
    )
    assert factcheck(empty_database, "db", "upgrade").exit_code == 0
    engine = create_engine(empty_database)
    with engine.connect() as connection:
        [(created, last_seen)] = connection.execute(text("SELECT created, last_seen FROM loginsession")).all()
    engine.dispose()
    assert last_seen == created
    assert differences(empty_database) == []


def test_0011_counts_the_archive_entries_of_each_word_already_stored(empty_database, factcheck):
    assert factcheck(empty_database, "db", "upgrade", "0010").exit_code == 0
    execute(
        empty_database,
        "INSERT INTO archiveentry (id, key, claim, title, summary, imported, updated) VALUES "
        + ", ".join(f"({n + 1}, 'f{n}', 'Ferry {n} sank off Zanzibar', '', '', '2026-12-01', '2026-12-01')" for n in range(3))
        + "; INSERT INTO archiveterm (term, archive_entry_id) VALUES ('ferry', 1), ('ferry', 2), ('ferry', 3), ('zanzibar', 2)",
    )
    assert factcheck(empty_database, "db", "upgrade").exit_code == 0
    engine = create_engine(empty_database)
    with engine.connect() as connection:
        counts = dict(connection.execute(text("SELECT term, entries FROM archivetermcount")).all())
    engine.dispose()
    assert counts == {"ferry": 3, "zanzibar": 1}
    assert differences(empty_database) == []


def test_every_foreign_key_has_an_index(empty_database, factcheck):
    """A foreign key without an index makes every lookup by it, and every delete of the row it
    points at, read the whole table."""
    assert factcheck(empty_database, "db", "upgrade").exit_code == 0
    engine = create_engine(empty_database)
    try:
        found = inspect(engine)
        missing = []
        for table in found.get_table_names():
            leading = {tuple(index["column_names"][:1]) for index in found.get_indexes(table)}
            leading |= {tuple(u["column_names"][:1]) for u in found.get_unique_constraints(table)}
            leading.add(tuple(found.get_pk_constraint(table)["constrained_columns"][:1]))
            for key in found.get_foreign_keys(table):
                if tuple(key["constrained_columns"][:1]) not in leading:
                    missing.append(f"{table}.{key['constrained_columns'][0]}")
        assert missing == []
    finally:
        engine.dispose()


def test_a_worker_reading_while_another_creates_the_database_sees_it_new_or_made(tmp_path, monkeypatch):
    """gunicorn workers start on a new SQLite file at once; one may finish creating it between
    another's two reads (its tables, its revision): that one must not take it for a database made
    before revisions (0.1.0) and stop."""
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    engine = make_engine(url)
    real_inspect = schema.inspect

    def inspect_while_another_worker_creates_it(connection):
        alembic.upgrade(schema.alembic_config(url), "head")  # the other worker, done meanwhile
        monkeypatch.setattr(schema, "inspect", real_inspect)
        return real_inspect(connection)

    monkeypatch.setattr(schema, "inspect", inspect_while_another_worker_creates_it)
    try:
        schema.check_database(engine, create_new=True)
    finally:
        engine.dispose()
    assert revision_of(url) == head_revision()
