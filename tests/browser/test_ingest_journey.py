"""Importing from a web address end to end: the story's claims without boilerplate, then the duplicate page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.test_ingest import WIRE_BOILERPLATE, WIRE_STORY, serve_pages

pytestmark = pytest.mark.browser

TITLE = "Lisbon to cut ferry fares by a fifth from June"
# The story has 8 sentences in 7 paragraphs (one paragraph quotes the deputy mayor after her figure).
CLAIM_COUNT = 8


@pytest.fixture
def pages() -> Iterator[str]:
    """The saved news pages, served on 127.0.0.1 for the app to fetch."""
    with serve_pages() as base:
        yield base


def import_address(page: Page, address: str) -> None:
    page.get_by_role("link", name="New article").click()
    page.get_by_label("Import from a web address").fill(address)
    page.get_by_role("button", name="Split into claims").click()


def test_import_a_web_page_then_meet_it_again(page: Page, console_log, pages: str) -> None:
    """Paste a page's address: its story becomes claims; the same address again leads back to it."""
    story = pages + WIRE_STORY
    page.goto("/")
    import_address(page, story)
    expect(page).to_have_url(re.compile(r"/articles/\d+$"))
    first_url = page.url
    first_id = re.search(r"/articles/(\d+)$", first_url).group(1)
    expect(page.locator(".article-header h1")).to_have_text(TITLE)
    expect(page.locator(".article-header .meta")).to_contain_text("Northbridge Wire")
    expect(page.locator(".article-header .meta")).to_contain_text("by Ana Ferreira")
    marks = page.locator("#article-text .claim-mark")
    expect(marks).to_have_count(CLAIM_COUNT)
    expect(page.locator("#progress")).to_contain_text(f"0 of {CLAIM_COUNT} claims have a verdict")
    expect(marks.last).to_have_text(
        "The company said nine new electric ferries would be in service by the end of the year."
    )
    page.locator("#claims .show-all").click()
    rows = page.locator(".claim-row")
    expect(rows).to_have_count(CLAIM_COUNT)
    expect(rows.last.locator(".row-text")).to_have_text(marks.last.text_content())
    shown = page.locator(".article-text").inner_text() + "\n".join(rows.locator(".row-text").all_text_contents())
    for phrase in WIRE_BOILERPLATE:
        assert phrase not in shown, phrase

    # The same address again: a 409 page that links to the first import, and stores nothing.
    with console_log.allow(r"\b409\b|responseError|Response Status Error"):
        import_address(page, story)
        expect(page.get_by_role("heading", name="This article is already in factcheck")).to_be_visible()
    notice = page.locator(".duplicate-article .error")
    expect(notice).to_contain_text("An article with the same address")
    expect(notice.get_by_role("link", name=TITLE)).to_have_attribute("href", f"/articles/{first_id}")
    page.get_by_role("link", name="Open the existing article").click()
    expect(page).to_have_url(first_url)
    expect(page.locator("#article-text .claim-mark")).to_have_count(CLAIM_COUNT)

    # "Import anyway" re-posts the refused article (text with its blank lines, and metadata).
    with console_log.allow(r"\b409\b|responseError|Response Status Error"):
        import_address(page, story)
        expect(page.get_by_role("button", name="Import anyway")).to_be_visible()
    page.get_by_role("button", name="Import anyway").click()
    expect(page).to_have_url(re.compile(r"/articles/\d+$"))
    assert page.url != first_url
    expect(page.locator(".article-header h1")).to_have_text(TITLE)
    expect(page.locator("#article-text .claim-mark")).to_have_count(CLAIM_COUNT)

    assert console_log.page_errors == []
    assert console_log.csp_violations() == []
    assert page.evaluate("window.__cspViolations") == []
    assert console_log.errors == []


def test_import_a_web_page_without_javascript(new_page, console_log, pages: str) -> None:
    """With JavaScript off, the form posts, and a page that cannot be imported says why."""
    page = log_in(new_page(java_script_enabled=False), "admin")
    page.goto("/")
    with console_log.allow(r"\b422\b"):
        import_address(page, pages + "/gone")
        expect(page.locator(".error[role=alert]")).to_contain_text("the server answered 404 Not Found")
    expect(page.get_by_label("Import from a web address")).to_have_value(pages + "/gone")
    page.get_by_label("Import from a web address").fill(pages + WIRE_STORY)
    page.get_by_role("button", name="Split into claims").click()
    expect(page).to_have_url(re.compile(r"/articles/\d+$"))
    expect(page.locator("#article-text .claim-mark")).to_have_count(CLAIM_COUNT)
    page.get_by_role("link", name="Show all").click()
    expect(page.locator(".claim-row")).to_have_count(CLAIM_COUNT)
    assert console_log.errors == []
