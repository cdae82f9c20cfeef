"""Ingest: articles from web addresses, HTML and Word files and folders; duplicates; clear failures.

Web pages are served from tests/data/pages by a local HTTP server on 127.0.0.1; no test
leaves the machine.
"""

from __future__ import annotations

import contextlib
import errno
import io
import ipaddress
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
import tracemalloc
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import docx
import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlmodel import func, select

from factcheck.commands import cli
from factcheck.errors import InvalidInput
from factcheck.ingest import docx as docx_module
from factcheck.ingest.fetch import fetch_page
from factcheck.models import Article, Claim
from tests.conftest import DATA, article, claims_of, html, in_ci, post

PAGES = DATA / "pages"
WIRE_STORY = "/news/wire-story.html"
COUNCIL_STORY = "/news/council-budget.html"
WIRE_CANONICAL = "https://wire.example.com/world/europe/lisbon-ferry-fares-2025-04-28/"

# What surrounds the stories in the saved pages: none of it may reach the text or the claims.
WIRE_BOILERPLATE = [
    "Skip to main content",
    "We use cookies",
    "Accept all cookies",
    "Manage preferences",
    "Sign in",
    "Subscribe",
    "Business",
    "Share on Facebook",
    "Email this story",
    "By Ana Ferreira",
    "Updated 2 hours ago",
    "READ MORE",
    "metro expansion delayed",
    "Our Standards",
    "Trust Principles",
    "Related stories",
    "Porto tram drivers",
    "Most read",
    "Euro zone bond yields",
    "newsletter",
    "About us",
    "Terms of use",
    "All rights reserved",
]
COUNCIL_BOILERPLATE = [
    "light rain",
    "e-edition",
    "Log in",
    "What's On",
    "cookie policy",
    "OK, got it",
    "Advertisement",
    "Local democracy reporter",
    "Picture: Gazette archive",
    "Tags:",
    "Support local journalism",
    "You may also like",
    "Bus route 592",
    "3 comments",
    "About time",
    "Typical council",
    "cycle lanes",
    "Post comment",
    "Trending",
    "Market hall reopens",
    "Editorial complaints",
    "Registered in England",
]


# --- A local web server with the saved pages ------------------------------------------


class _PageHandler(BaseHTTPRequestHandler):
    """Serves tests/data/pages under /news/ and a few misbehaving addresses."""

    server: _PageServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.server.requests.append(self.path)
        # The client may give up on purpose (too large, too slow).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._answer(self.path.split("?", 1)[0])

    def _answer(self, path: str) -> None:
        if path.startswith("/news/") and (PAGES / path.removeprefix("/news/")).is_file():
            self._send(200, "text/html; charset=utf-8", (PAGES / path.removeprefix("/news/")).read_bytes())
        elif path == "/moved":
            self._send(302, None, b"", Location=WIRE_STORY)
        elif path == "/to-ftp":
            self._send(302, None, b"", Location="ftp://127.0.0.1/story.txt")
        elif path == "/gone":
            self._send(404, "text/html; charset=utf-8", (PAGES / "not-found.html").read_bytes())
        elif path == "/broken":
            self._send(500, "text/html", b"<h1>Internal Server Error</h1>")
        elif path == "/members-only":
            self._send(403, "text/html", b"<h1>Forbidden</h1>")
        elif path == "/report.pdf":
            self._send(200, "application/pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        elif path == "/untyped":
            self._send(200, None, (PAGES / "wire-story.html").read_bytes())
        elif path == "/latin1":
            page = (PAGES / "wire-story.html").read_text(encoding="utf-8").replace('<meta charset="utf-8">', "")
            self._send(200, "text/html; charset=iso-8859-1", page.encode("latin-1", "replace"))
        elif path == "/huge":
            # Says how large it is up front: refused before any of it is read.
            self._send(200, "text/html", b"<html>" + b" " * 1024, length=6 * 2**20)
        elif path == "/endless":
            self._send(200, "text/html", None)
            self.wfile.write(b"<html><body>" + b"<p>More words. </p>" * 200_000)
        elif path == "/slow":
            self.server.release.wait(5)
            self._send(200, "text/html", b"<html></html>")
        elif path == "/drip":
            # The headers at once, then the page a byte every 0.1 s: never silent long enough to time out.
            page = b"<html><body><p>" + b"Slowly. " * 6 + b"</p></body></html>"
            self._send(200, "text/html", b"", length=len(page))
            self._drip(page)
        elif path == "/drip-headers":
            self._drip(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"." * 40 + b"\r\n\r\n<html></html>")
        elif path == "/to-loopback":
            self._send(302, None, b"", Location=f"http://127.0.0.1:{self.server.server_port}{WIRE_STORY}")
        else:
            self._send(404, "text/plain", b"not found")

    def _drip(self, data: bytes) -> None:
        """Send `data` a byte every 0.1 s, until the test is over."""
        for at in range(len(data)):
            if self.server.release.wait(0.1):
                return
            self.wfile.write(data[at : at + 1])

    def _send(self, status: int, content_type: str | None, body: bytes | None, length: int | None = None, **headers: str) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        if body is not None:
            self.send_header("Content-Length", str(length if length is not None else len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Requests would drown the test output."""


class _PageServer(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True  # server_close() waits for every request: no thread outlives the test

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _PageHandler)
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)
        self.release = threading.Event()
        self.requests: list[str] = []  # the paths asked for, in order


@contextmanager
def page_server(tls: ssl.SSLContext | None = None) -> Iterator[_PageServer]:
    """Serve the saved pages on 127.0.0.1 at a free port (over https with `tls`)."""
    server = _PageServer(tls)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="saved-pages", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def serve_pages() -> Iterator[str]:
    """Serve the saved pages on 127.0.0.1 at a free port; yields the base URL."""
    with page_server() as server:
        yield f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def server() -> Iterator[_PageServer]:
    with page_server() as running:
        yield running


@pytest.fixture
def pages(server: _PageServer) -> str:
    return f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def invoke(app):
    """Run `factcheck ARGS...` against the test app; stderr is kept apart from stdout."""

    def run(*args: str):
        return CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app))

    return run


def count(db, model) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(model)).one()


def only_article(db) -> Article:
    db.expire_all()
    return db.exec(select(Article)).one()


def new_article_id(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(re.search(r"/articles/(\d+)$", response.headers["Location"]).group(1))


def assert_clean(db, article_id: int, boilerplate: list[str]) -> list[Claim]:
    """The article's claims are exact spans of its text, and no boilerplate is in either."""
    stored = article(db, article_id)
    claims = claims_of(db, article_id)
    assert claims
    assert all(stored.text[c.start : c.end] == c.text for c in claims)
    for phrase in boilerplate:
        assert phrase not in stored.text, phrase
        assert not any(phrase in c.text for c in claims), phrase
    return claims


def word_file(*paragraphs: tuple[str, str | None]) -> bytes:
    """A .docx made with python-docx: (text, style) per paragraph."""
    document = docx.Document()
    for text, style in paragraphs:
        document.add_paragraph(text, style=style)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


FERRY_DOC = [
    ("Ferry fares to fall in June", "Title"),
    ("Lisbon will cut ferry fares by 20% from June 1, the city council said on Monday.", None),
    ("A single ticket will fall from 1.65 euros to 1.32 euros.", None),
    ("", None),
    ("What the opposition says", "Heading 2"),
    ("The opposition said the council had not explained how the cut would be financed.", None),
]


# --- From a web address, in the browser -----------------------------------------------


def test_a_web_page_becomes_its_story_with_metadata_and_no_boilerplate(client, db, pages):
    article_id = new_article_id(post(client, "/articles", {"import_url": pages + WIRE_STORY}))
    stored = article(db, article_id)
    assert stored.title == "Lisbon to cut ferry fares by a fifth from June"
    assert (stored.author, stored.outlet, stored.published.isoformat()) == ("Ana Ferreira", "Northbridge Wire", "2025-04-28")
    assert stored.url == WIRE_CANONICAL
    assert stored.source_url == pages + WIRE_STORY
    claims = assert_clean(db, article_id, WIRE_BOILERPLATE)
    texts = [c.text for c in claims]
    assert "A single ticket between Cais do Sodré and Cacilhas will fall from 1.65 euros to 1.32 euros, according to a council statement." in texts
    assert texts[-1] == "The company said nine new electric ferries would be in service by the end of the year."
    # Paragraphs stay paragraphs, so a claim never runs from one into the next.
    assert "\n\n" in stored.text and not any("\n" in text for text in texts)
    page = html(client.get(f"/articles/{article_id}"))
    assert "by Ana Ferreira" in page.select_one(".article-header .meta").get_text()


def test_a_page_without_a_canonical_link_keeps_the_address_it_came_from(client, db, pages):
    article_id = new_article_id(post(client, "/articles", {"import_url": pages + COUNCIL_STORY}))
    stored = article(db, article_id)
    assert stored.url == stored.source_url == pages + COUNCIL_STORY
    assert (stored.title, stored.author, stored.outlet) == (
        "Council approves £4.2m plan to repair Mill Lane bridge",
        "Tom Hughes",
        "The Valley Gazette",
    )
    assert stored.published.isoformat() == "2025-03-11"
    claims = assert_clean(db, article_id, COUNCIL_BOILERPLATE)
    assert claims[0].text.startswith("Calder Valley Council has approved a £4.2 million plan")


def test_a_redirect_is_followed_and_the_address_given_is_kept(client, db, pages):
    article_id = new_article_id(post(client, "/articles", {"import_url": pages + "/moved"}))
    stored = article(db, article_id)
    assert (stored.url, stored.source_url) == (WIRE_CANONICAL, pages + "/moved")


def test_what_the_reviewer_types_wins_over_what_the_page_says(client, db, pages):
    details = {"title": "Ferry fares cut", "outlet": "Wire copy", "url": "https://example.org/ferries", "published": "2025-04-29"}
    new_article_id(post(client, "/articles", {"import_url": pages + WIRE_STORY, **details}))
    stored = only_article(db)
    assert (stored.title, stored.outlet, stored.url, stored.published.isoformat()) == (
        "Ferry fares cut",
        "Wire copy",
        "https://example.org/ferries",
        "2025-04-29",
    )
    assert (stored.author, stored.source_url) == ("Ana Ferreira", pages + WIRE_STORY)


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("{pages}/gone", "{pages}/gone: the server answered 404 Not Found: there is no page at this address; check it."),
        ("{pages}/broken", "{pages}/broken: the server answered 500 Internal Server Error: the site has a problem or is busy; try again later."),
        ("{pages}/members-only", "{pages}/members-only: the server answered 403 Forbidden: it does not let factcheck read the page; paste the text instead."),
        ("{pages}/report.pdf", "{pages}/report.pdf: not a web page (the server sent application/pdf, not HTML)."),
        ("{pages}/news/section-front.html", "{pages}/news/section-front.html: no article text found on the page (a section front, a login wall, or text that only JavaScript shows?); paste the text instead."),
        ("{pages}/to-ftp", "{pages}/to-ftp: the server answered 302 Found, a redirect to ftp://127.0.0.1/story.txt, which is not a web address."),
        ("http://127.0.0.1:{port}/story", "http://127.0.0.1:{port}/story: the server 127.0.0.1:{port} refused the connection (nothing is listening there)."),
        ("ftp://127.0.0.1/story.txt", "ftp://127.0.0.1/story.txt: only http:// and https:// addresses can be imported."),
        ("javascript:alert(1)", "javascript:alert(1): only http:// and https:// addresses can be imported."),
        ("http://127.0.0.1:99999/", "http://127.0.0.1:99999/: not a valid web address."),
    ],
    ids=["404", "500", "403", "pdf", "no-article", "redirect-to-ftp", "refused", "ftp", "javascript", "bad-port"],
)
def test_a_page_that_cannot_be_imported_gets_a_422_with_the_reason_and_stores_nothing(
    client, db, pages, closed_port, address, message
):
    address = address.format(pages=pages, port=closed_port)
    response = post(client, "/articles", {"import_url": address})
    assert response.status_code == 422
    page = html(response)
    assert page.find(class_="error").get_text() == message.format(pages=pages, port=closed_port)
    assert page.find("input", id="import_url")["value"] == address
    assert count(db, Article) == 0 and count(db, Claim) == 0


def test_an_unknown_server_is_named(client, db, monkeypatch):
    def no_such_host(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    # No lookup leaves the machine: the resolver answers "no such name" at once.
    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    response = post(client, "/articles", {"import_url": "https://news.invalid/story"})
    assert response.status_code == 422
    assert html(response).find(class_="error").get_text() == (
        "https://news.invalid/story: cannot find the server news.invalid; check the address."
    )
    assert count(db, Article) == 0


def test_a_web_address_with_pasted_text_is_refused(client, db, pages):
    response = post(client, "/articles", {"import_url": pages + WIRE_STORY, "text": "Something pasted."})
    assert response.status_code == 422
    assert "only one of the three" in html(response).find(class_="error").get_text()
    assert count(db, Article) == 0


def test_the_new_article_form_offers_a_web_address_and_labels_every_field(client):
    page = html(client.get("/articles/new"))
    assert page.find("input", id="import_url")["type"] == "url"
    assert ".docx" in page.find("input", id="file")["accept"]
    for control in page.select("form.new-article input:not([type=hidden]), form.new-article textarea"):
        assert page.find("label", attrs={"for": control["id"]}).get_text(strip=True), control


# --- Fetching: limits and decoding ----------------------------------------------------


def test_a_page_announcing_more_than_the_limit_is_refused_before_it_is_read(pages):
    started = time.monotonic()
    with pytest.raises(InvalidInput, match=r"/huge: the page is larger than the 5 MB limit for an article\.$"):
        fetch_page(pages + "/huge", allow_private=True)
    assert time.monotonic() - started < 5


def test_a_page_growing_past_the_limit_is_cut_off(pages):
    with pytest.raises(InvalidInput, match=r"/endless: the page is larger than the 64 KB limit for an article\.$"):
        fetch_page(pages + "/endless", allow_private=True, max_bytes=64 * 1024)


def test_a_server_that_does_not_answer_in_time(pages):
    port = pages.rsplit(":", 1)[1]
    with pytest.raises(InvalidInput, match=rf"/slow: no answer from 127\.0\.0\.1:{port} within 0\.3 seconds\.$"):
        fetch_page(pages + "/slow", allow_private=True, timeout=0.3)


def test_the_charset_the_server_names_is_used(pages):
    fetched = fetch_page(pages + "/latin1", allow_private=True)
    assert isinstance(fetched.html, str) and "Cais do Sodré" in fetched.html


def test_a_page_without_a_content_type_is_read_as_html(client, db, pages):
    fetched = fetch_page(pages + "/untyped", allow_private=True)
    assert isinstance(fetched.html, bytes)
    new_article_id(post(client, "/articles", {"import_url": pages + "/untyped"}))
    assert only_article(db).title == "Lisbon to cut ferry fares by a fifth from June"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/drip", "{pages}/drip: the download took longer than 1 seconds."),
        ("/drip-headers", "{pages}/drip-headers: no answer from {server} within 1 seconds."),
    ],
    ids=["page", "headers"],
)
def test_a_server_sending_a_byte_at_a_time_is_cut_off_at_the_deadline(pages, path, message):
    """The time limit is for the whole fetch: a byte now and then keeps each read alive, not the fetch."""
    started = time.monotonic()
    with pytest.raises(InvalidInput) as refused:
        fetch_page(pages + path, allow_private=True, timeout=1.0)
    assert time.monotonic() - started < 1.8  # the server would go on for 5 seconds and more
    assert str(refused.value) == message.format(pages=pages, server=pages.removeprefix("http://"))
    assert "fetch-deadline" not in [thread.name for thread in threading.enumerate()]  # the watchdog is gone


# --- Duplicates -------------------------------------------------------------------------


def test_the_same_address_again_gets_a_409_page_linking_to_the_first(client, db, pages):
    first = new_article_id(post(client, "/articles", {"import_url": pages + WIRE_STORY}))
    response = post(client, "/articles", {"import_url": pages + WIRE_STORY})
    assert response.status_code == 409
    page = html(response)
    assert page.h1.get_text() == "This article is already in factcheck"
    notice = page.find(class_="error")
    assert f"An article with the same address ({WIRE_CANONICAL}) is already stored" in notice.get_text()
    assert notice.a["href"] == f"/articles/{first}"
    assert notice.a.get_text() == "Lisbon to cut ferry fares by a fifth from June"
    assert page.find("a", string="Open the existing article")["href"] == f"/articles/{first}"
    assert count(db, Article) == 1

    # "Import anyway" re-posts exactly what was refused, with allow_duplicate=1.
    form = page.find("form", class_="import-anyway")
    fields = {field["name"]: field["value"] for field in form.find_all("input", type="hidden")}
    assert fields["allow_duplicate"] == "1"
    assert (fields["source_url"], fields["url"], fields["author"]) == (pages + WIRE_STORY, WIRE_CANONICAL, "Ana Ferreira")
    again = new_article_id(client.post(form["action"], data=fields, content_type="multipart/form-data"))
    assert again != first
    assert [c.text for c in claims_of(db, again)] == [c.text for c in claims_of(db, first)]
    assert article(db, again).source_url == article(db, first).source_url


def test_the_same_text_pasted_again_is_a_duplicate_whatever_its_spacing(client, db):
    text = "Dam Bursts Near Town\n\nThe dam burst on Monday. Three villages flooded."
    first = new_article_id(post(client, "/articles", {"text": text}))
    response = post(client, "/articles", {"text": "  the dam  burst on Monday.\r\nThree villages flooded. "})
    assert response.status_code == 409
    notice = html(response).find(class_="error")
    assert "An article with the same text is already stored" in notice.get_text()
    assert notice.a["href"] == f"/articles/{first}"
    assert count(db, Article) == 1


def test_a_boosted_duplicate_gets_the_whole_409_page(client, db, pages):
    new_article_id(post(client, "/articles", {"import_url": pages + COUNCIL_STORY}))
    response = post(client, "/articles", {"import_url": pages + COUNCIL_STORY}, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert response.status_code == 409
    assert "<html" in response.get_data(as_text=True)
    assert html(response).find("button", string="Import anyway") is not None


def test_an_uploaded_file_found_again_can_be_imported_anyway(client, db):
    data = word_file(*FERRY_DOC)
    upload = lambda: {"file": (io.BytesIO(data), "ferries.docx")}  # noqa: E731
    first = new_article_id(post(client, "/articles", upload(), content_type="multipart/form-data"))
    response = post(client, "/articles", upload(), content_type="multipart/form-data")
    assert response.status_code == 409
    form = html(response).find("form", class_="import-anyway")
    fields = {field["name"]: field["value"] for field in form.find_all("input", type="hidden")}
    assert fields["title"] == "Ferry fares to fall in June"
    again = new_article_id(client.post(form["action"], data=fields, content_type="multipart/form-data"))
    assert article(db, again).text == article(db, first).text
    assert article(db, again).title == "Ferry fares to fall in June"


# --- Files ------------------------------------------------------------------------------


def test_an_uploaded_html_page_is_read_like_a_fetched_one(client, db):
    data = (PAGES / "wire-story.html").read_bytes()
    response = post(client, "/articles", {"file": (io.BytesIO(data), "story.html")}, content_type="multipart/form-data")
    stored = article(db, new_article_id(response))
    assert (stored.title, stored.author, stored.url, stored.source_url) == (
        "Lisbon to cut ferry fares by a fifth from June",
        "Ana Ferreira",
        WIRE_CANONICAL,
        "",
    )
    assert_clean(db, stored.id, WIRE_BOILERPLATE)


def test_a_word_document_gives_its_title_and_paragraphs(client, db):
    response = post(
        client, "/articles", {"file": (io.BytesIO(word_file(*FERRY_DOC)), "ferries.docx")}, content_type="multipart/form-data"
    )
    stored = article(db, new_article_id(response))
    assert stored.title == "Ferry fares to fall in June"
    assert stored.author == ""  # python-docx writes "python-docx" as the file's author: not a byline
    assert [c.text for c in claims_of(db, stored.id)] == [
        "Lisbon will cut ferry fares by 20% from June 1, the city council said on Monday.",
        "A single ticket will fall from 1.65 euros to 1.32 euros.",
        "What the opposition says",
        "The opposition said the council had not explained how the cut would be financed.",
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("draft.docx", b"PK\x03\x04 not really a zip", "draft.docx: not a Word document factcheck can read (.docx)."),
        ("draft.docx", word_file(("", None), ("   ", None)), "draft.docx: the document has no text."),
        ("old.doc", b"\xd0\xcf\x11\xe0", "old.doc: only .txt and .md text files, .html pages and .docx documents can be imported."),
        ("menu.html", (PAGES / "section-front.html").read_bytes(), "menu.html: no article text found on the page"),
    ],
    ids=["damaged-docx", "empty-docx", "doc", "no-article-html"],
)
def test_a_file_that_cannot_be_read_gets_a_422_and_stores_nothing(client, db, name, data, message):
    response = post(client, "/articles", {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert html(response).find(class_="error").get_text().startswith(message)
    assert count(db, Article) == 0


def test_a_word_file_that_unpacks_too_large_gets_a_422_and_stores_nothing(client, db, monkeypatch):
    monkeypatch.setattr(docx_module, "DOCX_MAX_UNPACKED_BYTES", 1024 * 1024)
    buffer = io.BytesIO(word_file(*FERRY_DOC))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/padding.bin", b"\0" * (1024 * 1024))  # deflates to ~1 kB
    data = buffer.getvalue()
    assert len(data) < 40_000
    response = post(client, "/articles", {"file": (io.BytesIO(data), "ferries.docx")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert html(response).find(class_="error").get_text().startswith(
        "ferries.docx: the document unpacks to more than 1 MB, more than factcheck reads."
    )
    assert count(db, Article) == 0
    monkeypatch.setattr(docx_module, "DOCX_MAX_UNPACKED_BYTES", 2 * 1024 * 1024)  # the same file, allowed
    assert post(client, "/articles", {"file": (io.BytesIO(data), "ferries.docx")}, content_type="multipart/form-data").status_code == 303
    assert count(db, Article) == 1


# --- The command line -------------------------------------------------------------------


def test_import_reads_a_folder_recursively(invoke, db, tmp_path, seed_text):
    folder = tmp_path / "inbox"
    (folder / "wire" / "april").mkdir(parents=True)
    (folder / ".drafts").mkdir()
    (folder / "seed.txt").write_text(seed_text, encoding="utf-8")
    (folder / "wire" / "note.md").write_text("The bridge reopened on Friday. Traffic returned at once.\n", encoding="utf-8")
    shutil.copy(PAGES / "council-budget.html", folder / "wire" / "april" / "bridge.html")
    (folder / "wire" / "april" / "ferries.docx").write_bytes(word_file(*FERRY_DOC))
    (folder / "wire" / "scan.pdf").write_bytes(b"%PDF-1.4")
    (folder / ".drafts" / "draft.txt").write_text("Not ready. Do not import.", encoding="utf-8")
    result = invoke("import", str(folder))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == ["1", "2", "3", "4"]
    assert result.stderr == "factcheck import: imported 4, skipped 0 as duplicate, failed 0.\n"
    db.expire_all()
    titles = db.exec(select(Article.title).order_by(Article.id)).all()
    # Sorted by path: inbox/seed.txt, inbox/wire/april/bridge.html, …/ferries.docx, inbox/wire/note.md
    assert titles == [
        "From Battlefield To Bargaining Table: Russia’s Gains Shape Ukraine War Negotiations",
        "Council approves £4.2m plan to repair Mill Lane bridge",
        "Ferry fares to fall in June",
        "The bridge reopened on Friday.",
    ]


def test_import_of_addresses_and_files_reports_duplicates_and_failures(invoke, db, tmp_path, pages, closed_port):
    story = tmp_path / "story.html"
    shutil.copy(PAGES / "wire-story.html", story)
    refused = f"http://127.0.0.1:{closed_port}/story"
    result = invoke("import", pages + WIRE_STORY, pages + "/gone", str(story), pages + COUNCIL_STORY, refused, pages + "/moved")
    assert result.exit_code == 1
    assert result.stdout.split() == ["1", "2"]
    assert result.stderr.splitlines() == [
        f"factcheck import: {pages}/gone: the server answered 404 Not Found: there is no page at this address; check it.",
        f"factcheck import: {story}: skipped as duplicate (article 1)",
        f"factcheck import: {refused}: the server 127.0.0.1:{closed_port} refused the connection (nothing is listening there).",
        f"factcheck import: {pages}/moved: skipped as duplicate (article 1)",
        "factcheck import: imported 2, skipped 2 as duplicate, failed 2.",
    ]
    assert count(db, Article) == 2


def test_import_of_nothing_but_duplicates_succeeds(invoke, db, pages):
    assert invoke("import", pages + WIRE_STORY).stdout == "1\n"
    result = invoke("import", pages + WIRE_STORY, pages + WIRE_STORY + "?utm_source=feed")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == "factcheck import: imported 0, skipped 2 as duplicate, failed 0."
    assert count(db, Article) == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty", None, "{path}: a folder without .txt, .md, .html, .docx or .json files in it."),
        ("scan.pdf", b"%PDF-1.4", "{path}: only .txt and .md text files, .html pages and .docx documents can be imported."),
        ("notes.md", b"\xff\xfe", "{path}: not UTF-8 text (byte 0 cannot be decoded)."),
        ("export.json", b"{", "{path}: not valid JSON (Expecting property name enclosed in double quotes"),
    ],
    ids=["empty-folder", "pdf", "not-utf8", "bad-json"],
)
def test_import_names_the_file_on_its_one_line_of_failure(invoke, db, tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    result = invoke("import", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"factcheck import: {message.format(path=path)}")
    assert len(result.stderr.splitlines()) == 1
    assert count(db, Article) == 0


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "10.0.0.8", "169.254.169.254", "[::1]"])
def test_by_default_a_url_on_a_private_or_local_network_is_refused(host):
    """A pasted URL must not make the server read its own network (cloud metadata, intranet)."""
    with pytest.raises(InvalidInput, match="private or local network address"):
        fetch_page(f"http://{host}:9/page")


def test_the_app_refuses_local_urls_unless_configured(tmp_path, pages):
    from factcheck import create_app
    from tests.conftest import FAST_HASHING, login_as
    from tests.conftest import html as parse
    from tests.conftest import post as send

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}", "SECRET_KEY": "x", **FAST_HASHING})
    response = send(login_as(app, "editor"), "/articles", {"import_url": pages + "/article"})
    assert response.status_code == 422
    assert "private or local network address" in parse(response).get_text()
    app.extensions["factcheck.engine"].dispose()


# --- Fetching: only public servers, unless the settings name them -----------------------


class FakeNetwork:
    """Names answered as a test says, and connections noted; a connection to anything but
    loopback is refused at once, so no test leaves the machine.

    A name's answers come in turn (the last one repeats); an empty answer is "no such name".
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.answers: dict[str, list[list[str]]] = {}
        self.connected: list[str] = []
        resolve, connect = socket.getaddrinfo, socket.socket.connect

        def getaddrinfo(host, port, *args, **kwargs):
            if host not in self.answers:
                return resolve(host, port, *args, **kwargs)
            turns = self.answers[host]
            addresses = turns.pop(0) if len(turns) > 1 else turns[0]
            if not addresses:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            port = int(port or 0)
            return [
                (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (ip, port, 0, 0))
                if ":" in ip
                else (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (ip, port))
                for ip in addresses
            ]

        def noted_connect(sock, address):
            self.connected.append(address[0])
            if not ipaddress.ip_address(address[0]).is_loopback:
                raise ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
            return connect(sock, address)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(socket.socket, "connect", noted_connect)


@pytest.fixture
def network(monkeypatch) -> FakeNetwork:
    return FakeNetwork(monkeypatch)


PUBLIC = "93.184.216.34"  # example.com's address once: public, and never reached (FakeNetwork)


def test_a_name_answering_a_public_address_then_loopback_never_reaches_loopback(server, network):
    """DNS rebinding: the address checked is the address connected to, not a second lookup's."""
    network.answers["news.example"] = [[PUBLIC], ["127.0.0.1"]]
    address = f"http://news.example:{server.server_port}{WIRE_STORY}"
    with pytest.raises(InvalidInput, match=r"news\.example:\d+ refused the connection"):
        fetch_page(address)
    assert network.connected == [PUBLIC]
    assert server.requests == []


def test_a_name_not_found_is_refused_even_if_a_later_lookup_finds_it(server, network):
    network.answers["news.example"] = [[], ["127.0.0.1"]]
    address = f"http://news.example:{server.server_port}{WIRE_STORY}"
    with pytest.raises(InvalidInput) as refused:
        fetch_page(address)
    assert str(refused.value) == f"{address}: cannot find the server news.example; check the address."
    assert network.connected == [] and server.requests == []


@pytest.mark.parametrize(
    "addresses",
    [[PUBLIC, "127.0.0.1"], ["::ffff:127.0.0.1"], ["::ffff:10.0.0.8"], ["fe80::1"], ["100.64.0.1"], ["0.0.0.0"],
     ["64:ff9b::a9fe:a9fe"], ["64:ff9b::7f00:1"], ["64:ff9b:1::a00:1"], ["2002:7f00:1::1"], ["::7f00:1"], ["::ffff:0:7f00:1"]],
    ids=["one-of-two", "ipv4-mapped-loopback", "ipv4-mapped-private", "ipv6-link-local", "shared-nat", "unspecified",
         "nat64-metadata", "nat64-loopback", "local-nat64-private", "6to4-loopback", "ipv4-compatible", "ipv4-translated"],
)
def test_a_name_with_any_address_off_the_public_internet_is_refused(network, addresses):
    network.answers["news.example"] = [addresses]
    with pytest.raises(InvalidInput, match=r"^http://news\.example/story: news\.example is a private or local network address"):
        fetch_page("http://news.example/story")
    assert network.connected == []


@pytest.mark.parametrize("address", ["::ffff:" + PUBLIC, "64:ff9b::" + PUBLIC])
def test_an_ipv6_address_carrying_a_public_ipv4_address_is_public(network, address):
    network.answers["news.example"] = [[address]]
    with pytest.raises(InvalidInput, match="refused the connection"):  # by FakeNetwork, once checked
        fetch_page("http://news.example/story")
    assert network.connected == [address]


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("localhost", True),
        ("wiki.intranet.test", True),
        ("Wiki.Intranet.Test.", True),
        ("a.wiki.intranet.test", True),
        ("intranet.test", False),
        ("wiki.intranet.test.evil.example", False),
        ("wikiintranet.test", False),
        ("127.0.0.1", False),
    ],
)
def test_private_hosts_lets_exactly_the_hosts_it_names_reach_a_private_network(server, network, host, allowed):
    for name in ("wiki.intranet.test", "Wiki.Intranet.Test.", "a.wiki.intranet.test", "intranet.test",
                 "wiki.intranet.test.evil.example", "wikiintranet.test"):
        network.answers[name] = [["127.0.0.1"]]
    address = f"http://{host}:{server.server_port}{WIRE_STORY}"
    if allowed:
        assert "Lisbon" in fetch_page(address, private_hosts=["localhost", "*.intranet.test"]).html
        assert server.requests == [WIRE_STORY]
    else:
        with pytest.raises(InvalidInput, match=r"is a private or local network address \(127\.0\.0\.1\)"):
            fetch_page(address, private_hosts=["localhost", "*.intranet.test"])
        assert server.requests == []


def test_a_redirect_from_an_allowed_host_to_another_private_one_is_refused(server):
    address = f"http://localhost:{server.server_port}/to-loopback"
    with pytest.raises(InvalidInput) as refused:
        fetch_page(address, private_hosts=["localhost"])
    assert str(refused.value) == (
        f"{address}: 127.0.0.1 is a private or local network address (127.0.0.1); factcheck only imports public web pages."
    )
    assert server.requests == ["/to-loopback"]


def test_fetch_private_hosts_lets_the_app_and_the_cli_import_from_those_hosts_only(app, client, invoke, db, pages):
    app.config.update(FETCH_PRIVATE_ADDRESSES=False, FETCH_PRIVATE_HOSTS=["localhost"])
    intranet = pages.replace("127.0.0.1", "localhost")
    new_article_id(post(client, "/articles", {"import_url": intranet + WIRE_STORY}))
    refused = post(client, "/articles", {"import_url": pages + COUNCIL_STORY})
    assert refused.status_code == 422
    assert html(refused).find(class_="error").get_text() == (
        f"{pages}{COUNCIL_STORY}: 127.0.0.1 is a private or local network address (127.0.0.1); "
        "factcheck only imports public web pages."
    )
    result = invoke("import", intranet + COUNCIL_STORY, pages + COUNCIL_STORY)
    assert result.exit_code == 1
    assert result.stdout.split() == ["2"]
    assert "127.0.0.1 is a private or local network address" in result.stderr
    assert count(db, Article) == 2


@pytest.fixture
def https_server(tmp_path, monkeypatch) -> Iterator[tuple[_PageServer, list[str]]]:
    """The saved pages over https with a certificate for the name localhost only, which clients
    trust; yields the server and the names clients asked for (SNI)."""
    certificate, key = tmp_path / "localhost.pem", tmp_path / "localhost.key"
    try:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
             "-keyout", str(key), "-out", str(certificate)],
            check=True, capture_output=True,
        )
    except FileNotFoundError:
        if in_ci():
            raise
        pytest.skip("no openssl command to make a test certificate")
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(certificate, key)
    names: list[str] = []
    tls.sni_callback = lambda connection, name, context: names.append(name)
    monkeypatch.setattr(ssl, "_create_default_https_context", lambda: ssl.create_default_context(cafile=certificate))
    with page_server(tls) as server:
        yield server, names


def test_https_is_pinned_too_and_the_certificate_is_checked_against_the_name(https_server):
    server, names = https_server
    fetched = fetch_page(f"https://localhost:{server.server_port}{WIRE_STORY}", private_hosts=["localhost"])
    assert "Lisbon" in fetched.html and names == ["localhost"]
    # The same server by its address: the certificate names localhost, not 127.0.0.1.
    address = f"https://127.0.0.1:{server.server_port}{WIRE_STORY}"
    with pytest.raises(InvalidInput, match=r"the secure connection to 127\.0\.0\.1:\d+ failed \(CERTIFICATE_VERIFY_FAILED\)"):
        fetch_page(address, allow_private=True)
    assert server.requests == [WIRE_STORY]


def lying_word_file(padding: int) -> bytes:
    """A real .docx whose document.xml holds `padding` more bytes than its zip headers declare
    (the declared size and CRC are the real first bytes'): the attack run's 1.5 GB part declared
    as 1,000 bytes, smaller."""
    import binascii
    import struct

    source = io.BytesIO(word_file(*FERRY_DOC))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as rebuilt:
        for member in archive.infolist():
            body = archive.read(member)
            if member.filename == "word/document.xml":
                declared, crc = len(body), binascii.crc32(body)
                body += b" " * padding  # after the root element: whitespace an XML parser skips
            rebuilt.writestr(member.filename, body)
    data = bytearray(out.getvalue())
    name = b"word/document.xml"
    for signature, size_at, crc_at in ((b"PK\x03\x04", 22, 14), (b"PK\x01\x02", 24, 16)):
        at = data.find(signature)
        while at != -1:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[at + size_at : at + size_at + 4] = struct.pack("<I", declared)
                data[at + crc_at : at + crc_at + 4] = struct.pack("<I", crc)
            at = data.find(signature, at + 4)
    return bytes(data)


def test_a_word_file_whose_headers_lie_about_a_parts_size_is_read_only_as_declared(client, db, monkeypatch):
    monkeypatch.setattr(docx_module, "DOCX_MAX_UNPACKED_BYTES", 8 * 1024 * 1024)
    data = lying_word_file(64 * 1024 * 1024)  # 64 MB of spaces deflate to ~64 kB
    assert len(data) < 200_000
    # zipfile's read() of a whole part inflates everything there is before cutting it to the
    # declared size: 64 MB here. Read in chunks and counted, the part costs what it declares.
    tracemalloc.start()
    try:
        response = post(client, "/articles", {"file": (io.BytesIO(data), "ferries.docx")}, content_type="multipart/form-data")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 32 * 1024 * 1024
    assert response.status_code == 303
    assert "Lisbon will cut ferry fares" in db.exec(select(Article)).one().text


def test_a_word_file_with_too_many_paragraphs_gets_a_422(client, db, monkeypatch):
    monkeypatch.setattr(docx_module, "DOCX_MAX_PARAGRAPHS", 50)
    data = word_file(*[(f"Paragraph {n}.", None) for n in range(60)])
    response = post(client, "/articles", {"file": (io.BytesIO(data), "long.docx")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "long.docx: the document has more than 50 paragraphs, more than factcheck reads." in html(response).find(class_="error").get_text()
    assert count(db, Article) == 0


W_NAMESPACE = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def reworked_word_file(paragraph: str, copies: int, main_part: str = "word/document.xml") -> bytes:
    """A python-docx file whose body is `copies` of the raw XML `paragraph`, its main part renamed to `main_part`."""
    source = zipfile.ZipFile(io.BytesIO(word_file(("Intro.", None))))
    document = source.read("word/document.xml").decode()
    start = document.index("<w:body>") + len("<w:body>")
    document = document[:start] + paragraph * copies + document[start:]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as rebuilt:
        for member in source.infolist():
            body = document.encode() if member.filename == "word/document.xml" else source.read(member)
            if member.filename in ("[Content_Types].xml", "_rels/.rels"):
                body = body.replace(b"word/document.xml", main_part.encode())
            rebuilt.writestr(main_part if member.filename == "word/document.xml" else member.filename, body)
    return out.getvalue()


@pytest.mark.parametrize(
    ("paragraph", "main_part"),
    [
        ("<w:p\n><w:r><w:t>Ferries.</w:t></w:r></w:p>", "word/document.xml"),
        ("<w:p\t/>", "word/document.xml"),
        (f'<q:p xmlns:q="{W_NAMESPACE}"><q:r><q:t>Ferries.</q:t></q:r></q:p>', "word/document.xml"),
        ("<w:p><w:r><w:t>Ferries.</w:t></w:r></w:p>", "word/story.xml"),
        ("<w:p><w:r><w:t>Ferries.</w:t></w:r></w:p>", "main.bin"),
    ],
)
def test_every_paragraph_counts_however_it_is_written_and_wherever_it_is(client, db, monkeypatch, paragraph, main_part):
    monkeypatch.setattr(docx_module, "DOCX_MAX_PARAGRAPHS", 50)
    data = reworked_word_file(paragraph, 60, main_part)
    assert len(docx.Document(io.BytesIO(data)).paragraphs) == 61  # python-docx reads every one of them
    response = post(client, "/articles", {"file": (io.BytesIO(data), "long.docx")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "long.docx: the document has more than 50 paragraphs, more than factcheck reads." in html(response).find(class_="error").get_text()
    assert count(db, Article) == 0


@pytest.mark.parametrize(
    ("limit", "paragraph", "message"),
    [
        ("DOCX_MAX_RUNS", "<w:p>" + "<w:r><w:t>x</w:t></w:r>" * 60 + "</w:p>", "more than 50 runs of text"),
        ("DOCX_MAX_ELEMENTS", "<w:p>" + "<w:proofErr/>" * 60 + "</w:p>", "more than 50 XML elements"),
    ],
)
def test_a_paragraph_of_too_many_runs_or_elements_gets_a_422(client, db, monkeypatch, limit, paragraph, message):
    monkeypatch.setattr(docx_module, limit, 50)
    data = reworked_word_file(paragraph, 1)
    response = post(client, "/articles", {"file": (io.BytesIO(data), "long.docx")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert f"long.docx: the document has {message}, more than factcheck reads." in html(response).find(class_="error").get_text()
    assert count(db, Article) == 0


def test_a_word_file_at_the_limits_is_read(monkeypatch):
    monkeypatch.setattr(docx_module, "DOCX_MAX_PARAGRAPHS", 61)  # the 60, and the one python-docx wrote
    extracted = docx_module.extract_docx(reworked_word_file("<w:p\n><w:r><w:t>Ferries.</w:t></w:r></w:p>", 60), "ok.docx")
    assert extracted.text.count("Ferries.") == 60
