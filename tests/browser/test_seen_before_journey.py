"""The newsroom's memory in a browser: an editor fills the archive from a file, pastes a new
article, finds a claim with the header's search box, sees on its card that it was checked
before, and starts from the earlier verdict; at desktop and at phone width."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, settled

pytestmark = pytest.mark.browser

ARCHIVE = Path(__file__).resolve().parents[1] / "data" / "archive" / "good.jsonl"
PHONE = {"width": 390, "height": 844}
ARTICLE = (
    "Myths of the season\n\n"
    "Health officials warned on Monday that drinking hot water cures the flu is a myth. "
    "A viral video shows a ten-metre anaconda crossing a river in Brazil. The council approved 40 new buses."
)


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_reviewer_finds_a_claim_seen_before_and_starts_from_its_verdict(new_page, viewport):
    page = log_in(new_page(**({"viewport": viewport} if viewport else {})), "admin")

    page.get_by_role("link", name="Archive", exact=True).click()
    expect(page.get_by_role("heading", name="Archive of fact-checks")).to_be_visible()
    page.get_by_label(re.compile(r"^File")).set_input_files(str(ARCHIVE))
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".summary-line")).to_have_text("Added 4, updated 0, unchanged 0, refused 0.")
    expect(page.locator(".archive-size")).to_contain_text("4 fact-checks in the archive")
    no_sideways_scroll(page)

    page.get_by_role("link", name="New article").click()
    page.get_by_label("Article text").fill(ARTICLE)
    page.get_by_role("button", name="Split into claims").click()
    page.wait_for_url(re.compile(r"/articles/\d+$"))

    # The header's search box finds the claim; its result opens it in its review page.
    page.get_by_role("searchbox", name="Search").fill("hot water")
    page.get_by_role("searchbox", name="Search").press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=hot(\+|%20)water"))
    result = page.locator("ol.hits > li").first
    expect(result.locator("mark").first).to_have_text(re.compile("hot", re.IGNORECASE))
    no_sideways_scroll(page)
    result.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/articles/\d+\?claim=\d+"))
    card = page.locator(".claim-card")
    expect(card).to_be_visible()
    settled(page)

    seen = card.locator(".seen-before")
    match = seen.locator("li.match").first
    expect(match).to_contain_text("Drinking hot water cures the flu.")
    expect(match).to_contain_text("AFP Fact Check")
    expect(match).to_contain_text(re.compile(r"\d+% close"))
    expect(match.locator(".chip")).to_have_text("False")
    no_sideways_scroll(page)

    match.get_by_role("button", name="Start from its verdict").click()
    settled(page)
    card = page.locator(".claim-card")
    expect(card.locator("h3 .chip")).to_have_text("False")
    expect(card.get_by_label("Status")).to_have_value("in_progress")
    expect(card.get_by_label("Rationale (Markdown)")).to_have_value(re.compile(r"^Seen before: AFP Fact Check rated it “False”"))
    linked = card.locator(".seen-before .linked li.match")
    expect(linked).to_contain_text("Same claim as")
    expect(linked).to_contain_text("Drinking hot water cures the flu.")
    # The row in the list says so too: the claim has its draft verdict.
    claim_id = card.get_attribute("data-claim")
    expect(page.locator(f"#row-{claim_id}")).to_contain_text("False")
