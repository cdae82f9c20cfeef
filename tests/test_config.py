"""Configuration precedence, the default database, and SQLite settings."""

from __future__ import annotations

import secrets
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text

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


def test_the_generated_secret_is_kept_for_its_owner_only(tmp_path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("FACTCHECK_SECRET_KEY", raising=False)
    app = create_app({"DATABASE_URL": "sqlite://"})
    app.extensions["factcheck.engine"].dispose()
    key = app.config["SECRET_KEY"]
    stored = tmp_path / "instance" / "secret_key"
    assert len(key) == 64 and stored.read_text() == key
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert [path.name for path in stored.parent.iterdir()] == ["secret_key"]  # no temp file left


def test_server_processes_starting_at_once_use_the_key_stored_first(tmp_path, monkeypatch):
    """Another worker (gunicorn -w 2) may store its key between this one's look and its write:
    both must then use that key, or a session made by one is refused by the other."""
    instance = tmp_path / "instance"
    monkeypatch.setenv("FACTCHECK_INSTANCE_PATH", str(instance))
    monkeypatch.delenv("FACTCHECK_SECRET_KEY", raising=False)
    other_workers_key = "0f" * 32
    token_hex = secrets.token_hex

    def meanwhile_another_worker_stores_its_key(size: int) -> str:
        (instance / "secret_key").write_text(other_workers_key)
        return token_hex(size)

    monkeypatch.setattr(secrets, "token_hex", meanwhile_another_worker_stores_its_key)
    app = create_app({"DATABASE_URL": "sqlite://"})
    app.extensions["factcheck.engine"].dispose()
    assert app.config["SECRET_KEY"] == other_workers_key
    assert (instance / "secret_key").read_text() == other_workers_key
    assert [path.name for path in instance.iterdir()] == ["secret_key"]


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


@pytest.mark.parametrize(
    ("value", "hosts"),
    [
        ('["intranet.example.org", "*.corp.example"]', ["intranet.example.org", "*.corp.example"]),
        ("intranet.example.org, *.corp.example", ["intranet.example.org", "*.corp.example"]),
        ("intranet.example.org", ["intranet.example.org"]),
        ("", []),
    ],
    ids=["json-list", "commas", "one-name", "empty"],
)
def test_fetch_private_hosts_from_the_environment_is_a_list_of_names(tmp_path, monkeypatch, value, hosts):
    monkeypatch.setenv("FACTCHECK_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("FACTCHECK_FETCH_PRIVATE_HOSTS", value)
    app = create_app({"DATABASE_URL": "sqlite://"})
    app.extensions["factcheck.engine"].dispose()
    assert app.config["FETCH_PRIVATE_HOSTS"] == hosts
    assert app.config["FETCH_PRIVATE_ADDRESSES"] is False


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
