"""An admin makes a custom rating scale; a reviewer rates an article on it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_review_journey import open_claim

pytestmark = pytest.mark.browser

SCALE = "Desk verdicts"


def test_custom_scale_from_creation_to_a_verdict(page: Page, console_log, seed_text: str) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Rating scales").click()
    expect(page.get_by_role("heading", name="Rating scales", exact=True)).to_be_visible()
    page.get_by_role("link", name="New rating scale").click()

    page.get_by_label("Name", exact=True).fill(SCALE)
    page.get_by_label("Description (optional)").fill("Two words for the evening desk.")
    for number, (label, value, meaning) in enumerate([("Holds up", "1", "The record backs it"), ("Falls apart", "0", "")], start=1):
        page.get_by_label(f"Label {number}", exact=True).fill(label)
        page.get_by_label(f"Value {number}", exact=True).fill(value)
        page.get_by_label(f"Meaning of label {number}").fill(meaning)
    page.get_by_label("Label 1 is the best").check()
    page.get_by_label("Label 2 is the worst").check()
    # A value that is not a number is refused in the page, with the form kept as typed.
    page.get_by_label("Value 2", exact=True).fill("zero")
    with console_log.allow(r"\b422\b"):
        page.get_by_role("button", name="Create scale").click()
        expect(page.get_by_role("alert")).to_contain_text("Label row 2 (“Falls apart”): the value must be a whole number")
    expect(page.get_by_label("Label 1", exact=True)).to_have_value("Holds up")
    page.get_by_label("Value 2", exact=True).fill("0")
    page.get_by_role("button", name="Create scale").click()

    expect(page).to_have_url(re.compile(r"/scales(#scale-\d+)?$"))
    section = page.locator("section.rating-scale", has=page.get_by_role("heading", name=re.compile(SCALE)))
    expect(section.locator("tbody td:first-child")).to_have_text(["Holds up", "Falls apart"])

    page.get_by_role("navigation", name="Main").get_by_role("link", name="New article").click()
    expect(page.get_by_label("Rating scale")).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Rating scale").select_option(label=SCALE)
    page.get_by_label("Article text").fill(seed_text)
    page.get_by_role("button", name="Split into claims").click()
    expect(page).to_have_url(re.compile(r"/articles/\d+$"))

    claim_id = page.locator(".claim-row").nth(1).get_attribute("data-claim")
    card = open_claim(page, claim_id)  # by id: htmx replaces the editor on save
    expect(card.locator("label.verdict-option")).to_have_text(["1 Holds up", "2 Falls apart", "No verdict yet"])
    card.locator("label.verdict-option", has_text="Falls apart").click()
    card.get_by_role("button", name="Save").click()
    expect(card.locator("h3 .chip")).to_have_text("Falls apart")
    expect(page.locator(f"#row-{claim_id} .chip")).to_have_text("Falls apart")
    expect(page.locator(f"#hl-{claim_id}")).to_have_class(re.compile(r"\bverdict-falls-apart\b"))
    expect(page.locator("#progress")).to_contain_text("1 of 25 claims have a verdict")

    # With a verdict given, the article's scale is fixed.
    page.reload()
    page.get_by_text("Report, export, rating scale, keys").click()
    expect(page.locator("form.scale-form")).to_be_visible()
    expect(page.get_by_label("Rating scale")).to_have_count(0)  # no picker any more
    expect(page.locator("form.scale-form")).to_contain_text(SCALE)
    expect(page.locator("form.scale-form")).to_contain_text("fixed")
    assert console_log.page_errors == []
    assert console_log.csp_violations() == []
    assert console_log.errors == []
