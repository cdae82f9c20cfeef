"""The team's journey: a reviewer sends a claim to second review, an editor approves it, and two
pages saving the same claim end in the conflict view, merged and saved in the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page, expect
from sqlmodel import Session, select

from factcheck.domain.articles import create_article
from factcheck.domain.scales import default_scale
from factcheck.forms import ArticleCreate
from factcheck.models import Assignment, Claim, Rating, User
from tests.browser.conftest import log_in
from tests.browser.test_review_journey import open_claim
from tests.conftest import make_user

pytestmark = pytest.mark.browser

TEXT = "Officials said 40 villages were taken in April. The ministry denied it on Monday. Prices rose 12% in May."


@pytest.fixture
def article(live_app: Flask) -> tuple[int, list[int]]:
    """An article assigned to the reviewer rita; edna is an editor. Returns its id and its claim ids."""
    make_user(live_app, "rita", "reviewer")
    make_user(live_app, "edna", "editor")
    with Session(live_app.extensions["factcheck.engine"]) as session:
        stored = create_article(session, ArticleCreate(text=TEXT, title="Workflow"), default_scale(session))
        rita = session.exec(select(User).where(User.username == "rita")).one()
        session.add(Assignment(article_id=stored.id, reviewer_id=rita.id))
        session.commit()
        claims = session.exec(select(Claim.id).where(Claim.article_id == stored.id).order_by(Claim.position)).all()
        return stored.id, list(claims)


def card(page: Page, claim_id: int) -> Locator:
    return page.locator(f"#claim-{claim_id}")


def open_by_address(page: Page, article_id: int, claim_id: int) -> Locator:
    """Go to the review page with the claim's editor open, as a link from the queue does."""
    page.goto(f"/articles/{article_id}?claim={claim_id}#claim-{claim_id}")
    editor = card(page, claim_id)
    expect(editor).to_be_visible()
    return editor


def stored_claim(app: Flask, claim_id: int) -> tuple[Claim, str | None]:
    """The claim as stored, and its verdict's label."""
    with Session(app.extensions["factcheck.engine"]) as session:
        claim = session.get(Claim, claim_id)
        rating = session.get(Rating, claim.verdict_id) if claim.verdict_id is not None else None
        return claim, rating.label if rating else None


def pick_verdict(card: Locator, verdict: str) -> None:
    card.locator("form.review-form label.verdict-option").filter(
        has_text=re.compile(rf"^\s*\d+\s+{re.escape(verdict)}\s*$")
    ).click()


def test_second_review_approval_and_a_conflict_merged_in_the_page(new_page, console_log, live_app, article) -> None:
    article_id, claims = article
    first, second = claims[0], claims[1]
    rita = log_in(new_page(), "rita")
    rita.goto(f"/articles/{article_id}")

    # The reviewer opens the claim from the list, reviews it, cites a source and sends it to second review.
    mine = open_claim(rita, first)
    pick_verdict(mine, "False")
    mine.get_by_label("Rationale (Markdown)").fill("The ministry's own map shows 12 villages.")
    mine.get_by_label("Status").select_option("needs_second_review")
    mine.get_by_role("button", name="Save").click()
    expect(mine.get_by_label("Status")).to_have_value("needs_second_review")
    expect(rita.locator("#progress")).to_contain_text("1 awaiting second review")
    expect(rita.locator(f"#row-{first} .status")).to_have_text("Needs second review")
    mine.locator(".sources summary").click()
    mine.locator(f"#src-url-{first}").fill("https://example.org/ministry-map")
    mine.get_by_role("button", name="Add source").click()
    expect(mine.locator(".sources li.source")).to_have_count(1)

    # The reviewer is not offered approval (the server refuses it too: tests/test_workflow.py);
    # an editor, a second person, approves.
    expect(mine.get_by_label("Status").locator("option[value=approved]")).to_have_count(0)
    edna = log_in(new_page(), "edna")
    edna.goto(f"/articles/{article_id}")
    theirs = open_claim(edna, first)
    theirs.get_by_label("Status").select_option("approved")
    theirs.get_by_role("button", name="Save").click()
    expect(theirs.get_by_label("Status")).to_have_value("approved")
    expect(theirs.locator(".error")).to_have_count(0)
    expect(theirs.get_by_label(re.compile("Reason for the correction"))).to_be_visible()
    expect(edna.locator(f"#row-{first} .status")).to_have_text("Approved")
    claim, verdict = stored_claim(live_app, first)
    assert (claim.status.value, verdict, len(claim.rationale) > 0) == ("approved", "False", True)

    # Both open the second claim; the reviewer saves first, the editor's save is now stale.
    open_by_address(rita, article_id, second)
    open_by_address(edna, article_id, second)
    card(rita, second).get_by_label("Rationale (Markdown)").fill("Rita: the ministry denied it.")
    card(rita, second).get_by_role("button", name="Save").click()
    expect(card(rita, second).locator("input[name=version]")).to_have_value("2")
    stale = card(edna, second)
    stale.get_by_label("Rationale (Markdown)").fill("Edna: a denial is not evidence.")
    with console_log.allow(r"\b409\b|responseError|Response Status Error"):
        stale.get_by_role("button", name="Save").click()
        conflict = stale.locator(".conflict")
        expect(conflict).to_be_visible()
    expect(conflict.locator(".conflict-theirs .rationale-text")).to_have_text("Rita: the ministry denied it.")
    expect(conflict.locator(".conflict-yours .rationale-text")).to_have_text("Edna: a denial is not evidence.")
    merged = "Rita: the ministry denied it. Edna: a denial is not evidence."
    conflict.get_by_label(re.compile("Merged rationale")).fill(merged)
    conflict.get_by_role("button", name="Save merged version").click()
    expect(stale.locator(".conflict")).to_have_count(0)
    expect(stale.get_by_label("Rationale (Markdown)")).to_have_value(merged)
    expect(stale.locator("input[name=version]")).to_have_value("3")
    assert stored_claim(live_app, second)[0].rationale == merged

    # The merge is in the history, with who made each change.
    edna.goto(f"/claims/{second}/history")
    expect(edna.locator("td.who")).to_have_text(["rita", "edna"])
    expect(edna.locator("td.diff ins").last).to_contain_text("Edna:")

    assert console_log.page_errors == []
    assert console_log.csp_violations() == []
    assert console_log.errors == []


def test_unsaved_review_survives_a_comment_and_a_refused_save(new_page, console_log, article) -> None:
    article_id, claims = article
    rita = log_in(new_page(), "rita")
    rita.goto(f"/articles/{article_id}")
    mine = open_claim(rita, claims[0])
    pick_verdict(mine, "Mostly false")
    mine.get_by_label("Rationale (Markdown)").fill("Half-written: the map shows")

    # Commenting redraws the card; what Rita had typed is still there, unsaved.
    mine.locator(".comments summary").click()
    mine.locator(".comment-form textarea").fill("Who has the April map?")
    mine.locator(".comment-form").get_by_role("button").click()
    expect(mine.locator(".comment-body")).to_have_text("Who has the April map?")
    expect(mine.get_by_label("Rationale (Markdown)")).to_have_value("Half-written: the map shows")
    expect(mine.locator("form.review-form input[name=verdict]:checked")).to_have_count(1)
    assert mine.locator("form.review-form label.verdict-option", has=rita.locator("input:checked")).inner_text().strip().endswith("Mostly false")

    # A save the server refuses (a rationale over the limit) keeps the typing too.
    mine.get_by_label("Rationale (Markdown)").fill("x" * 20_001)
    with console_log.allow(r"\b422\b|responseError|Response Status Error"):
        mine.get_by_role("button", name="Save").click()
        expect(mine.locator(".error")).to_contain_text("the limit is 20,000")
    expect(mine.get_by_label("Rationale (Markdown)")).to_have_value("x" * 20_001)
    assert console_log.page_errors == []


def test_discarding_ones_own_version_shows_the_claim_as_stored(new_page, console_log, article) -> None:
    article_id, claims = article
    rita = log_in(new_page(), "rita")
    edna = log_in(new_page(), "edna")
    for page in (rita, edna):
        open_by_address(page, article_id, claims[2])
    card(rita, claims[2]).get_by_label("Rationale (Markdown)").fill("Rita: the index rose 12%.")
    card(rita, claims[2]).get_by_role("button", name="Save").click()
    expect(card(rita, claims[2]).locator("input[name=version]")).to_have_value("2")
    stale = card(edna, claims[2])
    stale.get_by_label("Rationale (Markdown)").fill("Edna: which index?")
    with console_log.allow(r"\b409\b|responseError|Response Status Error"):
        stale.get_by_role("button", name="Save").click()
        expect(stale.locator(".conflict")).to_be_visible()
    stale.get_by_role("link", name="Discard mine and reload").click()
    expect(stale.locator(".conflict")).to_have_count(0)
    expect(stale.get_by_label("Rationale (Markdown)")).to_have_value("Rita: the index rose 12%.")
    expect(stale.locator("input[name=version]")).to_have_value("2")
    assert console_log.page_errors == [] and console_log.errors == []


def test_on_a_phone_the_text_never_covers_the_editor(new_page, console_log, live_app, article) -> None:
    """One column below 60rem: the article text scrolls in its own box, and the last claim's editor
    is reachable and usable."""
    seed = (Path(__file__).resolve().parents[1] / "data" / "seed-article.txt").read_text(encoding="utf-8")
    with Session(live_app.extensions["factcheck.engine"]) as session:
        long = create_article(session, ArticleCreate(text=seed), default_scale(session))
        session.add(Assignment(article_id=long.id, reviewer_id=session.exec(select(User.id).where(User.username == "rita")).one()))
        session.commit()
        article_id = long.id
    rita = log_in(new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True), "rita")
    rita.goto(f"/articles/{article_id}")
    # The last row of the list (triage), opened by tapping it under the text.
    last_claim = rita.locator(".claim-row").last.get_attribute("data-claim")
    last = open_claim(rita, last_claim)
    last.get_by_label("Rationale (Markdown)").fill("Checked against the May figures.")
    last.get_by_role("button", name="Save").click(timeout=5000)  # fails if anything lies over the button
    expect(last.locator("input[name=version]")).to_have_value("2")
    width = rita.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"
    assert console_log.page_errors == [] and console_log.errors == []


def test_a_conflict_merged_as_it_comes_keeps_the_colleagues_verdict(new_page, console_log, live_app, article) -> None:
    """Edna saves "Half true"; Rita, in an editor opened before that with no verdict, changes only
    the rationale: a conflict, and the merge as it comes keeps Edna's verdict with Rita's rationale."""
    article_id, claims = article
    rita = log_in(new_page(), "rita")
    edna = log_in(new_page(), "edna")
    for page in (rita, edna):
        page.goto(f"/articles/{article_id}")
        open_claim(page, claims[0])
    theirs = card(edna, claims[0])
    pick_verdict(theirs, "Half true")
    theirs.get_by_role("button", name="Save").click()
    expect(theirs.locator("input[name=version]")).to_have_value("2")
    mine = card(rita, claims[0])  # still showing no verdict
    expect(mine.locator("h3 .chip")).to_have_text("No verdict yet")
    mine.get_by_label("Rationale (Markdown)").fill("Rita: the map is from March.")
    with console_log.allow(r"\b409\b|responseError|Response Status Error"):
        mine.get_by_role("button", name="Save").click()
        expect(mine.locator(".conflict")).to_be_visible()  # in the editor the save came from
    expect(mine.locator(".conflict-theirs .verdict")).to_have_text("Half true")
    expect(mine.locator(".conflict-yours .verdict")).to_have_text("No verdict yet")
    # Rita never touched the verdict: the merge offers Edna's.
    expect(mine.locator(".merge-form label.verdict-option", has=rita.locator("input:checked"))).to_have_text("Half true")
    mine.get_by_role("button", name="Save merged version").click()
    expect(mine.locator(".conflict")).to_have_count(0)
    expect(mine.locator("form.review-form input[name=verdict]:checked")).to_have_count(1)
    expect(mine.locator("h3 .chip")).to_have_text("Half true")
    expect(mine.get_by_label("Rationale (Markdown)")).to_have_value("Rita: the map is from March.")
    expect(rita.locator(f"#row-{claims[0]} .chip")).to_have_text("Half true")
    claim, verdict = stored_claim(live_app, claims[0])
    assert (verdict, claim.rationale, claim.version) == ("Half true", "Rita: the map is from March.", 3)
    assert console_log.page_errors == [] and console_log.errors == []
