"""Shaping claims in the browser: select words to make a claim, split, merge, dismiss and restore,
and the "n" key, by mouse and by keyboard, without reloading the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlmodel import Session

from factcheck.db import make_engine
from factcheck.domain.scales import default_scale
from factcheck.models import Article, Claim
from tests.browser.conftest import log_in, settled
from tests.browser.test_review_journey import CLAIM_COUNT, card_by_id, expect_open, open_claim, paste_seed, row_by_id

pytestmark = pytest.mark.browser

# Claims only for the first and last sentences; the emoji (two UTF-16 units, one Python
# character) sits before the free text, so offsets are only right if counted like Python.
SPARSE_TEXT = (
    "Fans cheered 🎉 as prices rose 5% in May.\n\n  The mayor said the bridge will reopen in June.\n\n"
    "It rained all week. Turnout was 61 percent."
)
SPARSE_CLAIMS = ("Fans cheered 🎉 as prices rose 5% in May.", "Turnout was 61 percent.")
SECOND_PART = "Russian advances have secured an additional 21 square kilometers."  # of the seed's claim 2

# Where a passage is on screen: from just inside its first character to just inside its last.
PASSAGE_RECTS = """
([first, last]) => {
  const container = document.getElementById("article-text");
  function rect(needle, fromEnd) {
    const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.data.indexOf(needle);
      if (at < 0) continue;
      const range = document.createRange();
      const index = fromEnd ? at + needle.length - 1 : at;
      range.setStart(node, index);
      range.setEnd(node, index + 1);
      const box = range.getBoundingClientRect();
      return { x: fromEnd ? box.right - 1 : box.left + 1, y: box.top + box.height / 2 };
    }
    return null;
  }
  return { start: rect(first, false), end: rect(last, true) };
}
"""


def no_reload_marker(page: Page) -> None:
    page.evaluate("window.__noReload = 1")


def assert_clean(page: Page, console_log) -> None:
    assert page.evaluate("window.__noReload") == 1, "the page was reloaded"
    assert console_log.page_errors == []
    assert console_log.csp_violations() == []
    assert page.evaluate("window.__cspViolations") == []
    assert console_log.errors == []


def select_by_mouse(page: Page, first: str, last: str) -> None:
    """Drag the mouse from the first character of `first` to the last character of `last`."""
    # Wait for the text to stand still: fonts load, and making a card current scrolls it smoothly.
    page.evaluate("document.fonts.ready.then(() => true)")
    readings = [page.evaluate(PASSAGE_RECTS, [first, last])]
    while len(readings) < 50 and not (len(readings) >= 3 and readings[-1] == readings[-2] == readings[-3]):
        page.wait_for_timeout(100)
        readings.append(page.evaluate(PASSAGE_RECTS, [first, last]))
    where = readings[-1]
    assert where["start"] and where["end"], where
    page.mouse.move(where["start"]["x"], where["start"]["y"])
    page.mouse.down()
    page.mouse.move(where["end"]["x"], where["end"]["y"], steps=8)
    page.mouse.up()


def mark_texts(page: Page) -> list[str]:
    return page.locator("#article-text .claim-mark").all_text_contents()


def current_is(page: Page, claim_id: str) -> Locator:
    """This claim's editor is the open one, and focused (so the keys act on it); returns it."""
    card = expect_open(page, claim_id)
    expect(card).to_be_focused()
    return card


def current_number(page: Page) -> Locator:
    """The number of the claim whose row is marked current."""
    return page.locator(".claim-row.current .number")


def open_details(details: Locator) -> None:
    """Open a <details> box by clicking its summary, unless it is open already."""
    settled(details.page)
    if not details.evaluate("details => details.open"):
        details.locator("summary").click()


def open_shaping(card: Locator) -> None:
    """Open the editor's "Shape this claim" box, by mouse."""
    open_details(card.locator("details.shape"))


@pytest.fixture
def sparse_article(live_server: str, tmp_path: Path) -> int:
    """An article where some text is no claim yet, as a JSON import can leave it.

    Stored straight into the live server's database (tests/browser/conftest.py keeps it at
    tmp_path/b.sqlite): the new-article form always makes every sentence a claim.
    """
    database = tmp_path / "b.sqlite"
    assert database.exists(), "the live server's database moved: update this fixture"
    engine = make_engine(f"sqlite:///{database}")
    try:
        with Session(engine) as session:
            article = Article(title="Bridge and turnout", text=SPARSE_TEXT, rating_scale_id=default_scale(session).id)
            session.add(article)
            session.flush()
            for position, sentence in enumerate(SPARSE_CLAIMS):
                start = SPARSE_TEXT.index(sentence)
                end = start + len(sentence)
                session.add(Claim(article_id=article.id, position=position, start=start, end=end, text=sentence))
            session.commit()
            return article.id
    finally:
        engine.dispose()


def test_select_words_to_make_a_claim_by_mouse_and_by_keyboard(page: Page, console_log, sparse_article: int) -> None:
    """A mouse selection becomes a claim; an overlapping one is refused; a typed passage works too."""
    page.goto(f"/articles/{sparse_article}")
    expect(page.locator(".claim-row")).to_have_count(2)  # not scored yet: nobody decided, so triage shows them
    no_reload_marker(page)
    bar = page.locator("#new-claim .selection-bar")
    expect(bar).to_be_hidden()

    # The selection takes in the indent before "The" and the blank line after: they are trimmed.
    select_by_mouse(page, "  The mayor", "June.\n\n")
    expect(bar).to_be_visible()
    expect(bar.locator(".selection-words")).to_have_text("The mayor said the bridge will reopen in June.")
    bar.get_by_role("button", name="Make this a claim").click()

    # The new claim is claim 2, open in the editor (the list shows it, whatever its score).
    expect(current_number(page)).to_have_text("2")
    new_id = page.locator(".claim-row.current").get_attribute("data-claim")
    new_card = current_is(page, new_id)
    expect(new_card.locator(".claim-text")).to_have_text("The mayor said the bridge will reopen in June.")
    expect(new_card.locator("h3")).to_contain_text("Claim 2")
    expect(page.locator(".claim-row")).to_have_count(3)
    assert mark_texts(page) == [SPARSE_CLAIMS[0], "The mayor said the bridge will reopen in June.", SPARSE_CLAIMS[1]]
    expect(page.locator("#progress")).to_contain_text("0 of 3 claims have a verdict")
    expect(page.locator("#new-claim .selection-bar")).to_be_hidden()
    assert page.locator("#article-text").text_content() == SPARSE_TEXT.replace("\r\n", "\n")

    # Across a highlight: refused, with the reason in the form; nothing changes.
    select_by_mouse(page, "It rained", "Turnout")
    expect(bar).to_be_visible()
    with console_log.allow(r"\b422\b|responseError|Response Status Error"):
        page.locator("#new-claim").get_by_role("button", name="Make this a claim").click()
        expect(page.locator("#new-claim .error[role=alert]")).to_contain_text("overlaps claim 3")
    expect(page.locator("#article-text .claim-mark")).to_have_count(3)
    expect(page.locator("#progress")).to_contain_text("0 of 3 claims have a verdict")

    # By keyboard: open "Add a claim by position or passage", type the passage, submit with Enter.
    summary = page.locator("#new-claim summary")
    summary.focus()
    if not page.locator("#new-claim details").evaluate("details => details.open"):
        page.keyboard.press("Enter")
    passage = page.get_by_label("or the passage, copied from the text")
    passage.focus()
    page.keyboard.type("It rained all week.")
    page.keyboard.press("Tab")
    expect(page.locator("#new-claim").get_by_role("button", name="Add claim")).to_be_focused()
    page.keyboard.press("Enter")
    expect(current_number(page)).to_have_text("3")
    rained = current_is(page, page.locator(".claim-row.current").get_attribute("data-claim"))
    expect(rained.locator(".claim-text")).to_have_text("It rained all week.")
    expect(page.locator("#progress")).to_contain_text("0 of 4 claims have a verdict")
    assert mark_texts(page)[2] == "It rained all week."
    expect(page.locator("#new-claim .error")).to_have_count(0)

    assert_clean(page, console_log)


def test_split_merge_dismiss_restore_and_not_check_worthy(page: Page, console_log, seed_text: str) -> None:
    """Split a claim by keyboard, merge it back by mouse, dismiss and restore one, and press "n".

    The list shows every claim ("Show all"): shaping changes scores, and this journey follows
    the claims in text order; triage is tests/browser/test_review_page_journey.py's."""
    article_id = paste_seed(page, seed_text)
    page.locator("#claims .show-all").click()
    expect(page).to_have_url(re.compile(rf"/articles/{article_id}\?show=all$"))
    rows = page.locator(".claim-row")
    expect(rows).to_have_count(CLAIM_COUNT)
    no_reload_marker(page)
    first_id = rows.nth(0).get_attribute("data-claim")
    second_id = rows.nth(1).get_attribute("data-claim")
    original = row_by_id(page, second_id).locator(".row-text").text_content()
    assert original.startswith("Over the past week, Russian advances")
    marks_before = mark_texts(page)

    # Split by keyboard: open the claim with j (twice), open the shaping box, choose the word, Enter.
    page.locator(".article-header h1").click()
    page.keyboard.press("j")
    current_is(page, first_id)
    page.keyboard.press("j")
    second = current_is(page, second_id)
    second.locator("details.shape summary").focus()
    page.keyboard.press("Enter")
    picker = second.get_by_label("Split before the word")
    picker.focus()
    page.keyboard.type("week,")  # a closed select jumps to the option its typed letters start
    expect(picker.locator("option:checked")).to_have_text("week, | Russian")
    page.keyboard.press("Tab")
    expect(second.get_by_role("button", name="Split", exact=True)).to_be_focused()
    page.keyboard.press("Enter")

    expect(rows).to_have_count(CLAIM_COUNT + 1)
    expect(second.locator(".claim-text")).to_have_text("Over the past week,")
    third = rows.nth(2)
    expect(third.locator(".row-text")).to_have_text(SECOND_PART)
    expect(third.locator(".number")).to_have_text("3")
    expect(third.locator(".score")).to_have_text(re.compile(r"^[01]\.\d\d$"))  # the new claim is scored
    current_is(page, second_id)
    assert mark_texts(page)[1:3] == ["Over the past week,", SECOND_PART]

    # Merge with the next claim, by mouse: the original claim and highlights are back.
    open_shaping(second)
    second.get_by_role("button", name="Merge with the next claim").click()
    expect(rows).to_have_count(CLAIM_COUNT)
    expect(second.locator(".claim-text")).to_have_text(original)
    expect(row_by_id(page, second_id).locator(".row-text")).to_have_text(original)
    assert mark_texts(page) == marks_before
    history = second.get_by_role("link", name="History")
    expect(history).to_be_visible()

    # Dismiss the fourth claim: its row goes, its words stay in the text set apart, the next is open.
    fourth_id = rows.nth(3).get_attribute("data-claim")
    fifth_id = rows.nth(4).get_attribute("data-claim")
    fourth = open_claim(page, fourth_id)
    open_shaping(fourth)
    fourth.get_by_role("button", name="Dismiss: not a claim").click()
    expect(rows).to_have_count(CLAIM_COUNT - 1)
    expect(row_by_id(page, fourth_id)).to_have_count(0)
    expect(page.locator(f"#hl-{fourth_id}")).to_have_class("dismissed-mark")
    live = CLAIM_COUNT - 1
    expect(page.locator("#claims .shown")).to_have_text(
        f"{live} of {live} claims shown · Worth checking only · 1 dismissed (hidden)"
    )
    expect(page.locator("#progress")).to_contain_text(f"0 of {CLAIM_COUNT - 1} claims have a verdict")
    current_is(page, fifth_id)

    # Show the dismissed claims (the filter pushes its URL), restore it.
    open_details(page.locator("#claims details.filter-box"))
    settled(page)
    page.get_by_label("Dismissed", exact=True).select_option(label="Show only them")
    expect(page).to_have_url(re.compile(r"dismissed=only"))
    expect(rows).to_have_count(1)
    restored = open_claim(page, fourth_id)
    restored.get_by_role("button", name=re.compile(r"^Restore claim")).click()
    expect(rows).to_have_count(0)
    expect(page.locator(".claim-rows .empty")).to_have_text("No claims match these filters.")
    settled(page)
    page.get_by_label("Dismissed", exact=True).select_option(label="Hide them")
    expect(rows).to_have_count(CLAIM_COUNT)
    expect(page.locator(f"#hl-{fourth_id}")).to_have_class(re.compile(r"\bclaim-mark\b"))

    # "n": the open claim is not check-worthy, and the next one opens.
    sixth, seventh, eighth = (rows.nth(i).get_attribute("data-claim") for i in (5, 6, 7))
    page.locator(f"#hl-{sixth}").click()
    current_is(page, sixth)
    page.keyboard.press("n")
    current_is(page, seventh)
    expect(row_by_id(page, sixth)).to_have_class(re.compile(r"\bband-no\b"))
    expect(page.locator(f"#hl-{sixth}")).to_have_class(re.compile(r"\bnot-worthy\b"))
    page.keyboard.press("n")
    current_is(page, eighth)
    expect(row_by_id(page, seventh)).to_have_class(re.compile(r"\bband-no\b"))
    expect(card_by_id(page, eighth).locator(".flag-not-worthy")).to_have_count(0)
    expect(row_by_id(page, eighth)).not_to_have_class(re.compile(r"\bband-no\b"))
    # Reversible, by mouse.
    sixth_card = open_claim(page, sixth)
    expect(sixth_card.locator(".flag-not-worthy")).to_have_text("Not check-worthy")
    sixth_card.get_by_role("button", name="Undo “not check-worthy”").click()
    expect(sixth_card.locator(".flag-not-worthy")).to_have_count(0)
    expect(sixth_card.get_by_role("button", name="n Not check-worthy")).to_be_visible()
    expect(row_by_id(page, sixth)).not_to_have_class(re.compile(r"\bband-no\b"))

    assert_clean(page, console_log)


def test_shaping_without_javascript(new_page, console_log, seed_text: str) -> None:
    """With JavaScript off, split and dismiss post, and land back on the page at the claim."""
    page = log_in(new_page(java_script_enabled=False), "admin")
    article_id = paste_seed(page, seed_text)
    page.get_by_role("link", name="Show all").click()
    rows = page.locator(".claim-row")
    expect(rows).to_have_count(CLAIM_COUNT)
    claim_id = rows.nth(1).get_attribute("data-claim")
    row_by_id(page, claim_id).locator(".row-link").click()
    card = card_by_id(page, claim_id)
    card.locator("details.shape summary").click()
    card.get_by_label("Split before the word").select_option(label="week, | Russian")
    card.get_by_role("button", name="Split", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/articles/{article_id}\?claim={claim_id}&show=all#claim-{claim_id}$"))
    expect(rows).to_have_count(CLAIM_COUNT + 1)
    expect(card.locator(".claim-text")).to_have_text("Over the past week,")

    card.locator("details.shape summary").click()
    card.get_by_role("button", name="Dismiss: not a claim").click()
    expect(rows).to_have_count(CLAIM_COUNT)
    expect(row_by_id(page, claim_id)).to_have_count(0)
    expect(page.locator(f"#hl-{claim_id}")).to_have_class("dismissed-mark")
    assert console_log.errors == []
    assert console_log.page_errors == []
