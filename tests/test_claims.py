"""Reviewing a claim: verdict, rationale, status and sources, through htmx and plain forms."""

from __future__ import annotations

import pytest
from sqlmodel import select

from factcheck.models import ClaimRevision, Source
from factcheck.rendering import RATIONALE_MAX_CHARS
from factcheck.vocabulary import ClaimStatus
from tests.conftest import claims_of, html, post, rating


def revisions(db, claim_id):
    db.expire_all()
    return list(db.exec(select(ClaimRevision).where(ClaimRevision.claim_id == claim_id).order_by(ClaimRevision.id)))


def test_saving_a_verdict_with_htmx_returns_the_updated_card_and_highlight(client, db, seed_article):
    claim = claims_of(db, seed_article)[1]
    false = rating(db, "False")
    response = post(
        client,
        f"/claims/{claim.id}",
        {"verdict": str(false.id), "status": "in_progress", "rationale": "No *independent* confirmation."},
        htmx=True,
    )
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "claim-saved"
    page = html(response)
    card = page.select_one(f"section#claim-{claim.id}")
    assert card.select_one("h3 .chip").get_text() == "False"
    assert card.select_one(f"input[name=verdict][value='{false.id}']").has_attr("checked")
    assert card.select_one(".rationale-preview em").get_text() == "independent"
    # The editor alone, and out of band what shows the claim elsewhere: its row, its highlight in
    # the text, the progress line. Nothing else of the list or the text is drawn again.
    assert (response.headers["HX-Retarget"], response.headers["HX-Reswap"]) == (f"#claim-{claim.id}", "outerHTML")
    assert page.select_one(f"li#row-{claim.id}[hx-swap-oob] .chip").get_text() == "False"
    mark = page.select_one(f"a#hl-{claim.id}[hx-swap-oob]")
    assert "verdict-false" in mark["class"]
    assert page.select_one("#claims, #text-part") is None and len(page.select(".claim-row")) == 1
    assert "1 of 25 claims have a verdict" in page.select_one("#progress[hx-swap-oob]").get_text()
    assert "<html" not in response.get_data(as_text=True)

    stored = claims_of(db, seed_article)[1]
    assert (stored.verdict_id, stored.status, stored.rationale) == (
        false.id,
        ClaimStatus.IN_PROGRESS,
        "No *independent* confirmation.",
    )
    changes = {(r.field, r.before, r.after) for r in revisions(db, claim.id)}
    assert changes == {
        ("verdict", None, "False"),
        ("status", "to_review", "in_progress"),
        ("rationale", "", "No *independent* confirmation."),
    }


def test_saving_without_javascript_redirects_back_to_the_claim(client, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    response = post(client, f"/claims/{claim.id}", {"verdict": str(rating(db, "True").id), "status": "needs_second_review"})
    assert response.status_code == 303
    # Back at the claim, its editor open.
    assert response.headers["Location"] == f"/articles/{seed_article}?claim={claim.id}#claim-{claim.id}"


def test_saving_the_same_values_records_no_revision(client, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    data = {"verdict": str(rating(db, "True").id), "status": "needs_second_review", "rationale": "ok"}
    post(client, f"/claims/{claim.id}", data, htmx=True)
    post(client, f"/claims/{claim.id}", data, htmx=True)
    assert len(revisions(db, claim.id)) == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"verdict": "9999", "status": "to_review"}, "not on this article's rating scale"),
        ({"verdict": "true", "status": "to_review"}, "not on this article's rating scale"),
        ({"verdict": "", "status": "done"}, "Unknown status"),
        ({"verdict": "", "status": "to_review", "rationale": "x" * (RATIONALE_MAX_CHARS + 1)}, "the limit is 20,000"),
    ],
)
def test_bad_review_input_gets_a_422_fragment_and_changes_nothing(client, db, seed_article, data, message):
    claim = claims_of(db, seed_article)[2]
    response = post(client, f"/claims/{claim.id}", data, htmx=True)
    assert response.status_code == 422
    card = html(response).select_one(f"section#claim-{claim.id}")
    assert message in card.select_one(".error").get_text()
    stored = claims_of(db, seed_article)[2]
    assert (stored.verdict_id, stored.status, stored.rationale) == (None, ClaimStatus.TO_REVIEW, "")
    assert revisions(db, claim.id) == []


def test_bad_review_input_without_javascript_gets_the_page_with_the_message(client, db, seed_article):
    claim = claims_of(db, seed_article)[2]
    response = post(client, f"/claims/{claim.id}", {"verdict": "9999", "status": "to_review"})
    assert response.status_code == 422
    page = html(response)
    assert "<html" in response.get_data(as_text=True)
    assert "not on this article's rating scale" in page.select_one(f"#claim-{claim.id} .error").get_text()


def test_adding_and_removing_a_source(client, db, seed_article):
    claim = claims_of(db, seed_article)[1]
    response = post(
        client,
        f"/claims/{claim.id}/sources",
        {
            "url": "https://www.understandingwar.org/backgrounder/russian-offensive-campaign-assessment-april-27-2025",
            "title": "Russian Offensive Campaign Assessment, April 27, 2025",
            "publisher": "ISW",
            "quote": "Russian forces recently advanced near Toretsk.",
            "stance": "context",
            "accessed": "2025-04-29",
        },
        htmx=True,
    )
    assert response.status_code == 200
    item = html(response).select_one(f"#claim-{claim.id} li.source")
    link = item.find("a")
    assert link["href"].startswith("https://www.understandingwar.org/")
    assert link.get_text() == "Russian Offensive Campaign Assessment, April 27, 2025"
    assert "ISW · context · accessed 2025-04-29" in item.get_text()

    source = db.exec(select(Source)).one()
    assert (source.publisher, source.stance.value, source.accessed.isoformat()) == ("ISW", "context", "2025-04-29")
    response = post(client, f"/claims/{claim.id}/sources/{source.id}/delete", htmx=True)
    assert response.status_code == 200
    assert html(response).select(f"#claim-{claim.id} li.source") == []
    db.expire_all()
    assert db.exec(select(Source)).all() == []
    assert [r.field for r in revisions(db, claim.id)] == ["source_added", "source_removed"]
    assert revisions(db, claim.id)[1].before.startswith("https://www.understandingwar.org/")


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/file", "data:text/html,hi", "example.org/no-scheme", "", "https://"]
)
def test_a_source_url_that_is_not_http_gets_a_422_fragment_saying_why(client, db, seed_article, url):
    claim = claims_of(db, seed_article)[1]
    response = post(client, f"/claims/{claim.id}/sources", {"url": url, "title": "Kept title"}, htmx=True)
    assert response.status_code == 422
    card = html(response).select_one(f"#claim-{claim.id}")
    assert card.select_one(".error").get_text().startswith("Source not added. URL: ")
    assert "http:// or https://" in card.select_one(".error").get_text()
    assert card.find("input", attrs={"name": "title"})["value"] == "Kept title"
    assert db.exec(select(Source)).all() == []
    assert revisions(db, claim.id) == []


def test_the_same_source_twice_on_a_claim_is_refused_naming_the_first(client, db, seed_article):
    claim = claims_of(db, seed_article)[1]
    first = {"url": "https://example.org/map", "title": "The map", "stance": "refutes", "accessed": "2025-04-29"}
    assert post(client, f"/claims/{claim.id}/sources", first, htmx=True).status_code == 200
    response = post(client, f"/claims/{claim.id}/sources", {"url": "https://example.org/map/", "title": "Again"}, htmx=True)
    assert response.status_code == 422
    card = html(response).select_one(f"#claim-{claim.id}")
    assert card.select_one(".error").get_text() == (
        "Source not added: claim 2 already cites https://example.org/map (“The map”, refutes, accessed 2025-04-29)."
    )
    assert card.find("input", attrs={"name": "title"})["value"] == "Again"  # the form keeps what was typed
    assert [s.title for s in db.exec(select(Source)).all()] == ["The map"]
    # Another claim may cite it too.
    other = claims_of(db, seed_article)[2]
    assert post(client, f"/claims/{other.id}/sources", first, htmx=True).status_code == 200


def test_removing_a_source_of_another_claim_is_a_404(client, db, seed_article):
    first, second = claims_of(db, seed_article)[:2]
    post(client, f"/claims/{first.id}/sources", {"url": "https://example.org/a"}, htmx=True)
    source = db.exec(select(Source)).one()
    assert post(client, f"/claims/{second.id}/sources/{source.id}/delete").status_code == 404
    db.expire_all()
    assert db.exec(select(Source)).one().id == source.id


def test_unknown_claim_is_a_404(client):
    assert post(client, "/claims/12345", {"verdict": ""}).status_code == 404


def test_rationale_preview_is_rendered_and_sanitized(client):
    response = post(client, "/rationale/preview", {"rationale": "**Bold** <script>alert(1)</script>"}, htmx=True)
    page = html(response)
    assert page.find("strong").get_text() == "Bold"
    assert page.find("script") is None


def test_history_page_lists_every_change(client, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    post(client, f"/claims/{claim.id}", {"verdict": str(rating(db, "Mostly true").id), "status": "needs_second_review"}, htmx=True)
    post(client, f"/claims/{claim.id}/sources", {"url": "https://example.org/evidence"}, htmx=True)
    rows = html(client.get(f"/claims/{claim.id}/history")).select("table.history tbody tr")
    cells = [[td.get_text(strip=True) for td in row.find_all("td")[1:]] for row in rows]
    assert ["admin", "verdict", "—", "Mostly true"] in cells
    assert ["admin", "status", "To review", "Needs second review"] in cells
    assert ["admin", "source added", "—", "https://example.org/evidence (context)"] in cells


def test_claim_link_without_javascript_opens_the_article_at_the_claim(client, db, seed_article):
    claim = claims_of(db, seed_article)[3]
    response = client.get(f"/claims/{claim.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/articles/{seed_article}?claim={claim.id}#claim-{claim.id}"


def test_a_save_redraws_the_claims_mark_only_where_the_page_shows_its_part(client, db):
    """The reviewer's page (HX-Current-URL) may show another part of the text than the open claim's:
    then there is no mark to redraw, and none is sent (htmx would find nothing to swap)."""
    from tests.conftest import create_seed_article

    text = " ".join(f"The ministry said {n} soldiers died in town {n} on Monday." for n in range(45))
    article_id = create_seed_article(client, text)
    claim = claims_of(db, article_id)[0]
    for part, marked in (("", True), ("1", True), ("2", False)):
        page = f"http://localhost/articles/{article_id}?claim={claim.id}" + (f"&part={part}" if part else "")
        response = post(client, f"/claims/{claim.id}", {"rationale": f"Part {part}.", "status": "in_progress"},
                        htmx=True, headers={"HX-Current-URL": page})
        assert response.status_code == 200
        assert (html(response).select_one(f"#hl-{claim.id}") is not None) is marked, part
