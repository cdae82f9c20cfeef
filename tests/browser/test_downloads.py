"""A reviewer downloads an article's Markdown report, JSON record, CSV of claims and ClaimReview
JSON-LD from the review page, and each file reads as its format."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlmodel import Session, select

from factcheck.domain.articles import create_article
from factcheck.domain.scales import default_scale, ratings_for_scale
from factcheck.domain.workflow import save_review
from factcheck.forms import ArticleCreate
from factcheck.models import Claim
from factcheck.report.csv_export import CSV_COLUMNS
from tests.browser.conftest import log_in
from tests.conftest import make_user

pytestmark = pytest.mark.browser

TEXT = "Officials said 40 villages were taken in April. The ministry denied it on Monday. Prices rose 12% in May."
RATIONALE = "=SUM(1,2) is what the ministry’s table adds up to."


@pytest.fixture
def article(live_app: Flask) -> int:
    """An article whose first claim has a verdict and a rationale a spreadsheet would take for a
    formula; rita, a reviewer, is not assigned to it (reading and downloading are everyone's)."""
    make_user(live_app, "rita", "reviewer")
    with Session(live_app.extensions["factcheck.engine"]) as session:
        stored = create_article(session, ArticleCreate(text=TEXT, title="Villages, «taken»", outlet="Reuters"),
                                default_scale(session))
        ratings = ratings_for_scale(session, stored.rating_scale_id)
        first = session.exec(select(Claim).where(Claim.article_id == stored.id).order_by(Claim.position)).first()
        false = next(r for r in ratings if r.label == "False")
        save_review(session, first, ratings, verdict_id=false.id, rationale=RATIONALE, status="in_progress", user=None)
        session.commit()
        return stored.id


def test_a_reviewer_downloads_the_report_the_record_and_the_csv(new_page, console_log, article: int) -> None:
    page = log_in(new_page(), "rita")
    page.goto(f"/articles/{article}")
    page.get_by_text("Report, export, rating scale, keys").click()

    downloaded: dict[str, Path] = {}
    for link, extension in (("Download Markdown report", "md"), ("Export JSON", "json"), ("Download CSV", "csv"),
                            ("ClaimReview JSON-LD (published claims)", "claimreview.json")):
        with page.expect_download() as download_info:
            page.get_by_role("link", name=link).click()
        download = download_info.value
        assert download.suggested_filename == f"factcheck-{article}-villages-taken.{extension}"
        downloaded[extension] = Path(download.path())
    expect(page.get_by_role("heading", name="Villages, «taken»")).to_be_visible()  # still on the page

    report = downloaded["md"].read_text(encoding="utf-8")
    assert report.startswith("# Fact-check: Villages, «taken»\n") and "**Verdict: False**" in report
    record = json.loads(downloaded["json"].read_text(encoding="utf-8"))
    assert record["format"] == "factcheck-article/1" and record["claims"][0]["rationale"] == RATIONALE

    data = downloaded["csv"].read_bytes()
    assert data.startswith("\ufeff".encode()) and data.count("\ufeff".encode()) == 1
    header, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    assert tuple(header) == CSV_COLUMNS and len(rows) == 3
    first = dict(zip(header, rows[0], strict=True))
    assert (first["article_title"], first["outlet"], first["verdict"]) == ("Villages, «taken»", "Reuters", "False")
    assert first["rationale"] == "'" + RATIONALE  # shown as text by a spreadsheet, never run
    assert [row[header.index("claim")] for row in rows] == [
        "Officials said 40 villages were taken in April.", "The ministry denied it on Monday.", "Prices rose 12% in May."
    ]

    # Nothing of this article is published yet: its ClaimReview is an empty array, not an error.
    assert json.loads(downloaded["claimreview.json"].read_text(encoding="utf-8")) == []

    assert console_log.page_errors == [] and console_log.errors == []
