"""factcheck under gunicorn, as README's Deployment section runs it: two worker processes on one
database (SQLite, or PostgreSQL in the suite's second pass), reviewers' requests landing on either.

The test adds nothing to the app to see which worker answered: gunicorn's access log names the
process (`%(p)s`) beside a number each request carries in a header of the test's own.
"""

from __future__ import annotations

import http.client
import itertools
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from sqlmodel import Session, select

from factcheck.db import make_engine
from factcheck.domain.accounts import HashParameters, create_user
from factcheck.models import Claim, ClaimRevision
from tests.conftest import FAST_HASHING, PASSWORD

WORKERS = 2
CLIENTS = 4  # reviewers at work at once, each with its own session
CLAIMS_EACH = 3  # claims each saves on the article it imported

#: A gunicorn config file of the test's: a log line once a worker has loaded the app (readiness),
#: and no control socket (gunicorn 25.1+ binds one at ~/.gunicorn/gunicorn.ctl by default, taking
#: it from any other gunicorn of the same user; older releases ignore the setting).
TEST_CONFIG = """\
control_socket_disable = True


def post_worker_init(worker):
    worker.log.info("worker %s ready", worker.pid)
"""
#: The access log: the worker's pid, the test's request number, and the answer's status.
ACCESS_FORMAT = "%(p)s %({x-test-request}i)s %(m)s %(U)s %(s)s"
ACCESS_LINE = re.compile(r"^<(\d+)> (\d+) \S+ \S+ (\d{3})$")
READY_LINE = re.compile(r"worker (\d+) ready")
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


@dataclass
class Gunicorn:
    """A gunicorn master and its workers, started by `serve`."""

    process: subprocess.Popen
    log: Path
    access_log: Path
    port: int = 0
    worker_pids: set[int] = field(default_factory=set)

    def wait_ready(self, timeout: float = 15.0) -> None:
        """Poll the log until the socket is bound and every worker has loaded the app."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.log.read_text()
            listening = LISTENING.search(text)
            self.worker_pids = {int(pid) for pid in READY_LINE.findall(text)}
            if listening and len(self.worker_pids) >= WORKERS:
                self.port = int(listening[1])
                return
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn stopped (exit {self.process.returncode}) before it was ready")
            time.sleep(0.05)
        pytest.fail(f"gunicorn was not ready within {timeout} s")

    def served_by(self, numbers: set[int], timeout: float = 5.0) -> dict[int, tuple[int, int]]:
        """The worker pid and status gunicorn logged for each request number (polled: a line is
        written just after its answer is sent)."""
        deadline = time.monotonic() + timeout
        while True:
            lines = (ACCESS_LINE.match(line) for line in self.access_log.read_text().splitlines())
            found = {int(m[2]): (int(m[1]), int(m[3])) for m in lines if m}
            if numbers <= found.keys() or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the master (it stops its workers); kill it if it does not stop in time."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def serve(database_url: str, instance: Path, folder: Path, *options: str, env: dict[str, str]) -> Iterator[Gunicorn]:
    """Run `gunicorn -w 2 -b 127.0.0.1:0 factcheck.wsgi:app` (any free port) on this database
    until the block ends; on a failure in the block, print gunicorn's log (pytest shows it)."""
    config = folder / "gunicorn_test.conf.py"
    config.write_text(TEST_CONFIG)
    log, access_log = folder / "gunicorn.log", folder / "access.log"
    access_log.touch()
    settings = {
        name: value for name, value in os.environ.items() if not name.startswith(("FACTCHECK_", "GUNICORN_", "FORWARDED_"))
    }
    settings |= {f"FACTCHECK_{name}": str(value) for name, value in FAST_HASHING.items()}
    settings |= {"FACTCHECK_DATABASE_URL": database_url, "FACTCHECK_INSTANCE_PATH": str(instance), **env}
    command = [
        sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", "127.0.0.1:0", "-c", str(config),
        "--access-logfile", str(access_log), "--access-logformat", ACCESS_FORMAT, "--graceful-timeout", "5",
        *options, "factcheck.wsgi:app",
    ]  # fmt: skip
    with open(log, "wb") as output:  # gunicorn's own log goes to stderr
        process = subprocess.Popen(command, cwd=folder, env=settings, stdout=output, stderr=subprocess.STDOUT)
    server = Gunicorn(process, log, access_log)
    try:
        server.wait_ready()
        yield server
    except BaseException:
        server.stop()
        print(f"--- gunicorn log ({log}) ---\n{log.read_text()[-6000:]}")
        raise
    finally:
        server.stop()


_numbers = itertools.count(1)


@dataclass
class Answer:
    number: int  # the request's number, as the access log shows it
    status: int
    headers: http.client.HTTPMessage
    body: str

    def page(self) -> BeautifulSoup:
        return BeautifulSoup(self.body, "html5lib")


@dataclass
class Browser:
    """One reviewer's browser on the server: its own session cookie, plain forms and htmx requests."""

    port: int
    cookie: str = ""
    answers: list[Answer] = field(default_factory=list)

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None) -> Answer:
        number = next(_numbers)
        sent = {"X-Test-Request": str(number), **(headers or {})}
        if self.cookie:
            sent["Cookie"] = self.cookie
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            answer = Answer(number, response.status, response.headers, response.read().decode())
        finally:
            connection.close()
        for value in answer.headers.get_all("Set-Cookie") or []:
            if value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        self.answers.append(answer)
        return answer

    def submit(self, path: str, form: dict, headers: dict | None = None) -> Answer:
        return self.request("POST", path, form, headers)

    def log_in(self, username: str) -> Answer:
        token = csrf(self.request("GET", "/login").page())
        answer = self.submit("/login", {"username": username, "password": PASSWORD, "csrf_token": token, "next": ""})
        assert answer.status == 303, answer.body
        return answer

    def import_article(self, text: str) -> int:
        """Paste an article through the new-article form; returns its id."""
        form = self.request("GET", "/articles/new")
        assert form.status == 200, (form.status, form.headers.get("Location"))  # not sent to log in
        answer = self.submit("/articles", {"text": text, "csrf_token": csrf(form.page())})
        assert answer.status == 303, answer.body
        return int(re.search(r"/articles/(\d+)$", answer.headers["Location"])[1])

    def claim_ids(self, article_id: int) -> list[int]:
        page = self.request("GET", f"/articles/{article_id}")
        assert page.status == 200
        return [int(row["data-claim"]) for row in page.page().select("li.claim-row[data-claim]")]

    def save_claim(self, claim_id: int, rationale: str) -> Answer:
        """Open a claim's editor (htmx) and send its review form as a browser would, with a
        verdict and this rationale: 303 if it was stored, 409 if the claim changed meanwhile."""
        card = self.request("GET", f"/claims/{claim_id}", headers={"HX-Request": "true"})
        assert card.status == 200, card.body
        form = card.page().select_one("form.review-form")
        fields = {tag["name"]: tag.get("value", "") for tag in form.select("input[name]") if tag.get("type") != "radio"}
        fields["status"] = form.select_one("select[name=status] option[selected]")["value"]
        fields["verdict"] = next(tag["value"] for tag in form.select("input[name=verdict]") if tag["value"])
        fields["rationale"] = rationale
        return self.submit(f"/claims/{claim_id}", fields)


def csrf(page: BeautifulSoup) -> str:
    return page.find("input", attrs={"name": "csrf_token"})["value"]


def article_text(number: int) -> str:
    return " ".join(f"Reviewer {number} read that {n * 7 + number} villages changed hands in week {n}." for n in range(1, 5))


@dataclass
class Review:
    """What one reviewer did: the answers to its saves, by rationale."""

    browser: Browser
    login: Answer
    saves: dict[str, tuple[int, int]] = field(default_factory=dict)  # rationale: (claim id, status)


def review(port: int, number: int, shared_claim: int) -> Review:
    """A reviewer's session: log in, import an article, review some of its claims, and save the
    claim every reviewer works on at the same time."""
    browser = Browser(port)
    done = Review(browser, browser.log_in(f"editor{number}"))
    claim_ids = browser.claim_ids(browser.import_article(article_text(number)))
    assert len(claim_ids) >= CLAIMS_EACH
    for claim_id in claim_ids[:CLAIMS_EACH]:
        rationale = f"Reviewer {number} checked claim {claim_id} against the ministry's figures."
        done.saves[rationale] = (claim_id, browser.save_claim(claim_id, rationale).status)
    shared = f"Reviewer {number} checked the shared claim."
    done.saves[shared] = (shared_claim, browser.save_claim(shared_claim, shared).status)
    return done


def make_editors(database_url: str, count: int) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session:
        for number in range(count):
            create_user(session, f"editor{number}", PASSWORD, "editor", HashParameters(1, 8, 1))
        session.commit()
    engine.dispose()


def stored_rationales(database_url: str) -> tuple[dict[int, str], dict[int, list[str]]]:
    """Each claim's stored rationale, and the rationales its history recorded."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        claims = {claim.id: claim.rationale for claim in session.exec(select(Claim))}
        history: dict[int, list[str]] = {}
        for revision in session.exec(select(ClaimRevision).where(ClaimRevision.field == "rationale")):
            history.setdefault(revision.claim_id, []).append(revision.after)
    engine.dispose()
    return claims, history


@pytest.mark.parametrize(
    ("options", "env"),
    [
        pytest.param((), {}, id="key-generated-once"),
        pytest.param(("--preload",), {"FACTCHECK_SECRET_KEY": "a-key-from-the-environment"}, id="preload-key-from-env"),
    ],
)
def test_two_gunicorn_workers_serve_reviewers_on_one_database(database_url, tmp_path, options, env):
    """Reviewers log in, import and save at once through both workers, starting on a new instance
    folder (and, on SQLite, a new database the server creates): every acknowledged save is stored,
    no stale one is, a session made by one worker is accepted by the other, and the cookie is
    Secure behind a TLS proxy."""
    instance = tmp_path / "instance"
    with serve(database_url, instance, tmp_path, *options, env=env) as server:
        # Behind nginx on this host (README): gunicorn trusts X-Forwarded-Proto from 127.0.0.1
        # (its default forwarded_allow_ips), so the app sees https and marks the cookie Secure.
        over_https = Browser(server.port).request("GET", "/login", headers={"X-Forwarded-Proto": "https"})
        assert "; Secure" in over_https.headers["Set-Cookie"]
        make_editors(database_url, CLIENTS)
        first = Browser(server.port)
        first.log_in("editor0")
        shared_claim = first.claim_ids(first.import_article(article_text(CLIENTS)))[0]
        with ThreadPoolExecutor(CLIENTS) as pool:
            reviews = list(pool.map(lambda number: review(server.port, number, shared_claim), range(CLIENTS)))
        answers = [answer for done in reviews for answer in done.browser.answers]
        assert "Secure" not in answers[0].headers["Set-Cookie"]  # plain http: the login page
        served = server.served_by({answer.number for answer in answers})
        log = server.log.read_text()
        assert served.keys() >= {answer.number for answer in answers}, "requests missing from the access log"

    assert "Traceback" not in log and "[ERROR]" not in log, log[-4000:]
    assert all(answer.status < 500 for answer in answers)
    # Both workers answered, and sessions made by one were accepted by the other (one secret
    # key): a refused session would have been sent to log in.
    assert {pid for pid, _ in served.values()} == server.worker_pids
    elsewhere = [
        answer
        for done in reviews
        for answer in done.browser.answers
        if answer.number > done.login.number and served[answer.number][0] != served[done.login.number][0]
    ]
    assert elsewhere, "no reviewer's request reached the worker it did not log in on"
    assert all(answer.status in (200, 303, 409) for answer in elsewhere)
    assert not any("/login" in answer.headers.get("Location", "") for answer in elsewhere)

    claims, history = stored_rationales(database_url)
    for done in reviews:
        for rationale, (claim_id, status) in done.saves.items():
            if claim_id != shared_claim:
                assert status == 303  # nobody else saves these claims
            assert status in (303, 409)
            assert (rationale in history.get(claim_id, [])) == (status == 303), (rationale, status)
            if claim_id != shared_claim:
                assert claims[claim_id] == rationale
    acknowledged = [
        rationale
        for done in reviews
        for rationale, (claim, status) in done.saves.items()
        if claim == shared_claim and status == 303
    ]
    assert acknowledged and sorted(history[shared_claim]) == sorted(acknowledged)
    assert claims[shared_claim] in acknowledged

    if "FACTCHECK_SECRET_KEY" not in env:
        # Generated once, by whichever worker started first; nothing else left in the folder.
        assert len((instance / "secret_key").read_text().strip()) == 64
        assert [path.name for path in instance.iterdir()] == ["secret_key"]
