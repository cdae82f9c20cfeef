"""Search: the page and the header's box, what is searched (claims, rationales, sources, article
titles, the archive), the filters, paging, hostile queries, and the index kept in step with the
rows on both databases (the suite's second pass runs this module on PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, text
from sqlmodel import Session

from factcheck.models import ArchiveEntry, Article
from factcheck.search import store as search
from factcheck.vocabulary import ClaimStatus
from tests.conftest import claims_of, html, login_as, post, rating, store_articles


def hits(response) -> list[str]:
    """The claims a results page lists, as their text."""
    return [item.find(class_="hit-claim").get_text(" ", strip=True) for item in html(response).select("ol.hits > li")]


def marked(response) -> list[str]:
    return [mark.get_text() for mark in html(response).select("ol.hits mark")]


def test_a_word_finds_the_claims_with_it_marked_and_linked_to_their_review_page(client, seed_article, db):
    response = client.get("/search?q=Kyiv")
    assert response.status_code == 200
    page = html(response)
    found = hits(response)
    assert len(found) == 2 and all("Kyiv" in claim for claim in found)
    assert set(marked(response)) == {"Kyiv"}
    link = page.select_one("ol.hits > li a")
    claim_id = int(page.select_one("ol.hits > li")["id"].removeprefix("hit-"))
    assert link["href"] == f"/articles/{seed_article}?claim={claim_id}#claim-{claim_id}"
    assert "2 found" in page.select_one("#results .meta").get_text()
    # The claim it links to is that one, in that article.
    assert client.get(link["href"].split("#")[0]).status_code == 200


def test_stemming_phrases_and_prefixes(client, seed_article):
    assert hits(client.get("/search?q=negotiation"))  # "Negotiations" in the title and text
    phrase = hits(client.get('/search?q="air defence"'))
    everything = {c for c in hits(client.get("/search?q=air defence"))}
    assert set(phrase) <= everything
    assert hits(client.get("/search?q=Bryan*")) == hits(client.get("/search?q=Bryansk"))
    assert hits(client.get("/search?q=zzzunknownword")) == []
    assert "Nothing found" in client.get("/search?q=zzzunknownword").get_data(as_text=True)


def test_rationales_sources_and_article_titles_are_searched(client, seed_article, db):
    claim = claims_of(db, seed_article)[3]
    post(client, f"/claims/{claim.id}", {"rationale": "The ministry's bulletin contradicts it.", "status": "in_progress"}, htmx=True)
    post(client, f"/claims/{claim.id}/sources", {"url": "https://example.org/report", "title": "Quarterly casualty ledger",
                                                 "publisher": "Observatory", "quote": "no such offensive took place"}, htmx=True)
    by_rationale = client.get("/search?q=bulletin")
    assert hits(by_rationale) == [claim.text]
    assert "Rationale:" in html(by_rationale).select_one(".snippet").get_text()
    assert hits(client.get("/search?q=ledger")) == [claim.text]  # a source's title
    assert hits(client.get("/search?q=Observatory")) == [claim.text]  # its publisher
    assert hits(client.get('/search?q="offensive took place"')) == [claim.text]  # its quote
    title_words = db.get(Article, seed_article).title.split()[:3]
    by_title = client.get("/search?q=" + " ".join(title_words))
    assert f"{len(claims_of(db, seed_article))} found" in html(by_title).select_one("#results .meta").get_text()


def test_the_index_follows_every_change_in_the_same_transaction(app, client, seed_article, db):
    claim = claims_of(db, seed_article)[0]
    post(client, f"/claims/{claim.id}", {"rationale": "Quokka evidence.", "status": "in_progress"}, htmx=True)
    assert hits(client.get("/search?q=quokka")) == [claim.text]
    post(client, f"/claims/{claim.id}", {"rationale": "Wombat evidence.", "status": "in_progress"}, htmx=True)
    assert hits(client.get("/search?q=quokka")) == []
    assert hits(client.get("/search?q=wombat")) == [claim.text]
    post(client, f"/claims/{claim.id}/sources", {"url": "https://example.org/a", "title": "Platypus digest"}, htmx=True)
    assert hits(client.get("/search?q=platypus")) == [claim.text]
    source_id = db.execute(text("SELECT id FROM source WHERE claim_id = :c"), {"c": claim.id}).scalar_one()
    post(client, f"/claims/{claim.id}/sources/{source_id}/delete", htmx=True)
    assert hits(client.get("/search?q=platypus")) == []
    with Session(app.extensions["factcheck.engine"]) as session:  # a rename, as a script or migration would make it
        session.execute(text("UPDATE article SET title = 'Echidna chronicle' WHERE id = :a"), {"a": seed_article})
        session.commit()
    assert f"{len(claims_of(db, seed_article))} found" in client.get("/search?q=echidna").get_data(as_text=True)
    with Session(app.extensions["factcheck.engine"]) as session:
        session.execute(text("DELETE FROM article WHERE id = :a"), {"a": seed_article})
        session.commit()
    assert hits(client.get("/search?q=echidna")) == []
    assert hits(client.get("/search?q=Kyiv")) == []


def test_a_transaction_rolled_back_leaves_the_index_as_it_was(app, seed_article, db):
    claim = claims_of(db, seed_article)[0]
    with Session(app.extensions["factcheck.engine"]) as session:
        session.execute(text("UPDATE claim SET rationale = 'Narwhal' WHERE id = :c"), {"c": claim.id})
        assert search.search_claims(session, "narwhal").total == 1
        session.rollback()
    with Session(app.extensions["factcheck.engine"]) as session:
        assert search.search_claims(session, "narwhal").total == 0


def found(response) -> int:
    """How many results the page says there are."""
    words = html(response).select_one("#results .meta")
    return int(words.get_text().split()[0]) if words else 0


def test_filters_narrow_the_results(app, client, seed_article, db):
    claims = [c for c in claims_of(db, seed_article) if "Russia" in c.text][:3]
    assert len(claims) == 3
    false = rating(db, "False")
    post(client, f"/claims/{claims[0].id}", {"verdict": str(false.id), "rationale": "No.", "status": "in_progress"}, htmx=True)
    reviewer = login_as(app, "reviewer", "rita")
    rita = db.execute(text("SELECT id FROM \"user\" WHERE username = 'rita'")).scalar_one()
    post(client, f"/articles/{seed_article}/assignments", {"reviewer_id": str(rita), "claim_id": str(claims[1].id)})
    everything = found(client.get("/search?q=Russia"))
    assert everything >= 3
    assert hits(client.get("/search?q=Russia&verdict=False")) == [claims[0].text]
    assert hits(client.get("/search?q=Russia&status=in_progress")) == [claims[0].text]
    assert found(client.get("/search?q=Russia&status=to_review")) == everything - 1
    assert hits(reviewer.get(f"/search?q=Russia&reviewer={rita}")) == [claims[1].text]
    published = db.get(Article, seed_article).published.isoformat()
    assert found(client.get(f"/search?q=Russia&from={published}&to={published}")) == everything
    assert hits(client.get("/search?q=Russia&from=2099-01-01")) == []
    assert hits(client.get("/search?q=Russia&outlet=Nowhere+Gazette")) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ("q=Russia&from=28/04/2025", "is not a date in the form YYYY-MM-DD"),
        ("q=Russia&from=2025-05-01&to=2025-04-01", "The first publication date is after the last one."),
        ("q=Russia&status=done", "There is no status 'done'"),
        ("q=Russia&reviewer=abc", "Choose the reviewer from the list."),
        ("q=" + "word " * 70, "A search can be at most 300 characters long."),
        ("q=" + "a " * 13, "A search can have at most 12 words or phrases."),
        ("q=***", "Type a word to search for"),
        ("q=Russia&verdict=%01", "A search or a filter cannot hold control characters."),
        ("q=Russia&outlet=a%01b", "A search or a filter cannot hold control characters."),
    ],
)
def test_bad_filters_and_queries_get_a_message_not_an_error(client, seed_article, args, message):
    response = client.get(f"/search?{args}")
    assert response.status_code == 422
    assert message in html(response).select_one("#results .error").get_text()
    fragment = client.get(f"/search?{args}", headers={"HX-Request": "true"})
    assert fragment.status_code == 422 and html(fragment).select_one("#results .error")


HOSTILE = [
    '"', '""', "*", "a*b*", "NEAR(a b)", "a OR", "OR AND NOT", "claim:Kyiv", "{claim}: Kyiv", "^Kyiv", "Kyiv NOT",
    "'; DROP TABLE claim; --", "Kyiv) OR (1=1", "a & b | !c", "a <-> b", "a:*", "\\", "%", "_", "Kyiv\x01", "—",
    "😀 Kyiv", "<script>alert(1)</script>", "\ue000Kyiv\ue001", "Ky\u0301iv",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_are_searched_never_run(client, seed_article, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code in (200, 422), response.get_data(as_text=True)[:500]
    assert response.status_code == 200 or html(response).select_one("#results .error")
    assert "<script>alert" not in response.get_data(as_text=True)
    assert client.get("/search?q=Kyiv").status_code == 200  # the index is intact


def test_a_nul_in_a_query_is_refused_before_the_search(client, seed_article):
    response = client.get("/search", query_string={"q": "Kyiv\x00"})
    assert response.status_code == 400 and "NUL character" in response.get_data(as_text=True)


def test_claim_text_is_escaped_and_only_the_found_words_marked(client, db):
    hostile = 'The mayor said <img src=x onerror=alert(1)> crime fell \ue000 20% \ue001 in 2024. Buses <b>ran</b> late.'
    response = post(client, "/articles", {"text": hostile, "title": "Escaping"})
    assert response.status_code == 303
    page = client.get("/search?q=crime")
    assert not html(page).select("ol.hits img") and not html(page).select("ol.hits b")
    assert marked(page) == ["crime"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.get_data(as_text=True)


def test_results_come_a_page_at_a_time_and_counting_stops_at_a_cap(app, client, monkeypatch):
    store_articles(app, 25)  # 50 claims; the mayor is in 25
    first = client.get("/search?q=mayor")
    assert len(hits(first)) == 20 and "25 found" in first.get_data(as_text=True)
    second = html(client.get("/search?q=mayor&page=2"))
    assert len(second.select("ol.hits > li")) == 5
    assert second.select_one("ol.hits")["start"] == "21"
    next_link = html(first).select_one("nav.pages a[rel=next]")["href"]
    assert "q=mayor" in next_link and "page=2" in next_link
    # The pager keeps the query and the filters, nothing else the address brings.
    odd = html(client.get("/search?q=mayor&endpoint=x&_external=1&_anchor=y"))
    assert odd.select_one("nav.pages a[rel=next]")["href"] == "/search?page=2&q=mayor"
    monkeypatch.setattr(search, "MAX_COUNTED", 10)
    capped = client.get("/search?q=mayor&page=9")
    assert "More than 10 found" in capped.get_data(as_text=True)
    assert html(capped).select_one("ol.hits")["start"] == "1"  # page 9 of 10 results: the last, page 1


def test_the_search_costs_the_same_queries_whatever_is_stored(app, client):
    from tests.conftest import counted_queries

    store_articles(app, 2)
    with counted_queries(app) as few:
        client.get("/search?q=mayor")
    store_articles(app, 60, start=2)
    with counted_queries(app) as many:
        client.get("/search?q=mayor")
    assert len(many) == len(few)


def test_the_archive_is_searched_too(app, client, db):
    db.add(ArchiveEntry(key="snopes-1", claim="A video shows a 10-meter-long anaconda swimming in a river.",
                        title="Does Video Show a 10-Meter-Long Anaconda?", summary="The anaconda is large.",
                        url="https://www.snopes.com/fact-check/anaconda/", rating="Miscaptioned", publisher="Snopes"))
    db.commit()
    page = html(client.get("/search?q=anaconda&in=archive"))
    entry = page.select_one("ol.hits > li")
    assert "10-meter-long anaconda" in entry.get_text()
    assert entry.select_one("a")["href"] == "https://www.snopes.com/fact-check/anaconda/"
    assert "Miscaptioned" in entry.get_text() and "Snopes" in entry.get_text()
    assert hits(client.get("/search?q=anaconda")) == []  # claims only, by default


def test_the_header_has_a_search_box_and_the_page_needs_a_login(client, anonymous):
    box = html(client.get("/")).select_one("header form[role=search]")
    assert box["action"] == "/search" and box.select_one("input[name=q]")
    response = anonymous.get("/search?q=Kyiv")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]


def test_reindex_rebuilds_the_indexes_from_the_rows(app, runner, seed_article, db):
    with Session(app.extensions["factcheck.engine"]) as session:
        table = "claim_search" if session.get_bind().dialect.name == "sqlite" else "claimsearch"
        session.execute(text(f"DELETE FROM {table}"))
        session.commit()
        assert search.search_claims(session, "Kyiv").total == 0
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"Indexed {len(claims_of(db, seed_article))} claims and 0 archive entries.",
        "Wrote 0 rare words of archive entries and 0 of verified claims.",
    ]
    with Session(app.extensions["factcheck.engine"]) as session:
        assert search.search_claims(session, "Kyiv").total == 2


def test_a_search_matching_more_than_the_window_ranks_only_the_newest_matches(app, db, monkeypatch):
    # The strongest match is the oldest entry: found while the window holds every match, not once
    # the newest matches fill it; then the best of those come first, and every page is cut from them.
    claims = ["Wombat wombat wombat cubes explained."] + [f"A wombat sighting number {n}." for n in range(1, 10)]
    claims[7] = "A wombat and another wombat seen."
    entries = [ArchiveEntry(key=f"entry-{n}", claim=claim, title="", summary="") for n, claim in enumerate(claims)]
    for entry in entries:
        db.add(entry)
        db.flush()  # one at a time: ids in this order, the last the newest
    db.commit()
    with Session(app.extensions["factcheck.engine"]) as session:
        everything = search.search_archive(session, "wombat")
        assert everything.total == 10 and everything.rows[0].entry_id == entries[0].id
        monkeypatch.setattr(search, "MAX_COUNTED", 4)
        monkeypatch.setattr(search, "RANK_WINDOW", 6)
        first, second, past = (search.search_archive(session, "wombat", number=n, per_page=2) for n in (1, 2, 9))
    assert (first.total, first.more, first.pages) == (4, True, 2)
    assert first.rows[0].entry_id == entries[7].id
    assert [r.entry_id for r in past.rows] == [r.entry_id for r in second.rows] and past.number == 2
    shown = [r.entry_id for r in first.rows + second.rows]
    assert len(set(shown)) == 4 and set(shown) <= {e.id for e in entries[4:]}
    assert all("<mark>" in r.claim for r in first.rows + second.rows)


def test_the_window_holds_the_newest_matches_after_the_filters(app, db, monkeypatch):
    store_articles(app, 12)  # the mayor in one claim of each, oldest first
    mayor = db.execute(text("SELECT id FROM claim WHERE text LIKE 'The mayor%' ORDER BY id")).scalars().all()
    db.execute(text("UPDATE claim SET status = 'IN_PROGRESS' WHERE id IN :ids").bindparams(
        bindparam("ids", expanding=True)), {"ids": mayor[:6]})
    db.commit()
    monkeypatch.setattr(search, "MAX_COUNTED", 4)
    monkeypatch.setattr(search, "RANK_WINDOW", 5)
    with Session(app.extensions["factcheck.engine"]) as session:
        in_progress = search.Filters(status=ClaimStatus.IN_PROGRESS)
        pages = [search.search_claims(session, "mayor", in_progress, number=n, per_page=2) for n in (1, 2)]
    assert [(p.total, p.more, p.pages) for p in pages] == [(4, True, 2)] * 2
    shown = [hit.claim_id for page in pages for hit in page.rows]
    assert len(set(shown)) == 4 and set(shown) <= set(mayor[1:6])  # never the oldest, nor one not in progress
