"""Attack probes against a real factcheck server: the figures issue 14 ("Hardening, measured") asks for.

    .venv/bin/python -m bench.attack [--postgres URL] [--flood-seconds 120] [--only 1,5,12]

Starts gunicorn (as README's Deployment section runs it, one worker) on 127.0.0.1 and a free port,
on a new instance folder and SQLite database (or a PostgreSQL database already at the latest
revision: `factcheck db upgrade` it first), seeds a newsroom through the app's domain functions and
forms, then tries each class of hole over HTTP (the import category through `factcheck import`).
Every probe checks the answer's status and, where it matters, that the database holds what it held
before (the rows read directly). Prints probes tried / held / broke per category, with the first
failures described; exits 1 if any probe broke. A benchmark, never a test.

Modules: `results` (the tally), `client` (HTTP, CSRF, login), `server` (gunicorn and `factcheck`
commands), `snapshot` (the database read directly), `world` (the seeded newsroom, the routes), one
module per group of categories, and `__main__` (the run and its table).
"""

from pathlib import Path

#: The worktree the probes run: its factcheck and tests/ helpers, for this process and the servers.
ROOT = Path(__file__).resolve().parents[2]
