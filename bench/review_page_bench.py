"""The review page at newsroom scale, in Chromium and under load, beside a bare Flask route.

Builds a temporary SQLite database with three articles, a quarter of each one's claims reviewed
(a verdict, a rationale, a source, status "In progress" or "Needs second review"):

- **seed**: ../shared/data/seed-article.txt, the article factcheck was built for;
- **300**: an article of about 300 sentences (CheckThat! 2024 dev and dev-test sentences, five to a
  paragraph, about 34 kB);
- **2000**: a transcript of about 2,000 sentences (CheckThat! 2024 train sentences as the turns of
  three speakers, "NAME: ..." lines, about 200 kB),

serves it on 127.0.0.1 in a separate process with werkzeug's threaded server (as `factcheck run`
does), beside a bare Flask app whose one route returns "hello", served the same way by the same
process, and measures:

1. **In Chromium** (Debian's, through Playwright), per article, best and median of --runs loads:
   time to the `load` event; time to the first claim being editable (from navigation start until
   the first listed claim's editor has its Save button: the page is loaded, the first row clicked
   as soon as it is there, the editor fetched); DOM nodes; HTML bytes; the longest main-thread task
   (PerformanceObserver "longtask") up to a second after load. Then, on each article, opening
   --claims claims' editors one after the other (click on the row until the editor is drawn) and
   saving a verdict in each (click on Save until the list is redrawn), median and worst.
2. **Under load**: requests per second for each article's review page and for the hello route,
   from --clients client threads in another process for --seconds each, interleaved over --rounds
   rounds; the ratio page / hello is what the targets are about. The pages are served as a
   reviewer reloading them gets them: from the page cache while nothing on them changed
   (factcheck.views.page_cache); the seed and the transcript are also measured "drawn afresh", on
   the same app with PAGE_CACHE_MB=0, which is what the first view after every change costs.

Exits 1 when a target is missed: the 2,000-sentence transcript editable in under 1.5 s with no long
task over 200 ms, its DOM nodes and HTML bytes within 3x of the seed's, opening and saving a claim
on it under 300 ms (median), the seed's page at most 4x slower than hello under load.

    .venv/bin/python bench/review_page_bench.py [DATA_DIR] [--runs 5] [--claims 10]
        [--seconds 5] [--rounds 3] [--clients 4] [--root CHECKOUT] [--skip-browser] [--skip-load]

--root imports factcheck from another checkout of the repository (an older commit, say) to measure
it with the same data and the same client; its page need not have the list and editor of this one
(a page that shows every claim's editor up front is "editable" once loaded).
DATA_DIR defaults to ../shared/data. The data are CLEF CheckThat! 2024 task 1 (check-worthiness)
sentences; see that folder's license notes.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import multiprocessing
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "bench password 1234"
SPEAKERS = ("MODERATOR", "HARRIS", "LANGDON")
REVIEWED_SHARE = 4  # every 4th claim gets a verdict
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')

# Targets from the issue (the 2,000-sentence transcript, and the seed under load).
EDITABLE_MS = 1500
LONGTASK_MS = 200
SIZE_FACTOR = 3.0
ACTION_MS = 300
LOAD_FACTOR = 4.0

LONGTASKS = """
window.__longtasks = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__longtasks.push(entry.duration);
}).observe({ type: "longtask", buffered: true });
"""

COUNT_NODES = """() => {
  const walker = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
  let count = 1;
  while (walker.nextNode()) count++;
  return count;
}"""

# Open a claim's editor by clicking its row, and wait until htmx has drawn it (ms).
OPEN_EDITOR = """async (id) => {
  const row = document.querySelector(`#row-${id} .row-link`);
  const started = performance.now();
  const drawn = new Promise((resolve) => document.addEventListener("htmx:afterSettle", function done(event) {
    if (document.querySelector(`#claim-${id} form.review-form`)) {
      document.removeEventListener("htmx:afterSettle", done);
      resolve();
    }
  }));
  row.click();
  await drawn;
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
  return performance.now() - started;
}"""

# Pick the given verdict in the open editor and save it; wait until the list is redrawn (ms).
SAVE_VERDICT = """async ([id, index]) => {
  const form = document.querySelector(`#claim-${id} form.review-form`);
  const option = form.querySelectorAll('input[name="verdict"]')[index];
  option.checked = true;
  const started = performance.now();
  const drawn = new Promise((resolve) => document.addEventListener("htmx:afterSettle", function done(event) {
    const card = document.querySelector(`#claim-${id}`);
    const redrawn = card && card.dataset.version !== form.closest("section").dataset.version;
    if (event.detail.elt && event.detail.elt.id === "claims" || redrawn) {
      document.removeEventListener("htmx:afterSettle", done);
      resolve();
    }
  }));
  form.querySelector('button[type="submit"]').click();
  await drawn;
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
  return performance.now() - started;
}"""


# --- the data --------------------------------------------------------------------------------


def _sentences(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [" ".join(row[1].split()) for row in rows[1:] if len(row) >= 2 and row[1].strip()]


def article_300(data: Path) -> str:
    """About 300 sentences of debate, five to a paragraph."""
    sentences = _sentences(data / "ct24_checkworthy_english_dev.tsv")[:300]
    return "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5))


def transcript_2000(data: Path) -> str:
    """About 2,000 sentences as the turns of three speakers, one to eight sentences a turn."""
    sentences = _sentences(data / "ct24_checkworthy_english_train.tsv")[:2000]
    chance = random.Random(2024)
    turns, start, speaker = [], 0, 0
    while start < len(sentences):
        length = chance.randint(1, 8)
        turns.append(f"{SPEAKERS[speaker]}: " + " ".join(sentences[start : start + length]))
        start += length
        speaker = (speaker + 1 + chance.randint(0, 1)) % len(SPEAKERS)
    return "\n\n".join(turns)


def build(folder: Path, data: Path) -> dict[str, int]:
    """The database in folder/bench.sqlite: the admin `bench` and the three articles, by name."""
    from sqlmodel import Session, select

    from factcheck import create_app
    from factcheck.domain.accounts import HashParameters, create_user
    from factcheck.domain.articles import create_article
    from factcheck.domain.claims import add_source, update_claim
    from factcheck.domain.scales import default_scale
    from factcheck.forms import ArticleCreate, SourceCreate
    from factcheck.models import Claim, Rating

    app = create_app(_config(folder))
    texts = {
        "seed": ("From Battlefield To Bargaining Table", (data / "seed-article.txt").read_text(encoding="utf-8")),
        "300": ("A 300-sentence article", article_300(data)),
        "2000": ("A 2,000-sentence debate transcript", transcript_2000(data)),
    }
    ids = {}
    with app.app_context(), Session(app.extensions["factcheck.engine"]) as session:
        admin = create_user(session, "bench", PASSWORD, "admin", HashParameters(1, 8, 1))
        for name, (title, text) in texts.items():
            article = create_article(session, ArticleCreate(text=text, title=title), default_scale(session))
            session.flush()
            on_scale = select(Rating).where(Rating.scale_id == article.rating_scale_id)
            ratings = list(session.exec(on_scale.order_by(Rating.position)))
            claims = session.exec(select(Claim).where(Claim.article_id == article.id).order_by(Claim.position)).all()
            for index, claim in enumerate(claims[::REVIEWED_SHARE]):
                update_claim(
                    session, claim, ratings,
                    verdict_id=ratings[index % len(ratings)].id,
                    rationale=f"Checked against the record: see **source {index + 1}**, which gives the figure in full.",
                    status="needs_second_review" if index % 2 else "in_progress",
                    user_id=admin.id,
                )
                record = SourceCreate(url=f"https://example.org/record/{claim.id}", title="The record")
                add_source(session, claim, record, admin.id)
            ids[name] = article.id
        session.commit()
    app.extensions["factcheck.engine"].dispose()
    return ids


def _config(folder: Path) -> dict:
    return {
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite'}",
        "SECRET_KEY": "bench",
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_KIB": 8,
        "ARGON2_PARALLELISM": 1,
    }


# --- the servers -----------------------------------------------------------------------------


def serve(folder: str, root: str, ports: multiprocessing.Queue) -> None:
    """In its own process: factcheck, the hello app and factcheck without its page cache, each on a
    free port of 127.0.0.1."""
    sys.path.insert(0, root)
    from flask import Flask
    from werkzeug.serving import WSGIRequestHandler, make_server

    from factcheck import create_app

    class Quiet(WSGIRequestHandler):
        def log_request(self, code="-", size="-") -> None:
            """No request lines."""

    hello = Flask("hello")
    hello.add_url_rule("/hello", "hello", lambda: "hello")
    # The same app with its page cache off: every request draws the page afresh.
    afresh = create_app({**_config(Path(folder)), "PAGE_CACHE_MB": 0})
    servers = [
        make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
        for app in (create_app(_config(Path(folder))), hello, afresh)
    ]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    ports.put(tuple(server.server_port for server in servers))
    threading.Event().wait()


# --- under load ------------------------------------------------------------------------------


def log_in(port: int) -> str:
    """The session cookie of the admin, logged in through the form."""
    cookie, csrf = "", ""
    for method, form in (("GET", None), ("POST", {"username": "bench", "password": PASSWORD})):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": cookie} if cookie else {}
        body = None
        if form is not None:
            body = urlencode({**form, "csrf_token": csrf})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, "/login", body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session="):
                cookie = value.split(";", 1)[0]
        found = _CSRF.search(text)
        csrf = found.group(1) if found else csrf
        connection.close()
    if method == "POST" and response.status != 303:
        raise SystemExit(f"could not log in: {response.status}")
    return cookie


def hammer(port: int, path: str, cookie: str, seconds: float, clients: int, out: multiprocessing.Queue) -> None:
    """In its own process: `clients` threads GET path for `seconds`; puts (answered, errors)."""
    until = time.monotonic() + seconds
    counts = [0, 0]
    lock = threading.Lock()

    def loop() -> None:
        done = errors = 0
        while time.monotonic() < until:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status == 200:
                done += 1
            else:
                errors += 1
        with lock:
            counts[0] += done
            counts[1] += errors

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put(tuple(counts))


def requests_per_second(port: int, path: str, cookie: str, seconds: float, clients: int) -> float:
    out: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=hammer, args=(port, path, cookie, seconds, clients, out))
    process.start()
    done, errors = out.get()
    process.join()
    if errors:
        raise SystemExit(f"{path}: {errors} answers other than 200 under load")
    return done / seconds


# --- in the browser --------------------------------------------------------------------------


@dataclass
class Load:
    load_ms: float
    editable_ms: float
    nodes: int
    html_bytes: int
    longest_task_ms: float


@dataclass
class Figures:
    loads: list[Load] = field(default_factory=list)
    open_ms: list[float] = field(default_factory=list)
    save_ms: list[float] = field(default_factory=list)


def one_load(context, url: str) -> Load:
    page = context.new_page()
    response = page.goto(url, wait_until="commit")
    html_bytes = len(response.body())
    rows = page.locator("#claims .claim-row .row-link")
    editor = page.locator("form.review-form button[type=submit]").first
    # The first claim editable: in this page, its row clicked as soon as it is there; in a page
    # that draws every claim's editor up front, the first editor.
    page.wait_for_selector("#claims .claim-row .row-link, form.review-form button[type=submit]", state="attached")
    if rows.count():
        rows.first.click()
    editor.wait_for(state="visible")
    editable = page.evaluate("performance.now()")
    page.wait_for_load_state("load")
    page.wait_for_timeout(1000)  # long tasks up to a second after load
    timing = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0]; return n.loadEventStart; }"
    )
    result = Load(
        load_ms=timing,
        editable_ms=editable,
        nodes=page.evaluate(COUNT_NODES),
        html_bytes=html_bytes,
        longest_task_ms=max(page.evaluate("window.__longtasks"), default=0.0),
    )
    page.close()
    return result


def browse(base: str, ids: dict[str, int], runs: int, claims: int) -> dict[str, Figures]:
    from playwright.sync_api import sync_playwright

    figures = {name: Figures() for name in ids}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(base_url=base, viewport={"width": 1366, "height": 900})
        context.add_init_script(LONGTASKS)
        page = context.new_page()
        page.goto("/login")
        page.fill("#username", "bench")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/$"))
        page.close()
        for _ in range(runs):  # interleaved, so a noisy moment hits every article alike
            for name, article_id in ids.items():
                figures[name].loads.append(one_load(context, f"/articles/{article_id}"))
        for name, article_id in ids.items():
            page = context.new_page()
            page.goto(f"/articles/{article_id}")
            if not page.locator("#claims .claim-row").count():
                page.close()
                continue  # a page without rows: nothing to open
            page.wait_for_load_state("load")
            row_ids = page.eval_on_selector_all("#claims .claim-row", "rows => rows.map(r => r.dataset.claim)")
            for number, claim_id in enumerate(row_ids[:claims]):
                figures[name].open_ms.append(page.evaluate(OPEN_EDITOR, claim_id))
                figures[name].save_ms.append(page.evaluate(SAVE_VERDICT, [claim_id, number % 3]))
            page.close()
        browser.close()
    return figures


# --- the report ------------------------------------------------------------------------------


def _fmt(values: list[float], digits: int = 0) -> str:
    if not values:
        return "–"
    return f"{min(values):,.{digits}f} / {statistics.median(values):,.{digits}f} / {max(values):,.{digits}f}"


def report_browser(figures: dict[str, Figures], claims_in: dict[str, int]) -> list[str]:
    failures = []
    print("\nIn Chromium, 1366x900 (min / median / max over the runs):\n")
    print("| article | claims | load event ms | first claim editable ms | DOM nodes | HTML bytes | longest task ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, figure in figures.items():
        loads = figure.loads
        print(
            f"| {name} | {claims_in[name]:,} | {_fmt([x.load_ms for x in loads])} | {_fmt([x.editable_ms for x in loads])} "
            f"| {statistics.median([x.nodes for x in loads]):,.0f} | {statistics.median([x.html_bytes for x in loads]):,.0f} "
            f"| {_fmt([x.longest_task_ms for x in loads])} |"
        )
    print("\nOpening a claim's editor, then saving a verdict in it (ms, min / median / max):\n")
    print("| article | claims opened | open editor | save verdict |")
    print("|---|---:|---:|---:|")
    for name, figure in figures.items():
        print(f"| {name} | {len(figure.open_ms)} | {_fmt(figure.open_ms)} | {_fmt(figure.save_ms)} |")
    if "2000" in figures and "seed" in figures:
        big, seed = figures["2000"], figures["seed"]
        editable = statistics.median([x.editable_ms for x in big.loads])
        longest = max(x.longest_task_ms for x in big.loads)
        nodes = statistics.median([x.nodes for x in big.loads]) / statistics.median([x.nodes for x in seed.loads])
        size = statistics.median([x.html_bytes for x in big.loads]) / statistics.median([x.html_bytes for x in seed.loads])
        print(f"\n2,000 sentences against the seed: DOM nodes {nodes:.2f}x, HTML bytes {size:.2f}x")
        checks = [
            (editable < EDITABLE_MS, f"2000: first claim editable in {editable:,.0f} ms (median), target under {EDITABLE_MS}"),
            (longest <= LONGTASK_MS, f"2000: longest task {longest:,.0f} ms, target at most {LONGTASK_MS}"),
            (nodes <= SIZE_FACTOR, f"2000: {nodes:.2f}x the seed's DOM nodes, target at most {SIZE_FACTOR}x"),
            (size <= SIZE_FACTOR, f"2000: {size:.2f}x the seed's HTML bytes, target at most {SIZE_FACTOR}x"),
        ]
        if big.open_ms:
            opening, saving = statistics.median(big.open_ms), statistics.median(big.save_ms)
            checks += [
                (opening < ACTION_MS, f"2000: opening an editor {opening:.0f} ms (median), target under {ACTION_MS}"),
                (saving < ACTION_MS, f"2000: saving a verdict {saving:.0f} ms (median), target under {ACTION_MS}"),
            ]
        failures += [message for ok, message in checks if not ok]
    return failures


def report_load(rates: dict[str, list[float]], clients: int, seconds: float) -> list[str]:
    hello = statistics.median(rates["hello"])
    print(f"\nUnder load: {clients} client threads in another process, {seconds:g} s a round, median of the rounds:\n")
    print("| route | requests/s (each round) | median | hello / this |")
    print("|---|---|---:|---:|")
    for name, values in rates.items():
        median = statistics.median(values)
        print(f"| {name} | {', '.join(f'{v:,.0f}' for v in values)} | {median:,.0f} | {hello / median:.2f}x |")
    seed = statistics.median(rates["seed"])
    if hello / seed > LOAD_FACTOR:
        return [f"seed page {hello / seed:.2f}x slower than hello, target at most {LOAD_FACTOR}x"]
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--runs", type=int, default=5, help="page loads per article (default 5)")
    parser.add_argument("--claims", type=int, default=10, help="editors opened and saved per article (default 10)")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds of load per route and round (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of load (default 3)")
    parser.add_argument("--clients", type=int, default=4, help="client threads under load (default 4)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to import factcheck from")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.root.resolve()))
    import factcheck

    print(f"factcheck from {Path(factcheck.__file__).parent}")
    with tempfile.TemporaryDirectory() as folder:
        ids = build(Path(folder), args.data)
        claims_in = _claim_counts(Path(folder), ids)
        print("articles:", ", ".join(f"{name} ({claims_in[name]:,} claims)" for name in ids))
        ports: multiprocessing.Queue = multiprocessing.Queue()
        server = multiprocessing.Process(target=serve, args=(folder, str(args.root.resolve()), ports), daemon=True)
        server.start()
        port, hello_port, afresh_port = ports.get(timeout=60)
        failures = []
        try:
            if not args.skip_browser:
                figures = browse(f"http://127.0.0.1:{port}", ids, args.runs, args.claims)
                failures += report_browser(figures, claims_in)
            if not args.skip_load:
                cookie = log_in(port)
                rates: dict[str, list[float]] = {"hello": [], **{name: [] for name in ids}}
                rates.update({f"{name}, drawn afresh": [] for name in ("seed", "2000")})
                for _ in range(args.rounds):
                    rates["hello"].append(requests_per_second(hello_port, "/hello", cookie, args.seconds, args.clients))
                    for name, article_id in ids.items():
                        path = f"/articles/{article_id}"
                        rates[name].append(requests_per_second(port, path, cookie, args.seconds, args.clients))
                    for name in ("seed", "2000"):
                        rates[f"{name}, drawn afresh"].append(
                            requests_per_second(afresh_port, f"/articles/{ids[name]}", cookie, args.seconds, args.clients)
                        )
                failures += report_load(rates, args.clients, args.seconds)
        finally:
            server.terminate()
            server.join()
    for failure in failures:
        print("MISSED:", failure, file=sys.stderr)
    return 1 if failures else 0


def _claim_counts(folder: Path, ids: dict[str, int]) -> dict[str, int]:
    from sqlmodel import Session, func, select

    from factcheck import create_app
    from factcheck.models import Claim

    app = create_app(_config(folder))
    with Session(app.extensions["factcheck.engine"]) as session:
        counts = {
            name: session.exec(select(func.count()).select_from(Claim).where(Claim.article_id == article_id)).one()
            for name, article_id in ids.items()
        }
    app.extensions["factcheck.engine"].dispose()
    return counts


if __name__ == "__main__":
    sys.exit(main())
