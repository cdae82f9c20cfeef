"""A newsroom with more than a page of everything: an editor pages through the articles, the
assignments (one person's too) and a reviewer through their queue, at desktop and phone width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from factcheck.domain.articles import ARTICLES_PER_PAGE
from factcheck.models import Assignment
from tests.browser.conftest import log_in
from tests.conftest import make_user, store_articles

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def newsroom(live_app) -> list[int]:
    """An editor, two reviewers, and a page and a half of articles, all assigned."""
    make_user(live_app, "eddie", "editor")
    rita, rob = make_user(live_app, "rita"), make_user(live_app, "rob")
    ids = store_articles(live_app, ARTICLES_PER_PAGE + ARTICLES_PER_PAGE // 2)
    with Session(live_app.extensions["factcheck.engine"]) as session:
        for number, article_id in enumerate(ids):
            session.add(Assignment(article_id=article_id, reviewer_id=rita.id if number % 3 else rob.id))
        session.commit()
    return ids


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_an_editor_and_a_reviewer_page_through_their_lists(new_page, newsroom, console_log, viewport):
    options = {"viewport": viewport} if viewport else {}
    editor = log_in(new_page(**options), "eddie")
    expect(editor.locator("table.articles tbody tr")).to_have_count(ARTICLES_PER_PAGE)
    expect(editor.locator("table.articles tbody tr").first).to_contain_text(f"Article {len(newsroom) - 1}")
    pages = editor.get_by_role("navigation", name="Pages of the article list")
    expect(pages).to_contain_text(f"Page 1 of 2 · 1–{ARTICLES_PER_PAGE} of {len(newsroom)}")
    no_sideways_scroll(editor)
    pages.get_by_role("link", name="Next »").click()
    editor.wait_for_url(re.compile(r"/\?page=2$"))
    expect(editor.locator("table.articles tbody tr")).to_have_count(len(newsroom) - ARTICLES_PER_PAGE)
    expect(editor.locator("table.articles tbody tr").last).to_contain_text("Article 0")
    editor.get_by_role("link", name="« Previous").click()
    editor.wait_for_url(re.compile(r"/$"))

    editor.get_by_role("link", name="Assignments", exact=True).click()
    expect(editor.get_by_role("heading", name="Assignments")).to_be_visible()
    expect(editor.get_by_role("navigation", name="Pages of the assignments")).to_contain_text("Page 1 of 2")
    editor.get_by_label("Assignee").select_option(label="rob")
    editor.get_by_role("button", name="Show").click()
    editor.wait_for_url(re.compile(r"/assignments\?reviewer=\d+$"))
    rob_rows = editor.locator("table.assignments tbody tr")
    expect(rob_rows).to_have_count(len(newsroom[::3]))
    expect(editor.locator("tbody[id^=assignee-] th")).to_contain_text(f"0 of {2 * len(newsroom[::3])} finished")
    no_sideways_scroll(editor)

    reviewer = log_in(new_page(**options), "rita")
    reviewer.get_by_role("link", name="My queue").click()
    expect(reviewer.locator("table.queue tbody tr")).to_have_count(50)
    queue_pages = reviewer.get_by_role("navigation", name="Pages of my queue")
    expect(queue_pages).to_contain_text("Page 1 of 2")
    queue_pages.get_by_role("link", name="Next »").click()
    reviewer.wait_for_url(re.compile(r"/queue\?page=2$"))
    rita_claims = 2 * (len(newsroom) - len(newsroom[::3]))
    expect(reviewer.locator("table.queue tbody tr")).to_have_count(rita_claims - 50)
    no_sideways_scroll(reviewer)
    assert not console_log.page_errors and not console_log.errors
