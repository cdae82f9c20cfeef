"""A reader of the published fact-checks, without an account: the index, a fact-check's page and its
ClaimReview, with JavaScript off, with it on (no CSP report), and at phone width."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlmodel import Session

from factcheck.domain.accounts import HashParameters, create_user
from factcheck.domain.articles import create_article
from factcheck.domain.claims import add_source, claims_for_article, update_details
from factcheck.domain.scales import default_scale, ratings_for_scale
from factcheck.domain.workflow import save_review
from factcheck.forms import ArticleCreate, ClaimDetails, SourceCreate
from tests.claimreview_checker import check_claim_review
from tests.conftest import DATA, PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "public-page.png"
LONG_URL = "https://example.org/reports/" + "front-line-assessment-" * 8 + "2025-04-27"


@pytest.fixture
def published(live_app: Flask) -> dict[str, int]:
    """The seed article with two claims published by a reviewer and an editor, and one left in
    review: the published claims' ids by verdict, and the unpublished one's as "draft"."""
    with Session(live_app.extensions["factcheck.engine"], expire_on_commit=False) as db:
        params = HashParameters(1, 8, 1)
        rita = create_user(db, "rita", PASSWORD, "reviewer", params, display_name="Rita Reviewer")
        eddie = create_user(db, "eddie", PASSWORD, "editor", params, display_name="Eddie Editor")
        text = (DATA / "seed-article.txt").read_text(encoding="utf-8")
        article = create_article(
            db, ArticleCreate(text=text, url="https://news.example.com/battlefield", outlet="Example News"), default_scale(db)
        )
        ratings = {r.label: r for r in ratings_for_scale(db, article.rating_scale_id)}
        claims = claims_for_article(db, article.id)
        second, lavrov, draft = claims[1], claims[19], claims[3]
        update_details(db, second, ClaimDetails(summary="Russia gained 21 km² in the week to 27 April", claimant="Example News"))
        sources = {
            second.id: [SourceCreate(url="https://example.org/monitor/2025-04-27", title="Weekly front-line map",
                                     publisher="Example Conflict Monitor", quote="Gains of about 12 square kilometres.",
                                     stance="refutes", accessed="2025-04-29"),
                        SourceCreate(url=LONG_URL, publisher="Example Institute", accessed="2025-04-30")],
            lavrov.id: [SourceCreate(url="https://example.org/agency/briefing", title="Agency report", accessed="2025-04-26")],
        }
        reviews = {second.id: ("Mostly false", "Two monitors' maps show **12 km²** that week, not 21."),
                   lavrov.id: ("Unverifiable", "No transcript of the briefing is published.")}
        for claim in (second, lavrov):
            for source in sources[claim.id]:
                add_source(db, claim, source)
            label, rationale = reviews[claim.id]
            for status, user in (("needs_second_review", rita), ("approved", eddie), ("published", eddie)):
                save_review(db, claim, list(ratings.values()), verdict_id=ratings[label].id, rationale=rationale,
                            status=status, user=user)
        save_review(db, draft, list(ratings.values()), verdict_id=ratings["False"].id, rationale="A draft.",
                    status="in_progress", user=rita)
        db.commit()
        return {"Mostly false": second.id, "Unverifiable": lavrov.id, "draft": draft.id}


def claim_review_of(page: Page) -> dict:
    blocks = page.locator('script[type="application/ld+json"]')
    expect(blocks).to_have_count(1)
    return json.loads(blocks.text_content())


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def test_a_reader_without_javascript_finds_a_fact_check(new_page, published, console_log) -> None:
    page = new_page(java_script_enabled=False)
    page.goto("/fact-checks/")
    expect(page.get_by_role("heading", name="Fact-checks", exact=True)).to_be_visible()
    expect(page.locator(".fact-check-list li")).to_have_count(2)  # the draft is not there
    expect(page.get_by_role("link", name="Log out")).to_have_count(0)
    page.get_by_role("link", name="Russia gained 21 km² in the week to 27 April").click()
    page.wait_for_url(re.compile(rf"/fact-checks/{published['Mostly false']}$"))

    expect(page.get_by_role("heading", name="Verdict: Mostly false")).to_be_visible()
    expect(page.locator(".scale-legend li.current")).to_contain_text("Mostly false")
    expect(page.locator(".claim-quote blockquote")).to_have_text(
        "Over the past week, Russian advances have secured an additional 21 square kilometers.")
    expect(page.locator(".rationale strong")).to_have_text("12 km²")
    sources = page.locator(".sources .source")
    expect(sources).to_have_count(2)
    expect(sources.first.get_by_role("link", name="Weekly front-line map")).to_have_attribute(
        "href", "https://example.org/monitor/2025-04-27")
    expect(sources.first).to_contain_text("accessed 2025-04-29")
    expect(page.locator(".credits")).to_contain_text("Reviewed by Rita Reviewer; approved by Eddie Editor.")
    review = claim_review_of(page)
    assert review["reviewRating"]["alternateName"] == "Mostly false"
    assert review["url"] == page.url
    assert check_claim_review(review, page_url=page.url).errors == []

    page.goto(f"/fact-checks/{published['draft']}")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    assert "A draft." not in page.content()
    assert console_log.page_errors == []


def test_the_pages_break_no_content_security_policy_with_javascript_on(new_page, published, console_log) -> None:
    """The JSON-LD block is data, not a script: Chromium runs nothing and reports nothing."""
    page = new_page()
    for url in ("/fact-checks/", f"/fact-checks/{published['Mostly false']}", f"/fact-checks/{published['Unverifiable']}"):
        response = page.goto(url)
        assert response is not None and response.status == 200
        page.wait_for_load_state("load")
        assert page.evaluate("window.__cspViolations") == [], url
    assert claim_review_of(page)["reviewRating"] == {"@type": "Rating", "alternateName": "Unverifiable"}
    assert console_log.csp_violations() == []
    assert console_log.page_errors == [] and console_log.errors == []


def test_a_reader_on_a_phone_scrolls_only_down(new_page, published, console_log) -> None:
    page = new_page(viewport=PHONE, java_script_enabled=False)
    page.goto("/fact-checks/")
    no_sideways_scroll(page)
    page.goto(f"/fact-checks/{published['Mostly false']}")
    expect(page.get_by_role("link", name=LONG_URL)).to_be_visible()
    no_sideways_scroll(page)
    if os.environ.get("FACTCHECK_SCREENSHOT") == "1":
        save_readme_screenshot(new_page, published)


def save_readme_screenshot(new_page, published: dict[str, int]) -> None:
    """docs/public-page.png: a published fact-check's public page, for the README."""
    page = new_page(viewport={"width": 1000, "height": 700})
    page.goto(f"/fact-checks/{published['Mostly false']}")
    page.mouse.move(0, 0)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOT, animations="disabled", caret="hide", full_page=True)
