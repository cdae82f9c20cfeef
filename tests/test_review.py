"""The review page's filters and sort order, and the reasons shown on the cards."""

from __future__ import annotations

import json

import pytest
from werkzeug.datastructures import MultiDict

from factcheck.domain.review import Filters, claim_list, effective_score, signal_reasons, text_segments
from factcheck.domain.scales import default_scale
from factcheck.models import Article, Claim
from factcheck.vocabulary import ClaimKind, ClaimStatus
from tests.conftest import claims_of, html, post


def claim(position: int, score: float | None = None, kind: str | None = None, **fields) -> Claim:
    return Claim(
        id=position + 1, article_id=1, position=position, start=position * 10, end=position * 10 + 5,
        text="x" * 5, checkworthiness=score, kind=ClaimKind(kind) if kind else None, **fields,
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, Filters()),
        ({"status": "needs_second_review", "verdict": "3"}, Filters(status="needs_second_review", verdict=3)),
        ({"status": "finished", "verdict": "x"}, Filters()),
        ({"kind": "statistic"}, Filters(kind="statistic")),
        ({"kind": "unscored"}, Filters(kind="unscored")),
        ({"kind": "gossip"}, Filters()),
        ({"min_score": "0.5"}, Filters(min_score=0.5)),
        ({"min_score": "7"}, Filters(min_score=1.0)),
        ({"min_score": "-1"}, Filters(min_score=0.0)),
        ({"min_score": "nan"}, Filters()),
        ({"min_score": "high"}, Filters()),
        ({"sort": "score"}, Filters(sort="score")),
        ({"sort": "random"}, Filters()),
        ({"dismissed": "only"}, Filters(dismissed="only")),
        ({"dismissed": "yes"}, Filters()),
    ],
)
def test_filters_read_only_values_they_know(query, expected):
    filters = Filters.from_args(MultiDict(query))
    assert filters == expected
    assert Filters.from_args(MultiDict(filters.args())) == filters


def test_filters_args_leave_out_defaults():
    assert Filters().args() == {}
    filters = Filters(min_score=0.25, sort="score", verdict=0)
    assert filters.args() == {"verdict": "0", "min_score": "0.25", "sort": "score"}


@pytest.fixture
def listed(db):
    """Store claims in a new article and return how the list shows them under some filters."""
    stored: dict[str, int] = {}

    def store(*claims: Claim) -> None:
        scale = default_scale(db)
        article = Article(title="T", text="x" * 200, rating_scale_id=scale.id)
        db.add(article)
        db.flush()
        for made in claims:
            made.id, made.article_id = None, article.id
            db.add(made)
        db.commit()
        stored["article"] = article.id

    def positions(filters: Filters, threshold: float = 0.5) -> list[int]:
        return [c.position for c in claim_list(db, stored["article"], filters, threshold).rows]

    store.positions = positions
    return store


def test_sort_by_score_puts_the_reviewers_call_first_and_unscored_claims_last(listed):
    listed(
        claim(0, 0.4),
        claim(1, None),
        claim(2, 0.9),
        claim(3, 0.95, worth_checking=False),
        claim(4, 0.4),
        claim(5, 0.1, worth_checking=True),
    )
    assert listed.positions(Filters(sort="score", show="all")) == [5, 2, 0, 4, 3, 1]
    assert listed.positions(Filters(show="all")) == [0, 1, 2, 3, 4, 5]


def test_minimum_score_and_type_filters(listed):
    listed(
        claim(0, 0.7, "statistic"),
        claim(1, 0.3, "opinion"),
        claim(2),
        claim(3, 0.9, "statistic", worth_checking=False),
    )
    assert listed.positions(Filters(min_score=0.5)) == [0]
    assert listed.positions(Filters(min_score=0.0)) == [0, 1, 3]
    assert listed.positions(Filters(kind="statistic", show="all")) == [0, 3]
    assert listed.positions(Filters(kind="unscored", show="all")) == [2]


def test_triage_shows_the_claims_worth_checking_and_those_in_review(listed):
    listed(
        claim(0, 0.7),
        claim(1, 0.3),
        claim(2),  # not scored: nobody decided
        claim(3, 0.9, worth_checking=False),
        claim(4, 0.2, status=ClaimStatus.IN_PROGRESS),
        claim(5, 0.1, conclusion="Misleading."),
        claim(6, 0.2, worth_checking=True),
    )
    assert listed.positions(Filters(), threshold=0.5) == [0, 2, 4, 5, 6]
    assert listed.positions(Filters(show="all"), threshold=0.5) == [0, 1, 2, 3, 4, 5, 6]


def test_dismissed_filter(listed):
    listed(claim(0), claim(1, dismissed=True), claim(2))
    assert listed.positions(Filters()) == [0, 2]
    assert listed.positions(Filters(dismissed="include")) == [0, 1, 2]
    assert listed.positions(Filters(dismissed="only")) == [1]


def test_effective_score():
    assert effective_score(claim(0, 0.3)) == 0.3
    assert effective_score(claim(0, 0.3, worth_checking=False)) == 0.0
    assert effective_score(claim(0, None, worth_checking=True)) == 1.0
    assert effective_score(claim(0)) is None


@pytest.mark.parametrize(
    ("signals", "expected"),
    [
        ("", []),
        ("not json", []),
        ("[1, 2]", []),
        (json.dumps({"numbers": [], "speaker": None, "verb": None, "loaded": []}), []),
        (json.dumps({"numbers": ["21 square kilometers"]}), [("Number", "21 square kilometers")]),
        (json.dumps({"numbers": [600000, True, None, " "]}), [("Number", "600000")]),
        (json.dumps({"speaker": "Zelensky", "verb": "said"}), [("Speaker", "Zelensky"), ("Attribution verb", "said")]),
        (json.dumps({"verb": "according to", "loaded": ["bloody", "liberated"]}),
         [("Attribution verb", "according to"), ("Loaded words", "bloody, liberated")]),
        (json.dumps({"numbers": "5", "speaker": ["x"], "loaded": {"a": 1}}), []),
    ],
)
def test_signal_reasons(signals, expected):
    assert signal_reasons(claim(0, signals=signals)) == expected


def test_text_segments_keep_dismissed_spans_apart_from_the_plain_text():
    text = "One. Two. Three."
    claims = [
        Claim(id=1, article_id=1, position=0, start=0, end=4, text="One."),
        Claim(id=2, article_id=1, position=1, start=5, end=9, text="Two.", dismissed=True),
    ]
    segments = text_segments(text, claims)
    assert [(t, c.id if c else None) for t, c in segments] == [("One.", 1), (" ", None), ("Two.", 2), (" Three.", None)]


def test_the_page_sorts_by_score_and_keeps_the_filters_in_its_form(client, db, seed_article):
    claims = claims_of(db, seed_article)
    page = html(client.get(f"/articles/{seed_article}?sort=score&min_score=0&kind="))
    shown = [int(row["data-claim"]) for row in page.select(".claim-row")]
    scores = {c.id: c.checkworthiness for c in claims}
    assert sorted(shown) == sorted(c.id for c in claims)
    assert [scores[i] for i in shown] == sorted(scores.values(), reverse=True)
    form = page.select_one("form.filters")
    assert form["hx-push-url"] == "true"
    assert form.select_one("#filter-sort option[selected]")["value"] == "score"
    assert form.select_one("#filter-min-score")["value"] == "0"
    labels = {label["for"]: label.get_text() for label in form.find_all("label")}
    assert labels["filter-kind"] == "Type" and labels["filter-min-score"] == "Minimum score"
    assert labels["filter-sort"] == "Sort by" and labels["filter-dismissed"] == "Dismissed"
    kinds = [o.get_text() for o in form.select("#filter-kind option")]
    assert kinds == ["Any type", *(k.label for k in ClaimKind), "Not scored yet"]


def test_the_minimum_score_filter_by_htmx_returns_the_list(client, db, seed_article):
    claims = claims_of(db, seed_article)
    threshold = sorted(c.checkworthiness for c in claims)[-5]
    response = client.get(f"/articles/{seed_article}?min_score={threshold}", headers={"HX-Request": "true"})
    assert "<html" not in response.get_data(as_text=True)
    shown = html(response).select("#claims .claim-row")
    assert len(shown) == sum(1 for c in claims if c.checkworthiness >= threshold)
    assert html(response).select_one(".shown").get_text().startswith(f"{len(shown)} of 25 claims shown")


def test_status_filter_still_counts_only_live_claims(client, db, seed_article):
    claims = claims_of(db, seed_article)
    post(client, f"/claims/{claims[0].id}", {"verdict": "", "status": "needs_second_review", "rationale": ""})
    post(client, f"/claims/{claims[0].id}/dismiss")
    page = html(client.get(f"/articles/{seed_article}?status=needs_second_review"))
    assert page.select(".claim-row") == []
    page = html(client.get(f"/articles/{seed_article}?status=needs_second_review&dismissed=include"))
    assert [int(c["data-claim"]) for c in page.select(".claim-row")] == [claims[0].id]


def test_a_refusal_from_the_editor_is_shown_in_the_editor(app, seed_article, db):
    """A 403 raised before the view runs (not assigned) lands in the editor the reviewer acted in,
    saying why; the same refusal from elsewhere goes to the page's message area."""
    from tests.conftest import login_as

    reviewer = login_as(app, "reviewer", "rita")
    claim = claims_of(db, seed_article)[0]
    data = {"verdict": "", "rationale": "Mine.", "status": "in_progress", "version": "1"}
    response = post(reviewer, f"/claims/{claim.id}", data, htmx=True, headers={"HX-Target": f"claim-{claim.id}"})
    assert response.status_code == 403
    assert response.headers["HX-Retarget"] == f"#claim-{claim.id}-message"
    assert "not assigned" in html(response).get_text()
    response = post(reviewer, f"/claims/{claim.id}", data, htmx=True, headers={"HX-Target": "report-preview"})
    assert response.headers["HX-Retarget"] == "#messages"
    assert claims_of(db, seed_article)[0].rationale == ""


def test_a_claim_opened_although_triage_hides_it_is_listed_in_its_place(client, db, seed_article):
    """Opened from a link or the text, a claim the list leaves out is shown where the list's order
    puts it (so j and k go on from it), not first."""
    page = html(client.get(f"/articles/{seed_article}"))
    listed = [int(row["data-claim"]) for row in page.select("li.claim-row")]
    claims = claims_of(db, seed_article)
    hidden = [c for c in claims if c.id not in listed]
    assert hidden, "the seed article has claims under the threshold"
    opened = hidden[len(hidden) // 2]
    page = html(client.get(f"/articles/{seed_article}?claim={opened.id}"))
    rows = [int(row["data-claim"]) for row in page.select("li.claim-row")]
    positions = {c.id: c.position for c in claims}
    assert opened.id in rows and page.select_one(f"#claim-{opened.id}.claim-card")
    assert [positions[i] for i in rows] == sorted(positions[i] for i in rows)


def test_the_review_page_a_card_and_a_save_take_as_many_queries_for_a_long_article_as_for_a_short_one(app, client):
    """Each costs what one page of the list, one part of the text and one claim cost: the card
    fragment reads neither the list nor the text."""
    from tests.conftest import counted_queries, create_seed_article

    def costs(sentences: int) -> tuple[int, int, int, list[str]]:
        text = " ".join(f"The ministry said {n} soldiers died in town {n} on Monday." for n in range(sentences))
        article_id = create_seed_article(client, text)
        claim = claims_of_article(app, article_id)[sentences // 2]
        page = f"/articles/{article_id}?claim={claim}"
        hx = {"HX-Request": "true", "HX-Current-URL": f"http://localhost{page}"}
        client.get(page)
        with counted_queries(app) as review:
            client.get(f"{page}&show=all")
        with counted_queries(app) as card:
            version = html(client.get(f"/claims/{claim}", headers=hx)).find(attrs={"data-version": True})["data-version"]
        with counted_queries(app) as save:
            response = post(client, f"/claims/{claim}", {"rationale": "Checked.", "status": "in_progress", "version": version},
                            htmx=True, headers=hx)
            assert response.status_code == 200
        return len(review), len(card), len(save), card

    short, long = costs(3), costs(200)
    assert short[:3] == long[:3]
    assert not any("count(*)" in statement or "OFFSET" in statement for statement in long[3])  # no list, no text part


def claims_of_article(app, article_id: int) -> list[int]:
    from sqlmodel import Session, select

    with Session(app.extensions["factcheck.engine"]) as session:
        return list(session.exec(select(Claim.id).where(Claim.article_id == article_id).order_by(Claim.position)))
