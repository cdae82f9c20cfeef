"""Browser fixtures: the app served on a free local port, Debian's Chromium driven by Playwright.

One browser per session; every test gets fresh contexts (no shared cookies or storage).
A failed test leaves a screenshot and the page's console in test-artifacts/.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Response, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from factcheck import create_app
from tests.conftest import FAST_HASHING, PASSWORD, in_ci, make_user

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium dials out at start-up, and on a closed
# network those refused connections slow every launch.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 900}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()

# Collects CSP violations in the page itself, in case the console misses one. Playwright
# injects init scripts outside the page's CSP, so this does not need 'unsafe-inline'.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline"));
});
"""


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Keep each phase's report on the test item, so fixtures can tell whether the test failed."""
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless; missing, it fails the run under CI and skips elsewhere."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does) to run the browser tests."
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Request lines would drown the test output; errors are still logged."""


@pytest.fixture
def live_app(tmp_path: Path) -> Flask:
    """The app the live server serves, on its own temporary database, with an admin called admin."""
    app = create_app(
        {
            "TESTING": False,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite'}",
            "SECRET_KEY": "x",
            "FETCH_PRIVATE_ADDRESSES": True,  # the import journey fetches a page served on 127.0.0.1
            **FAST_HASHING,
        }
    )
    make_user(app, "admin", "admin")
    return app


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    """The app served on 127.0.0.1 at a free port; yields the base URL."""
    app = live_app
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="factcheck-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        app.extensions["factcheck.engine"].dispose()


@dataclass
class ConsoleLog:
    """What the page reported: console errors and warnings, uncaught exceptions, allowed errors."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        text = f"{message.text} ({url})" if url else message.text
        if message.type == "error":
            self.errors.append(text)
        elif message.type == "warning":
            self.warnings.append(text)

    def on_page_error(self, error: Exception) -> None:
        self.page_errors.append(str(error))

    def on_response(self, response: Response) -> None:
        # The console says "Failed to load resource: … 404" without the URL; this names it.
        if response.status >= 400:
            self.failed_responses.append(f"{response.status} {response.request.method} {response.url}")

    @contextmanager
    def allow(self, pattern: str) -> Iterator[None]:
        """Console errors matching pattern while the block runs are expected (e.g. a 422 response)."""
        start = len(self.errors)
        yield
        during = self.errors[start:]
        del self.errors[start:]
        for text in during:
            (self.allowed if re.search(pattern, text) else self.errors).append(text)

    def csp_violations(self) -> list[str]:
        return [text for text in self.errors + self.warnings if "Content Security Policy" in text]

    def dump(self) -> str:
        sections = [("console errors", self.errors), ("console warnings", self.warnings),
                    ("page errors", self.page_errors), ("failed responses", self.failed_responses),
                    ("allowed errors", self.allowed)]
        return "\n".join(f"{name}:\n" + "".join(f"  {line}\n" for line in lines) for name, lines in sections)


@pytest.fixture
def console_log() -> ConsoleLog:
    """The console of every page the test opened."""
    return ConsoleLog()


@pytest.fixture
def new_page(
    request: pytest.FixtureRequest, browser: Browser, live_server: str, console_log: ConsoleLog
) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh context on the live server; keyword arguments go to new_context()."""
    contexts = []
    pages: list[Page] = []

    def open_page(**context_options) -> Page:
        options = {"base_url": live_server, "viewport": VIEWPORT, "accept_downloads": True, **context_options}
        context = browser.new_context(**options)
        contexts.append(context)
        context.add_init_script(CSP_LISTENER)
        page = context.new_page()
        page.on("console", console_log.on_console)
        page.on("pageerror", console_log.on_page_error)
        page.on("response", console_log.on_response)
        pages.append(page)
        return page

    yield open_page

    report = request.node.stash.get(REPORTS, {}).get("call")
    # Any page breaking the Content-Security-Policy fails the test that opened it, whatever it checks
    # itself: the policy event of each page (inline styles htmx might set while swapping, say), and
    # the console. Read before a failure's screenshots, which inject styles of their own.
    violations = console_log.csp_violations()
    for page in pages:
        if not page.is_closed():
            violations += page.evaluate("window.__cspViolations || []")
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        for number, page in enumerate(pages):
            try:
                page.screenshot(path=ARTIFACTS / f"{name}-{number}.png", full_page=True)
            except Exception as error:  # noqa: BLE001 (a crashed page must not hide the test's own failure)
                console_log.page_errors.append(f"screenshot failed: {error}")
        (ARTIFACTS / f"{name}.console.txt").write_text(console_log.dump(), encoding="utf-8")
    for context in contexts:
        context.close()
    if violations and report is not None and report.passed:
        pytest.fail(f"the pages broke the Content-Security-Policy: {violations[:5]}", pytrace=False)


def settled(page: Page) -> None:
    """Wait until htmx has made what it last swapped in live, with no request in flight. It attaches
    the new content's triggers in its settle step, 20 ms after the swap: a control used before that
    (as only a script is quick enough to) does nothing, or posts as a plain form."""
    page.wait_for_function("() => !document.querySelector('.htmx-added, .htmx-settling, .htmx-request')")


def log_in(page: Page, username: str, password: str = PASSWORD) -> Page:
    """Log in through the login page, as a reviewer would; returns the page, on the article list."""
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    return page


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A page with JavaScript on, 1400×900, in its own context, logged in as the admin."""
    return log_in(new_page(), "admin")
