"""An editor gets an article ready to publish in a browser: a claim's details on its card (the
claimant prefilled from the speaker), tags, then archiving it; at desktop and at phone width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, settled

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ARTICLE = (
    "Talks in Istanbul\n\n"
    "Foreign Minister Lavrov said Russia had taken 40 villages since March. "
    "The talks are expected to resume next week."
)


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_an_editor_fills_in_a_claims_details_tags_the_article_and_archives_it(new_page, console_log, viewport):
    page = log_in(new_page(**({"viewport": viewport} if viewport else {})), "admin")
    page.get_by_role("link", name="New article").click()
    page.get_by_label("Article text").fill(ARTICLE)
    page.get_by_role("button", name="Split into claims").click()
    page.wait_for_url(re.compile(r"/articles/\d+$"))
    article_url = page.url

    page.locator(".claim-row a", has_text="Lavrov").first.click()
    card = page.locator(".claim-card")
    expect(card).to_be_visible()
    settled(page)
    details = card.locator(".claim-details")
    expect(details.locator("summary")).to_have_text("Claim details: Foreign Minister Lavrov")
    details.locator("summary").click()
    expect(details.get_by_label("Claimant (who made the claim)")).to_have_value("Foreign Minister Lavrov")
    details.get_by_label(re.compile("^Said at")).fill("not a web address")
    details.get_by_label("Said on").fill("2025-04-27")
    details.get_by_label(re.compile("^Short summary")).fill("Lavrov: Russia took 40 villages since March")
    # The browser's own check stops a bad address first; with it off the server refuses it the same way.
    details.locator("form").evaluate("form => form.noValidate = true")
    details.get_by_role("button", name="Save details").click()
    expect(card.locator(".card-message")).to_contain_text("Said at (URL): must be an http:// or https:// address")
    card.locator(".claim-details").get_by_label(re.compile("^Said at")).fill("https://example.org/briefing")
    card.locator(".claim-details").get_by_role("button", name="Save details").click()
    settled(page)
    expect(card.locator(".card-message")).to_have_text("")
    expect(card.locator(".claim-details").get_by_label(re.compile("^Short summary"))).to_have_value(
        "Lavrov: Russia took 40 villages since March")
    no_sideways_scroll(page)

    page.goto(article_url)
    page.get_by_text("Report, export, rating scale, keys").click()
    page.get_by_label("Tags, comma-separated").fill("Ukraine, peace talks")
    page.get_by_role("button", name="Save tags").click()
    expect(page.locator("ul.tags .tag")).to_have_text(["peace-talks", "ukraine"])
    no_sideways_scroll(page)

    page.get_by_text("Report, export, rating scale, keys").click()
    page.get_by_role("button", name="Archive this article").click()
    expect(page.locator(".flag-archived")).to_have_text("Archived")
    page.get_by_role("link", name="Articles", exact=True).first.click()
    expect(page.get_by_role("link", name="Talks in Istanbul")).to_have_count(0)
    page.get_by_role("link", name="Archived articles").click()
    expect(page.get_by_role("link", name="Talks in Istanbul")).to_be_visible()
    no_sideways_scroll(page)
    assert console_log.csp_violations() == []
