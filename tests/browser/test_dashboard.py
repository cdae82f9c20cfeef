"""A reviewer opens the dashboard: three charts drawn, at desktop and phone width, with htmx filters and without."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.conftest import make_user
from tests.test_dashboard import add_article

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "dashboard.png"


@pytest.fixture
def reviewed(live_app) -> None:
    """A reviewer, and signed-off verdicts from three outlets (one name long enough to be cut)."""
    make_user(live_app, "rita")
    add_article(live_app, "Reuters", [("True", "approved"), ("False", "published"), ("Mostly false", "approved")])
    add_article(live_app, "Associated Press and its International Edition for Readers Abroad",
                [("Half true", "approved"), ("False", "approved")], number=1)
    add_article(live_app, "AP", [("Mostly True", "approved"), ("Pants on Fire", "published")], number=2,
                scale="PolitiFact-style (6 levels)")


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def charts_drawn(page: Page) -> None:
    """Three charts, each visible and of a real size, within the page's width."""
    charts = page.locator("#charts figure svg")
    expect(charts).to_have_count(3)
    width = page.evaluate("document.documentElement.clientWidth")
    for index in range(3):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 80, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (box, width)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_reviewer_reads_the_dashboard(new_page, reviewed, console_log, viewport):
    page = log_in(new_page(**({"viewport": viewport} if viewport else {})), "rita")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.wait_for_url(re.compile(r"/dashboard$"))
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    charts_drawn(page)
    no_sideways_scroll(page)
    if viewport is None and os.environ.get("FACTCHECK_SCREENSHOT") == "1":
        # docs/dashboard.png, for the README's Publishing section.
        page.mouse.move(0, 0)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
    verdicts = page.get_by_role("img", name=re.compile(r"^Signed-off verdicts, all time"))
    expect(verdicts).to_be_visible()
    expect(verdicts.locator("text.chart-empty")).to_have_count(0)

    # The numbers behind a chart, for those who would rather read them.
    section = page.locator("section#verdicts")
    section.get_by_text("The numbers").click()
    expect(section.locator("tbody tr", has=page.locator("th", has_text=re.compile(r"^False$"))).locator("td")).to_have_text("2")
    expect(section.locator("tfoot")).to_contain_text("7")
    no_sideways_scroll(page)

    # Filtering swaps the charts in place (htmx), and the address keeps the filter.
    page.get_by_role("textbox", name="Outlet").fill("AP")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"/dashboard\?.*outlet=AP"))
    expect(page.get_by_role("img", name=re.compile(r"^Signed-off verdicts, all time \(AP\)"))).to_be_visible()
    charts_drawn(page)
    no_sideways_scroll(page)

    # A date the server cannot read gets a message where the charts were; the page stays.
    page.goto("/dashboard?from=2025-02-30")
    expect(page.locator("#charts [role=alert]")).to_contain_text("From: '2025-02-30' is not a date")
    console_log.errors = [e for e in console_log.errors if "422" not in e]  # the refused address itself
    assert not console_log.page_errors and not console_log.errors, console_log.dump()


def test_the_dashboard_without_javascript(new_page, reviewed):
    page = log_in(new_page(java_script_enabled=False), "rita")
    page.goto("/dashboard")
    charts_drawn(page)
    page.get_by_role("textbox", name="Outlet").fill("Reuters")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"/dashboard\?.*outlet=Reuters"))
    expect(page.get_by_role("img", name=re.compile(r"^Signed-off verdicts, all time \(Reuters\)"))).to_be_visible()
    charts_drawn(page)
