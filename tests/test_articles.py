"""Importing articles in the browser and the pages that list and show them."""

from __future__ import annotations

import io
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlmodel import func, select

from factcheck.models import Article, Claim
from tests.conftest import article, claims_of, counted_queries, create_seed_article, html, post, store_articles


def count(db, model) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(model)).one()


def test_home_without_articles_invites_a_first_one(client):
    page = html(client.get("/"))
    assert "No articles yet" in page.get_text()
    assert page.find("a", string="Paste or upload one")["href"] == "/articles/new"


def test_pasting_the_seed_stores_its_25_claims_as_exact_spans(client, db, seed_text):
    article_id = create_seed_article(client, seed_text)
    stored = article(db, article_id)
    assert stored.title == "From Battlefield To Bargaining Table: Russia’s Gains Shape Ukraine War Negotiations"
    assert stored.published.isoformat() == "2025-04-28"
    assert "date 2025-04-28" not in stored.text
    claims = claims_of(db, article_id)
    assert len(claims) == 25
    assert all(stored.text[c.start : c.end] == c.text for c in claims)
    assert [c.position for c in claims] == list(range(25))
    assert any(c.text.startswith("Foreign Minister Lavrov has emphasized that\n\nCrimea’s status") for c in claims)


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def test_review_page_highlights_every_claim_in_the_text(client, seed_article, db):
    claims = claims_of(db, seed_article)
    page = html(client.get(f"/articles/{seed_article}?show=all&claim={claims[0].id}"))
    marks = page.select(".article-text .claim-mark")
    assert [m.get_text() for m in marks] == [c.text for c in claims]
    # Each highlight opens its claim's editor, keeping the list as it is.
    assert [query_of(m["href"]) for m in marks] == [{"claim": str(c.id), "show": "all"} for c in claims]
    assert len(page.select(".claim-row")) == 25
    (editor,) = page.select("section.claim-card")
    assert editor.find("a", class_="to-text")["href"].endswith(f"#hl-{claims[0].id}")
    # The text between highlights is the article text: nothing lost, nothing added.
    assert page.select_one(".article-text .text").get_text() == article(db, seed_article).text


def test_every_control_on_the_review_page_has_a_visible_label(client, db, seed_article):
    page = html(client.get(f"/articles/{seed_article}?claim={claims_of(db, seed_article)[0].id}"))
    for control in page.select("input:not([type=hidden]), select, textarea"):
        if control.get("type") in ("radio", "checkbox"):
            assert control.find_parent("label").get_text(strip=True), control
        else:
            label = page.find("label", attrs={"for": control["id"]})
            assert label is not None and label.get_text(strip=True), control


def test_home_lists_article_with_progress(client, seed_article):
    page = html(client.get("/"))
    row = page.select_one("table.articles tbody tr")
    assert "From Battlefield To Bargaining Table" in row.get_text()
    assert "0 of 25 claims" in row.get_text()
    assert row.find("progress")["max"] == "25"


def test_home_shows_a_page_of_articles_newest_first_with_links_to_the_others(app, client):
    from factcheck.domain.articles import ARTICLES_PER_PAGE

    ids = store_articles(app, ARTICLES_PER_PAGE + 3)
    first = html(client.get("/"))
    titles = [a.get_text() for a in first.select("table.articles tbody tr td:first-child a")]
    assert len(titles) == ARTICLES_PER_PAGE
    assert titles[0] == f"Article {len(ids) - 1}"  # the newest
    pager = first.select_one("nav.pages")
    assert f"Page 1 of 2 · 1–{ARTICLES_PER_PAGE} of {len(ids)}" in pager.get_text(" ", strip=True)
    assert pager.select_one("a[rel=prev]") is None
    second = html(client.get(pager.select_one("a[rel=next]")["href"]))
    rows = second.select("table.articles tbody tr")
    assert [r.select_one("a").get_text() for r in rows] == ["Article 2", "Article 1", "Article 0"]
    assert "0 of 2 claims" in rows[0].get_text()
    assert second.select_one("nav.pages a[rel=prev]")["href"] == "/"
    # A page past the last shows the last; junk shows the first.
    assert len(html(client.get("/?page=99")).select("table.articles tbody tr")) == 3
    assert len(html(client.get("/?page=x%01")).select("table.articles tbody tr")) == ARTICLES_PER_PAGE
    assert client.get("/?page=x%00").status_code == 400  # a NUL anywhere: refused before any view (tests/test_hardening.py)


def test_home_takes_as_many_queries_for_a_hundred_articles_as_for_one(app, client):
    """The home page reads one page of articles and their counts, never the whole table."""
    store_articles(app, 1)
    client.get("/")
    with counted_queries(app) as one:
        client.get("/")
    store_articles(app, 120, start=1)
    with counted_queries(app) as many:
        page = html(client.get("/?page=2"))
    assert len(page.select("table.articles tbody tr")) == 50
    assert len(many) == len(one), (one, many)
    assert not any("article.text" in q for q in many), "article texts read"


def test_metadata_fields_are_stored(client, db):
    response = post(
        client,
        "/articles",
        {
            "text": "The mayor said the bridge cost $4 million. It opened in 2021.",
            "title": "Bridge costs",
            "url": "https://example.org/bridge",
            "outlet": "Example Times",
            "author": "Jane Doe",
            "published": "2024-05-02",
        },
    )
    assert response.status_code == 303
    stored = db.exec(select(Article)).one()
    assert (stored.title, stored.url, stored.outlet, stored.author) == (
        "Bridge costs",
        "https://example.org/bridge",
        "Example Times",
        "Jane Doe",
    )
    assert stored.published.isoformat() == "2024-05-02"
    assert len(claims_of(db, stored.id)) == 2


def test_headline_then_blank_line_becomes_title(client, db):
    post(client, "/articles", {"text": "Dam Bursts Near Town\n\nThe dam burst on Monday. Three villages flooded."})
    stored = db.exec(select(Article)).one()
    assert stored.title == "Dam Bursts Near Town"
    assert [c.text for c in claims_of(db, stored.id)] == ["The dam burst on Monday.", "Three villages flooded."]


def test_uploading_a_text_file(client, db, seed_text):
    response = post(
        client,
        "/articles",
        {"file": (io.BytesIO(seed_text.encode("utf-8")), "seed.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert len(claims_of(db, db.exec(select(Article)).one().id)) == 25


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "the article is empty"),
        ({"text": "   \n\n\t  "}, "the article is empty"),
        ({"text": "A claim.", "url": "javascript:alert(1)"}, "http:// or https://"),
        ({"text": "A claim.", "published": "28/04/2025"}, "YYYY-MM-DD"),
        ({"file": (io.BytesIO(b"\xff\xfe\x00bad"), "latin.txt")}, "not UTF-8 text"),
        ({"file": (io.BytesIO(b"%PDF-1.4"), "report.pdf")}, "only .txt and .md"),
        ({"file": (io.BytesIO(b"A"), "a.txt"), "text": "Also pasted."}, "not both"),
    ],
)
def test_bad_article_input_gets_a_422_page_and_stores_nothing(client, db, data, message):
    response = post(client, "/articles", data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in html(response).find(class_="error").get_text()
    assert count(db, Article) == 0 and count(db, Claim) == 0


def test_form_keeps_what_the_reviewer_typed_after_an_error(client):
    response = post(client, "/articles", {"text": "Some text.", "title": "Kept", "published": "nope"})
    page = html(response)
    assert page.find("textarea", id="text").get_text() == "Some text."
    assert page.find("input", id="title")["value"] == "Kept"


def test_upload_over_the_limit_gets_a_413_page(app, client, db):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = post(
        client, "/articles", {"file": (io.BytesIO(b"a. " * 2000), "big.txt")}, content_type="multipart/form-data"
    )
    assert response.status_code == 413
    assert "larger than the limit" in html(response).find(class_="error").get_text()
    assert count(db, Article) == 0


def test_unknown_article_is_a_404_page(client):
    response = client.get("/articles/999")
    assert response.status_code == 404
    assert "There is no article 999" in html(response).get_text()


def test_unknown_article_for_htmx_is_a_small_fragment_aimed_at_messages(client):
    response = client.get("/articles/999", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#messages"
    assert "<html" not in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["status=needs_second_review", "status=to_review", "verdict=0"])
def test_filters_show_only_matching_claims(client, db, seed_article, query):
    claims = claims_of(db, seed_article)
    post(client, f"/claims/{claims[0].id}", {"verdict": "", "status": "needs_second_review", "rationale": ""})
    page = html(client.get(f"/articles/{seed_article}?{query}&show=all"))
    shown = {int(row["data-claim"]) for row in page.select(".claim-row")}
    expected = {
        "status=needs_second_review": {claims[0].id},
        "status=to_review": {c.id for c in claims[1:]},
        "verdict=0": {c.id for c in claims},
    }[query]
    assert shown == expected
    # Highlights always show the whole text.
    assert len(page.select(".claim-mark")) == 25


def test_filter_by_htmx_returns_only_the_claim_list(client, seed_article):
    response = client.get(f"/articles/{seed_article}?status=needs_second_review", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert html(response).select_one("#claims").select_one(".shown").get_text(" ", strip=True) == "0 of 25 claims worth checking or in review"
    assert "HX-Request" in response.headers["Vary"]


def test_boosted_navigation_gets_the_whole_page(client, seed_article):
    response = client.get(f"/articles/{seed_article}", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in response.get_data(as_text=True)


def test_every_stored_claim_gets_a_checkworthiness_score_kind_and_reasons(client, db, seed_text):
    import json

    claims = claims_of(db, create_seed_article(client, seed_text))
    assert all(0.0 <= c.checkworthiness <= 1.0 and c.kind is not None for c in claims)
    statistic = claims[1]  # "Over the past week, Russian advances have secured an additional 21 square kilometers."
    assert statistic.kind.value == "statistic"
    assert "21 square kilometers" in json.loads(statistic.signals)["numbers"]


def test_a_short_first_paragraph_after_the_date_line_stays_a_claim(client, db):
    """The header is read once: a subhead-like first body paragraph is not taken for a second headline."""
    post(client, "/articles", {"text": "date 2025-04-28 Main headline\n\nFighting goes on\n\nTroops advanced. Villages fell."})
    stored = db.exec(select(Article)).one()
    assert stored.title == "Main headline"
    texts = [c.text for c in claims_of(db, stored.id)]
    assert texts == ["Fighting goes on", "Troops advanced.", "Villages fell."]
    assert all(stored.text[c.start : c.end] == c.text for c in claims_of(db, stored.id))
