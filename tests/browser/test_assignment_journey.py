"""An editor assigns an article in the page; the reviewer finds its claim in My queue and reviews it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlmodel import Session, select

from factcheck.domain.articles import create_article
from factcheck.domain.scales import default_scale
from factcheck.forms import ArticleCreate
from factcheck.models import Claim, Rating
from tests.browser.conftest import log_in
from tests.browser.test_review_journey import open_claim
from tests.conftest import make_user

pytestmark = pytest.mark.browser

TEXT = "Prices rose 7% in March, the statistics bureau said. The mayor promised 300 new buses by 2026."


@pytest.fixture
def article_id(live_app) -> int:
    """An editor, a reviewer and an article nobody is assigned yet."""
    make_user(live_app, "eddie", "editor")
    make_user(live_app, "rita", "reviewer")
    with live_app.app_context(), Session(live_app.extensions["factcheck.engine"]) as session:
        article = create_article(session, ArticleCreate(text=TEXT, title="Buses and prices"), default_scale(session))
        session.commit()
        return article.id


def open_team_tools(page: Page) -> Locator:
    """Open "Assignments and blind review" above the list; returns the assignment panel."""
    page.get_by_text("Assignments and blind review", exact=True).click()
    panel = page.locator("#assignment-panel")
    expect(panel).to_be_visible()
    return panel


def test_editor_assigns_and_reviewer_reviews_from_my_queue(new_page, live_app, article_id, console_log):
    editor = log_in(new_page(), "eddie")
    editor.goto(f"/articles/{article_id}")
    expect(editor.locator("#assignment-panel")).to_be_hidden()  # folded away until asked for
    panel = open_team_tools(editor)
    panel.get_by_label("Assign the article to").select_option(label="rita (Reviewer)")
    panel.get_by_role("button", name="Assign article").click()
    expect(editor.locator("#assignment-panel .assignees")).to_contain_text("rita")
    assert editor.url.endswith(f"/articles/{article_id}")  # swapped in place by htmx, no reload
    # Every claim's row says so at once, without a reload; so does a claim's editor when opened.
    rows = editor.locator(".claim-row")
    expect(rows).to_have_count(2)
    expect(rows.locator(".assignee")).to_have_text(["rita", "rita"])
    first_editor = open_claim(editor, rows.first.get_attribute("data-claim"))
    expect(first_editor.locator(".assigned-to")).to_have_text("Assigned: rita (article)")

    reviewer = log_in(new_page(), "rita")  # a separate browser context: her own cookies
    reviewer.get_by_role("link", name="My queue").click()
    expect(reviewer.get_by_role("heading", name="My queue")).to_be_visible()
    row = reviewer.locator("tr[id^=queue-claim-]").first
    expect(row).to_contain_text("To review")
    claim_id = row.get_attribute("id").removeprefix("queue-claim-")
    row.get_by_role("link", name="Claim 1").click()
    reviewer.wait_for_url(re.compile(rf"/articles/{article_id}\?claim={claim_id}#claim-{claim_id}$"))
    card = reviewer.locator(f"#claim-{claim_id}")  # the queue's link opens the claim's editor
    expect(reviewer.locator(".claim-card")).to_have_count(1)
    expect(reviewer.locator(f"#row-{claim_id}")).to_have_class(re.compile(r"\bcurrent\b"))
    card.get_by_label(re.compile(r"^\s*\d+\s+False\s*$")).check()
    card.get_by_label("Rationale (Markdown)").fill("The bureau reported **4%**, not 7%.")
    card.get_by_role("button", name="Save").click()
    expect(card.locator("h3 .chip")).to_have_text("False")
    expect(reviewer.locator(f"#row-{claim_id} .chip")).to_have_text("False")

    with Session(live_app.extensions["factcheck.engine"]) as session:
        claim = session.exec(select(Claim).where(Claim.article_id == article_id, Claim.position == 0)).one()
        verdict = session.get(Rating, claim.verdict_id)
        assert verdict.label == "False" and "4%" in claim.rationale
    assert not console_log.page_errors and not console_log.csp_violations()


def test_links_inside_swappable_panels_open_whole_pages(page, live_app, article_id, console_log):
    """A link inside a card or the assignment panel (hx-target="this") opens its page, not a nested copy."""
    make_user(live_app, "rob", "reviewer")
    with live_app.app_context(), Session(live_app.extensions["factcheck.engine"]) as session:
        from factcheck.models import Article, Assignment, User

        for name in ("rita", "rob"):
            reviewer = session.exec(select(User).where(User.username == name)).one()
            session.add(Assignment(article_id=article_id, reviewer_id=reviewer.id))
        session.get(Article, article_id).blind_review = True
        session.commit()
        first = session.exec(select(Claim).where(Claim.article_id == article_id).order_by(Claim.position)).first()
    page.goto(f"/articles/{article_id}")
    open_team_tools(page).get_by_role("link", name="Compare and settle the blind verdicts").click()
    page.wait_for_url(re.compile(rf"/articles/{article_id}/blind$"))
    expect(page.locator("header.site-header")).to_have_count(1)
    expect(page.locator("#assignment-panel")).to_have_count(0)
    page.goto(f"/articles/{article_id}")
    open_claim(page, first.id).get_by_role("link", name="History").click()
    page.wait_for_url(re.compile(rf"/claims/{first.id}/history$"))
    expect(page.locator("header.site-header")).to_have_count(1)
    expect(page.locator(f"#claim-{first.id}")).to_have_count(0)
    assert console_log.errors == [] and console_log.page_errors == []
