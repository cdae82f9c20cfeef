"""Shaping claims: split, merge with the next, create from a passage, dismiss and restore; "not check-worthy".

Every test checks what the reviewer sees (parsed HTML) and what is stored, and the invariants
that keep highlights right: each claim is its exact span of the article text, claims do not
overlap, and positions count 0, 1, 2, ... in text order.
"""

from __future__ import annotations

import json
import random
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlmodel import select

from factcheck.domain import shaping as reshape
from factcheck.domain.scales import default_scale
from factcheck.domain.workflow import EditConflict
from factcheck.models import Article, Claim, ClaimRevision, Source
from factcheck.vocabulary import ClaimStatus
from tests.conftest import article, claims_of, html, post, rating

# Four sentences; only the first and the last are claims, so the middle is free to select.
SPARSE_TEXT = "Prices rose 5% in May.  The mayor said the bridge will reopen.\n\nIt rained. Turnout was 61 percent."


def revisions(db, claim_id):
    db.expire_all()
    return list(db.exec(select(ClaimRevision).where(ClaimRevision.claim_id == claim_id).order_by(ClaimRevision.id)))


def assert_invariants(db, article_id):
    """Exact spans, trimmed, in text order, numbered 0..n-1, never overlapping."""
    text = article(db, article_id).text
    claims = claims_of(db, article_id)
    assert [c.position for c in claims] == list(range(len(claims)))
    for claim in claims:
        assert text[claim.start : claim.end] == claim.text
        assert claim.text == claim.text.strip() and claim.text
    for first, second in zip(claims, claims[1:], strict=False):
        assert first.end <= second.start
    return claims


@pytest.fixture
def sparse_article(db) -> int:
    """An article where part of the text is no claim yet (as a JSON import can leave it)."""
    art = Article(title="Sparse", text=SPARSE_TEXT, rating_scale_id=default_scale(db).id)
    db.add(art)
    db.flush()
    for position, sentence in enumerate(["Prices rose 5% in May.", "Turnout was 61 percent."]):
        start = SPARSE_TEXT.index(sentence)
        db.add(Claim(article_id=art.id, position=position, start=start, end=start + len(sentence), text=sentence))
    db.commit()
    return art.id


def oob(page, element_id):
    found = page.find(id=element_id)
    assert found is not None and found.get("hx-swap-oob") == "true", element_id
    return found


# --- Split ----------------------------------------------------------------------------------


def test_split_with_htmx_returns_the_list_text_and_progress(client, db, seed_article):
    claim = claims_of(db, seed_article)[1]  # "Over the past week, Russian advances have secured ..."
    before = f"[{claim.start}:{claim.end}] {claim.text}"
    at = claim.text.index("Russian advances")
    response = post(client, f"/claims/{claim.id}/split", {"at": str(at)}, htmx=True, headers={"HX-Current-URL": f"http://localhost/articles/{seed_article}?show=all"})
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "claim-saved"
    assert json.loads(response.headers["HX-Trigger-After-Settle"]) == {"claim-focus": {"claim": claim.id}}
    assert "<html" not in response.get_data(as_text=True)

    claims = assert_invariants(db, seed_article)
    assert len(claims) == 26
    first, second = claims[1], claims[2]
    assert (first.id, first.text) == (claim.id, "Over the past week,")
    assert second.text == "Russian advances have secured an additional 21 square kilometers."
    assert second.checkworthiness is not None and second.kind is not None  # scored like any new claim

    page = html(response)
    rows = page.select_one("#claims").select(".claim-row")
    assert [int(r["data-claim"]) for r in rows] == [c.id for c in claims]
    assert rows[2].select_one(".row-text").get_text() == second.text
    # The first part's editor stays open, under its row.
    assert page.select_one(f"#claims #claim-{first.id} .claim-text").get_text() == first.text
    text_panel = oob(page, "text-part").select_one("#article-text")
    marks = text_panel.select(".claim-mark")
    assert [m.get_text() for m in marks] == [c.text for c in claims]
    assert text_panel.get_text() == article(db, seed_article).text
    assert "of 26 claims have a verdict" in oob(page, "progress").get_text()
    assert oob(page, "new-claim")

    assert [(r.field, r.before) for r in revisions(db, first.id)] == [("split", before)]
    assert revisions(db, first.id)[0].after == f"{reshape.describe(first)}\n{reshape.describe(second)}"
    assert [(r.field, r.before, r.after) for r in revisions(db, second.id)] == [
        ("split", before, f"[{second.start}:{second.end}] {second.text}")
    ]


def test_split_keeps_the_review_with_the_first_part(client, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    false = rating(db, "False")
    post(client, f"/claims/{claim.id}", {"verdict": str(false.id), "status": "needs_second_review", "rationale": "No."}, htmx=True)
    post(client, f"/claims/{claim.id}/sources", {"url": "https://example.org/a"}, htmx=True)
    post(client, f"/claims/{claim.id}/split", {"at": str(claim.text.index("while"))}, htmx=True)
    first, second = claims_of(db, seed_article)[:2]
    assert (first.verdict_id, first.status, first.rationale) == (false.id, ClaimStatus.NEEDS_SECOND_REVIEW, "No.")
    assert (second.verdict_id, second.status, second.rationale) == (None, ClaimStatus.TO_REVIEW, "")
    assert {s.claim_id for s in db.exec(select(Source))} == {first.id}


def test_split_without_javascript_redirects_to_the_claim_keeping_the_filters(client, db, seed_article):
    claim = claims_of(db, seed_article)[1]
    response = post(client, f"/claims/{claim.id}/split?status=to_review&sort=score", {"at": "20"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/articles/{seed_article}?claim={claim.id}&status=to_review&sort=score#claim-{claim.id}"
    assert len(claims_of(db, seed_article)) == 26


def test_split_with_htmx_keeps_the_pages_filters(client, db, seed_article):
    claim = claims_of(db, seed_article)[1]
    headers = {"HX-Current-URL": f"http://localhost/articles/{seed_article}?status=needs_second_review"}
    response = post(client, f"/claims/{claim.id}/split", {"at": "20"}, htmx=True, headers=headers)
    page = html(response)
    assert page.select("#claims section.claim-card") == []  # the filters hide it: no editor open
    assert page.select_one("#claims .shown").get_text(" ", strip=True) == "0 of 26 claims worth checking or in review"


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("", "Pick the word to split the claim before."),
        ("first", "Pick the word to split the claim before."),
        ("-3", "Pick the word to split the claim before."),
        ("0", "Pick a place inside the claim"),
        ("999", "Pick a place inside the claim"),
    ],
)
def test_a_bad_split_gets_a_422_in_the_card_and_changes_nothing(client, db, seed_article, at, message):
    claim = claims_of(db, seed_article)[1]
    response = post(client, f"/claims/{claim.id}/split", {"at": at}, htmx=True)
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == f"#claim-{claim.id}"
    assert response.headers["HX-Reswap"] == "outerHTML"
    card = html(response).select_one(f"section#claim-{claim.id}")
    assert message in card.select_one(".error[role=alert]").get_text()
    assert len(assert_invariants(db, seed_article)) == 25
    assert revisions(db, claim.id) == []


def test_a_bad_split_without_javascript_gets_the_page_with_the_message(client, db, seed_article):
    claim = claims_of(db, seed_article)[1]
    response = post(client, f"/claims/{claim.id}/split", {"at": "0"})
    assert response.status_code == 422
    assert "<html" in response.get_data(as_text=True)
    assert "Pick a place inside the claim" in html(response).select_one(f"#claim-{claim.id} .error").get_text()


def test_the_split_control_offers_each_word_and_a_sentence_break_first(client, db, sparse_article):
    claim = claims_of(db, sparse_article)[0]
    post(client, f"/claims/{claim.id}/merge", htmx=True)  # takes in the unclaimed text between the two
    merged = claims_of(db, sparse_article)[0]
    page = html(client.get(f"/articles/{sparse_article}?claim={merged.id}"))
    select = page.select_one(f"#split-at-{merged.id}")
    assert page.find("label", attrs={"for": f"split-at-{merged.id}"}).get_text() == "Split before the word"
    options = select.find_all("option")
    assert len(options) == len(merged.text.split()) - 1
    chosen = select.find("option", selected=True)
    assert chosen.get_text() == "May. | The (new sentence)"
    assert merged.text[int(chosen["value"]) :].startswith("The mayor")


# --- Merge ----------------------------------------------------------------------------------


def test_merge_with_htmx_joins_the_next_claim_and_its_gap(client, db, seed_article):
    first, second = claims_of(db, seed_article)[:2]
    first_span, second_span = reshape.describe(first), reshape.describe(second)
    first_start, second_end, second_id = first.start, second.end, second.id
    response = post(client, f"/claims/{first.id}/merge", htmx=True)
    assert response.status_code == 200
    claims = assert_invariants(db, seed_article)
    assert len(claims) == 24
    merged = claims[0]
    assert merged.id == first.id
    assert (merged.start, merged.end) == (first_start, second_end)
    assert merged.text == article(db, seed_article).text[first_start:second_end]
    assert db.get(Claim, second_id) is None
    page = html(response)
    assert oob(page, "text-part").select_one(".claim-mark").get_text() == merged.text
    assert f"hl-{second_id}" not in {m["id"] for m in page.select(".claim-mark")}
    revision = revisions(db, merged.id)[-1]
    assert revision.field == "merged"
    assert revision.before == f"{first_span}\n{second_span}"
    assert revision.after == f"[{merged.start}:{merged.end}] {merged.text}"


def test_merge_takes_the_next_claims_review_sources_and_history_when_the_first_has_none(client, db, seed_article):
    first, second = claims_of(db, seed_article)[3:5]
    true = rating(db, "True")
    post(client, f"/claims/{first.id}/sources", {"url": "https://example.org/first"}, htmx=True)
    post(client, f"/claims/{second.id}", {"verdict": str(true.id), "status": "needs_second_review", "rationale": "Seen."}, htmx=True)
    post(client, f"/claims/{second.id}/sources", {"url": "https://example.org/second"}, htmx=True)
    assert post(client, f"/claims/{first.id}/merge", htmx=True).status_code == 200
    merged = claims_of(db, seed_article)[3]
    assert merged.id == first.id
    assert (merged.verdict_id, merged.status, merged.rationale) == (true.id, ClaimStatus.NEEDS_SECOND_REVIEW, "Seen.")
    assert sorted(s.url for s in db.exec(select(Source).where(Source.claim_id == merged.id))) == [
        "https://example.org/first",
        "https://example.org/second",
    ]
    fields = [r.field for r in revisions(db, merged.id)]
    assert fields == ["source_added", "verdict", "rationale", "status", "source_added", "merged"]


@pytest.mark.parametrize("action", ["split", "merge"])
def test_a_split_or_merge_that_loses_a_race_says_so_and_keeps_the_review(client, db, seed_article, monkeypatch, action):
    """Another save moved the claim on between reading and changing it: a plain 409 in the card,
    never the review form's conflict view, which would offer to save the split form as a review."""
    claim = claims_of(db, seed_article)[0]
    post(client, f"/claims/{claim.id}", {"verdict": str(rating(db, "False").id), "rationale": "Kept.", "status": "in_progress"})

    def moved_on(session, claim, expected):  # noqa: ANN001, ARG001
        raise EditConflict(claim.id, expected)

    monkeypatch.setattr(reshape, "claim_version", moved_on)
    response = post(client, f"/claims/{claim.id}/{action}", {"at": "8"}, htmx=True)
    assert response.status_code == 409
    card = html(response).find(id=f"claim-{claim.id}")
    assert "reload the page" in card.find(class_="error").get_text()
    assert card.find(class_="conflict") is None and "Save merged version" not in card.get_text()
    stored = claims_of(db, seed_article)[0]
    assert (stored.rationale, stored.verdict_id, stored.text) == ("Kept.", rating(db, "False").id, claim.text)


def test_merging_two_reviewed_claims_is_refused(client, db, seed_article):
    first, second = claims_of(db, seed_article)[:2]
    post(client, f"/claims/{first.id}", {"verdict": str(rating(db, "True").id), "status": "needs_second_review"}, htmx=True)
    post(client, f"/claims/{second.id}", {"verdict": "", "status": "to_review", "rationale": "Hmm."}, htmx=True)
    response = post(client, f"/claims/{first.id}/merge", htmx=True)
    assert response.status_code == 422
    error = html(response).select_one(f"#claim-{first.id} .error").get_text()
    assert "both have a verdict or a rationale" in error
    assert len(assert_invariants(db, seed_article)) == 25


def test_merging_the_last_claim_is_refused(client, db, seed_article):
    last = claims_of(db, seed_article)[-1]
    response = post(client, f"/claims/{last.id}/merge", htmx=True)
    assert response.status_code == 422
    assert "no next claim" in html(response).select_one(f"#claim-{last.id} .error").get_text()


def test_merging_into_a_dismissed_claim_is_refused(client, db, seed_article):
    first, second = claims_of(db, seed_article)[:2]
    post(client, f"/claims/{second.id}/dismiss", htmx=True)
    response = post(client, f"/claims/{first.id}/merge", htmx=True)
    assert response.status_code == 422
    assert "claim 2 (dismissed), is dismissed" in html(response).select_one(f"#claim-{first.id} .error").get_text()
    assert len(claims_of(db, seed_article)) == 25


def test_split_then_merge_gives_back_the_same_claim(client, db, seed_article):
    original = next(c for c in claims_of(db, seed_article) if c.text.startswith("Foreign Minister Lavrov"))
    index = original.position
    original_id, span = original.id, (original.start, original.end, original.text)
    for at in (original.text.index("emphasized"), 7):
        post(client, f"/claims/{original.id}/split", {"at": str(at)}, htmx=True)
    assert len(assert_invariants(db, seed_article)) == 27
    post(client, f"/claims/{original.id}/merge", htmx=True)
    post(client, f"/claims/{original.id}/merge", htmx=True)
    claims = assert_invariants(db, seed_article)
    restored = claims[index]
    assert (restored.id, (restored.start, restored.end, restored.text)) == (original_id, span)
    assert [r.field for r in revisions(db, original_id)] == ["split", "split", "split", "split", "merged", "merged"]


def test_random_splits_and_merges_keep_every_span_exact(client, db, seed_article):
    chooser = random.Random(3)
    for _ in range(30):
        claims = claims_of(db, seed_article)
        claim = chooser.choice(claims)
        words = [m.start() for m in re.finditer(r"\S+", claim.text)][1:]
        if words and chooser.random() < 0.5:
            response = post(client, f"/claims/{claim.id}/split", {"at": str(chooser.choice(words))}, htmx=True)
        else:
            response = post(client, f"/claims/{claim.id}/merge", htmx=True)
        assert response.status_code in (200, 422)
        assert_invariants(db, seed_article)
    page = html(client.get(f"/articles/{seed_article}"))
    assert page.select_one(".article-text .text").get_text() == article(db, seed_article).text
    assert [m.get_text() for m in page.select(".claim-mark")] == [c.text for c in claims_of(db, seed_article)]


# --- Create ---------------------------------------------------------------------------------


def test_a_selection_becomes_a_claim_trimmed_and_numbered_in_text_order(client, db, sparse_article):
    text = SPARSE_TEXT
    start = text.index("  The mayor")  # the selection takes the spaces before, and the blank line after
    end = text.index("It rained")
    response = post(client, f"/articles/{sparse_article}/claims", {"start": str(start), "end": str(end)}, htmx=True)
    assert response.status_code == 200
    claims = assert_invariants(db, sparse_article)
    assert [c.text for c in claims] == [
        "Prices rose 5% in May.",
        "The mayor said the bridge will reopen.",
        "Turnout was 61 percent.",
    ]
    created = claims[1]
    assert created.checkworthiness is not None
    assert json.loads(response.headers["HX-Trigger-After-Settle"]) == {"claim-focus": {"claim": created.id}}
    page = html(response)
    assert [m.get_text() for m in oob(page, "text-part").select(".claim-mark")] == [c.text for c in claims]
    assert page.select_one(f"#claims #claim-{created.id} h3").get_text().startswith("Claim 2")
    form = oob(page, "new-claim")
    assert form.find("input", attrs={"name": "start"})["value"] == ""
    assert [(r.field, r.before, r.after) for r in revisions(db, created.id)] == [
        ("created", None, f"[{created.start}:{created.end}] The mayor said the bridge will reopen.")
    ]


def test_a_passage_becomes_a_claim_without_javascript(client, db, sparse_article):
    response = post(client, f"/articles/{sparse_article}/claims", {"passage": " said the bridge\r\n"})
    assert response.status_code == 303
    created = next(c for c in claims_of(db, sparse_article) if c.text == "said the bridge")
    assert response.headers["Location"] == f"/articles/{sparse_article}?claim={created.id}#claim-{created.id}"
    # The page's filters come back with it; a new claim they hide is not the anchor.
    response = post(client, f"/articles/{sparse_article}/claims?status=needs_second_review", {"passage": "It rained."})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/articles/{sparse_article}?status=needs_second_review"
    assert [c.text for c in assert_invariants(db, sparse_article)] == [
        "Prices rose 5% in May.",
        "said the bridge",
        "It rained.",
        "Turnout was 61 percent.",
    ]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"start": "22", "end": "24"}, "The selection is empty"),
        ({"start": "0", "end": "9999"}, "not inside the article text"),
        ({"start": "30", "end": "10"}, "not inside the article text"),
        ({"start": "3", "end": "30"}, "overlaps claim 1"),
        ({"start": "10", "end": ""}, "whole numbers"),
        ({"start": "1.5", "end": "4"}, "whole numbers"),
        ({"passage": "The mayor said the tunnel"}, "not in the article text"),
        ({"passage": "ai"}, "occurs 2 times"),
        ({"passage": "Turnout was"}, "overlaps claim 2"),
        ({}, "Give the passage, or its start and end"),
    ],
)
def test_a_bad_selection_gets_a_422_in_the_form_and_stores_nothing(client, db, sparse_article, form, message):
    response = post(client, f"/articles/{sparse_article}/claims", form, htmx=True)
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#new-claim"
    page = html(response)
    refused = page.select_one("form#new-claim")
    assert message in refused.select_one(".error[role=alert]").get_text()
    assert refused.find("details")
    assert refused.find("details").has_attr("open")
    assert "hx-swap-oob" not in refused.attrs
    assert len(claims_of(db, sparse_article)) == 2
    db.expire_all()
    assert db.exec(select(ClaimRevision)).all() == []


def test_a_bad_selection_without_javascript_gets_the_page_with_the_input_kept(client, db, sparse_article):
    response = post(client, f"/articles/{sparse_article}/claims", {"start": "3", "end": "30"})
    assert response.status_code == 422
    form = html(response).select_one("form#new-claim")
    assert "overlaps claim 1" in form.select_one(".error").get_text()
    assert form.find("input", attrs={"name": "start"})["value"] == "3"
    assert form.find("input", attrs={"name": "end"})["value"] == "30"


def test_offsets_count_the_text_as_the_page_shows_it(client, db):
    """A stored CR LF is one character on the page: offsets from the page still land exactly."""
    text = "First line.\r\nSecond claim here.\r\nThird."
    art = Article(title="CRLF", text=text, rating_scale_id=default_scale(db).id)
    db.add(art)
    db.commit()
    shown = text.replace("\r\n", "\n")
    start, end = shown.index("Second"), shown.index("Third")
    response = post(client, f"/articles/{art.id}/claims", {"start": str(start), "end": str(end)}, htmx=True)
    assert response.status_code == 200
    (claim,) = assert_invariants(db, art.id)
    assert claim.text == "Second claim here."


@pytest.mark.parametrize(
    ("text", "offset", "expected"),
    [
        ("abc", 2, 2),
        ("a\r\nb", 1, 1),
        ("a\r\nb", 2, 3),
        ("a\r\nb", 3, 4),
        ("a\rb", 2, 2),
        ("\r\n\r\nx", 2, 4),
        ("a\r\nb", 0, 0),
    ],
)
def test_displayed_offset(text, offset, expected):
    assert reshape.displayed_offset(text, offset) == expected


# --- Dismiss and restore --------------------------------------------------------------------


def test_dismiss_hides_the_card_keeps_the_span_and_restore_brings_it_back(client, db, seed_article):
    claims = claims_of(db, seed_article)
    claim = claims[4]
    response = post(client, f"/claims/{claim.id}/dismiss", htmx=True, headers={"HX-Current-URL": f"http://localhost/articles/{seed_article}?show=all"})
    assert response.status_code == 200
    assert json.loads(response.headers["HX-Trigger-After-Settle"]) == {"claim-focus": {"claim": claims[5].id}}
    page = html(response)
    assert page.select_one(f"#claims #claim-{claim.id}") is None
    assert page.select_one(f"#claims #claim-{claims[5].id}") is not None  # the next claim opens
    assert page.select_one("#claims .shown").get_text(" ", strip=True) == "24 of 24 claims shown · Worth checking only · 1 dismissed (hidden)"
    mark = oob(page, "text-part").find(id=f"hl-{claim.id}")
    assert mark["class"] == ["dismissed-mark"]
    assert dict(parse_qsl(urlsplit(mark["href"]).query)) == {"claim": str(claim.id), "show": "all"}
    assert "0 of 24 claims have a verdict" in oob(page, "progress").get_text()
    stored = db.get(Claim, claim.id)
    db.refresh(stored)
    assert stored.dismissed is True
    assert [(r.field, r.before, r.after) for r in revisions(db, claim.id)] == [
        ("dismissed", f"[{claim.start}:{claim.end}] {claim.text}", None)
    ]

    page = html(client.get(f"/articles/{seed_article}?dismissed=only&claim={claim.id}"))
    assert [row["data-claim"] for row in page.select(".claim-row")] == [str(claim.id)]
    (card,) = page.select("section.claim-card")
    assert card["id"] == f"claim-{claim.id}" and "dismissed" in card["class"]
    assert card.select_one(".flag-dismissed").get_text() == "Dismissed"
    assert card.select_one(".shape") is None  # no split or merge while dismissed
    restore = card.select_one("form.restore-form")
    assert restore["action"] == f"/claims/{claim.id}/restore?dismissed=only"

    response = post(client, restore["action"])
    assert response.status_code == 303
    assert response.headers["Location"] == f"/articles/{seed_article}?dismissed=only"  # it is not dismissed any more
    db.refresh(stored)
    assert stored.dismissed is False
    assert [r.field for r in revisions(db, claim.id)] == ["dismissed", "restored"]
    assert len(html(client.get(f"/articles/{seed_article}?show=all")).select(".claim-row")) == 25


def test_dismissed_claims_can_be_shown_with_the_rest(client, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    post(client, f"/claims/{claim.id}/dismiss")
    page = html(client.get(f"/articles/{seed_article}?dismissed=include&show=all"))
    assert len(page.select(".claim-row")) == 25
    assert page.select_one("#filter-dismissed option[selected]")["value"] == "include"
    progress = page.select_one("#progress").get_text().split()
    assert progress == ("0 of 24 claims have a verdict · 0 awaiting second review · 0 approved · 0 published · 1 dismissed").split()


def test_a_dismissed_claim_cannot_be_split(client, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    post(client, f"/claims/{claim.id}/dismiss")
    response = post(client, f"/claims/{claim.id}/split", {"at": "10"}, htmx=True)
    assert response.status_code == 422
    assert "restore it before you split it" in html(response).select_one(f"#claim-{claim.id} .error").get_text()


def test_dismissing_twice_records_one_change(client, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    post(client, f"/claims/{claim.id}/dismiss")
    post(client, f"/claims/{claim.id}/dismiss")
    assert [r.field for r in revisions(db, claim.id)] == ["dismissed"]


def test_dismissed_claims_are_not_in_the_report(client, db, seed_article):
    claim = claims_of(db, seed_article)[1]
    post(client, f"/claims/{claim.id}/dismiss")
    report = client.get(f"/articles/{seed_article}/report.md").get_data(as_text=True)
    assert "Over the past week" not in report
    assert "0 of 24" in report


# --- Check-worthiness -----------------------------------------------------------------------


def test_not_check_worthy_is_recorded_shown_and_reversible(client, db, seed_article):
    claim = claims_of(db, seed_article)[2]
    response = post(client, f"/claims/{claim.id}/worth-checking", {"worth_checking": "no"}, htmx=True)
    assert response.status_code == 200
    card = html(response).select_one(f"section#claim-{claim.id}")
    assert "not-worthy" in card["class"]
    assert card.select_one("h3 .flag-not-worthy").get_text() == "Not check-worthy"
    assert card.select_one("form.worth-form button").get_text(strip=True) == "Undo “not check-worthy”"
    assert "not-worthy" in html(response).select_one(f"#text-part[hx-swap-oob] #hl-{claim.id}")["class"]
    assert claims_of(db, seed_article)[2].worth_checking is False

    response = post(client, f"/claims/{claim.id}/worth-checking", {"worth_checking": ""}, htmx=True)
    card = html(response).select_one(f"section#claim-{claim.id}")
    assert card.select_one(".flag-not-worthy") is None
    assert card.select_one("form.worth-form button").get_text(" ", strip=True) == "n Not check-worthy"
    assert claims_of(db, seed_article)[2].worth_checking is None
    assert [(r.field, r.before, r.after) for r in revisions(db, claim.id)] == [
        ("worth_checking", "model's score", "not check-worthy"),
        ("worth_checking", "not check-worthy", "model's score"),
    ]


def test_not_check_worthy_without_javascript_redirects_to_the_claim(client, db, seed_article):
    claim = claims_of(db, seed_article)[2]
    response = post(client, f"/claims/{claim.id}/worth-checking", {"worth_checking": "no"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/articles/{seed_article}?claim={claim.id}#claim-{claim.id}"


def test_an_unknown_check_worthiness_call_is_a_422(client, db, seed_article):
    claim = claims_of(db, seed_article)[2]
    response = post(client, f"/claims/{claim.id}/worth-checking", {"worth_checking": "maybe"}, htmx=True)
    assert response.status_code == 422
    assert "Unknown check-worthiness call" in html(response).select_one(f"#claim-{claim.id} .error").get_text()
    assert claims_of(db, seed_article)[2].worth_checking is None


def test_cards_show_the_score_type_and_reasons(client, db, seed_article):
    claims = claims_of(db, seed_article)
    scored, unscored = claims[0], claims[1]
    scored.checkworthiness = 0.8249
    scored.kind = "attribution"
    scored.signals = json.dumps(
        {"numbers": ["21 square kilometers", "600,000"], "speaker": "Foreign Minister Lavrov", "verb": "emphasized",
         "loaded": ["bloody"]}
    )
    unscored.checkworthiness, unscored.kind, unscored.signals = None, None, ""
    db.add_all([scored, unscored])
    db.commit()
    page = html(client.get(f"/articles/{seed_article}?claim={scored.id}"))
    card = page.select_one(f"#claim-{scored.id} .worthiness")
    assert card.select_one(".score strong").get_text() == "0.82"
    assert card.select_one(".kind").get_text() == "Attribution"
    assert [li.get_text(" ", strip=True) for li in card.select(".reasons li")] == [
        "Numbers: 21 square kilometers, 600,000",
        "Speaker: Foreign Minister Lavrov",
        "Attribution verb: emphasized",
        "Loaded words: bloody",
    ]
    other = html(client.get(f"/articles/{seed_article}?claim={unscored.id}")).select_one(f"#claim-{unscored.id} .worthiness")
    assert other.select_one(".score").get_text() == "Check-worthiness: not scored yet"
    assert other.select_one(".kind") is None and other.select_one(".reasons") is None


# --- Every shaping form ---------------------------------------------------------------------


@pytest.mark.parametrize("action", ["split", "merge", "dismiss", "restore", "worth-checking"])
def test_shaping_posts_need_the_csrf_token(client, db, seed_article, action):
    claim = claims_of(db, seed_article)[0]
    assert client.post(f"/claims/{claim.id}/{action}", data={"at": "5"}).status_code == 400
    assert len(claims_of(db, seed_article)) == 25


def test_unknown_claims_are_404s(client, seed_article):
    for action in ("split", "merge", "dismiss", "restore", "worth-checking"):
        assert post(client, f"/claims/99999/{action}", {"at": "3"}).status_code == 404
    assert post(client, "/articles/99999/claims", {"start": "0", "end": "3"}).status_code == 404


def test_every_shaping_form_posts_with_a_token_and_works_without_javascript(client, db, seed_article):
    first, last = claims_of(db, seed_article)[0], claims_of(db, seed_article)[-1]
    page = html(client.get(f"/articles/{seed_article}?claim={first.id}"))
    forms = page.select("form#new-claim, form.shape-form, form.worth-form")
    # The new-claim form; in the open editor split, merge, dismiss and "not check-worthy".
    assert len(forms) == 1 + 4
    last_page = html(client.get(f"/articles/{seed_article}?claim={last.id}"))
    assert last_page.select(f"#claim-{last.id} form.merge-form") == []  # nothing after the last claim
    assert len(last_page.select(f"#claim-{last.id} form.shape-form")) == 2
    for form in forms:
        assert form["method"] == "post"
        assert form["action"] == form["hx-post"]
        assert form.find("input", attrs={"name": "csrf_token"})["value"]
    assert not page.select("[style]")
    assert not [tag for tag in page.find_all(True) if any(name.startswith("on") for name in tag.attrs)]
