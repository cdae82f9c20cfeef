"""Reviewers saving claims at once, over HTTP, on real gunicorn workers: what is stored, how fast.

Before anything is timed, the bench builds the database: a temporary SQLite file (created by the
app's own first start, from the migrations), or with --database-url a PostgreSQL server, on which
it creates a new database `bench_<pid>` for the run, brings it to the latest revision as `factcheck
db upgrade` does (factcheck.schema's Alembic config), and drops it afterwards. In it: one article of
about 200 claims (the first 200 sentences of CheckThat! 2024's English dev set in DATA_DIR, five to
a paragraph: 201 claims with today's splitter; without that file, 200 generated sentences), and REVIEWERS reviewers, each
assigned the whole article.

It then serves the database with gunicorn (`factcheck.app:create_app()`, --workers sync workers) in
a separate process, and beside it, on another port, a bare Flask app whose one route answers
"hello", served by gunicorn the same way with the same number of workers: the peer the figures are
divided by. The load comes from another process (this script run with `--client`): one thread per
reviewer, each with its own login session, looping for --seconds:

1. GET a claim card: `/claims/<id>` as htmx asks for it (HX-Request: true, HX-Current-URL: the
   review page with that claim open);
2. POST a save of it, with what the card's review form holds (CSRF token, the version the card was
   rendered with, the seen_* fields), a verdict picked at random among the form's ratings, a status
   among its status options, and a new rationale.

Modes (--mode, default both, one after the other on the same servers):

- **distinct**: each reviewer saves only its own claims (the article's claims dealt out to the
  reviewers, a dozen each with 16): no save should be refused, so any 409 is a finding and fails;
- **overlapping**: every reviewer saves the same --claims claims (default 5): most saves are made
  on a version someone else has already moved on, and are refused with 409.

Before the first mode and after each one, the same number of client threads GET hello for the
same time; each mode is divided by the two hello phases around it, pooled (these machines are
shared, and their load moves within a minute). Reported per mode: answered requests/s by route and
status; STORED saves/s, counted in the database afterwards (rationale revisions written during the
run: one per stored save, cross-checked against the acknowledged 200s and the claims' version
bumps; all history rows, by field); 409s; errors (5xx, other statuses, connection errors,
tracebacks in the servers' log); latency p50/p95/p99 of card GETs and of saves, as the client
measures them (connection to last byte); hello's requests/s and p50/p95/p99; stored saves/s / hello
requests/s. And, to read the figures on a busy machine: the CPU time factcheck's and hello's
gunicorn processes used (from /proc: per stored save, per hello request, and their ratio, which
does not depend on what else runs), the CPU the client process used, and the load average.

Checks, from the database (a failed one makes the exit code 1): every acknowledged save's rationale
is in its claim's history; per claim the acknowledged saves got distinct versions, and there are as
many rationale revisions and version bumps as acknowledged saves (no stale save was stored; a save
whose answer never came may account for one more); the stored rationale and version are those of
the last acknowledged save; no 5xx, no traceback in the servers' log, no "database is locked"
anywhere, no status but 200 for cards and 200/409 for saves, no 409 in distinct mode.

The issue's targets, for 16 reviewers in distinct mode, are printed as MET or MISSED and do not
change the exit code: stored saves/s at least 1/20 of hello's requests/s, p99 at most 100 ms (card
GETs and saves), 0 errors.

    .venv/bin/python bench/concurrent_reviewers.py [DATA_DIR] [--seconds 10] [--reviewers 16]
        [--mode distinct|overlapping|both] [--claims 5] [--workers 2] [--database-url URL]

DATA_DIR defaults to ../shared/data; the sentences are CLEF CheckThat! 2024 task 1 data (released
for research; see that folder's README for the license notes). --database-url takes a PostgreSQL
server URL, e.g. `postgresql+psycopg://postgres@/postgres?host=/tmp/pgdev` (a fresh database is
made on it and dropped after) or a SQLite URL of a file that does not exist yet.
"""

from __future__ import annotations

import argparse
import csv
import html
import http.client
import json
import math
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

# Only the standard library at import time: the client process runs this module too.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "bench password 1234"
LOCKED = "database is locked"
SENTENCES = 200
MODES = ("distinct", "overlapping")
# The targets (16 reviewers, distinct claims).
TARGET_RATIO = 1 / 20  # stored saves/s against hello's requests/s
TARGET_P99_MS = 100.0

_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
_REVIEW_FORM = re.compile(r'<form class="review-form".*?</form>', re.S)
_INPUT = re.compile(r"<input\b([^>]*)>")
_ATTRIBUTE = re.compile(r'([\w-]+)(?:="([^"]*)")?')
_STATUS_SELECT = re.compile(r'<select[^>]*\bname="status"[^>]*>(.*?)</select>', re.S)
_OPTION = re.compile(r'<option value="([^"]*)"')
_SERVER_ERROR = re.compile(r"Traceback|\[ERROR\]|\[CRITICAL\]|WORKER TIMEOUT")


#: The peer, written beside the run's database as hello_peer.py and served as `hello_peer:create_app()`.
HELLO_APP = '''"""The peer: a bare Flask app whose one route answers "hello"."""
from flask import Flask


def create_app():
    app = Flask("hello")
    app.add_url_rule("/hello", "hello", lambda: "hello")
    return app
'''


# --- the data and the database ---------------------------------------------------------------


def article_text(data: Path) -> tuple[str, str]:
    """About 200 sentences of debate, five to a paragraph, and where they come from."""
    path = data / "ct24_checkworthy_english_dev.tsv"
    if path.exists():
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
        sentences = [" ".join(row[1].split()) for row in rows[1:] if len(row) >= 2 and row[1].strip()][:SENTENCES]
        source = f"CheckThat! 2024 dev sentences ({path})"
    else:
        sentences = [f"Claim number {n} says that {n * 7} villages changed hands in week {n}." for n in range(1, SENTENCES + 1)]
        source = f"{SENTENCES} generated sentences ({path} not found)"
    return "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)), source


def _app_config(database_url: str) -> dict:
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench",
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_KIB": 8,
        "ARGON2_PARALLELISM": 1,
    }


@dataclass
class Setup:
    """What was built: the article, its claims in order, the reviewers' usernames."""

    article_id: int
    claim_ids: list[int]
    reviewers: list[str]
    source: str


def build(database_url: str, reviewers: int, data: Path) -> Setup:
    """The article and its reviewers, in a database at the latest revision (a new SQLite file is
    created by the app's first start; any other database is upgraded first, as `factcheck db
    upgrade` does)."""
    from alembic import command as alembic
    from sqlmodel import Session, select

    from factcheck import create_app
    from factcheck.domain.accounts import HashParameters, create_user
    from factcheck.domain.articles import create_article
    from factcheck.domain.scales import default_scale
    from factcheck.forms import ArticleCreate
    from factcheck.models import Assignment, Claim
    from factcheck.schema import alembic_config

    if not database_url.startswith("sqlite"):
        alembic.upgrade(alembic_config(database_url), "head")
    app = create_app(_app_config(database_url))
    text, source = article_text(data)
    params = HashParameters(1, 8, 1)
    with Session(app.extensions["factcheck.engine"]) as session:
        article = create_article(session, ArticleCreate(text=text, title="Bench: 200 claims"), default_scale(session))
        names = []
        for number in range(reviewers):
            user = create_user(session, f"reviewer{number:02d}", PASSWORD, "reviewer", params)
            session.add(Assignment(article_id=article.id, reviewer_id=user.id))
            names.append(user.username)
        session.commit()
        ids = list(session.exec(select(Claim.id).where(Claim.article_id == article.id).order_by(Claim.position)).all())
        setup = Setup(article.id, ids, names, source)
    app.extensions["factcheck.engine"].dispose()
    return setup


@contextmanager
def fresh_database(url: str | None) -> Iterator[str | None]:
    """For a PostgreSQL server URL, a new database `bench_<pid>` on it for this run, dropped
    afterwards; any other URL (or None) as it is."""
    if url is None or not url.startswith("postgresql"):
        yield url
        return
    from sqlalchemy import create_engine, make_url, text

    name = f"bench_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --- the servers -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A gunicorn master started by the bench, its port and its log (stdout and stderr)."""

    process: subprocess.Popen
    port: int
    log: Path

    def log_size(self) -> int:
        return self.log.stat().st_size

    def log_since(self, offset: int) -> str:
        with self.log.open("rb") as handle:
            handle.seek(offset)
            return handle.read().decode("utf-8", "replace")

    def cpu_seconds(self) -> float:
        """CPU time the master and its workers have used so far (Linux's /proc; 0 elsewhere)."""
        total = 0
        for entry in Path("/proc").glob("[0-9]*"):
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue  # gone, or not ours to read
            if self.process.pid in (int(entry.name), int(stat[1])):
                total += int(stat[11]) + int(stat[12])  # utime, stime
        return total / os.sysconf("SC_CLK_TCK") if total else 0.0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_gunicorn(app: str, workers: int, log: Path, env: dict[str, str], ready_path: str, pythonpath: Path = ROOT) -> Server:
    """gunicorn with `workers` sync workers on a free port of 127.0.0.1, once it answers `ready_path`."""
    port = _free_port()
    command = [
        sys.executable, "-m", "gunicorn",
        "--workers", str(workers), "--worker-class", "sync",
        "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--error-logfile", "-",
        "--pythonpath", str(pythonpath), app,
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT)
    server = Server(process, port, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn {app} exited with {process.returncode}:\n{server.log_since(0)}")
        try:
            if request(port, "GET", ready_path)[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"gunicorn {app} did not answer {ready_path} within 60 s:\n{server.log_since(0)}")


# --- the clients (in their own process: `--client`) ---------------------------------------------


def request(
    port: int, method: str, path: str, form: dict | None = None, headers: dict | None = None
) -> tuple[int, str, list[tuple[str, str]]]:
    """One request on a new connection (gunicorn's sync workers close it after each answer):
    status, body and headers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = dict(headers or {})
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace"), response.getheaders()
    finally:
        connection.close()


class Reviewer:
    """One reviewer's HTTP session: its own cookie and CSRF token."""

    def __init__(self, port: int, username: str) -> None:
        self.port = port
        self.username = username
        self.cookie = ""
        self.csrf = ""

    def send(self, method: str, path: str, form: dict | None = None, headers: dict | None = None) -> tuple[int, str]:
        headers = {**(headers or {}), **({"Cookie": self.cookie} if self.cookie else {})}
        status, text, response_headers = request(self.port, method, path, form, headers)
        for name, value in response_headers:
            if name.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return status, text

    def log_in(self) -> None:
        _, page = self.send("GET", "/login")
        found = _CSRF.search(page)
        self.csrf = found.group(1) if found else ""
        form = {"username": self.username, "password": PASSWORD, "csrf_token": self.csrf}
        status, _ = self.send("POST", "/login", form)
        if status != 303:
            raise RuntimeError(f"{self.username} could not log in: {status}")


def review_form(card: str) -> tuple[dict[str, str], list[str], list[str]] | None:
    """The card's review form: its hidden fields, the verdicts offered (rating ids) and the statuses."""
    found = _REVIEW_FORM.search(card)
    if found is None:
        return None
    form = found.group(0)
    hidden, verdicts = {}, []
    for tag in _INPUT.finditer(form):
        attributes = {name: html.unescape(value or "") for name, value in _ATTRIBUTE.findall(tag.group(1))}
        if attributes.get("type") == "hidden":
            hidden[attributes.get("name", "")] = attributes.get("value", "")
        elif attributes.get("type") == "radio" and attributes.get("name") == "verdict" and attributes.get("value"):
            verdicts.append(attributes["value"])
    select = _STATUS_SELECT.search(form)
    statuses = _OPTION.findall(select.group(1)) if select else []
    return hidden, verdicts, statuses


@dataclass
class Tally:
    """What one client thread saw."""

    card_statuses: Counter = field(default_factory=Counter)
    save_statuses: Counter = field(default_factory=Counter)
    card_ms: list[float] = field(default_factory=list)
    save_ms: list[float] = field(default_factory=list)
    ack_ms: list[float] = field(default_factory=list)
    acks: list[tuple[int, int, str]] = field(default_factory=list)  # claim, version, rationale
    unknown: list[tuple[int, str]] = field(default_factory=list)  # saves whose answer never came
    connection_errors: int = 0
    error_samples: list[str] = field(default_factory=list)  # what the connection errors were
    locked: int = 0
    problems: list[str] = field(default_factory=list)  # answers the bench could not read: failed checks


def _review_loop(reviewer: Reviewer, claim_ids: list[int], article_id: int, start, tally: Tally) -> None:  # noqa: ANN001
    rng = random.Random(reviewer.username)
    base = f"http://127.0.0.1:{reviewer.port}"
    number = 0
    until = start()
    while time.monotonic() < until:
        claim_id = rng.choice(claim_ids)
        htmx = {"HX-Request": "true", "HX-Current-URL": f"{base}/articles/{article_id}?claim={claim_id}"}
        began = time.perf_counter()
        try:
            status, card = reviewer.send("GET", f"/claims/{claim_id}", headers=htmx)
        except (OSError, http.client.HTTPException) as error:
            tally.connection_errors += 1
            tally.error_samples.append(f"card GET: {error!r}")
            continue
        tally.card_ms.append((time.perf_counter() - began) * 1000)
        tally.card_statuses[status] += 1
        tally.locked += card.count(LOCKED)
        parsed = review_form(card) if status == 200 else None
        if parsed is None:
            if status == 200:
                tally.problems.append(f"claim {claim_id}: the card has no review form")
            continue
        hidden, verdicts, statuses = parsed
        number += 1
        rationale = f"{reviewer.username} save {number}: checked against the record, which gives the figure in full."
        form = {
            **hidden,
            "verdict": rng.choice(verdicts) if verdicts else "",
            "status": rng.choice(statuses) if statuses else "in_progress",
            "rationale": rationale,
        }
        began = time.perf_counter()
        try:
            status, body = reviewer.send("POST", f"/claims/{claim_id}", form, {**htmx, "HX-Target": f"claim-{claim_id}"})
        except (OSError, http.client.HTTPException) as error:
            tally.connection_errors += 1
            tally.unknown.append((claim_id, rationale))
            tally.error_samples.append(f"save POST: {error!r}")
            continue
        elapsed = (time.perf_counter() - began) * 1000
        tally.save_ms.append(elapsed)
        tally.save_statuses[status] += 1
        tally.locked += body.count(LOCKED)
        if status == 200:
            tally.ack_ms.append(elapsed)
            version = re.search(rf'id="claim-{claim_id}"[^>]*data-version="(\d+)"', body)
            if version is None:
                tally.problems.append(f"claim {claim_id}: an acknowledged save's answer shows no version")
            else:
                tally.acks.append((claim_id, int(version.group(1)), rationale))


def _hello_loop(port: int, start, tally: Tally) -> None:  # noqa: ANN001
    until = start()
    while time.monotonic() < until:
        began = time.perf_counter()
        try:
            status = request(port, "GET", "/hello")[0]
        except (OSError, http.client.HTTPException) as error:
            tally.connection_errors += 1
            tally.error_samples.append(f"hello GET: {error!r}")
            continue
        tally.card_ms.append((time.perf_counter() - began) * 1000)
        tally.card_statuses[status] += 1


def client(spec: dict) -> dict:
    """Run one phase's client threads (`spec` from `_run_clients`); the tallies, merged, as JSON-able data."""
    port, seconds = spec["port"], spec["seconds"]
    threads_claims: list[tuple[str, list[int]]] = spec["reviewers"]
    tallies = [Tally() for _ in threads_claims]
    moment: list[float] = []
    spec_cpu: list[float] = []  # the client process's CPU time at the start: what the load itself costs

    def started() -> None:
        moment.append(time.monotonic())
        spec_cpu.append(time.process_time())

    barrier = threading.Barrier(len(threads_claims), action=started)

    def start() -> float:
        barrier.wait()
        return moment[0] + seconds

    failed: list[str] = []

    def run(index: int) -> None:
        name, claim_ids = threads_claims[index]
        try:
            if spec["hello"]:
                _hello_loop(port, start, tallies[index])
                return
            reviewer = Reviewer(port, name)
            reviewer.log_in()
            # Warm-up, not counted: a card once, so the workers' templates are compiled.
            reviewer.send("GET", f"/claims/{claim_ids[0]}", headers={"HX-Request": "true"})
            _review_loop(reviewer, claim_ids, spec["article_id"], start, tallies[index])
        except threading.BrokenBarrierError:
            pass  # another thread failed before the start
        except Exception as error:  # noqa: BLE001 (reported, and the phase fails)
            failed.append(f"{name}: {error!r}")
            barrier.abort()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(threads_claims))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failed:
        raise RuntimeError("client threads failed: " + "; ".join(failed[:3]))
    elapsed = time.monotonic() - moment[0]
    cpu = time.process_time() - spec_cpu[0]
    merged = Tally()
    for tally in tallies:
        for name in ("card_statuses", "save_statuses"):
            getattr(merged, name).update(getattr(tally, name))
        for name in ("card_ms", "save_ms", "ack_ms", "acks", "unknown", "error_samples", "problems"):
            getattr(merged, name).extend(getattr(tally, name))
        merged.connection_errors += tally.connection_errors
        merged.locked += tally.locked
    return {"elapsed": elapsed, "cpu": cpu, **{name: getattr(merged, name) for name in Tally.__dataclass_fields__}}


def _run_clients(spec: dict) -> dict:
    """One phase's clients in another process (this script with --client): the merged tally."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--client"],
        input=json.dumps(spec), capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"the client process failed ({done.returncode}):\n{done.stderr}")
    out = json.loads(done.stdout)
    for name in ("card_statuses", "save_statuses"):
        out[name] = Counter({int(code): n for code, n in out[name].items()})
    return out


# --- one run ---------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _spread(values: list[float]) -> str:
    return " / ".join(f"{percentile(values, share):.0f}" for share in (0.5, 0.95, 0.99)) + " ms"


@dataclass
class Result:
    """One mode's figures and the checks it failed."""

    mode: str
    reviewers: int
    workers: int
    claims: int  # claims the reviewers saved
    database: str = ""
    seconds: float = 0.0
    statuses: Counter = field(default_factory=Counter)  # answers to saves
    card_statuses: Counter = field(default_factory=Counter)
    card_ms: list[float] = field(default_factory=list)
    save_ms: list[float] = field(default_factory=list)
    ack_ms: list[float] = field(default_factory=list)
    connection_errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    server_errors: int = 0  # tracebacks and worker failures in the servers' log
    locked: int = 0
    acknowledged: int = 0
    unknown: int = 0
    stored: int = 0  # rationale revisions written during the run: one per stored save
    version_bumps: int = 0
    history_rows: Counter = field(default_factory=Counter)  # by field
    hello_seconds: float = 0.0  # the hello phases just before and just after this run, pooled
    hello_answers: int = 0
    hello_ms: list[float] = field(default_factory=list)
    hello_errors: int = 0
    hello_rates: list[float] = field(default_factory=list)  # each phase's requests/s
    hello_client_cores: float = 0.0
    client_cores: float = 0.0  # CPU the client process used during the run, in cores
    server_cpu: float = 0.0  # CPU seconds factcheck's gunicorn (master and workers) used during the run
    hello_server_cpu: float = 0.0  # the same for hello's, over its phases
    load: tuple[float, float] = (0.0, 0.0)  # the machine's 1-minute load average before and after the run
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def rate(self, count: int) -> float:
        return count / self.seconds if self.seconds else 0.0

    @property
    def stored_per_s(self) -> float:
        return self.rate(self.stored)

    @property
    def hello_per_s(self) -> float:
        return self.hello_answers / self.hello_seconds if self.hello_seconds else 0.0

    @property
    def ratio(self) -> float:
        return self.stored_per_s / self.hello_per_s if self.hello_per_s else 0.0

    @property
    def errors(self) -> int:
        """5xx, statuses nobody should get, connection errors, tracebacks in the servers' log."""
        unexpected = sum(n for code, n in self.statuses.items() if code not in (200, 409))
        unexpected += sum(n for code, n in self.card_statuses.items() if code != 200)
        return unexpected + self.connection_errors + self.server_errors + self.hello_errors

    def targets(self) -> list[tuple[bool, str]]:
        """The issue's targets (meant for 16 reviewers in distinct mode)."""
        card, save = percentile(self.card_ms, 0.99), percentile(self.save_ms, 0.99)
        return [
            (self.ratio >= TARGET_RATIO, f"stored saves/s / hello req/s = {self.ratio:.3f} (target >= {TARGET_RATIO:.3f})"),
            (card <= TARGET_P99_MS, f"card GET p99 {card:.0f} ms (target <= {TARGET_P99_MS:.0f})"),
            (save <= TARGET_P99_MS, f"save p99 {save:.0f} ms (target <= {TARGET_P99_MS:.0f})"),
            (self.errors == 0, f"errors {self.errors} (target 0)"),
        ]

    def report(self) -> str:
        other = sum(n for code, n in self.statuses.items() if code not in (200, 409))
        answered = sum(self.statuses.values()) + sum(self.card_statuses.values())
        fivexx = sum(n for code, n in (self.statuses + self.card_statuses).items() if code >= 500)
        rows = ", ".join(f"{name} {n}" for name, n in sorted(self.history_rows.items()))
        lines = [
            f"== {self.mode}: {self.reviewers} reviewers on {self.claims} claims, {self.workers} gunicorn workers, "
            f"{self.database}, {self.seconds:.1f} s",
            f"answered req/s     card GET 200 {self.rate(self.card_statuses[200]):.1f}; "
            f"save 200 {self.rate(self.statuses[200]):.1f}, 409 {self.rate(self.statuses[409]):.1f}, "
            f"other {self.rate(other):.1f}; all {self.rate(answered):.1f}",
            f"STORED saves/s     {self.stored_per_s:8.1f}   ({self.stored} stored; {self.acknowledged} acknowledged 200s, "
            f"{self.version_bumps} version bumps, {self.unknown} saves without an answer)",
            f"history rows       {sum(self.history_rows.values()):8d}   ({rows or 'none'})",
            f"409 refused        {self.statuses[409]:8d}",
            f"errors             {self.errors:8d}   (5xx {fivexx}, "
            f"connection {self.connection_errors}, server log {self.server_errors}, hello {self.hello_errors}); "
            f'"{LOCKED}" {self.locked}',
            f"card GET latency   p50 / p95 / p99 {_spread(self.card_ms)}",
            f"save latency       p50 / p95 / p99 {_spread(self.save_ms)} (acknowledged only: {_spread(self.ack_ms)})",
        ]
        lines += [f"  e.g. {sample}" for sample in self.error_samples[:3]]
        answered = sum(self.statuses.values()) + sum(self.card_statuses.values())
        if self.server_cpu and answered and self.stored:
            lines.append(
                f"server CPU         {1000 * self.server_cpu / answered:.1f} ms per answered request, "
                f"{1000 * self.server_cpu / self.stored:.1f} ms per stored save (cards and refusals included); "
                f"{self.server_cpu / self.seconds:.2f} cores busy"
            )
        lines.append(
            f"machine            load average {self.load[0]:.1f} -> {self.load[1]:.1f} on {os.cpu_count()} CPUs; "
            f"the client process used {self.client_cores:.2f} cores"
        )
        if self.hello_seconds:
            lines += [
                f"hello              {self.hello_per_s:8.1f} req/s, p50 / p95 / p99 {_spread(self.hello_ms)} "
                f"({self.reviewers} client threads; before / after: {' / '.join(f'{r:.0f}' for r in self.hello_rates)} req/s; "
                f"the client process used {self.hello_client_cores:.2f} cores)",
                f"stored saves/s / hello req/s   {self.ratio:.3f}  (1 / {1 / self.ratio if self.ratio else math.inf:.0f})",
            ]
            if self.hello_server_cpu and self.hello_answers and self.server_cpu and self.stored:
                hello_ms, save_ms = 1000 * self.hello_server_cpu / self.hello_answers, 1000 * self.server_cpu / self.stored
                lines.append(
                    f"by server CPU      hello {hello_ms:.2f} ms per request: the same ratio with the CPU alone "
                    f"{hello_ms / save_ms:.3f} (1 / {save_ms / hello_ms:.0f}), whatever else the machine runs"
                )
        lines.append("checks: all passed" if self.ok else "checks FAILED:\n  " + "\n  ".join(self.failures))
        return "\n".join(lines)


def _add_hello(result: Result, phases: list[dict]) -> None:
    for said in phases:
        result.hello_seconds += said["elapsed"]
        result.hello_answers += said["card_statuses"][200]
        result.hello_ms += said["card_ms"]
        result.hello_errors += said["connection_errors"] + sum(n for code, n in said["card_statuses"].items() if code != 200)
        result.hello_rates.append(said["card_statuses"][200] / said["elapsed"])
        result.hello_server_cpu += said["server_cpu"]
        result.error_samples += said["error_samples"]
    result.hello_client_cores = sum(said["cpu"] for said in phases) / result.hello_seconds


def _revision_mark(engine) -> int:  # noqa: ANN001
    from sqlmodel import Session, func, select

    from factcheck.models import ClaimRevision

    with Session(engine) as session:
        return session.exec(select(func.max(ClaimRevision.id))).one() or 0


def _versions(engine, claim_ids: list[int]) -> dict[int, tuple[int, str]]:  # noqa: ANN001
    from sqlmodel import Session, col, select

    from factcheck.models import Claim

    with Session(engine) as session:
        rows = session.exec(select(Claim.id, Claim.version, Claim.rationale).where(col(Claim.id).in_(claim_ids)))
        return {claim_id: (version, rationale) for claim_id, version, rationale in rows}


def verify(engine, result: Result, out: dict, claim_ids: list[int], mark: int, before: dict) -> None:  # noqa: ANN001
    """Count what the run stored, from the database, and check it against what was acknowledged."""
    from sqlmodel import Session, col, select

    from factcheck.models import ClaimRevision

    with Session(engine) as session:
        query = select(ClaimRevision.claim_id, ClaimRevision.field, ClaimRevision.after).where(col(ClaimRevision.id) > mark)
        revisions = list(session.exec(query.order_by(ClaimRevision.id)))
    after = _versions(engine, claim_ids)
    history: dict[int, list[str]] = defaultdict(list)
    for claim_id, field_name, value in revisions:
        result.history_rows[field_name] += 1
        if field_name == "rationale":
            history[claim_id].append(value)
    acks: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for claim_id, version, value in out["acks"]:
        acks[claim_id].append((version, value))
    unknown = Counter(claim_id for claim_id, _ in out["unknown"])
    strays = sorted(set(history) - set(claim_ids))
    if strays:
        result.failures.append(f"rationale revisions on claims nobody saved: {strays[:5]}")
    result.acknowledged = len(out["acks"])
    result.unknown = len(out["unknown"])
    result.stored = sum(len(values) for values in history.values())
    result.version_bumps = sum(after[c][0] - before[c][0] for c in claim_ids)
    for claim_id in claim_ids:
        saved, stored = acks.get(claim_id, []), history.get(claim_id, [])
        lost = [value for _, value in saved if value not in set(stored)]
        if lost:
            result.failures.append(f"claim {claim_id}: {len(lost)} acknowledged saves missing from history, e.g. {lost[0]!r}")
        versions = [version for version, _ in saved]
        if len(versions) != len(set(versions)):
            result.failures.append(f"claim {claim_id}: two acknowledged saves got the same version")
        if not len(saved) <= len(stored) <= len(saved) + unknown[claim_id]:
            result.failures.append(f"claim {claim_id}: {len(stored)} rationale revisions for {len(saved)} acknowledged saves")
        bumps = after[claim_id][0] - before[claim_id][0]
        if bumps != len(stored):
            result.failures.append(f"claim {claim_id}: version moved {bumps} times for {len(stored)} stored saves")
        if saved and not unknown[claim_id]:
            last_version, last_value = max(saved)
            if after[claim_id] != (last_version, last_value):
                result.failures.append(
                    f"claim {claim_id}: stored v{after[claim_id][0]} {after[claim_id][1]!r}, "
                    f"last acknowledged v{last_version} {last_value!r}"
                )


def _check_answers(result: Result, out: dict) -> None:
    fivexx = {code: n for code, n in (result.statuses + result.card_statuses).items() if code >= 500}
    if fivexx:
        result.failures.append(f"server errors: {fivexx}")
    if set(result.card_statuses) - {200}:
        result.failures.append(f"card GETs answered {dict(result.card_statuses)}")
    if set(result.statuses) - {200, 409}:
        result.failures.append(f"saves answered {dict(result.statuses)}")
    if result.mode == "distinct" and result.statuses[409]:
        result.failures.append(f"{result.statuses[409]} saves refused with 409 although every reviewer had its own claims")
    if result.locked:
        result.failures.append(f'"{LOCKED}" seen {result.locked} times')
    if result.server_errors:
        result.failures.append(f"{result.server_errors} errors in the servers' log")
    if not result.acknowledged:
        result.failures.append("no save was acknowledged")
    problems = sorted(set(out["problems"]))
    result.failures += problems[:5] + ([f"... and {len(problems) - 5} more"] if len(problems) > 5 else [])


def _claims_for(mode: str, setup: Setup, claims: int) -> list[tuple[str, list[int]]]:
    """Each reviewer's claims: its own share of all but the last `claims` ones, or those last ones for all."""
    shared, own = setup.claim_ids[-claims:], setup.claim_ids[:-claims]
    if mode == "overlapping":
        return [(name, shared) for name in setup.reviewers]
    if len(own) < len(setup.reviewers):
        raise SystemExit(f"{len(own)} claims cannot give {len(setup.reviewers)} reviewers one each")
    return [(name, own[index :: len(setup.reviewers)]) for index, name in enumerate(setup.reviewers)]


def run_modes(
    seconds: float = 10.0,
    reviewers: int = 16,
    claims: int = 5,
    database_url: str | None = None,
    *,
    modes: tuple[str, ...] = MODES,
    workers: int = 2,
    data: Path | None = None,
    hello: bool = True,
) -> list[Result]:
    """Build the database, serve it and hello with gunicorn, and run each mode (after a hello
    phase, unless `hello` is False).

    `database_url` names the database to use as it is: a SQLite file not made yet, or an empty
    database (brought to the latest revision first); None: a temporary SQLite file.
    """
    from factcheck.db import make_engine

    data = data or ROOT.parent / "shared" / "data"
    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        setup = build(url, reviewers, data)
        env = {f"FACTCHECK_{key}": str(value) for key, value in _app_config(url).items()}
        env["FACTCHECK_INSTANCE_PATH"] = folder  # no instance/config.py of this checkout
        servers: list[Server] = []
        engine = make_engine(url)
        results = []
        try:
            here = Path(folder)
            servers.append(start_gunicorn("factcheck.app:create_app()", workers, here / "factcheck.log", env, "/login"))
            (here / "hello_peer.py").write_text(HELLO_APP, encoding="utf-8")
            servers.append(start_gunicorn("hello_peer:create_app()", workers, here / "hello.log", {}, "/hello", here))
            factcheck, peer = servers
            greet = {"port": peer.port, "seconds": seconds, "hello": True, "reviewers": [(name, []) for name in setup.reviewers]}

            def greet_once() -> dict:
                cpu = peer.cpu_seconds()
                said = _run_clients(greet)
                return {**said, "server_cpu": peer.cpu_seconds() - cpu}

            said = greet_once() if hello else None
            for mode in modes:
                plan = _claims_for(mode, setup, claims)
                in_play = sorted({claim_id for _, ids in plan for claim_id in ids})
                result = Result(mode, reviewers, workers, len(in_play), database=url.split(":", 1)[0].split("+")[0])
                offsets = [server.log_size() for server in servers]
                mark, before = _revision_mark(engine), _versions(engine, in_play)
                load = os.getloadavg()[0]
                spec = {"port": factcheck.port, "seconds": seconds, "hello": False, "reviewers": plan}
                cpu = factcheck.cpu_seconds()
                out = _run_clients({**spec, "article_id": setup.article_id})
                result.server_cpu = factcheck.cpu_seconds() - cpu
                result.seconds, result.client_cores = out["elapsed"], out["cpu"] / out["elapsed"]
                result.load = (load, os.getloadavg()[0])
                result.statuses, result.card_statuses = out["save_statuses"], out["card_statuses"]
                result.card_ms, result.save_ms, result.ack_ms = out["card_ms"], out["save_ms"], out["ack_ms"]
                result.connection_errors, result.locked = out["connection_errors"], out["locked"]
                result.error_samples = out["error_samples"]
                if said is not None:  # hello just before this run and just after it
                    after = greet_once()
                    _add_hello(result, [said, after])
                    said = after
                logs = [server.log_since(offset) for server, offset in zip(servers, offsets, strict=True)]
                result.locked += sum(log.count(LOCKED) for log in logs)
                result.server_errors = sum(len(_SERVER_ERROR.findall(log)) for log in logs)
                verify(engine, result, out, in_play, mark, before)
                _check_answers(result, out)
                results.append(result)
        finally:
            for server in servers:
                server.stop()
            engine.dispose()
    return results


def run(
    seconds: float = 10.0,
    reviewers: int = 16,
    claims: int = 5,
    database_url: str | None = None,
    *,
    mode: str = "overlapping",
    workers: int = 2,
    data: Path | None = None,
    hello: bool = False,
) -> Result:
    """One mode (overlapping unless told), without the hello phase unless asked: the checks alone
    (tests/test_concurrency.py)."""
    return run_modes(seconds, reviewers, claims, database_url, modes=(mode,), workers=workers, data=data, hello=hello)[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=ROOT.parent / "shared" / "data", help="DATA_DIR")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of load per mode, and of hello before it")
    parser.add_argument("--reviewers", type=int, default=16, help="reviewers, each with its own session and thread")
    parser.add_argument("--mode", choices=(*MODES, "both"), default="both")
    parser.add_argument("--claims", type=int, default=5, help="the claims every reviewer saves in overlapping mode")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers, for factcheck and for hello")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server (a new database is made on it for the run), or a new SQLite file; "
        "default: a temporary SQLite file",
    )
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)  # the load process
    args = parser.parse_args(argv)
    if args.client:
        json.dump(client(json.load(sys.stdin)), sys.stdout)
        return 0
    modes = MODES if args.mode == "both" else (args.mode,)
    with fresh_database(args.database_url) as url:
        results = run_modes(
            args.seconds, args.reviewers, args.claims, url, modes=modes, workers=args.workers, data=args.data
        )
    print(f"article: {article_text(args.data)[1]}")
    for result in results:
        print(result.report())
        print()
    for result in results:
        if result.mode == "distinct":
            note = "" if result.reviewers == 16 else f" (set for 16 reviewers; this run had {result.reviewers})"
            print(f"The issue's targets, distinct mode{note}:")
            for met, text in result.targets():
                print(f"  {'MET   ' if met else 'MISSED'} {text}")
    failed = [result.mode for result in results if not result.ok]
    print("correctness checks: " + (f"FAILED in {', '.join(failed)}" if failed else "all passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
