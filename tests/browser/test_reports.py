"""A reviewer's journey on the Reports page: filter the collection by outlet, read its totals,
download its Markdown report; and the page on a phone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.test_reports import build_newsroom

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def newsroom(live_app) -> dict[str, int]:
    """The reports' newsroom (tests/test_reports.py): four articles, three outlets, two reviewers."""
    return build_newsroom(live_app, make_admin=False)


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("document.documentElement.clientWidth") + 1, f"the page is {width} px wide"


def test_a_reviewer_filters_by_outlet_and_downloads_the_markdown_report(new_page, newsroom, console_log):
    page = log_in(new_page(), "rita")
    page.evaluate("window.__noReload = 1")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    expect(page.locator("#report-results h2")).to_have_text("Collection: every article")

    page.get_by_label("Outlet").select_option("Reuters")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"/reports\?.*outlet=Reuters"))
    results = page.locator("#report-results")
    expect(results.locator("h2")).to_have_text("Collection: outlet Reuters")
    expect(results.locator("table.report-articles tbody tr")).to_have_count(2)
    expect(results.locator("#totals-verdicts")).to_contain_text("Mostly true")
    assert page.evaluate("window.__noReload") == 1, "the filter reloaded the page instead of swapping the results"

    with page.expect_download() as download_info:
        results.get_by_role("link", name="Markdown").click()
    download = download_info.value
    assert download.suggested_filename == "factcheck-report-outlet-reuters.md"
    report = Path(download.path()).read_text(encoding="utf-8")
    assert report.startswith("# Fact-check report: outlet Reuters\n")
    for section in ("## Totals", "### Verdicts", "### Outlets", "### Claimants", "### Reviewers", "## Rating scales",
                    "## Fact-check: Unemployment", "## Fact-check: Exports", "#### Claim 1", "**Sign-off:**",
                    "**Correction (2025-05-06):**", "### Not yet reviewed"):
        assert f"{section}" in report, section
    assert "## Fact-check: Budget" not in report  # another outlet's
    assert page.evaluate("window.__noReload") == 1, "downloading the report reloaded the page"

    # An article's own report is one click away.
    results.get_by_role("link", name="Unemployment").click()
    expect(page.locator("#report-preview h1")).to_have_text("Fact-check: Unemployment")
    assert not console_log.page_errors


def test_the_reports_page_fits_a_phone(new_page, newsroom, console_log):
    page = log_in(new_page(viewport=PHONE, is_mobile=True, has_touch=True), "rita")
    page.goto("/reports?outlet=Reuters")
    expect(page.locator("#report-results table.report-articles tbody tr")).to_have_count(2)
    no_sideways_scroll(page)
    expect(page.get_by_role("link", name="Markdown")).to_be_visible()
    expect(page.get_by_role("button", name="Show")).to_be_visible()
