"""Twenty reviewers saving overlapping claims at once, over HTTP: no acknowledged save may be lost.

Starts factcheck on 127.0.0.1 (werkzeug's threaded server, a temporary SQLite file), creates
REVIEWERS reviewers assigned to one article, and for DURATION seconds each reviewer, with its own
login session, loops: GET a claim card (htmx fragment) -> POST a save of that card with a new
rationale and the version the card was rendered with. The claims are few, so reviewers overlap
and many saves are stale.

Then it checks, from the database:

- every acknowledged save (200) is in its claim's history (a rationale revision with its value);
- per claim, the acknowledged saves got distinct versions, the stored value is the one of the
  highest acknowledged version, and there are exactly as many rationale revisions as acknowledged
  saves (no stale save was silently stored);
- no 5xx, no "database is locked" in any response or server log, no other status than 200/409.

As a peer figure from the same run, the same reviewers then only GET cards for the same time, and
the save rate is shown as a ratio of that read rate. Exits 1 if any check fails.

    .venv/bin/python bench/concurrent_reviewers.py [--seconds 10] [--reviewers 20] [--claims 5]
        [--database-url URL]

On PostgreSQL, with a throwaway cluster:

    bash scripts/with-postgres.sh sh -c \
        '.venv/bin/python bench/concurrent_reviewers.py --database-url "$FACTCHECK_TEST_POSTGRES_URL"'
"""

from __future__ import annotations

import argparse
import http.client
import logging
import random
import re
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from flask import got_request_exception
from sqlmodel import Session, select
from werkzeug.serving import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from alembic import command as alembic  # noqa: E402

from factcheck import create_app  # noqa: E402
from factcheck.domain.accounts import HashParameters, create_user  # noqa: E402
from factcheck.domain.articles import create_article  # noqa: E402
from factcheck.domain.scales import default_scale  # noqa: E402
from factcheck.forms import ArticleCreate  # noqa: E402
from factcheck.models import Assignment, Claim, ClaimRevision  # noqa: E402
from factcheck.schema import alembic_config  # noqa: E402

PASSWORD = "bench password 1234"
LOCKED = "database is locked"
ARTICLE = " ".join(
    f"Claim number {n} says that {n * 7} villages changed hands in week {n}." for n in range(1, 13)
)
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
_VERSION = re.compile(r'name="version" value="(\d+)"')


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """No request lines: errors still reach the log (and the lock counter)."""


class _LockCounter(logging.Handler):
    """Counts log records (with their tracebacks) that mention a locked database."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage() + (logging.Formatter().formatException(record.exc_info) if record.exc_info else "")
        if LOCKED in text:
            self.count += 1


@dataclass
class Reviewer:
    """One reviewer's HTTP session: its own cookie and CSRF token."""

    host: str
    port: int
    username: str
    cookie: str = ""
    csrf: str = ""

    def request(self, method: str, path: str, form: dict | None = None, htmx: bool = False) -> tuple[int, str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if htmx:
            headers["HX-Request"] = "true"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie" and value.startswith("session="):
                    self.cookie = value.split(";", 1)[0]
            found = _CSRF.search(text)
            if found:
                self.csrf = found.group(1)
            return response.status, text
        finally:
            connection.close()

    def log_in(self) -> None:
        self.request("GET", "/login")
        status, _ = self.request(
            "POST", "/login", {"username": self.username, "password": PASSWORD, "csrf_token": self.csrf}
        )
        if status != 303:
            raise RuntimeError(f"{self.username} could not log in: {status}")


@dataclass
class Result:
    """What the run measured and which checks failed."""

    seconds: float
    reviewers: int
    claims: int
    saves: int = 0  # POSTs answered
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    locked: int = 0
    reads: int = 0
    read_seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0

    def report(self) -> str:
        saves_per_s = self.saves / self.seconds
        reads_per_s = self.reads / self.read_seconds if self.read_seconds else 0.0
        fivexx = sum(n for code, n in self.statuses.items() if code >= 500)
        lines = [
            f"{self.reviewers} reviewers, {self.claims} claims, {self.seconds:.1f} s of saves",
            f"saves/s            {saves_per_s:8.1f}   (GET card + POST save per loop)",
            f"save latency       p50 {self.percentile(0.5):.1f} ms, p95 {self.percentile(0.95):.1f} ms",
            f"200 acknowledged   {self.statuses[200]:8d}",
            f"409 conflicts      {self.statuses[409]:8d}",
            f"5xx                {fivexx:8d}",
            f"other statuses     {sum(n for c, n in self.statuses.items() if c not in (200, 409) and c < 500):8d}",
            f'"{LOCKED}"  {self.locked:4d}',
            f"peer: card GETs/s  {reads_per_s:8.1f}   (same server, same reviewers, read only)",
            f"ratio saves/GETs   {saves_per_s / reads_per_s if reads_per_s else 0:8.2f}",
            "lost acknowledged saves: 0" if self.ok else "FAILED:\n  " + "\n  ".join(self.failures),
        ]
        return "\n".join(lines)


def _set_up(app, reviewers: int, claims: int) -> tuple[list[str], list[int]]:
    params = HashParameters(1, 8, 1)
    with Session(app.extensions["factcheck.engine"]) as session:
        article = create_article(session, ArticleCreate(text=ARTICLE, title="Bench"), default_scale(session))
        names = []
        for number in range(reviewers):
            user = create_user(session, f"reviewer{number:02d}", PASSWORD, "reviewer", params)
            session.add(Assignment(article_id=article.id, reviewer_id=user.id))
            names.append(user.username)
        session.commit()
        ids = list(session.exec(select(Claim.id).where(Claim.article_id == article.id).order_by(Claim.position)).all())
    return names, ids[:claims]


def _save_loop(reviewer: Reviewer, claim_ids: list[int], until: float, result: Result, acks: list, lock: threading.Lock):
    rng = random.Random(reviewer.username)
    number = 0
    while time.monotonic() < until:
        claim_id = rng.choice(claim_ids)
        status, card = reviewer.request("GET", f"/claims/{claim_id}", htmx=True)
        if status != 200:
            with lock:
                result.statuses[status] += 1
                result.locked += card.count(LOCKED)
            continue
        version = _VERSION.search(card).group(1)
        number += 1
        value = f"{reviewer.username} save {number}"
        form = {"verdict": "", "status": "in_progress", "rationale": value, "version": version, "csrf_token": reviewer.csrf}
        started = time.perf_counter()
        status, body = reviewer.request("POST", f"/claims/{claim_id}", form, htmx=True)
        elapsed = time.perf_counter() - started
        with lock:
            result.saves += 1
            result.statuses[status] += 1
            result.latencies.append(elapsed)
            result.locked += body.count(LOCKED)
            if status == 200:
                acks.append((claim_id, int(_VERSION.search(body).group(1)), value))


def _read_loop(reviewer: Reviewer, claim_ids: list[int], until: float, counts: list, lock: threading.Lock):
    rng = random.Random(reviewer.username + "read")
    done = 0
    while time.monotonic() < until:
        status, _ = reviewer.request("GET", f"/claims/{rng.choice(claim_ids)}", htmx=True)
        done += status == 200
    with lock:
        counts.append(done)


def _verify(app, acks: list[tuple[int, int, str]], claim_ids: list[int]) -> list[str]:
    failures = []
    by_claim: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for claim_id, version, value in acks:
        by_claim[claim_id].append((version, value))
    with Session(app.extensions["factcheck.engine"]) as session:
        for claim_id in claim_ids:
            claim = session.get(Claim, claim_id)
            history = [
                r.after
                for r in session.exec(
                    select(ClaimRevision).where(ClaimRevision.claim_id == claim_id, ClaimRevision.field == "rationale")
                ).all()
            ]
            saved = by_claim.get(claim_id, [])
            lost = [value for _, value in saved if value not in set(history)]
            if lost:
                failures.append(f"claim {claim_id}: {len(lost)} acknowledged saves missing from history, e.g. {lost[0]!r}")
            versions = [v for v, _ in saved]
            if len(versions) != len(set(versions)):
                failures.append(f"claim {claim_id}: two acknowledged saves got the same version")
            if len(history) != len(saved):
                failures.append(f"claim {claim_id}: {len(history)} rationale revisions for {len(saved)} acknowledged saves")
            if saved:
                last_version, last_value = max(saved)
                if (claim.rationale, claim.version) != (last_value, last_version):
                    failures.append(
                        f"claim {claim_id}: stored {claim.rationale!r} v{claim.version}, "
                        f"last acknowledged {last_value!r} v{last_version}"
                    )
    return failures


def run(seconds: float = 10.0, reviewers: int = 20, claims: int = 5, database_url: str | None = None) -> Result:
    """Run the save phase and the read-only peer phase, verify, and return the figures.

    `database_url` names an empty database (PostgreSQL, say), brought to the latest schema
    revision first, as `factcheck db upgrade` does; None: a temporary SQLite file.
    """
    if database_url is not None:
        alembic.upgrade(alembic_config(database_url), "head")
    counter = _LockCounter()
    logging.getLogger().addHandler(counter)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "DATABASE_URL": database_url or f"sqlite:///{Path(folder) / 'bench.sqlite'}",
                "SECRET_KEY": "bench",
                "ARGON2_TIME_COST": 1,
                "ARGON2_MEMORY_KIB": 8,
                "ARGON2_PARALLELISM": 1,
            }
        )
        app.logger.addHandler(counter)

        def on_exception(_sender, exception, **_extra):
            if LOCKED in str(exception):
                counter.count += 1

        got_request_exception.connect(on_exception, app)
        names, claim_ids = _set_up(app, reviewers, claims)
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        result = Result(seconds=seconds, reviewers=reviewers, claims=len(claim_ids))
        try:
            clients = [Reviewer("127.0.0.1", server.server_port, name) for name in names]
            for client in clients:
                client.log_in()
            acks: list[tuple[int, int, str]] = []
            lock = threading.Lock()
            started = time.monotonic()
            _run_threads(clients, lambda c, until: _save_loop(c, claim_ids, until, result, acks, lock), seconds)
            result.seconds = time.monotonic() - started
            counts: list[int] = []
            started = time.monotonic()
            _run_threads(clients, lambda c, until: _read_loop(c, claim_ids, until, counts, lock), seconds)
            result.read_seconds = time.monotonic() - started
            result.reads = sum(counts)
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)
        result.locked += counter.count
        result.failures = _verify(app, acks, claim_ids)
        app.extensions["factcheck.engine"].dispose()
    logging.getLogger().removeHandler(counter)
    if any(code >= 500 for code in result.statuses):
        result.failures.append(f"server errors: {dict(result.statuses)}")
    if any(code not in (200, 409) and code < 500 for code in result.statuses):
        result.failures.append(f"unexpected statuses: {dict(result.statuses)}")
    if result.locked:
        result.failures.append(f'"{LOCKED}" seen {result.locked} times')
    if not result.statuses[200]:
        result.failures.append("no save was acknowledged")
    return result


def _run_threads(clients: list[Reviewer], loop, seconds: float) -> None:
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=loop, args=(client, until)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--claims", type=int, default=5)
    parser.add_argument(
        "--database-url",
        help="an empty database to run on, e.g. postgresql+psycopg://... (default: a temporary SQLite file)",
    )
    args = parser.parse_args()
    result = run(args.seconds, args.reviewers, args.claims, args.database_url)
    print(result.report())
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
