"""The Markdown report and the JSON record, from the pages and as pure writers."""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup

from factcheck.rendering import render_markdown
from factcheck.report.markdown import escape, report_markdown
from tests.conftest import claims_of, html, post, rating


@pytest.fixture
def reviewed(client, db, seed_article):
    """The seed with two claims reviewed (one with two sources) and one only in progress."""
    claims = claims_of(db, seed_article)
    post(
        client,
        f"/claims/{claims[1].id}",
        {"verdict": str(rating(db, "Mostly false").id), "status": "needs_second_review", "rationale": "ISW maps show *less*."},
        htmx=True,
    )
    for url, title, stance in [
        ("https://www.understandingwar.org/a_(b)", "ISW assessment", "refutes"),
        ("https://deepstatemap.live/en", "", "context"),
    ]:
        post(
            client,
            f"/claims/{claims[1].id}/sources",
            {"url": url, "title": title, "publisher": "ISW" if title else "", "stance": stance, "accessed": "2025-04-30",
             "quote": "Russian forces advanced\nnear Toretsk."},
            htmx=True,
        )
    post(client, f"/claims/{claims[12].id}", {"verdict": str(rating(db, "Not a claim").id), "status": "needs_second_review"}, htmx=True)
    post(client, f"/claims/{claims[3].id}", {"verdict": "", "status": "in_progress", "rationale": "Looking"}, htmx=True)
    return seed_article


def test_markdown_report_download_holds_the_verdicts(client, reviewed):
    response = client.get(f"/articles/{reviewed}/report.md")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"  # the charset once
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="factcheck-{reviewed}-from-battlefield-to-bargaining-table-russias-gains-shape-ukr.md"'
    )
    report = response.get_data(as_text=True)
    assert report.startswith("# Fact-check: From Battlefield To Bargaining Table: Russia’s Gains Shape Ukraine War Negotiations\n")
    assert "- **Published:** 2025-04-28" in report
    assert "- **Verdicts approved:** 0 of 25 claims (0 published)" in report and "- **Verdicts in review:** 2" in report
    # The summary counts approved verdicts only: these two are drafts until an editor approves them.
    assert "| Mostly false | 0 |" in report and "| In review (not yet approved) | 2 |" in report
    assert "| Not yet reviewed | 23 |" in report and "| **Total** | 25 |" in report
    assert "## Approved verdicts\n\nNo verdict has been approved yet." in report
    reviewed_part, unreviewed_part = report.split("## In review (drafts, not yet approved)")[1].split("## Not yet reviewed")
    assert "### Claim 2\n\n> Over the past week, Russian advances have secured an additional 21 square kilometers.\n" in reviewed_part
    assert "**Verdict: Mostly false** (status: needs second review)\n\nRationale:\n\n> ISW maps show *less*." in reviewed_part
    assert "- [ISW assessment](<https://www.understandingwar.org/a_(b)>) — ISW, accessed 2025-04-30, refutes" in reviewed_part
    assert "  > Russian forces advanced\n  > near Toretsk." in reviewed_part
    assert "- [https://deepstatemap.live/en](<https://deepstatemap.live/en>) — accessed 2025-04-30, context" in reviewed_part
    assert "### Claim 13" in reviewed_part and "_No rationale written._" in reviewed_part
    assert "- **Claim 1:** Russian forces are making gradual territorial gains" in unreviewed_part
    assert "- **Claim 4:** The skies over the battlefield" in unreviewed_part  # in progress without verdict: unreviewed
    assert "2. Over the past week" not in unreviewed_part


def test_the_same_article_always_gives_the_same_report_bytes(client, reviewed):
    first = client.get(f"/articles/{reviewed}/report.md").data
    assert client.get(f"/articles/{reviewed}/report.md").data == first


def test_report_preview_on_the_article_page_and_its_own_page(client, reviewed):
    page = html(client.get(f"/articles/{reviewed}"))
    # On the article page the preview is drawn when opened: its own page's fragment, fetched then.
    placeholder = page.select_one("#report #report-preview")
    assert placeholder["hx-get"] == f"/articles/{reviewed}/report" and placeholder.find("table") is None
    assert page.find("a", string="Download Markdown report")["href"] == f"/articles/{reviewed}/report.md"
    fragment = client.get(placeholder["hx-get"], headers={"HX-Request": "true"})
    preview = html(fragment).select_one("#report-preview")
    assert preview.find("h1").get_text().startswith("Fact-check: From Battlefield")
    assert preview.find("table") is not None
    assert "<html" not in fragment.get_data(as_text=True)
    assert html(fragment).select_one("#report-preview a[href='https://www.understandingwar.org/a_(b)']")


def test_json_export_follows_the_record_format(client, reviewed):
    response = client.get(f"/articles/{reviewed}/export.json")
    record = json.loads(response.data)
    assert record["format"] == "factcheck-article/1"
    assert set(record["article"]) >= {"title", "published", "url", "outlet", "author", "text"}
    assert record["article"]["published"] == "2025-04-28"
    assert [r["label"] for r in record["rating_scale"]["ratings"]] == [
        "True", "Mostly true", "Half true", "Mostly false", "False", "Unverifiable", "Not a claim"
    ]
    assert len(record["claims"]) == 25
    text = record["article"]["text"]
    assert all(text[c["start"] : c["end"]] == c["text"] for c in record["claims"])
    second = record["claims"][1]
    assert (second["verdict"], second["status"], second["rationale"]) == ("Mostly false", "needs_second_review", "ISW maps show *less*.")
    assert second["sources"][0] == {
        "url": "https://www.understandingwar.org/a_(b)",
        "title": "ISW assessment",
        "publisher": "ISW",
        "quote": "Russian forces advanced\nnear Toretsk.",
        "stance": "refutes",
        "accessed": "2025-04-30",
    }
    assert record["claims"][0]["verdict"] is None


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("*not emphasis*", r"\*not emphasis\*"),
        ("[a](javascript:x)", r"\[a\](javascript:x)"),
        ("<b>tag</b>", r"\<b\>tag\</b\>"),
        ("# not a heading", r"\# not a heading"),
        ("- not a list", r"\- not a list"),
        ("1. not a list", r"1\. not a list"),
        ("a | b", r"a \| b"),
    ],
)
def test_article_text_is_escaped_in_the_report(text, shown):
    assert escape(text) == shown


def test_report_writer_on_an_unreviewed_article():
    record = {
        "article": {"title": "T", "published": None, "url": "", "outlet": "", "author": "", "text": "A."},
        "rating_scale": {"name": "S", "ratings": [{"label": "True", "value": 1}]},
        "claims": [{"start": 0, "end": 2, "text": "A.", "status": "to_review", "verdict": None, "rationale": "", "sources": []}],
    }
    report = report_markdown(record)
    assert "No verdict has been approved yet." in report and "## In review" not in report
    assert report.endswith("## Not yet reviewed\n\n- **Claim 1:** A.\n")


def test_the_report_keeps_drafts_apart_from_approved_verdicts():
    claim = {"start": 0, "end": 2, "rationale": "Why.", "sources": [], "verdict": "True"}
    record = {
        "article": {"title": "T", "published": None, "url": "", "outlet": "", "author": "", "text": "A. B. C. D."},
        "rating_scale": {"name": "S", "ratings": [{"label": "True", "value": 1}]},
        "claims": [
            claim | {"text": "A.", "status": "published"},
            claim | {"text": "B.", "status": "approved"},
            claim | {"text": "C.", "status": "in_progress"},
            claim | {"text": "D.", "status": "to_review", "verdict": None},
        ],
    }
    report = report_markdown(record)
    assert "- **Verdicts approved:** 2 of 4 claims (1 published)" in report
    assert "| True | 2 |" in report and "| In review (not yet approved) | 1 |" in report
    approved, rest = report.split("## In review (drafts, not yet approved)")
    assert "### Claim 1" in approved and "### Claim 2" in approved and "### Claim 3" not in approved
    drafts, unreviewed = rest.split("## Not yet reviewed")
    assert "### Claim 3\n\n> C.\n\n**Verdict: True** (status: in progress)" in drafts
    assert unreviewed.strip() == "- **Claim 4:** D."


def test_the_unreviewed_claims_keep_their_numbers_when_the_report_is_rendered():
    """Claims 1, 3 and 4 unreviewed: the rendered report (the app's own preview) says 1, 3, 4."""
    claim = {"rationale": "", "sources": [], "status": "to_review", "verdict": None}
    record = {
        "article": {"title": "T", "published": None, "url": "", "outlet": "", "author": "", "text": "A. B. C. D."},
        "rating_scale": {"name": "S", "ratings": [{"label": "True"}]},
        "claims": [
            {**claim, "text": "A."},
            {**claim, "text": "B.", "verdict": "True", "status": "approved", "rationale": "Yes."},
            {**claim, "text": "C."},
            {**claim, "text": "D."},
        ],
    }
    rendered = BeautifulSoup(str(render_markdown(report_markdown(record), limit=100_000)), "html5lib")
    heading = rendered.find("h2", string="Not yet reviewed")
    items = [li.get_text(" ", strip=True) for li in heading.find_next("ul").find_all("li")]
    assert items == ["Claim 1: A.", "Claim 3: C.", "Claim 4: D."]
    assert heading.find_next("ol") is None


def test_a_report_too_long_to_render_is_previewed_as_its_markdown(app, client, reviewed):
    app.jinja_env.globals["REPORT_PREVIEW_MAX_CHARS"] = 100
    preview = html(client.get(f"/articles/{reviewed}/report")).select_one("#report-preview")
    assert "too long to preview rendered" in preview.get_text()
    assert preview.select_one("pre.report-source").get_text().startswith("# Fact-check: From Battlefield")


def test_the_report_is_the_methodology_record_of_the_article(client, reviewed):
    """The scale's legend, who wrote each verdict (and that no one approved it yet), the claimant,
    and how check-worthy each claim left unreviewed is."""
    report = client.get(f"/articles/{reviewed}/report.md").get_data(as_text=True)
    assert "## Rating scale: Truth-O-Meter (7 labels)\n\nFive degrees of truth" in report
    assert "- **Mostly false**: Contains an element of truth but ignores facts that give a different impression.\n" in report
    drafts = report.split("## In review (drafts, not yet approved)")[1].split("## Not yet reviewed")[0]
    assert drafts.count("**Sign-off:** reviewed by admin; not yet approved.\n") == 2
    unreviewed = report.split("## Not yet reviewed\n\n")[1]
    assert unreviewed.startswith("Each with how check-worthy the model found it, from 0 to 1 (0.54 or more: worth checking).")
    assert re.search(r"- \*\*Claim 20:\*\* Foreign Minister Lavrov .*\. \(check-worthiness 0\.\d\d; claimant: Foreign "
                     r"Minister Lavrov\)\n", unreviewed)


def test_the_methodology_record_from_a_full_record():
    claim = {"rationale": "Why.", "sources": [], "status": "published", "verdict": "True", "corrections": [],
             "checkworthiness": 0.9, "claimant": "", "claim_date": None, "claim_url": "", "reviewer": "Ana *A*",
             "approver": "Ed", "approved_on": "2025-05-01", "published_on": "2025-05-02"}
    record = {
        "article": {"title": "T", "published": None, "url": "", "outlet": "", "author": "", "tags": ["a", "b"], "text": "A. B. C."},
        "rating_scale": {"name": "S", "description": "How *true*.", "free_text": False,
                         "ratings": [{"label": "True", "value": 1, "description": "Accurate."}, {"label": "False", "value": 0}]},
        "claims": [
            claim | {"text": "A.", "claimant": "Mayor <b>X</b>", "claim_date": "2025-04-01", "claim_url": "https://example.org/s"},
            claim | {"text": "B.", "status": "approved", "reviewer": None, "approver": None, "published_on": None},
            claim | {"text": "C.", "status": "to_review", "verdict": None, "checkworthiness": 0.8249, "claimant": "Bo"},
        ],
    }
    report = report_markdown(record)
    assert "- **Tags:** a, b\n" in report
    assert "## Rating scale: S\n\nHow \\*true\\*.\n\n- **True**: Accurate.\n- **False**\n\n## Approved verdicts" in report
    assert ("### Claim 1\n\n> A.\n\n**Claimant:** Mayor \\<b\\>X\\</b\\>, 2025-04-01 ([where it was said](<https://example.org/s>))"
            "\n\n**Verdict: True** (status: published)") in report
    assert "**Sign-off:** reviewed by Ana \\*A\\*; approved by Ed on 2025-05-01; published on 2025-05-02.\n" in report
    assert "**Sign-off:** reviewer not recorded; approved (approver not recorded) on 2025-05-01.\n" in report
    assert report.endswith("- **Claim 3:** C. (check-worthiness 0.82; claimant: Bo)\n")
