"""The reviewer's journey end to end: paste the seed, review claims without reloads, download the report."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import log_in, settled

pytestmark = pytest.mark.browser

HEADLINE = "From Battlefield To Bargaining Table: Russia’s Gains Shape Ukraine War Negotiations"
CLAIM_COUNT = 25
# The seed's claims the model scores at least its decision threshold (0.54): the triage list.
# Claims 5, 7, 12, 18 and 25 score under it and are hidden until "Show all".
WORTH_CHECKING = 20
HIDDEN_NUMBERS = (5, 7, 12, 18, 25)
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "review-page.png"


@dataclass(frozen=True)
class SourceInput:
    url: str
    title: str
    publisher: str
    quote: str
    stance: str


@dataclass(frozen=True)
class Review:
    verdict: str
    rationale: str
    emphasis: str  # what the rationale's *…* renders as <em>
    strong: str  # what the rationale's **…** renders as <strong>
    source: SourceInput


SECOND = Review(
    verdict="Unverifiable",
    rationale="Only *one* side's briefing gives the figure; **no independent map** confirms 21 km² for that week.",
    emphasis="one",
    strong="no independent map",
    source=SourceInput(
        url="https://example.org/assessments/2025-04-27",
        title="Campaign assessment, 27 April 2025",
        publisher="Example Conflict Monitor",
        quote="Russian forces made marginal advances along the front.",
        stance="context",
    ),
)
THIRTEENTH = Review(
    verdict="Half true",
    rationale="Moscow *declared* the Kursk region retaken on 26 April; Kyiv **disputed** it and border fighting went on.",
    emphasis="declared",
    strong="disputed",
    source=SourceInput(
        url="https://example.com/news/kursk-2025-04-26",
        title="Moscow says Kursk region retaken; Kyiv denies",
        publisher="Example Wire",
        quote="Ukraine's general staff said its operations in the region continue.",
        stance="refutes",
    ),
)
LAVROV = Review(
    verdict="True",
    rationale="Lavrov made *both* points in interviews that week; **accurately** summarised.",
    emphasis="both",
    strong="accurately",
    source=SourceInput(
        url="https://example.net/interviews/lavrov-2025-04",
        title="Lavrov interview transcript",
        publisher="Example Press Office",
        quote="The status of Crimea is not up for discussion.",
        stance="supports",
    ),
)


def paste_seed(page: Page, seed_text: str) -> int:
    """Paste the seed article into the new-article form and return the id of the article it opens,
    its list showing the claims worth checking (triage) and no editor open."""
    page.goto("/articles/new")
    page.get_by_label("Article text").fill(seed_text)
    page.get_by_role("button", name="Split into claims").click()
    expect(page).to_have_url(re.compile(r"/articles/\d+$"))
    expect(page.locator(".claim-row")).to_have_count(WORTH_CHECKING)
    expect(page.locator(".claim-card")).to_have_count(0)
    return int(re.search(r"/articles/(\d+)$", page.url).group(1))


def card_by_id(page: Page, claim_id: str | int) -> Locator:
    """The open claim's editor. By id, not by position: htmx replaces it on every save."""
    return page.locator(f"#claim-{claim_id}")


def row_by_id(page: Page, claim_id: str | int) -> Locator:
    """A claim's one-line row in the list."""
    return page.locator(f"#row-{claim_id}")


def row_by_number(page: Page, number: int) -> Locator:
    """The row of the claim numbered `number` in the text (1 is the first claim)."""
    return page.locator(".claim-row").filter(
        has=page.locator(".number").filter(has_text=re.compile(rf"^\s*{number}\s*$"))
    )


def claim_at(page: Page, number: int) -> str:
    """The id of the claim numbered `number`, read from its row."""
    return row_by_number(page, number).get_attribute("data-claim")


def open_claim(page: Page, claim_id: str | int) -> Locator:
    """Open a claim's editor by clicking its row, as a reviewer does; returns the editor."""
    row_by_id(page, claim_id).locator(".row-link").click()
    return expect_open(page, claim_id)


def expect_open(page: Page, claim_id: str | int) -> Locator:
    """The claim's editor is the one open: its URL, its row marked current, the editor shown."""
    editor = card_by_id(page, claim_id)
    expect(editor).to_be_visible()
    expect(page.locator(".claim-card")).to_have_count(1)
    expect(page).to_have_url(re.compile(rf"[?&]claim={claim_id}(&|#|$)"))
    expect(row_by_id(page, claim_id)).to_have_class(re.compile(r"\bcurrent\b"))
    settled(page)
    return editor


def verdict_label(card: Locator, verdict: str) -> Locator:
    """The label of one verdict radio ("5 False"), matched whole so "False" misses "Mostly false"."""
    return card.locator("label.verdict-option").filter(has_text=re.compile(rf"^\s*\d+\s+{re.escape(verdict)}\s*$"))


def verdict_slug(verdict: str) -> str:
    return "verdict-" + verdict.lower().replace(" ", "-")


def write_rationale(page: Page, claim_id: str, review: Review) -> None:
    """Type the rationale and wait for the live preview to render its Markdown."""
    card = card_by_id(page, claim_id)
    card.get_by_label("Rationale (Markdown)").press_sequentially(review.rationale)
    preview = page.locator(f"#preview-{claim_id}")
    expect(preview.locator("em")).to_have_text(review.emphasis)
    expect(preview.locator("strong")).to_have_text(review.strong)


def save_review(page: Page, claim_id: str, review: Review) -> None:
    """Save the editor's review form; the editor and the claim's row both show the verdict."""
    card = card_by_id(page, claim_id)
    card.get_by_role("button", name="Save").click()
    expect(card.locator("h3 .chip")).to_have_text(review.verdict)
    expect(card).to_have_class(re.compile(rf"\b{verdict_slug(review.verdict)}\b"))
    expect(card.get_by_label("Rationale (Markdown)")).to_have_value(review.rationale)
    expect(row_by_id(page, claim_id).locator(".chip")).to_have_text(review.verdict)


def fill_source(page: Page, claim_id: str, source: SourceInput) -> None:
    card = card_by_id(page, claim_id)
    details = card.locator(".sources details")
    if not details.evaluate("element => element.open"):
        details.locator("summary").click()
    card.locator(f"#src-url-{claim_id}").fill(source.url)
    card.locator(f"#src-title-{claim_id}").fill(source.title)
    card.locator(f"#src-publisher-{claim_id}").fill(source.publisher)
    card.locator(f"#src-quote-{claim_id}").fill(source.quote)
    card.locator(f"#src-stance-{claim_id}").select_option(source.stance)


def add_source(page: Page, claim_id: str, source: SourceInput) -> None:
    """Add a source through the editor's form and wait for it in the editor's sources list."""
    fill_source(page, claim_id, source)
    card = card_by_id(page, claim_id)
    card.get_by_role("button", name="Add source").click()
    listed = card.locator(".sources li.source")
    expect(listed).to_have_count(1)
    expect(listed.get_by_role("link", name=source.title)).to_have_attribute("href", source.url)
    expect(listed).to_contain_text(source.publisher)
    expect(listed).to_contain_text(source.stance)
    expect(listed.locator("blockquote")).to_have_text(source.quote)
    expect(card.locator(".error")).to_have_count(0)


def review_by_mouse(page: Page, claim_id: str, review: Review) -> None:
    """Open the claim from its row, pick the verdict, write the rationale, save."""
    card = open_claim(page, claim_id)
    verdict_label(card, review.verdict).click()
    write_rationale(page, claim_id, review)
    save_review(page, claim_id, review)


def review_by_keyboard(page: Page, claim_id: str, review: Review) -> None:
    """Click the claim's highlight in the text, then pick the verdict with its number key."""
    page.locator(f"#hl-{claim_id}").click()
    card = expect_open(page, claim_id)
    expect(card).to_be_focused()
    expect(page.locator(f"#hl-{claim_id}")).to_have_class(re.compile(r"\bcurrent\b"))
    key = verdict_label(card, review.verdict).locator("kbd").inner_text()
    page.keyboard.press(key)
    expect(card.locator("h3 .chip")).to_have_text(review.verdict)
    expect(row_by_id(page, claim_id).locator(".chip")).to_have_text(review.verdict)
    # The saved editor replaces the old one, still open and focused, so the keys keep working.
    expect_open(page, claim_id)
    expect(card).to_be_focused()
    write_rationale(page, claim_id, review)
    save_review(page, claim_id, review)


def report_quote(claim_text: str) -> list[str]:
    """The claim as the Markdown report quotes it: one '> ' line per non-blank line of the claim."""
    return ["> " + " ".join(line.split()) for line in claim_text.splitlines() if line.strip()]


def test_review_three_claims_without_reloads(page: Page, console_log, seed_text: str) -> None:
    """Paste the seed, review three claims with verdict, rationale and source in place, download the report."""
    article_id = paste_seed(page, seed_text)
    expect(page.locator(".article-text .claim-mark")).to_have_count(CLAIM_COUNT)
    expect(page).to_have_title(re.compile(re.escape(HEADLINE)))
    expect(page.locator("#progress")).to_contain_text(f"0 of {CLAIM_COUNT} claims have a verdict")
    article_path = urlsplit(page.url).path

    # Anything that reloads the document wipes this marker and fires 'load'.
    loads: list[str] = []
    navigations: list[str] = []
    page.on("load", lambda loaded: loads.append(loaded.url))
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    page.evaluate("window.__noReload = 1")

    second = claim_at(page, 2)
    thirteenth = claim_at(page, 13)
    lavrov = page.locator(".claim-row").filter(has_text="Foreign Minister Lavrov").get_attribute("data-claim")
    claim_texts = {
        claim_id: row_by_id(page, claim_id).locator(".row-text").text_content() for claim_id in (second, thirteenth, lavrov)
    }
    assert claim_texts[second].startswith("Over the past week")
    assert claim_texts[thirteenth].startswith("The Russian army liberated the Kursk region")
    # The Lavrov claim runs over a blank line; its highlight is one mark across both paragraphs.
    assert "emphasized that\n\nCrimea’s status" in claim_texts[lavrov]
    expect(page.locator(f"#hl-{lavrov}")).to_contain_text("Crimea’s status is non-negotiable")

    review_by_mouse(page, second, SECOND)
    add_source(page, second, SECOND.source)

    review_by_mouse(page, thirteenth, THIRTEENTH)
    expect(card_by_id(page, second)).to_have_count(0)  # one editor at a time
    # A URL the browser's type=url check lets through but the server refuses: the 422 editor
    # is swapped in with the message, the reviewer's input kept, nothing stored.
    fill_source(page, thirteenth, THIRTEENTH.source)
    url_input = card_by_id(page, thirteenth).locator(f"#src-url-{thirteenth}")
    url_input.fill("ftp://example.org/kursk.txt")
    assert url_input.evaluate("input => input.checkValidity()"), "the browser should not block this URL"
    with console_log.allow(r"\b422\b|responseError|Response Status Error"):
        card_by_id(page, thirteenth).get_by_role("button", name="Add source").click()
        error = card_by_id(page, thirteenth).locator(f"#claim-{thirteenth}-message .error[role=alert]")
        expect(error).to_contain_text("Source not added")
        expect(error).to_contain_text("http:// or https://")
    expect(card_by_id(page, thirteenth).locator(".sources li.source")).to_have_count(0)
    expect(card_by_id(page, thirteenth).locator(f"#src-url-{thirteenth}")).to_have_value("ftp://example.org/kursk.txt")
    expect(card_by_id(page, thirteenth).locator(f"#src-title-{thirteenth}")).to_have_value(THIRTEENTH.source.title)
    add_source(page, thirteenth, THIRTEENTH.source)

    review_by_keyboard(page, lavrov, LAVROV)
    add_source(page, lavrov, LAVROV.source)

    expect(page.locator("#progress")).to_contain_text(f"3 of {CLAIM_COUNT} claims have a verdict")
    for claim_id, review in ((second, SECOND), (thirteenth, THIRTEENTH), (lavrov, LAVROV)):
        expect(page.locator(f"#hl-{claim_id}")).to_have_class(re.compile(rf"\b{verdict_slug(review.verdict)}\b"))
        expect(row_by_id(page, claim_id).locator(".chip")).to_have_text(review.verdict)
        # Opened again, each editor shows what was saved in it.
        card = open_claim(page, claim_id)
        expect(card.locator("h3 .chip")).to_have_text(review.verdict)
        expect(card.get_by_label("Rationale (Markdown)")).to_have_value(review.rationale)
        expect(card.locator(".sources h4")).to_have_text("Sources (1)")
    page.locator("details#report > summary").click()
    expect(page.locator("#report-preview")).to_contain_text("Verdicts in review: 3")
    expect(page.locator("#report-preview")).to_contain_text(LAVROV.source.title)

    assert page.evaluate("window.__noReload") == 1, "the page was reloaded during the review"
    assert loads == []
    assert {urlsplit(url).path for url in navigations} <= {article_path}, navigations

    page.get_by_text("Report, export, rating scale, keys").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Markdown report").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"factcheck-{article_id}-from-battlefield")
    assert download.suggested_filename.endswith(".md")
    report = Path(download.path()).read_text(encoding="utf-8")
    assert f"- **Verdicts approved:** 0 of {CLAIM_COUNT} claims (0 published)" in report
    assert "- **Verdicts in review:** 3" in report  # no editor has approved them yet
    for claim_id, review in ((second, SECOND), (thirteenth, THIRTEENTH), (lavrov, LAVROV)):
        for line in report_quote(claim_texts[claim_id]):
            assert line in report
        assert f"**Verdict: {review.verdict}**" in report
        assert review.rationale in report
        assert f"[{review.source.title}](<{review.source.url}>)" in report
        assert review.source.quote in report
    assert "ftp://" not in report
    assert page.evaluate("window.__noReload") == 1, "downloading the report reloaded the page"

    assert console_log.page_errors == []
    assert console_log.csp_violations() == []
    assert page.evaluate("window.__cspViolations") == []
    assert console_log.errors == []

    if os.environ.get("FACTCHECK_SCREENSHOT") == "1":
        save_readme_screenshot(page, second)


def save_readme_screenshot(page: Page, claim_id: str) -> None:
    """docs/review-page.png: the review page with three claims reviewed and one open, for the README."""
    open_claim(page, claim_id)
    # From the top: the progress line, the shaded text with its legend, the rows and the editor.
    page.locator(".article-text").evaluate("element => element.scrollTo(0, 0)")
    page.evaluate("document.querySelectorAll('details.article-tools').forEach(d => { d.open = false; })")
    page.evaluate("window.scrollTo(0, 0)")
    page.mouse.move(0, 0)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOT, animations="disabled", caret="hide")


def test_review_without_javascript(new_page, console_log, seed_text: str) -> None:
    """With JavaScript off, a row's link opens the editor, and the plain forms save a verdict and a
    source and come back to the article with the editor open."""
    page = log_in(new_page(java_script_enabled=False), "admin")
    article_id = paste_seed(page, seed_text)
    expect(page).to_have_title(re.compile(re.escape(HEADLINE)))
    claim_id = page.locator(".claim-row").first.get_attribute("data-claim")
    card = card_by_id(page, claim_id)
    at_the_claim = re.compile(rf"/articles/{article_id}\?claim={claim_id}#claim-{claim_id}$")

    row_by_id(page, claim_id).locator(".row-link").click()
    expect(page).to_have_url(at_the_claim)
    expect(card).to_be_visible()
    verdict_label(card, "Mostly false").click()
    card.get_by_label("Rationale (Markdown)").fill("Losses are *claimed*, not **shown**.")
    card.get_by_role("button", name="Save").click()

    expect(page).to_have_url(at_the_claim)
    expect(card.locator("h3 .chip")).to_have_text("Mostly false")
    expect(card.locator(".rationale-preview em")).to_have_text("claimed")
    expect(row_by_id(page, claim_id).locator(".chip")).to_have_text("Mostly false")
    expect(page.locator(f"#hl-{claim_id}")).to_have_class(re.compile(r"\bverdict-mostly-false\b"))
    expect(page.locator("#progress")).to_contain_text(f"1 of {CLAIM_COUNT} claims have a verdict")

    # A refused source: the whole page again, with the message in the editor and the input kept.
    bad = SourceInput("ftp://example.org/losses.txt", "Losses report", "Example Wire", "", "context")
    fill_source(page, claim_id, bad)
    with console_log.allow(r"\b422\b"):
        card.get_by_role("button", name="Add source").click()
        expect(card.locator(f"#claim-{claim_id}-message .error[role=alert]")).to_contain_text("http:// or https://")
    expect(card.locator(f"#src-url-{claim_id}")).to_have_value(bad.url)

    good = SourceInput("https://example.org/losses", "Losses report", "Example Wire", "No figures given.", "refutes")
    fill_source(page, claim_id, good)
    card.get_by_role("button", name="Add source").click()
    expect(page).to_have_url(at_the_claim)
    expect(card.locator(".sources li.source").get_by_role("link", name=good.title)).to_have_attribute("href", good.url)
    expect(card.locator("h3 .chip")).to_have_text("Mostly false")

    # Close: back to the list alone.
    card.get_by_role("link", name="Close").click()
    expect(page).to_have_url(re.compile(rf"/articles/{article_id}#row-{claim_id}$"))
    expect(page.locator(".claim-card")).to_have_count(0)

    assert console_log.errors == []
    assert console_log.page_errors == []
