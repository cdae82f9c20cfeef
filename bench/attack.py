"""Attack probes against a real factcheck server: the figures issue 14 ("Hardening, measured") asks for.

    .venv/bin/python bench/attack.py [--postgres URL] [--flood-seconds 120]

Starts gunicorn (as README's Deployment section runs it, one worker) on 127.0.0.1 and a free port,
on a new instance folder and SQLite database (or a PostgreSQL database already at the latest
revision: `factcheck db upgrade` it first), seeds a newsroom through the app's domain functions and
forms, then tries each class of hole over HTTP (the import category through `factcheck import`).
Every probe checks the answer's status and, where it matters, that the database holds what it held
before (the rows read directly). Prints probes tried / held / broke per category, with the first
failures described; exits 1 if any probe broke. A benchmark, never a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: the worktree's factcheck and tests/ helpers

from bs4 import BeautifulSoup  # noqa: E402
from sqlalchemy import func, text  # noqa: E402
from sqlmodel import Session, SQLModel, select  # noqa: E402

from factcheck.db import make_engine  # noqa: E402
from factcheck.domain.accounts import HashParameters, create_user  # noqa: E402
from factcheck.domain.permissions import PERMISSIONS, Rule  # noqa: E402
from factcheck.models import Article, Assignment, AuditEvent, Claim, LoginFailure, LoginSession, Rating, RatingScale, Source, User  # noqa: E402
from factcheck.vocabulary import Role  # noqa: E402
from tests.test_permissions import ALLOWED, FORM  # noqa: E402

PASSWORD = "correct horse battery staple"
SEED_TEXT = (ROOT / "tests" / "data" / "seed-article.txt").read_text(encoding="utf-8")
CATEGORIES = [
    "1 huge ids", "2 malformed HX-Current-URL", "3 NUL in forms", "4 malformed exports (CLI)", "5 hostile uploads",
    "6 login throttle", "7 sessions", "8 SSRF", "9 leaks (blind, agreement)", "10 report inertness", "11 audit log",
    "12 authorization & CSRF",
]
#: Tables a refused request may write to (its audit entry, a counted login) or a use touches; and
#: the change stamps, which an audit entry bumps (`site`: the audit page shows it), noted apart.
NOT_COMPARED = {"auditevent", "loginfailure", "loginsession", "changestamp"}
SHOWN_FAILURES = 5


# --- Results ----------------------------------------------------------------------------------


@dataclass
class Tally:
    tried: int = 0
    broke: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


RESULTS: dict[str, Tally] = {name: Tally() for name in CATEGORIES}


def check(category: str, ok: bool, what: str) -> bool:
    """Count one probe; keep its description when it broke."""
    tally = RESULTS[category]
    tally.tried += 1
    if not ok:
        tally.broke.append(what)
    return ok


def note(category: str, words: str) -> None:
    RESULTS[category].notes.append(words)
    print(f"  [{category}] {words}", flush=True)


# --- HTTP ---------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    def page(self) -> BeautifulSoup:
        return BeautifulSoup(self.text, "html.parser")


class Client:
    """A browser's share of HTTP: one cookie jar, the CSRF token of its session, forms and uploads."""

    def __init__(self, port: int, headers: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.headers = dict(headers or {})
        self.csrf = ""
        self.set_cookies: list[str] = []

    def request(self, method: str, path: str, form: dict | None = None, *, files: dict | None = None,
                headers: dict[str, str] | None = None, htmx: bool = False) -> Answer:
        sent = {**self.headers, **(headers or {})}
        if htmx:
            sent["HX-Request"] = "true"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if files is not None:
            body, sent["Content-Type"] = multipart(form or {}, files)
        elif form is not None:
            body = urlencode(form, doseq=True).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        self.set_cookies = response.headers.get_all("Set-Cookie") or []
        for cookie in self.set_cookies:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value and "Expires=Thu, 01 Jan 1970" not in cookie and "Max-Age=0" not in cookie:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return Answer(response.status, response.headers, data, time.perf_counter() - started)

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, form: dict | None = None, *, token: bool = True, **kwargs) -> Answer:
        """POST with this session's CSRF token (unless told not to, or the form names its own)."""
        form = dict(form or {})
        if token and "csrf_token" not in form:
            form["csrf_token"] = self.token()
        return self.request("POST", path, form, **kwargs)

    def token(self) -> str:
        if not self.csrf:
            page = self.get("/account/password" if "session" in self.cookies else "/login").page()
            found = page.find("input", attrs={"name": "csrf_token"})
            if found is None:  # not signed in (any more): the login page's
                found = self.get("/login").page().find("input", attrs={"name": "csrf_token"})
            self.csrf = found["value"]
        return self.csrf

    def log_in(self, username: str, password: str = PASSWORD) -> Answer:
        self.csrf = ""
        answer = self.post("/login", {"username": username, "password": password})
        self.csrf = ""
        return answer


def multipart(form: dict, files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = "----attack" + os.urandom(8).hex()
    parts = []
    for name, value in form.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- The server ---------------------------------------------------------------------------------

GUNICORN_CONFIG = "control_socket_disable = True\n"


class Server:
    """`gunicorn -w 1 -b 127.0.0.1:0 factcheck.wsgi:app` on the run's database, with some settings."""

    def __init__(self, folder: Path, database_url: str, instance: Path, name: str, *options: str, **settings: str) -> None:
        (folder / "gunicorn.conf.py").write_text(GUNICORN_CONFIG)
        self.log = folder / f"gunicorn-{name}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FACTCHECK_", "GUNICORN_", "FORWARDED_"))}
        env |= {"FACTCHECK_DATABASE_URL": database_url, "FACTCHECK_INSTANCE_PATH": str(instance),
                "FACTCHECK_MATCH_IN_BACKGROUND": "false", "PYTHONPATH": str(ROOT)}
        env |= {f"FACTCHECK_{k}": v for k, v in settings.items()}
        command = [sys.executable, "-m", "gunicorn", "-w", "1", "-b", "127.0.0.1:0", "-c", str(folder / "gunicorn.conf.py"),
                   "--timeout", "120", "--graceful-timeout", "5", *options, "factcheck.wsgi:app"]
        with open(self.log, "wb") as output:
            self.process = subprocess.Popen(command, cwd=folder, env=env, stdout=output, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        self.port = 0
        while time.monotonic() < deadline:
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", self.log.read_text())
            if found and self.worker_pid():
                self.port = int(found[1])
                if Client(self.port).get("/login").status == 200:
                    return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not start:\n{self.log.read_text()[-3000:]}")

    def worker_pid(self) -> int | None:
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            return None
        return int(children[0]) if children else None

    def memory(self) -> tuple[int, int]:
        """The worker's resident memory and its peak so far, in MB."""
        status = Path(f"/proc/{self.worker_pid()}/status").read_text()
        kb = [int(re.search(rf"{key}:\s+(\d+)", status)[1]) for key in ("VmRSS", "VmHWM")]
        return kb[0] // 1024, kb[1] // 1024

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# --- The database, read directly ----------------------------------------------------------------


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def snapshot(self) -> dict[str, str]:
        """A digest of every table's rows but those a refused request may write (NOT_COMPARED)."""
        digests = {}
        with self.engine.connect() as connection:
            for table in SQLModel.metadata.sorted_tables:
                if table.name in NOT_COMPARED:
                    continue
                rows = connection.execute(table.select().order_by(*table.primary_key.columns)).all()
                digests[table.name] = f"{len(rows)}:" + hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
        return digests

    def changed(self, before: dict[str, str]) -> list[str]:
        after = self.snapshot()
        return [name for name in before if before[name] != after[name]]

    def count(self, model, *where) -> int:  # noqa: ANN001
        with self.session() as session:
            return session.exec(select(func.count()).select_from(model).where(*where)).one()

    def site_stamp(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(text("SELECT version FROM changestamp WHERE scope = 'site'")).scalar() or 0

    def audit(self, kind: str) -> int:
        return self.count(AuditEvent, AuditEvent.kind == kind)

    def claims(self, article_id: int) -> list[Claim]:
        with self.session() as session:
            return list(session.exec(select(Claim).where(Claim.article_id == article_id).order_by(Claim.position)))

    def claim(self, claim_id: int) -> Claim:
        with self.session() as session:
            return session.get(Claim, claim_id)

    def user_id(self, username: str) -> int:
        with self.session() as session:
            return session.exec(select(User.id).where(User.username == username)).one()

    def rating(self, label: str) -> int:
        with self.session() as session:
            article_scale = session.exec(select(Article.rating_scale_id)).first()
            return session.exec(select(Rating.id).where(Rating.label == label, Rating.scale_id == article_scale)).one()


# --- The newsroom the probes run in -------------------------------------------------------------


@dataclass
class World:
    main: Server
    db: Database
    folder: Path
    clients: dict[str, Client]
    articles: dict[str, int]
    values: dict[str, object]
    proxied: Server | None = None


USERS = {"admin": "admin", "eddie": "editor", "erin": "editor", "rita": "reviewer", "rob": "reviewer",
         "olga": "reviewer", "assigned": "reviewer", "victim": "reviewer", "thea": "reviewer"}


def new_article(client: Client, words: str) -> int:
    answer = client.post("/articles", {"text": words})
    assert answer.status == 303, (answer.status, answer.text[-500:])
    return int(re.search(r"/articles/(\d+)$", answer.header("Location"))[1])


def build_world(main: Server, db: Database, folder: Path) -> World:
    with db.session() as session:
        for username, role in USERS.items():
            create_user(session, username, PASSWORD, role, HashParameters(1, 8, 1))
        session.commit()
    clients = {}
    for username in ("admin", "eddie", "erin", "rita", "rob", "olga", "assigned"):
        clients[username] = Client(main.port)
        assert clients[username].log_in(username).status == 303
    admin = clients["admin"]
    articles = {
        "general": new_article(admin, SEED_TEXT),
        "permissions": new_article(admin, SEED_TEXT + "\n\nThe bridge on Mill Lane reopened on Friday."),
        "blind": new_article(admin, SEED_TEXT + "\n\nThe council approved 40 new buses in March."),
        "report": new_article(admin, SEED_TEXT + "\n\nThe mayor said crime fell 12% in 2024."),
    }
    from factcheck.domain.scales import create_scale
    from factcheck.forms import RatingInput, ScaleCreate

    with db.session() as session:
        first = session.exec(select(Claim).where(Claim.article_id == articles["permissions"]).order_by(Claim.position)).first()
        assignment = Assignment(article_id=articles["permissions"], reviewer_id=db.user_id("assigned"))
        session.add(assignment)
        session.add(Source(claim_id=first.id, url="https://example.org/a"))
        custom = create_scale(session, ScaleCreate(name="Ours", ratings=[RatingInput(label="Yes", value=1),
                                                                          RatingInput(label="No", value=0)]))
        session.commit()
        article = session.get(Article, articles["permissions"])
        other = session.exec(select(RatingScale).where(RatingScale.preset, RatingScale.id != article.rating_scale_id)).first()
        values = {
            "article_id": articles["permissions"], "claim_id": first.id,
            "source_id": session.exec(select(Source.id)).first(), "user_id": db.user_id("victim"),
            "filename": "factcheck.css", "scale_id": custom.id, "reviewer_id": db.user_id("assigned"),
            "assignment_id": assignment.id, "rating_scale_id": other.id,
        }
    # Open every claim once: a card finds its earlier checks when first opened (a write), not after.
    for number in articles.values():
        for claim in db.claims(number):
            admin.get(f"/claims/{claim.id}", htmx=True)
    return World(main, db, folder, clients, articles, values)


def fill(rule: str, values: dict[str, object], **override: object) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(override.get(m[1], values[m[1]])), rule)


def rules(world: World) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) for every route of the app, from its url_map."""
    from factcheck import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite:///:memory:", "SECRET_KEY": "x"})
    found = sorted((r.endpoint, "POST" if "POST" in r.methods else "GET", r.rule) for r in app.url_map.iter_rules())
    app.extensions["factcheck.engine"].dispose()
    return found


# --- 1. Huge ids --------------------------------------------------------------------------------

HUGE_IDS = [str(2**31), str(2**63), str(2**64), "-1", "99999999999999999999"]


def form_for(values: dict[str, object]) -> dict[str, object]:
    """The permission test's plausible form, naming the world's rows."""
    return {**FORM, **{name: str(values[name]) for name in ("reviewer_id", "assignment_id", "rating_scale_id")}}


def send(client: Client, method: str, path: str, form: dict | None = None, **kwargs) -> Answer:
    """GET, or POST with the client's token when it has a session, without one otherwise."""
    if method == "GET":
        return client.get(path, **kwargs)
    return client.post(path, form, token="session" in client.cookies, **kwargs)


def to_login(answer: Answer) -> bool:
    """The answer a closed route gives someone not signed in: a redirect, or htmx's HX-Redirect."""
    return (answer.status == 303 and answer.header("Location").startswith("/login")) or (
        answer.status == 401 and answer.header("HX-Redirect").startswith("/login"))


def huge_ids(world: World) -> None:
    category = CATEGORIES[0]
    before, statuses = world.db.snapshot(), set()
    for endpoint, method, rule in rules(world):
        for name in re.findall(r"<int:(\w+)>", rule):
            for number in HUGE_IDS:
                path = fill(rule, world.values, **{name: number})
                for who in ("admin", "anonymous"):
                    client = world.clients["admin"] if who == "admin" else Client(world.main.port)
                    answer = send(client, method, path, form_for(world.values))
                    statuses.add(answer.status)
                    held = 400 <= answer.status < 500 or (who == "anonymous" and to_login(answer))
                    if who == "admin" and endpoint != "public.show":
                        held = held and answer.status in (404, 405)  # the README: a 404 like any missing id
                    check(category, held, f"{who} {method} {path} -> {answer.status} (expected 404)")
    changed = world.db.changed(before)
    check(category, not changed, f"tables changed by the huge-id requests: {changed}")
    note(category, f"statuses seen: {sorted(statuses)}")


# --- 2. Malformed HX-Current-URL ----------------------------------------------------------------

BAD_CURRENT_URLS = {"unclosed [::1": "http://[::1", "NUL": "http://example.org/\x00x", "8,000 characters":
                    "http://example.org/" + "a" * 8_000, "//evil": "//evil", "bare [": "http://[", "DEL": "\x7f"}


def malformed_current_url(world: World) -> None:
    category = CATEGORIES[1]
    admin = world.clients["admin"]
    for endpoint, method, rule in rules(world):
        if method != "GET" or endpoint == "static":
            continue
        path = fill(rule, world.values)
        for label, value in BAD_CURRENT_URLS.items():
            for who in ("anonymous", "admin"):
                client = admin if who == "admin" else Client(world.main.port)
                answer = client.get(path, headers={"HX-Current-URL": value}, htmx=True)
                check(category, answer.status < 500, f"{who} GET {path} HX-Current-URL {label} -> {answer.status}")
    claim = world.db.claims(world.articles["general"])[3]
    for label, value in BAD_CURRENT_URLS.items():
        for who in ("anonymous", "admin"):
            client = admin if who == "admin" else Client(world.main.port)
            answer = send(client, "POST", f"/claims/{claim.id}/dismiss", {}, headers={"HX-Current-URL": value}, htmx=True)
            dismissed = world.db.claim(claim.id).dismissed
            agrees = dismissed if answer.status < 300 else not dismissed
            check(category, answer.status < 500 and agrees,
                  f"{who} POST /claims/{claim.id}/dismiss HX-Current-URL {label} -> {answer.status}, dismissed={dismissed}")
            if dismissed:
                admin.post(f"/claims/{claim.id}/restore", htmx=True)


# --- 3. NUL characters in forms -----------------------------------------------------------------

TEXT_LIKE = {"text", "search", "url", "email", "password", "date", "number", "hidden", "tel", "datetime-local", "month"}


def forms_in(page: BeautifulSoup, here: str) -> list[tuple[str, str, dict[str, object], list[str]]]:
    """(method, action, default fields, fields that take text) of every form on the page."""
    found = []
    for form in page.find_all("form"):
        method = "post" if (form.get("method") or "").lower() == "post" or form.get("hx-post") else "get"
        action = form.get("hx-post") or form.get("action") or form.get("hx-get") or here
        fields: dict[str, object] = {}
        targets = []
        for element in form.find_all(["input", "textarea", "select"]):
            name = element.get("name")
            kind = (element.get("type") or "text").lower()
            if not name or kind in ("submit", "button", "file", "image", "reset"):
                continue
            if element.name == "select":
                option = element.find("option", selected=True) or element.find("option")
                fields[name] = option.get("value", option.get_text()) if option else ""
            elif kind in ("checkbox", "radio"):
                if element.has_attr("checked"):
                    fields[name] = element.get("value", "on")
            else:
                fields[name] = element.get_text() if element.name == "textarea" else element.get("value", "")
                if name != "csrf_token" and (element.name == "textarea" or kind in TEXT_LIKE):
                    targets.append(name)
        if action.startswith("/") and targets:
            found.append((method, action, fields, targets))
    return found


def nul_in_forms(world: World) -> None:
    category = CATEGORIES[2]
    admin, values = world.clients["admin"], world.values
    claim = world.db.claims(world.articles["general"])[1]
    pages = ["/", "/articles/new", f"/articles/{world.articles['general']}", f"/claims/{claim.id}", "/users", "/scales/new",
             f"/scales/{values['scale_id']}/edit", "/account/password", "/approval-rules", "/archive", "/assignments",
             "/search", "/reports", "/dashboard", "/queue", f"/articles/{world.articles['general']}/report"]
    seen_pages, forms, queue = set(), {}, list(pages)
    while queue and len(seen_pages) < 60:
        path = queue.pop(0)
        if path in seen_pages:
            continue
        seen_pages.add(path)
        page = admin.get(path, htmx=path.startswith("/claims/")).page()
        for method, action, fields, targets in forms_in(page, path):
            forms.setdefault((method, re.sub(r"\d+", "N", action), tuple(sorted(fields))), (method, action, fields, targets))
        # Panels loaded on demand (the shaping controls, a claim's details): their forms too.
        for element in page.find_all(attrs={"hx-get": True}):
            url = element["hx-get"]
            if url.startswith("/claims/") and url not in seen_pages and len(seen_pages) < 60:
                queue.append(url)
    login_form = forms_in(Client(world.main.port).get("/login").page(), "/login")
    for method, action, fields, targets in login_form:
        forms[(method, action, tuple(sorted(fields)))] = (method, action, fields, targets)
    # The blind verdict form (shown only to a blind reviewer) and a field name holding a NUL.
    # A field name holding a NUL (the blind verdict's form is tried in the leaks category, by a blind reviewer).
    extra = [("post", "/articles", {"text": "The army took 40 villages.", "outlet\x00": "x"}, [])]
    covered = set()
    for method, action, fields, targets in [*forms.values(), *extra]:
        client = Client(world.main.port) if action == "/login" else admin
        before = world.db.snapshot()
        for target in targets or ["(field name)"]:
            form = dict(fields)
            if target in form:
                form[target] = f"{form[target] or 'x'}\x00y"
            answer = client.get(action + "?" + urlencode(form)) if method == "get" else client.post(action, form, htmx=True)
            check(category, answer.status == 400, f"{method.upper()} {action} NUL in {target!r} -> {answer.status}")
            covered.add(f"{action.split('?')[0]}:{target}")
        changed = world.db.changed(before)
        check(category, not changed, f"{method.upper()} {action}: tables changed by NUL forms: {changed}")
    note(category, f"{len(forms) + len(extra)} forms from {len(seen_pages)} pages, {len(covered)} fields")


# --- 4. Malformed exports through `factcheck import` --------------------------------------------


def factcheck_command(world: World, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACTCHECK_")}
    env |= {"FACTCHECK_DATABASE_URL": world.db.url, "FACTCHECK_INSTANCE_PATH": str(world.folder / "instance"),
            "FACTCHECK_MATCH_IN_BACKGROUND": "false", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "factcheck", *args], capture_output=True, text=True, env=env, timeout=600)


def _with_text_of_spans(record: dict) -> dict:
    for claim in record["claims"]:
        if isinstance(claim["start"], int) and not isinstance(claim["start"], bool):
            claim["text"] = record["article"]["text"][claim["start"]:claim["end"]]
    return record


def malformed_exports(world: World) -> None:
    import copy

    from tests.test_hardening import MALFORMED_EXPORTS

    category = CATEGORIES[3]
    exported = json.loads(world.clients["admin"].get(f"/articles/{world.articles['general']}/export.json").text)
    folder = world.folder / "exports"
    folder.mkdir()
    expected: dict[str, str | None] = {}

    def write(name: str, record: dict | str, message: str | None = None) -> None:
        (folder / f"{name}.json").write_text(record if isinstance(record, str) else json.dumps(record), encoding="utf-8")
        expected[name] = message

    for name, (change, message) in MALFORMED_EXPORTS.items():
        if isinstance(change, str):
            write(name, change, message)
        else:
            record = copy.deepcopy(exported)
            change(record)
            write(name, record, message)
    spans = {
        "overlapping": lambda c: c[1].update(start=c[0]["start"] + 1),
        "reversed": lambda c: c.reverse(),
        "whitespace-edged": lambda c: c[1].update(start=c[1]["start"] - 1),
        "boolean-offset": lambda c: c[2].update(start=True),
        "past-the-end": lambda c: c[-1].update(end=10**6),
    }
    for name, change in spans.items():
        record = copy.deepcopy(exported)
        change(record["claims"])
        write(name, _with_text_of_spans(record))
    good = copy.deepcopy(exported)
    good["article"]["text"] += " "
    write("zz-good", good)
    names = sorted(expected)
    articles_before = world.db.count(Article)
    result = factcheck_command(world, "import", *(str(folder / f"{n}.json") for n in names))
    lines = result.stderr.splitlines()
    check(category, result.returncode == 1, f"exit status {result.returncode}, expected 1")
    check(category, "Traceback" not in result.stderr + result.stdout, "a traceback was printed")
    for name in names:
        if name == "zz-good":
            continue
        mine = [line for line in lines if line.startswith(f"factcheck import: {folder}/{name}.json:")]
        wanted = expected[name]
        held = len(mine) == 1 and (wanted is None or mine[0] == f"factcheck import: {folder}/{wanted}")
        check(category, held, f"{name}.json: stderr lines {mine!r}, expected one" + (f" {wanted!r}" if wanted else ""))
    summary = f"factcheck import: imported 1, skipped 0 as duplicate, failed {len(names) - 1}."
    check(category, lines[-1:] == [summary], f"last line {lines[-1:]!r}, expected {summary!r}")
    check(category, world.db.count(Article) == articles_before + 1, "the good file was not imported (or more were)")
    check(category, len(result.stdout.split()) == 1, f"stdout {result.stdout!r}: expected the new article's id")


# --- 5. Hostile uploads -------------------------------------------------------------------------

WORD = b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'


def docx_with(chunks, declared_size: int | None = None) -> bytes:  # noqa: ANN001 (an iterable of bytes)
    """A .docx (python-docx's blank one) whose word/document.xml is `chunks`, deflated as written;
    with `declared_size`, its local and central headers lie that it unpacks to that many bytes."""
    from docx import Document

    blank, out = io.BytesIO(), io.BytesIO()
    Document().save(blank)
    with zipfile.ZipFile(blank) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                target.writestr(item.filename, source.read(item))
                continue
            with target.open("word/document.xml", "w") as stream:
                for chunk in chunks:
                    stream.write(chunk)
    data = bytearray(out.getvalue())
    if declared_size is not None:
        name = b"word/document.xml"
        local = data.find(b"PK\x03\x04")
        while local != -1:
            if data[local + 30:local + 30 + len(name)] == name:
                data[local + 22:local + 26] = declared_size.to_bytes(4, "little")
            local = data.find(b"PK\x03\x04", local + 4)
        central = data.find(b"PK\x01\x02")
        while central != -1:
            if data[central + 46:central + 46 + len(name)] == name:
                data[central + 24:central + 28] = declared_size.to_bytes(4, "little")
            central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def _bomb_chunks(megabytes: int):  # noqa: ANN202
    yield WORD
    block = b"<w:p><w:r><w:t>Go.</w:t></w:r></w:p>" * 29_000  # about 1 MB
    for _ in range(megabytes):
        yield block
    yield b"</w:body></w:document>"


def hostile_uploads(world: World) -> None:
    category = CATEGORIES[4]
    admin = world.clients["admin"]
    bomb = docx_with(_bomb_chunks(80), declared_size=4_096)
    honest = docx_with(_bomb_chunks(80))
    paragraphs = docx_with([WORD, b"<w:p/>" * 1_700_000, b"</w:body></w:document>"])
    body = b"".join(b"<p>Budget line %d was approved.</p>" % i for i in range(38_000))
    page = b"<html><body><article>" + body + b"</article></body></html>"
    probes = {
        f"docx bomb: 80 MB unpacked, headers say 4 kB ({len(bomb) // 1024} kB)": ({}, {"file": ("bomb.docx", bomb)}),
        f"docx of 80 MB, headers true ({len(honest) // 1024} kB)": ({}, {"file": ("honest.docx", honest)}),
        f"docx of 1.7M empty paragraphs ({len(paragraphs) // 1024} kB)": ({}, {"file": ("paragraphs.docx", paragraphs)}),
        f"HTML of 38,000 <p> ({len(page) // 1024} kB)": ({}, {"file": ("page.html", page)}),
        'pasted "Go. " * 250000': ({"text": "Go. " * 250_000}, None),
        "pasted 1,000,026 characters (ARTICLE_MAX_CHARS + 26)": ({"text": "The army took 40 villages. " * 37_038}, None),
        "upload of 2.5 MB (MAX_CONTENT_LENGTH 2 MB)": ({}, {"file": ("big.txt", b"The army took 40 villages. " * 97_000)}),
    }
    for label, (form, files) in probes.items():
        before_rows, (rss_before, _) = world.db.count(Article), world.main.memory()
        answer = admin.post("/articles", form, files=files) if files else admin.post("/articles", form)
        rss_after, peak = world.main.memory()
        stored = world.db.count(Article) - before_rows
        held = 400 <= answer.status < 500 and answer.seconds < 5 and stored == 0
        check(category, held, f"{label}: {answer.status} in {answer.seconds:.2f} s, {stored} stored")
        error = answer.page().find(class_="error")
        reason = error.get_text(" ", strip=True)[:90] if error else answer.text[:90]
        note(category, f"{label}: {answer.status} ({reason!r}) in {answer.seconds:.2f} s, "
                       f"worker RSS {rss_before} -> {rss_after} MB "
                       f"(peak {peak} MB)")


# --- 6. The login throttle (on the server behind a "proxy": each probe names its own address) ---


def from_address(server: Server, address: str) -> Client:
    return Client(server.port, {"X-Forwarded-For": address})


def login_throttle(world: World, flood_seconds: float) -> None:
    category, audit = CATEGORIES[5], CATEGORIES[10]
    server, db = world.proxied, world.db
    failed, locked = db.audit("login_failed"), db.audit("lockout")
    statuses: dict[int, int] = {}
    # 10,001 made-up usernames from one address: 50 failures, then the address is refused.
    flood = from_address(server, "203.0.113.10")
    started = time.perf_counter()
    for number in range(10_001):
        answer = flood.log_in(f"junk-{number:05d}-{os.urandom(3).hex()}", "wrong password, wrong")
        statuses[answer.status] = statuses.get(answer.status, 0) + 1
        wanted = 401 if number < 50 else 429
        check(category, answer.status == wanted, f"junk login {number} from one address -> {answer.status}, expected {wanted}")
    seconds = time.perf_counter() - started
    note(category, f"10,001 junk logins from one address in {seconds:.0f} s ({10_001 / seconds:.0f}/s): {statuses}")
    rows = db.count(LoginFailure)
    note(category, f"loginfailure holds {rows} rows after the flood (the address's 50 failures and their accounts')")
    for number in range(11):
        answer = flood.log_in("thea", "not thea's password")
        check(category, answer.status == 429,
              f"failure {number + 1} on a real account from the locked address -> {answer.status}")
    answer = flood.log_in("thea")
    check(category, answer.status == 429, f"the right password from the locked address -> {answer.status}, expected 429")
    # Made-up usernames from many addresses (each one costs a password hash), for flood_seconds.
    started, count, tally = time.perf_counter(), 0, {}
    while time.perf_counter() - started < flood_seconds and count < 10_001:
        answer = from_address(server, f"198.18.{count // 250}.{count % 250 + 1}").log_in(f"junk-{count}", "wrong password, wrong")
        tally[answer.status] = tally.get(answer.status, 0) + 1
        check(category, answer.status == 401, f"junk login {count} from its own address -> {answer.status}, expected 401")
        count += 1
    seconds = time.perf_counter() - started
    note(category, f"{count:,} junk logins from as many addresses in {seconds:.0f} s ({count / seconds:.1f}/s, one argon2id "
                   f"hash each at the production cost): {tally}")
    for number in range(11):
        answer = from_address(server, f"198.19.0.{number + 1}").log_in("thea", "not thea's password")
        wanted = 401 if number < 10 else 429
        check(category, answer.status == wanted,
              f"failure {number + 1} on thea, own address -> {answer.status}, expected {wanted}")
    answer = from_address(server, "198.19.1.1").log_in("thea")
    check(category, answer.status == 429, f"thea's right password after 11 failures -> {answer.status}, expected 429")
    # A 1.9 MB username: refused before anything is hashed or stored.
    client = from_address(server, "198.19.2.1")
    token = client.token()
    rss_before, _ = server.memory()
    rows_before = db.count(LoginFailure)
    answer = client.post("/login", {"username": "x" * 1_900_000, "password": "x", "csrf_token": token})
    rss_after, peak = server.memory()
    rows_after = db.count(LoginFailure)
    check(category, answer.status == 401 and answer.seconds < 2 and rows_after == rows_before,
          f"1.9 MB username -> {answer.status} in {answer.seconds:.2f} s, loginfailure {rows_before} -> {rows_after}")
    check(category, rss_after - rss_before < 32, f"1.9 MB username: worker RSS {rss_before} -> {rss_after} MB")
    note(category, f"1.9 MB username: {answer.status} in {answer.seconds:.2f} s, "
                   f"RSS {rss_before} -> {rss_after} MB (peak {peak})")
    failures = sum(v for k, v in statuses.items() if k == 401) + tally.get(401, 0) + 10 + 1
    lockouts = statuses.get(429, 0) + 12 + 2
    check(audit, db.audit("login_failed") - failed == failures,
          f"login_failed entries: {db.audit('login_failed') - failed}, expected {failures}")
    check(audit, db.audit("lockout") - locked == lockouts,
          f"lockout entries: {db.audit('lockout') - locked}, expected {lockouts}")


# --- 7. Sessions --------------------------------------------------------------------------------


def move_session(db: Database, username: str, **changes: dt.datetime) -> None:
    with db.session() as session:
        login = session.exec(select(LoginSession).where(LoginSession.user_id == db.user_id(username))
                             .order_by(LoginSession.id.desc())).first()
        for name, value in changes.items():
            setattr(login, name, value)
        session.add(login)
        session.commit()


def sessions(world: World) -> None:
    from factcheck.models import utcnow

    category = CATEGORIES[6]
    db = world.db
    for what, changes in (("idle 31 minutes", {"last_seen": utcnow() - dt.timedelta(minutes=31)}),
                          ("made 12 h 1 min ago", {"created": utcnow() - dt.timedelta(hours=12, minutes=1),
                                                   "expires": utcnow() - dt.timedelta(minutes=1)})):
        for htmx in (False, True):
            client = Client(world.main.port)
            check(category, client.log_in("olga").status == 303, "olga could not log in")
            check(category, client.get("/").status == 200, "olga's first page")
            move_session(db, "olga", **changes)
            answer = client.get("/", htmx=htmx)
            ended = to_login(answer) and (not htmx or "session has ended" in answer.text)
            check(category, ended, f"a session {what}: GET / (htmx={htmx}) -> {answer.status} {answer.header('Location')}")
    for server, trusted in ((world.proxied, True), (world.main, False)):
        client = Client(server.port, {"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.77"})
        answer = client.log_in("olga")
        cookies = client.set_cookies
        secure = bool(cookies) and all("Secure" in c for c in cookies)
        hsts = answer.header("Strict-Transport-Security")
        if trusted:
            check(category, answer.status == 303 and secure and hsts == "max-age=31536000",
                  f"TRUSTED_PROXIES=1, X-Forwarded-Proto https: {answer.status}, cookies {cookies}, HSTS {hsts!r}")
        else:
            check(category, answer.status == 303 and not any("Secure" in c for c in cookies) and not hsts,
                  f"without TRUSTED_PROXIES, X-Forwarded-Proto https believed: cookies {cookies}, HSTS {hsts!r}")
    # Without TRUSTED_PROXIES an X-Forwarded-For is not the address logged either.
    Client(world.main.port, {"X-Forwarded-For": "203.0.113.99"}).log_in("nobody-here", "wrong password")
    with db.session() as session:
        last = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    check(category, last.address == "127.0.0.1", f"without TRUSTED_PROXIES the audit address is {last.address!r}")
    admin = world.clients["admin"]
    for endpoint, method, rule in rules(world):
        if method != "GET" or endpoint in ("static", "web.htmx_js") or PERMISSIONS[endpoint].public:
            continue
        answer = admin.get(fill(rule, world.values))
        check(category, answer.header("Cache-Control") == "no-store",
              f"signed-in GET {fill(rule, world.values)} -> {answer.status}, Cache-Control {answer.header('Cache-Control')!r}")


# --- 8. SSRF ------------------------------------------------------------------------------------

ARTICLE_PAGE = (b"<html><head><title>Bridge reopens</title></head><body><article><h1>Bridge reopens</h1>"
                b"<p>The bridge on Mill Lane reopened on Friday after six months of repairs, the council said.</p>"
                b"<p>Traffic returned at once, and the council said the repairs cost 2.4 million pounds.</p>"
                b"</article></body></html>")


class Origin(BaseHTTPRequestHandler):
    """The local sites the probes point the server at: a page, redirects, and a server that drips."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        port = self.server.server_address[1]
        targets = {"/to-loopback": f"http://127.0.0.1:{port}/", "/to-metadata": "http://169.254.169.254/latest/meta-data/",
                   "/to-file": "file:///etc/passwd", "/to-mapped": f"http://[::ffff:127.0.0.1]:{port}/"}
        if self.path in targets:
            self.send_response(302)
            self.send_header("Location", targets[self.path])
            self.end_headers()
        elif self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(90):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                return
        else:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(ARTICLE_PAGE)

    def log_message(self, *args: object) -> None:
        pass


def ssrf(world: World) -> None:
    category = CATEGORIES[7]
    admin, db = world.clients["admin"], world.db
    origin = ThreadingHTTPServer(("127.0.0.1", 0), Origin)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    port = origin.server_address[1]
    refused = [
        f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{world.main.port}/login", "http://[::1]/", f"http://[::1]:{port}/",
        f"http://[::ffff:127.0.0.1]:{port}/", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/",
        "http://192.168.1.1/", "http://100.64.0.1/", f"http://0.0.0.0:{port}/", "http://2130706433/", "http://0x7f.0.0.1/",
        "http://no-such-host.invalid/", f"http://localhost.:{port}/to-loopback",
        f"http://localhost:{port}/to-loopback", f"http://localhost:{port}/to-metadata", f"http://localhost:{port}/to-file",
        f"http://localhost:{port}/to-mapped", "file:///etc/passwd", "gopher://127.0.0.1:25/",
    ]
    for address in refused:
        before = db.count(Article)
        answer = admin.post("/articles", {"import_url": address})
        stored = db.count(Article) - before
        check(category, 400 <= answer.status < 500 and stored == 0 and answer.seconds < 21,
              f"import {address} -> {answer.status} in {answer.seconds:.1f} s, {stored} stored")
    answer = admin.post("/articles", {"import_url": f"http://localhost:{port}/"})
    check(category, answer.status == 303, f"control: the allowed host (FETCH_PRIVATE_HOSTS=localhost) -> {answer.status}")
    before = db.count(Article)
    answer = admin.post("/articles", {"import_url": f"http://localhost:{port}/drip"})
    stored = db.count(Article) - before
    check(category, 400 <= answer.status < 500 and 19 <= answer.seconds <= 23 and stored == 0,
          f"a byte a second: {answer.status} after {answer.seconds:.1f} s, {stored} stored (deadline 20 s)")
    note(category, f"a byte a second from an allowed host: {answer.status} after {answer.seconds:.1f} s")
    origin.shutdown()
    note(category, "a redirect from a public host needs the internet: redirects were tried from the allowed intranet "
                   "name (localhost) to hosts not named instead")


# --- 9. Leaks: blind review and the agreement page ----------------------------------------------

SECRETS = {"rita": "Rita-rationale-7f3a: the ministry's own table says otherwise.",
           "rob": "Rob-rationale-c91e: two agencies confirm it.", "erin": "Erin-rationale-55d0: her own reading."}


def leaks(world: World) -> None:
    category = CATEGORIES[8]
    db, clients, blind = world.db, world.clients, world.articles["blind"]
    eddie, erin, rita, rob = (clients[n] for n in ("eddie", "erin", "rita", "rob"))
    claims = db.claims(blind)
    for name in ("rita", "rob"):
        assert eddie.post(f"/articles/{blind}/assignments", {"reviewer_id": str(db.user_id(name))}).status == 303
    assert eddie.post(f"/articles/{blind}/blind-review", {"on": "1"}).status == 303
    assert eddie.post(f"/articles/{blind}/assignments", {"reviewer_id": str(db.user_id("erin")),
                                                         "claim_id": str(claims[0].id)}).status == 303
    true, false = db.rating("True"), db.rating("False")
    for client, claim, verdict, secret in ((rob, claims[0], true, "rob"), (erin, claims[0], false, "erin"),
                                           (rita, claims[1], true, "rita"), (rob, claims[1], true, "rob"),
                                           (rita, claims[2], true, "rita")):
        answer = client.post(f"/claims/{claim.id}/blind", {"verdict": str(verdict), "rationale": SECRETS[secret]})
        assert answer.status == 303, (answer.status, answer.text[-400:])
    before = db.snapshot()
    answer = rita.post(f"/claims/{claims[3].id}/blind", {"verdict": str(true), "rationale": "Nul\x00here"}, htmx=True)
    check(CATEGORIES[2], answer.status == 400 and not db.changed(before), f"blind verdict with a NUL -> {answer.status}")

    def shows_none(answer: Answer, *names: str) -> bool:
        return not any(SECRETS[n] in answer.text for n in names)

    a = blind
    for answer, what in ((erin.get(f"/articles/{a}/blind"), "GET board"),
                         (erin.get(f"/articles/{a}/blind", htmx=True), "GET board htmx"),
                         (erin.post(f"/claims/{claims[0].id}/settle", {"blind_verdict_id": "1"}), "settle"),
                         (erin.post(f"/articles/{a}/blind/accept", {}), "accept")):
        check(category, answer.status == 403 and shows_none(answer, "rita", "rob"),
              f"erin (editor, blind reviewer) {what} -> {answer.status}, secrets shown: {not shows_none(answer, 'rita', 'rob')}")
    for who in ("erin", "eddie"):
        answer = clients[who].get("/agreement")
        check(category, answer.status in (200, 403) and shows_none(answer, "rita", "rob", "erin")
              and answer.page().find(id="kappa-pairs") is None,
              f"{who} GET /agreement before anything is settled -> {answer.status}: counts unsettled blind verdicts")
    for who, others in (("rita", ("rob", "erin")), ("rob", ("rita", "erin")), ("erin", ("rita", "rob"))):
        client = clients[who]
        for path in (f"/articles/{a}?claim={claims[0].id}", f"/claims/{claims[0].id}", f"/claims/{claims[1].id}",
                     f"/claims/{claims[0].id}/history", f"/articles/{a}/report.md", f"/articles/{a}/export.json",
                     f"/articles/{a}/claims.csv", f"/articles/{a}/report", "/search?q=rationale", "/queue",
                     "/reports/collection.md", "/dashboard"):
            answer = client.get(path, htmx=path.startswith("/claims/"))
            check(category, shows_none(answer, *others), f"{who} GET {path} -> {answer.status} shows another's blind rationale")
    for who in ("eddie", "admin"):
        mine = {"verdict": str(true), "status": "in_progress", "rationale": "Mine.", "version": str(claims[0].version)}
        answer = clients[who].post(f"/claims/{claims[0].id}", mine, htmx=True)
        stored = db.claim(claims[0].id)
        check(category, answer.status == 403 and stored.verdict_id is None and stored.rationale == "",
              f"{who} (not blind) writes a verdict onto an unsettled blind claim -> {answer.status}, stored {stored.verdict_id}")
        answer = clients[who].post(f"/articles/{a}/bulk", {"claim_id": str(claims[0].id), "action": "status",
                                                            "status": "approved"}, htmx=True)
        check(category, answer.status >= 400 and db.claim(claims[0].id).status.value == "to_review",
              f"{who} bulk-approves an unsettled blind claim -> {answer.status}")


# --- 10. The Markdown report, inert in any renderer ---------------------------------------------


def rendered_pages(report: str) -> dict[str, BeautifulSoup]:
    import markdown as python_markdown
    from markdown_it import MarkdownIt

    return {"markdown-it (html on)": BeautifulSoup(MarkdownIt("commonmark", {"html": True}).render(report), "html.parser"),
            "python-markdown": BeautifulSoup(python_markdown.markdown(report), "html.parser")}


def headings(page: BeautifulSoup) -> list[str]:
    return [f"{h.name} {h.get_text()}" for h in page.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]


def report_inertness(world: World) -> None:
    from tests.test_hardening import FORGED, HOSTILE_URL

    category = CATEGORIES[9]
    admin, db, number = world.clients["admin"], world.db, world.articles["report"]
    with db.session() as session:
        stored = session.get(Article, number)
        stored.url = HOSTILE_URL
        session.add(stored)
        session.commit()
    claims = db.claims(number)
    hostile = {claims[1].id: FORGED, claims[2].id: "<details open ontoggle=alert(1)>x</details>\n\n<script>alert(1)</script>",
               claims[3].id: "[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c]( javascript:alert(1))\n\n"
                             "<a href=\"javascript:alert(1)\">d</a> ![i](javascript:alert(1)) "
                             "<svg/onload=alert(1)>\n\n# Forged H1"}

    def save_all(rationales: dict[int, str]) -> None:
        for claim_id, rationale in rationales.items():
            answer = admin.post(f"/claims/{claim_id}", {"verdict": str(db.rating("False")), "rationale": rationale,
                                                        "status": "needs_second_review",
                                                        "version": str(db.claim(claim_id).version)}, htmx=True)
            assert answer.status == 200, (answer.status, answer.text[-300:])

    save_all({claim_id: "Checked against the maps." for claim_id in hostile})
    baseline = {name: headings(page) for name, page in rendered_pages(admin.get(f"/articles/{number}/report.md").text).items()}
    save_all(hostile)
    report = admin.get(f"/articles/{number}/report.md").text
    for name, page in rendered_pages(report).items():
        handlers = [t.name for t in page.find_all(True) if any(a.lower().startswith("on") for a in t.attrs)]
        check(category, not handlers, f"{name}: elements with on* attributes: {handlers}")
        raw = page.find(["script", "details", "svg", "iframe", "object", "embed", "style"])
        check(category, raw is None, f"{name}: raw HTML element {raw}")
        addresses = [a["href"] for a in page.find_all(href=True)] + [i["src"] for i in page.find_all(src=True)]
        bad = [a for a in addresses if a.strip().lower().startswith(("javascript:", "data:", "vbscript:"))]
        check(category, not bad, f"{name}: links to {bad}")
        check(category, headings(page) == baseline[name],
              f"{name}: headings the report did not write: {sorted(set(headings(page)) - set(baseline[name]))}")
        check(category, all("evil.example/%22%3E" in a["href"] for a in page.find_all(href=True) if "evil.example" in a["href"]),
              f"{name}: the article's address closed its own link")


# --- 11. The audit log ----------------------------------------------------------------------------


def audit_log(world: World) -> None:
    category = CATEGORIES[10]
    db = world.db
    for typed, stored in (("admin\nlogin ok from 1.2.3.4", "admin\\nlogin ok from 1.2.3.4"), ("\u202eadmin", "\\u202eadmin"),
                          ("ad\tmin\\x", "ad\\tmin\\\\x"), ("a\u2028b\rc", "a\\u2028b\\rc")):
        answer = from_address(world.proxied, "192.0.2.200").log_in(typed, "not the password")
        with db.session() as session:
            failures = select(AuditEvent).where(AuditEvent.kind == "login_failed")
            last = session.exec(failures.order_by(AuditEvent.id.desc())).first()
        check(category, answer.status == 401 and last.username == stored,
              f"login as {typed!r}: {answer.status}, stored as {last.username!r}, expected {stored!r}")
    with db.session() as session:
        raw = session.exec(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.username.contains("\n") | AuditEvent.detail.contains("\n") | AuditEvent.target.contains("\n")
            | AuditEvent.username.contains("\u202e"))).one()
    check(category, raw == 0, f"{raw} audit entries hold a raw line break or direction override")
    total = db.count(AuditEvent)
    for statement in ("UPDATE auditevent SET detail = 'rewritten'", "DELETE FROM auditevent",
                      "UPDATE auditevent SET username = 'x' WHERE id = (SELECT MAX(id) FROM auditevent)"):
        try:
            with db.engine.begin() as connection:
                connection.execute(text(statement))
            refused = False
        except Exception:  # noqa: BLE001 (whatever the guard raises, the statement must not run)
            refused = True
        check(category, refused and db.count(AuditEvent) == total, f"{statement!r} through the app's engine was run")
    with db.session() as session:
        kinds = dict(session.exec(select(AuditEvent.kind, func.count()).group_by(AuditEvent.kind)).all())
    note(category, f"audit entries by kind: {dict(sorted(kinds.items()))}")


# --- 12. Authorization and CSRF -------------------------------------------------------------------

ACTORS = {"anonymous": None, "reviewer": "olga", "assigned reviewer": "assigned", "editor": "eddie", "admin": "admin"}


def expected(rule: Rule, actor: str) -> str:
    if rule.public:
        return "allow"
    if actor == "anonymous":
        return "login"
    role = Role("reviewer" if actor.endswith("reviewer") else actor)
    return "allow" if role in rule.roles or (actor == "assigned reviewer" and role in rule.assigned) else "deny"


def authorization(world: World) -> None:
    category, audit = CATEGORIES[11], CATEGORIES[10]
    db, form = world.db, form_for(world.values)
    routes = rules(world)
    # CSRF first: every POST, without a token and with a wrong one, plain and htmx, by three roles.
    site, refused = db.site_stamp(), 0
    for endpoint, method, rule in routes:
        if method != "POST":
            continue
        path = fill(rule, world.values)
        before = db.snapshot()
        for actor in ("admin", "editor", "assigned reviewer"):
            client = world.clients[ACTORS[actor]]
            for token in (None, "0" * 64):
                for htmx in (False, True):
                    sent = dict(form) | ({"csrf_token": token} if token else {})
                    refusals = db.audit("csrf_refused")
                    answer = client.post(path, sent, token=False, htmx=htmx)
                    allowed = expected(PERMISSIONS[endpoint], actor) == "allow"
                    wanted = {400} if allowed else {400, 403}
                    check(category, answer.status in wanted,
                          f"CSRF: {actor} POST {path} token={token and 'wrong'} htmx={htmx} -> {answer.status}")
                    if answer.status == 400:
                        refused += 1
                        check(audit, db.audit("csrf_refused") == refusals + 1, f"CSRF refusal of POST {path} not in the log")
        changed = db.changed(before)
        check(category, not changed, f"CSRF: POST {path} without a valid token changed {changed}")
    note(category, f"{refused} CSRF refusals bumped the `site` change stamp {db.site_stamp() - site} times "
                   "(each audit entry counts as a change to every page)")
    # Every route by every role, as the permission table says; the allowed ones last, logout at the very end.
    mismatches = []
    for actor, username in ACTORS.items():
        for phase in ("deny", "allow"):
            for endpoint, method, rule in routes:
                outcome = expected(PERMISSIONS[endpoint], actor)
                if (phase == "allow") != (outcome == "allow") or endpoint == "auth.logout" and outcome == "allow" and username:
                    continue
                path = fill(rule, world.values)
                for htmx in (False, True) if outcome != "allow" else (False,):
                    client = world.clients[username] if username else Client(world.main.port)
                    before = db.snapshot() if outcome != "allow" else None
                    forbidden = db.audit("forbidden")
                    answer = send(client, method, path, form, htmx=htmx)
                    what = f"{actor} {method} {path} htmx={htmx} -> {answer.status}"
                    if outcome == "allow":
                        wanted = 400 if actor == "anonymous" and method == "POST" else ALLOWED[endpoint]
                        held = answer.status not in (401, 403) and answer.status < 500 and not to_login(answer)
                        held = held or (endpoint == "auth.login" and answer.status == wanted)  # FORM's password is no one's
                        if answer.status != wanted:
                            mismatches.append(f"{endpoint} {actor}: {answer.status} (test world: {wanted})")
                        check(category, held, f"{what}, expected allowed")
                    elif outcome == "deny":
                        check(category, answer.status == 403 and "may not" in answer.text, f"{what}, expected 403")
                        check(audit, db.audit("forbidden") == forbidden + 1, f"{what}: no 'forbidden' entry")
                    else:
                        check(category, to_login(answer), f"{what}, expected the way to log in")
                    if before is not None:
                        changed = db.changed(before)
                        check(category, not changed, f"{what}: refused, yet changed {changed}")
        if username:
            answer = world.clients[username].post("/logout")
            check(category, answer.status == 303 and "session" not in world.clients[username].cookies, f"{actor} logout")
            world.clients[username].log_in(username)
    note(category, f"{len(mismatches)} allowed answers differ from the test world's (state differs): {mismatches[:6]}")


# --- The run --------------------------------------------------------------------------------------


def run_command(database_url: str, instance: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACTCHECK_")}
    env |= {"FACTCHECK_DATABASE_URL": database_url, "FACTCHECK_INSTANCE_PATH": str(instance), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "factcheck", *args], capture_output=True, text=True, env=env, timeout=600)


def report(database: str) -> int:
    print(f"\nAttack run on {database}\n")
    print("| category | probes | held | broke | wall s |")
    print("|---|---:|---:|---:|---:|")
    for name, tally in RESULTS.items():
        print(f"| {name} | {tally.tried:,} | {tally.tried - len(tally.broke):,} | {len(tally.broke)} | {tally.seconds:.0f} |")
    for name, tally in RESULTS.items():
        for words in tally.notes:
            print(f"- {name}: {words}")
    total = sum(t.tried for t in RESULTS.values())
    broke = sum(len(t.broke) for t in RESULTS.values())
    print(f"\n{total:,} probes, {total - broke:,} held, {broke} broke.")
    for name, tally in RESULTS.items():
        if tally.broke:
            print(f"\n{name}: {len(tally.broke)} broke, the first {min(SHOWN_FAILURES, len(tally.broke))}:")
            for failure in tally.broke[:SHOWN_FAILURES]:
                print(f"  - {failure}")
    return 1 if broke else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL database at the latest revision (else a new SQLite file)")
    parser.add_argument("--flood-seconds", type=float, default=120.0,
                        help="how long junk logins from many addresses go on (each hashes a password)")
    parser.add_argument("--only", help="comma-separated category numbers to run (the seeding always runs)")
    options = parser.parse_args()
    only = {int(n) for n in options.only.split(",")} if options.only else set(range(1, 13))
    with tempfile.TemporaryDirectory(prefix="factcheck-attack-") as temp:
        folder = Path(temp)
        instance = folder / "instance"
        database_url = options.postgres or f"sqlite:///{instance / 'factcheck.sqlite'}"
        upgraded = run_command(database_url, instance, "db", "upgrade")
        if upgraded.returncode:
            raise SystemExit(f"factcheck db upgrade failed: {upgraded.stderr}")
        # gunicorn believes X-Forwarded-Proto from 127.0.0.1 (its --forwarded-allow-ips default, README's
        # Deployment): the main server trusts another address, so the probes reach it as a direct client would.
        main_server = Server(folder, database_url, instance, "main", "--forwarded-allow-ips", "192.0.2.1",
                             FETCH_PRIVATE_HOSTS="localhost")
        proxied = Server(folder, database_url, instance, "proxied", TRUSTED_PROXIES="1")
        db = Database(database_url)
        try:
            world = build_world(main_server, db, folder)
            world.proxied = proxied
            print(f"gunicorn on 127.0.0.1:{main_server.port} and, behind a trusted proxy, :{proxied.port}; "
                  f"database {database_url.split('@')[-1]}", flush=True)
            steps = [(1, huge_ids), (2, malformed_current_url), (3, nul_in_forms), (9, leaks), (10, report_inertness),
                     (4, malformed_exports), (5, hostile_uploads), (8, ssrf), (12, authorization), (7, sessions),
                     (6, lambda w: login_throttle(w, options.flood_seconds)), (11, audit_log)]
            for number, step in steps:
                if number not in only:
                    continue
                name = CATEGORIES[number - 1]
                started = time.perf_counter()
                print(f"{name} ...", flush=True)
                try:
                    step(world)
                except Exception as error:  # noqa: BLE001 (a probe that cannot run is a failure, reported)
                    import traceback

                    traceback.print_exc()
                    check(name, False, f"the probe run stopped: {type(error).__name__}: {error}")
                RESULTS[name].seconds += time.perf_counter() - started
                tally = RESULTS[name]
                print(f"  {tally.tried:,} probes, {len(tally.broke)} broke, {RESULTS[name].seconds:.0f} s", flush=True)
        finally:
            main_server.stop()
            proxied.stop()
            db.engine.dispose()
        for name in list(RESULTS):
            if int(name.split()[0]) not in only:
                del RESULTS[name]
        return report("PostgreSQL" if options.postgres else "SQLite")


if __name__ == "__main__":
    sys.exit(main())
