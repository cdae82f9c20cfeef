"""The review page as a list and one editor: triage first, the editor opened by click, address and
keys, bulk changes to the claims ticked, the phone layout, and refusals shown in the editor."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page, expect
from sqlmodel import Session, col, select

from factcheck.domain.articles import create_article
from factcheck.domain.scales import default_scale
from factcheck.extract.checkworthy import decision_threshold
from factcheck.forms import ArticleCreate
from factcheck.models import Assignment, Claim, User
from factcheck.vocabulary import ClaimStatus
from tests.browser.conftest import ConsoleLog, log_in, settled
from tests.browser.test_review_journey import (
    CLAIM_COUNT,
    HIDDEN_NUMBERS,
    WORTH_CHECKING,
    card_by_id,
    expect_open,
    open_claim,
    row_by_id,
    verdict_label,
)
from tests.conftest import make_user

pytestmark = pytest.mark.browser

SEED = Path(__file__).resolve().parents[1] / "data" / "seed-article.txt"
PHONE = {"width": 390, "height": 844}
PAGE_SIZE = 40  # rows in one page of the list


@pytest.fixture
def team(live_app: Flask) -> Flask:
    """An editor (eddie) and two reviewers (rita, rob) besides the admin."""
    make_user(live_app, "eddie", "editor")
    make_user(live_app, "rita", "reviewer")
    make_user(live_app, "rob", "reviewer")
    return live_app


@pytest.fixture
def seed(team: Flask) -> tuple[int, list[int]]:
    """The seed article (25 claims), stored as the new-article form stores it: its id and its claim
    ids in text order (claims[0] is claim 1)."""
    with Session(team.extensions["factcheck.engine"]) as session:
        article = create_article(session, ArticleCreate(text=SEED.read_text(encoding="utf-8")), default_scale(session))
        session.commit()
        claims = session.exec(select(Claim.id).where(Claim.article_id == article.id).order_by(Claim.position)).all()
        return article.id, list(claims)


def stored(app: Flask, claim_ids: list[int]) -> list[Claim]:
    """The claims as stored now, in the order asked."""
    with Session(app.extensions["factcheck.engine"]) as session:
        found = {c.id: c for c in session.exec(select(Claim).where(col(Claim.id).in_(claim_ids))).all()}
        return [found[claim_id] for claim_id in claim_ids]


def user_id(app: Flask, username: str) -> int:
    with Session(app.extensions["factcheck.engine"]) as session:
        return session.exec(select(User.id).where(User.username == username)).one()


def row_ids(page: Page) -> list[int]:
    return [int(claim_id) for claim_id in page.locator(".claim-row").evaluate_all("rows => rows.map(r => r.dataset.claim)")]


def assert_clean(console_log: ConsoleLog) -> None:
    assert console_log.page_errors == []
    assert console_log.csp_violations() == []
    assert console_log.errors == []


# --- Triage --------------------------------------------------------------------------------------


def test_triage_lists_the_claims_worth_checking_and_show_all_lists_every_one(page: Page, console_log, live_app, seed) -> None:
    """By default the list holds the claims the model finds worth checking, says how many it hides,
    and "Show all" brings back every claim; a hidden claim someone works on joins the triage list."""
    article_id, claims = seed
    threshold = decision_threshold()
    scores = {c.id: c.checkworthiness for c in stored(live_app, claims)}
    worth = [claim_id for claim_id in claims if scores[claim_id] >= threshold]
    hidden = [claim_id for claim_id in claims if scores[claim_id] < threshold]
    assert (len(worth), [claims.index(h) + 1 for h in hidden]) == (WORTH_CHECKING, list(HIDDEN_NUMBERS))

    page.goto(f"/articles/{article_id}")
    rows = page.locator(".claim-row")
    expect(rows).to_have_count(WORTH_CHECKING)
    assert row_ids(page) == worth  # in text order
    shown = page.locator("#claims .shown")
    expect(shown).to_have_text(
        f"{WORTH_CHECKING} of {CLAIM_COUNT} claims worth checking or in review"
        f" · {len(hidden)} hidden (check-worthiness under {threshold:.2f}) · Show all"
    )
    for claim_id in hidden:
        expect(row_by_id(page, claim_id)).to_have_count(0)
        expect(page.locator(f"#hl-{claim_id}")).to_have_class(re.compile(r"\bband-low\b"))  # still in the text
    expect(page.locator("#article-text .claim-mark")).to_have_count(CLAIM_COUNT)
    expect(page.locator("nav.pages")).to_have_count(0)  # 25 claims: one page

    shown.get_by_role("link", name="Show all").click()
    expect(page).to_have_url(re.compile(rf"/articles/{article_id}\?show=all$"))
    expect(rows).to_have_count(CLAIM_COUNT)
    assert row_ids(page) == claims
    expect(rows.locator(".number")).to_have_text([str(n) for n in range(1, CLAIM_COUNT + 1)])
    expect(shown).to_have_text(f"{CLAIM_COUNT} of {CLAIM_COUNT} claims shown · Worth checking only")

    # Work on a hidden claim (claim 5): it joins the triage list.
    fifth = claims[4]
    editor = open_claim(page, fifth)
    editor.get_by_label("Status").select_option(label="In progress")
    editor.get_by_role("button", name="Save").click()
    expect(row_by_id(page, fifth).locator(".status")).to_have_text("In progress")
    editor.get_by_role("link", name="Close").click()
    expect(page.locator(".claim-card")).to_have_count(0)
    shown.get_by_role("link", name="Worth checking only").click()
    expect(page).to_have_url(re.compile(rf"/articles/{article_id}$"))
    expect(rows).to_have_count(WORTH_CHECKING + 1)
    expect(row_by_id(page, fifth)).to_be_visible()
    expect(shown).to_contain_text(f"{WORTH_CHECKING + 1} of {CLAIM_COUNT} claims worth checking or in review")
    expect(shown).to_contain_text(f"{len(hidden) - 1} hidden")
    assert_clean(console_log)


def test_a_long_list_comes_in_pages(page: Page, console_log, live_app) -> None:
    """45 claims worth checking: 40 on the first page, the other 5 on the next."""
    text = " ".join(f"Prices rose {n}% in town {n}, the statistics bureau said." for n in range(1, 46))
    with Session(live_app.extensions["factcheck.engine"]) as session:
        article = create_article(session, ArticleCreate(text=text, title="Prices"), default_scale(session))
        session.commit()
        article_id = article.id
    page.goto(f"/articles/{article_id}?show=all")
    rows = page.locator(".claim-row")
    expect(rows).to_have_count(PAGE_SIZE)
    pages = page.locator("nav.pages")
    expect(pages).to_contain_text("Page 1 of 2")
    pages.get_by_role("link", name="Next »").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(rows).to_have_count(45 - PAGE_SIZE)
    expect(rows.first.locator(".number")).to_have_text(str(PAGE_SIZE + 1))
    expect(pages).to_contain_text("Page 2 of 2")
    assert_clean(console_log)


# --- Opening the editor --------------------------------------------------------------------------


def test_the_editor_opens_by_click_follows_back_and_survives_a_reload(page: Page, console_log, seed) -> None:
    """A row's link opens its claim's editor under it and names it in the address: Back goes to the
    claim before, a reload keeps the claim open, Close closes it."""
    article_id, claims = seed
    page.goto(f"/articles/{article_id}")
    page.evaluate("window.__noReload = 1")
    expect(page.locator(".claim-card")).to_have_count(0)

    second = open_claim(page, claims[1])
    expect(page).to_have_url(re.compile(rf"/articles/{article_id}\?claim={claims[1]}$"))
    # The editor sits right under its row.
    expect(row_by_id(page, claims[1]).locator("xpath=following-sibling::li[1]").locator(".claim-card")).to_have_id(
        f"claim-{claims[1]}"
    )
    expect(second.locator(".claim-text")).to_have_text(re.compile(r"^Over the past week"))
    open_claim(page, claims[2])
    expect(card_by_id(page, claims[1])).to_have_count(0)  # one editor at a time
    expect(row_by_id(page, claims[1])).not_to_have_class(re.compile(r"\bcurrent\b"))
    assert page.evaluate("window.__noReload") == 1, "opening a claim reloaded the page"

    page.go_back()
    expect_open(page, claims[1])
    expect(page).to_have_url(re.compile(rf"\?claim={claims[1]}$"))
    page.go_back()
    expect(page).to_have_url(re.compile(rf"/articles/{article_id}$"))
    expect(page.locator(".claim-card")).to_have_count(0)
    page.go_forward()
    expect_open(page, claims[1])

    page.reload()
    expect_open(page, claims[1])
    expect(card_by_id(page, claims[1]).locator(".claim-text")).to_have_text(re.compile(r"^Over the past week"))

    card_by_id(page, claims[1]).get_by_role("link", name="Close").click()
    expect(page.locator(".claim-card")).to_have_count(0)
    expect(page).to_have_url(re.compile(rf"/articles/{article_id}$"))
    expect(row_by_id(page, claims[1])).not_to_have_class(re.compile(r"\bcurrent\b"))
    assert_clean(console_log)


def test_j_and_k_open_the_next_and_previous_claims(page: Page, console_log, seed) -> None:
    """j opens the next row's claim, k the previous one; keys typed into a field stay there; n marks
    the open claim not check-worthy and opens the one after it in the list."""
    article_id, claims = seed
    page.goto(f"/articles/{article_id}")
    listed = row_ids(page)
    page.locator(".article-header h1").click()
    page.keyboard.press("j")
    expect(expect_open(page, listed[0])).to_be_focused()
    page.keyboard.press("j")
    expect(expect_open(page, listed[1])).to_be_focused()
    page.keyboard.press("j")
    expect(expect_open(page, listed[2])).to_be_focused()
    page.keyboard.press("k")
    expect(expect_open(page, listed[1])).to_be_focused()
    expect(page).to_have_url(re.compile(rf"\?claim={listed[1]}$"))

    # Typing a j into the rationale is typing, not a key for the list.
    rationale = card_by_id(page, listed[1]).get_by_label("Rationale (Markdown)")
    rationale.press_sequentially("just")
    expect(rationale).to_have_value("just")
    expect_open(page, listed[1])

    # "n": not check-worthy, then the claim after it in the list opens, though the marked one
    # leaves the triage list (and, still open while it is redrawn, is listed first for that moment).
    page.locator(".article-header h1").click()
    page.keyboard.press("n")
    expect(expect_open(page, listed[2])).to_be_focused()
    expect(page.locator(f"#hl-{listed[1]}")).to_have_class(re.compile(r"\bnot-worthy\b"))
    expect(row_by_id(page, listed[1])).to_have_count(0)
    assert row_ids(page) == [claim_id for claim_id in listed if claim_id != listed[1]]
    assert_clean(console_log)


# --- Bulk changes --------------------------------------------------------------------------------


def tick(page: Page, *numbers: int) -> None:
    for number in numbers:
        page.get_by_label(f"Tick claim {number}", exact=True).check()


def apply_bulk(page: Page, action: str, *, status: str | None = None, reviewer: str | None = None) -> Locator:
    """Choose the bulk action (and its status or reviewer) and apply it; returns the list's message."""
    settled(page)
    page.get_by_label("With the claims ticked:").select_option(label=action)
    if status is not None:
        page.get_by_label("Status to set").select_option(label=status)
    if reviewer is not None:
        page.get_by_label("Reviewer to assign").select_option(label=reviewer)
    page.locator("#bulk-form").get_by_role("button", name="Apply").click()
    return page.locator("#list-message")


def test_an_editor_changes_the_claims_ticked_at_once(new_page, console_log, live_app, seed) -> None:
    """Assign, set a status, mark not check-worthy and dismiss the claims ticked, in the page."""
    article_id, claims = seed
    page = log_in(new_page(), "eddie")
    page.goto(f"/articles/{article_id}")
    page.evaluate("window.__noReload = 1")
    rows = page.locator(".claim-row")
    expect(rows).to_have_count(WORTH_CHECKING)

    # Nothing ticked: refused, with the reason above the list; nothing changes.
    with console_log.allow(r"\b422\b|responseError|Response Status Error"):
        message = apply_bulk(page, "set status to", status="In progress")
        expect(message.locator(".error[role=alert]")).to_have_text("Tick the claims to change first.")
    assert {c.status for c in stored(live_app, claims)} == {ClaimStatus.TO_REVIEW}

    tick(page, 1, 2)
    message = apply_bulk(page, "assign to", reviewer="rita")
    expect(message.locator(".confirmation")).to_have_text("Assigned 2 claims (1, 2) to rita.")
    for claim_id in claims[:2]:
        expect(row_by_id(page, claim_id).locator(".assignee")).to_have_text("rita")
    expect(row_by_id(page, claims[2]).locator(".assignee")).to_have_count(0)
    expect(page.locator("input[name=claim_id]:checked")).to_have_count(0)  # the list is drawn anew
    with Session(live_app.extensions["factcheck.engine"]) as session:
        assigned = session.exec(select(Assignment.claim_id, Assignment.reviewer_id).where(Assignment.article_id == article_id)).all()
    assert sorted(assigned) == [(claims[0], user_id(live_app, "rita")), (claims[1], user_id(live_app, "rita"))]

    tick(page, 3, 4)
    message = apply_bulk(page, "set status to", status="In progress")
    expect(message.locator(".confirmation")).to_have_text("Set 2 claims to “In progress” (3, 4).")
    for claim_id in claims[2:4]:
        expect(row_by_id(page, claim_id).locator(".status")).to_have_text("In progress")
    assert [c.status for c in stored(live_app, claims[:5])] == [
        ClaimStatus.TO_REVIEW, ClaimStatus.TO_REVIEW, ClaimStatus.IN_PROGRESS, ClaimStatus.IN_PROGRESS, ClaimStatus.TO_REVIEW,
    ]

    # Not check-worthy: they leave the triage list, and the text marks them so.
    tick(page, 6, 8)
    message = apply_bulk(page, "mark not check-worthy")
    expect(message.locator(".confirmation")).to_have_text("Marked 2 claims not check-worthy (6, 8).")
    expect(rows).to_have_count(WORTH_CHECKING - 2)
    for claim_id in (claims[5], claims[7]):
        expect(row_by_id(page, claim_id)).to_have_count(0)
        expect(page.locator(f"#hl-{claim_id}")).to_have_class(re.compile(r"\bnot-worthy\b"))
    expect(page.locator("#claims .shown")).to_contain_text(f"{len(HIDDEN_NUMBERS) + 2} hidden")
    assert [c.worth_checking for c in stored(live_app, [claims[5], claims[7], claims[8]])] == [False, False, None]

    # Dismissed: not claims any more; the progress line counts them apart.
    tick(page, 9, 10)
    message = apply_bulk(page, "dismiss (not claims)")
    expect(message.locator(".confirmation")).to_have_text("Dismissed 2 claims (9, 10): they are not claims.")
    for claim_id in claims[8:10]:
        expect(row_by_id(page, claim_id)).to_have_count(0)
        expect(page.locator(f"#hl-{claim_id}")).to_have_class("dismissed-mark")
    expect(page.locator("#progress")).to_contain_text(f"0 of {CLAIM_COUNT - 2} claims have a verdict")
    expect(page.locator("#progress")).to_contain_text("2 dismissed")
    assert [c.dismissed for c in stored(live_app, claims[7:11])] == [False, True, True, False]

    assert page.evaluate("window.__noReload") == 1, "a bulk change reloaded the page"
    assert_clean(console_log)


def test_bulk_changes_without_javascript(new_page, console_log, live_app, seed) -> None:
    """With JavaScript off the ticked claims are posted with the form, and the page comes back."""
    article_id, claims = seed
    page = log_in(new_page(java_script_enabled=False), "eddie")
    page.goto(f"/articles/{article_id}")
    tick(page, 2, 3)
    apply_bulk(page, "set status to", status="In progress")
    expect(page).to_have_url(re.compile(rf"/articles/{article_id}$"))
    for claim_id in claims[1:3]:
        expect(row_by_id(page, claim_id).locator(".status")).to_have_text("In progress")
    assert [c.status for c in stored(live_app, claims[:4])] == [
        ClaimStatus.TO_REVIEW, ClaimStatus.IN_PROGRESS, ClaimStatus.IN_PROGRESS, ClaimStatus.TO_REVIEW,
    ]
    assert console_log.errors == [] and console_log.page_errors == []


# --- Layout --------------------------------------------------------------------------------------

#: Every element the open editor must not overlap: the site header, the article text panel, the
#: rows of the list. Returns the ones it does, with both boxes.
OVERLAPS = """
(editor) => {
  const box = editor.getBoundingClientRect();
  const others = [document.querySelector("header.site-header"), document.querySelector(".article-text"),
                  ...document.querySelectorAll(".claim-row")];
  return others.filter((other) => {
    const r = other.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.left < box.right - 0.5 && box.left < r.right - 0.5
      && r.top < box.bottom - 0.5 && box.top < r.bottom - 0.5;
  }).map((other) => {
    const r = other.getBoundingClientRect();
    return `${other.id || other.className}: ${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}x${Math.round(r.height)}`
      + ` vs editor ${Math.round(box.left)},${Math.round(box.top)} ${Math.round(box.width)}x${Math.round(box.height)}`;
  });
}
"""


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1400, "height": 900}], ids=["phone", "desktop"])
def test_the_open_editor_overlaps_nothing(new_page, console_log, seed, viewport) -> None:
    """On a 390×844 phone (and a desktop), the open editor lies over nothing: not the header, the text, or a row;
    the header wraps to fit and the page does not scroll sideways."""
    article_id, claims = seed
    phone = viewport == PHONE
    page = log_in(new_page(viewport=viewport, is_mobile=phone, has_touch=phone), "admin")
    page.goto(f"/articles/{article_id}")
    listed = row_ids(page)
    for claim_id in (listed[0], listed[7], listed[-1]):  # the first row, one in the middle, the last
        editor = open_claim(page, claim_id)
        editor.scroll_into_view_if_needed()
        assert editor.evaluate(OVERLAPS) == []
        page.evaluate("window.scrollTo(0, 0)")
        assert editor.evaluate(OVERLAPS) == []
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= viewport["width"] + 1, f"the page is {width} px wide on a {viewport['width']} px screen"
    # The editor is usable: a verdict saved from it on the phone.
    editor = card_by_id(page, listed[-1])
    verdict_label(editor, "Mostly true").click()
    editor.get_by_role("button", name="Save").click()
    expect(editor.locator("h3 .chip")).to_have_text("Mostly true")
    assert editor.evaluate(OVERLAPS) == []

    log_out = page.locator("header.site-header").get_by_role("button", name="Log out")
    page.evaluate("window.scrollTo(0, 0)")
    expect(log_out).to_be_in_viewport(ratio=1)
    box = log_out.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box
    assert_clean(console_log)


# --- Refusals ------------------------------------------------------------------------------------


def test_refusals_are_shown_in_the_editor(new_page, console_log, live_app, seed) -> None:
    """A save refused (the claim given to someone else meanwhile; input over a limit) says why in
    the editor it came from, and stores nothing."""
    article_id, claims = seed
    first, second = claims[0], claims[1]
    rita_id, rob_id = user_id(live_app, "rita"), user_id(live_app, "rob")
    with Session(live_app.extensions["factcheck.engine"]) as session:
        session.add(Assignment(article_id=article_id, claim_id=first, reviewer_id=rita_id))
        session.add(Assignment(article_id=article_id, claim_id=second, reviewer_id=rita_id))
        session.commit()
    rita = log_in(new_page(), "rita")
    rita.goto(f"/articles/{article_id}")
    mine = open_claim(rita, first)

    # Meanwhile an editor gives the claim to Rob.
    with Session(live_app.extensions["factcheck.engine"]) as session:
        taken = session.exec(select(Assignment).where(Assignment.claim_id == first)).one()
        session.delete(taken)
        session.add(Assignment(article_id=article_id, claim_id=first, reviewer_id=rob_id))
        session.commit()
    verdict_label(mine, "False").click()
    mine.get_by_label("Rationale (Markdown)").fill("Rita: no map shows it.")
    with console_log.allow(r"\b403\b|responseError|Response Status Error"):
        mine.get_by_role("button", name="Save").click()
        refusal = rita.locator(f"#claim-{first}-message .error[role=alert]")
        expect(refusal).to_contain_text("on a claim you are not assigned: ask an editor to assign it to you")
    expect(refusal).to_be_in_viewport()
    expect(rita.locator("#messages .error")).to_have_count(0)  # in the editor, not at the top of the page
    claim = stored(live_app, [first])[0]
    assert (claim.verdict_id, claim.rationale, claim.version) == (None, "", 1)

    # Input the server refuses (a rationale over the limit): the reason in the editor, the typing kept.
    theirs = open_claim(rita, second)
    theirs.get_by_label("Rationale (Markdown)").fill("x" * 20_001)
    with console_log.allow(r"\b422\b|responseError|Response Status Error"):
        theirs.get_by_role("button", name="Save").click()
        expect(rita.locator(f"#claim-{second}-message .error[role=alert]")).to_contain_text("the limit is 20,000")
    expect(theirs.get_by_label("Rationale (Markdown)")).to_have_value("x" * 20_001)
    assert stored(live_app, [second])[0].rationale == ""
    assert console_log.page_errors == [] and console_log.csp_violations() == []


def test_a_shaping_refusal_is_shown_in_the_editor(new_page, console_log, live_app, seed) -> None:
    """A reviewer given claim 1 alone may not merge claim 2 into it: the editor says so."""
    article_id, claims = seed
    with Session(live_app.extensions["factcheck.engine"]) as session:
        session.add(Assignment(article_id=article_id, claim_id=claims[0], reviewer_id=user_id(live_app, "rita")))
        session.commit()
    rita = log_in(new_page(), "rita")
    rita.goto(f"/articles/{article_id}")
    mine = open_claim(rita, claims[0])
    mine.locator("details.shape summary").click()
    with console_log.allow(r"\b403\b|responseError|Response Status Error"):
        mine.get_by_role("button", name="Merge with the next claim").click()
        refusal = rita.locator(f"#claim-{claims[0]}-message .error[role=alert]")
        expect(refusal).to_contain_text("You may not change claim 2, so you may not merge it into this one.")
    expect(refusal).to_be_in_viewport()
    expect(rita.locator("#messages .error")).to_have_count(0)
    expect(rita.locator(".claim-row")).to_have_count(WORTH_CHECKING)
    assert [c.text for c in stored(live_app, claims[:2])][1].startswith("Over the past week")
    assert console_log.page_errors == [] and console_log.csp_violations() == []
