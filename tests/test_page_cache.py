"""The review page served again while nothing on it changed: change stamps bumped by every kind of
change in the same transaction, and never a stale page, even when another process made the change."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from factcheck import create_app
from factcheck.domain.changes import SITE, article_scope, stamps
from factcheck.matching.queue import match_queued
from factcheck.models import Article, ChangeStamp, Claim
from tests.conftest import FAST_HASHING, claims_of, create_seed_article, html, log_in, login_as, post, rating
from tests.teamwork import assign, user_id
from tests.test_workflow import save


def stamp_of(db: Session, *scopes: str) -> dict[str, int]:
    db.expire_all()
    db.rollback()  # a fresh snapshot
    return dict(stamps(db, scopes))


@pytest.fixture
def two_articles(app, client, seed_text) -> tuple[int, int]:
    articles = create_seed_article(client, seed_text), create_seed_article(client, "The mayor said crime fell 40% in 2025.")
    # The background matcher has been: opening a claim stores nothing more (a first open would).
    match_queued(app.extensions["factcheck.engine"])
    return articles


def test_each_kind_of_change_bumps_its_article_and_nothing_else(app, client, db, two_articles):
    first, second = two_articles
    login_as(app, "reviewer", "rita")
    claim = claims_of(db, first)[0]
    scopes = (article_scope(first), article_scope(second), SITE)
    changes = {
        "verdict": lambda: save(client, claim.id, verdict=rating(db, "False").id, rationale="Wrong."),
        "source": lambda: post(client, f"/claims/{claim.id}/sources", {"url": "https://example.org/a"}, htmx=True),
        "comment": lambda: post(client, f"/claims/{claim.id}/comments", {"body": "Ask the ministry."}, htmx=True),
        "assignment": lambda: assign(client, first, user_id(db, "rita")),
    }
    for name, change in changes.items():
        before = stamp_of(db, *scopes)
        response = change()
        assert response.status_code in (200, 303), (name, response.get_data(as_text=True)[:300])
        after = stamp_of(db, *scopes)
        assert after[article_scope(first)] > before[article_scope(first)], name
        assert after[article_scope(second)] == before[article_scope(second)], name
        assert after[SITE] == before[SITE], name


def test_a_refused_change_bumps_nothing(client, db, two_articles):
    first, _ = two_articles
    claim = claims_of(db, first)[0]
    before = stamp_of(db, article_scope(first))
    response = save(client, claim.id, verdict="999999", rationale="x")
    assert response.status_code == 422
    assert stamp_of(db, article_scope(first)) == before


def test_renaming_a_user_bumps_the_site(app, client, db, two_articles):
    login_as(app, "reviewer", "rita")  # the user to rename
    before = stamp_of(db, SITE)[SITE]
    response = post(client, f"/users/{user_id(db, 'rita')}", {"display_name": "Rita R.", "role": "reviewer", "active": "1"})
    assert response.status_code == 303
    assert stamp_of(db, SITE)[SITE] > before


def test_a_statement_nobody_labelled_makes_every_page_look_changed(app, db, two_articles):
    first, _ = two_articles
    before = stamp_of(db, article_scope(first), SITE)
    with Session(app.extensions["factcheck.engine"]) as session:
        session.exec(update(Claim).where(Claim.article_id == first).values(conclusion="x"))
        session.commit()
    after = stamp_of(db, article_scope(first), SITE)
    assert after[SITE] > before[SITE]
    with Session(app.extensions["factcheck.engine"]) as session:
        session.exec(
            update(Claim).where(Claim.article_id == first).values(conclusion="y").execution_options(article_id=first)
        )
        session.commit()
    assert stamp_of(db, article_scope(first), SITE) == {**after, article_scope(first): after[article_scope(first)] + 1}


def test_a_transaction_bumps_each_stamp_once_and_the_next_one_again(app, db, two_articles):
    """A save writes its claim twice (its version, then its fields) and its history: one bump."""
    first, _ = two_articles
    claim_id = claims_of(db, first)[0].id
    before = stamp_of(db, article_scope(first))[article_scope(first)]
    with Session(app.extensions["factcheck.engine"]) as session:
        session.exec(update(Claim).where(Claim.id == claim_id).values(conclusion="x").execution_options(article_id=first))
        claim = session.get(Claim, claim_id)
        claim.rationale = "One."
        session.flush()
        claim.rationale = "Two."
        session.commit()
        assert stamp_of(db, article_scope(first))[article_scope(first)] == before + 1
        claim.rationale = "Three."  # a new transaction
        session.commit()
    assert stamp_of(db, article_scope(first))[article_scope(first)] == before + 2
    with Session(app.extensions["factcheck.engine"]) as session:
        session.get(Claim, claim_id).rationale = "Rolled back."
        session.flush()
        session.rollback()
        session.get(Claim, claim_id).rationale = "Four."
        session.commit()
    assert stamp_of(db, article_scope(first))[article_scope(first)] == before + 3


def test_the_page_is_served_again_until_it_changes(app, client, db, two_articles):
    first, _ = two_articles
    cache = app.extensions["factcheck.page_cache"]
    url = f"/articles/{first}?show=all"
    page = client.get(url).get_data(as_text=True)
    kept = len(cache)
    assert client.get(url).get_data(as_text=True) == page
    assert len(cache) == kept  # the same page, not drawn and kept again
    claim = claims_of(db, first)[2]
    assert save(client, claim.id, verdict=rating(db, "Half true").id, rationale="Partly.").status_code == 200
    row = html(client.get(url)).select_one(f"#row-{claim.id} .chip")
    assert row.get_text(strip=True) == "Half true"


def test_another_process_change_is_never_served_stale(app, database_url, client, db, two_articles):
    """Two app processes on one database (two workers): a change made through one shows at once
    on the other, although the other had kept the page."""
    first, _ = two_articles
    other = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret", **FAST_HASHING})
    try:
        reader = other.test_client()
        assert log_in(reader, "admin").status_code == 303
        url = f"/articles/{first}?show=all"
        claim = claims_of(db, first)[0]
        before = html(reader.get(url)).select_one(f"#row-{claim.id} .chip").get_text(strip=True)
        assert html(reader.get(url)).select_one(f"#row-{claim.id} .chip").get_text(strip=True) == before
        assert save(client, claim.id, verdict=rating(db, "Mostly false").id, rationale="No.").status_code == 200
        assert html(reader.get(url)).select_one(f"#row-{claim.id} .chip").get_text(strip=True) == "Mostly false"
        # A rename elsewhere (the assignee names on every page) shows too.
        login_as(app, "reviewer", "rita")
        assert assign(client, first, user_id(db, "rita")).status_code == 303
        assert "rita" in html(reader.get(url)).select_one(f"#row-{claim.id} .assignee").get_text()
        post(client, f"/users/{user_id(db, 'rita')}", {"display_name": "Rita R.", "role": "reviewer", "active": "1"})
        assert "Rita R." in html(reader.get(url)).select_one(f"#row-{claim.id} .assignee").get_text()
    finally:
        other.extensions["factcheck.engine"].dispose()


def test_each_user_gets_the_page_drawn_for_them(app, client, db, two_articles):
    first, _ = two_articles
    reviewer = login_as(app, "reviewer", "rita")
    assign(client, first, user_id(db, "rita"))
    url = f"/articles/{first}"

    def signed_in_as(page) -> str:
        return page.select_one(".account a").get_text(" ", strip=True)

    assert "admin" in signed_in_as(html(client.get(url)))
    assert "rita" in signed_in_as(html(reviewer.get(url)))
    assert "admin" in signed_in_as(html(client.get(url)))


def test_htmx_and_a_full_page_are_kept_apart(client, db, two_articles):
    first, _ = two_articles
    url = f"/articles/{first}"
    full = client.get(url).get_data(as_text=True)
    fragment = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" in full and "<html" not in fragment
    assert "<html" in client.get(url).get_data(as_text=True)


def test_the_cache_can_be_turned_off(database_url, seed_text):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t", "PAGE_CACHE_MB": 0, **FAST_HASHING})
    try:
        assert "factcheck.page_cache" not in app.extensions
        client = login_as(app, "admin")
        article_id = create_seed_article(client, seed_text)
        assert client.get(f"/articles/{article_id}").status_code == 200
    finally:
        app.extensions["factcheck.engine"].dispose()


def test_the_cache_keeps_within_its_budget():
    from factcheck.views.page_cache import PageCache

    cache = PageCache(100)
    for index in range(10):
        cache.put(index, b"x" * 29)  # 30 bytes with its key
    assert len(cache) == 3 and cache.get(9) and cache.get(6) is None
    cache.put("big", b"x" * 96)  # 101 bytes with its key
    assert cache.get("big") is None
    cache.put(0, "“Half true” – 21 km²".encode())  # counted in bytes, not characters
    assert cache._size == sum(len(body) + len(repr(key)) for key, body in cache._pages.items())


def test_stamps_live_in_their_table(db, two_articles):
    first, second = two_articles
    stored = {row.scope for row in db.exec(select(ChangeStamp))}
    assert {article_scope(first), article_scope(second)} <= stored
    assert db.get(Article, first) is not None


def test_a_query_with_junk_in_it_is_the_same_page(app, client, two_articles):
    first, _ = two_articles
    cache = app.extensions["factcheck.page_cache"]
    client.get(f"/articles/{first}?show=all")
    kept = len(cache)
    for junk in range(5):
        client.get(f"/articles/{first}?show=all&junk={junk}")
    assert len(cache) == kept


def test_stamps_are_taken_before_the_rows_they_cover(app, db, two_articles):
    """Every writer locks an article's stamp before its rows (PostgreSQL: no two transactions wait
    on each other in opposite orders): the stamp's upsert comes before the claim's UPDATE."""
    first, _ = two_articles
    engine = app.extensions["factcheck.engine"]
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        words = statement.split()
        if words[0] in ("INSERT", "UPDATE"):
            statements.append(words[2] if words[0] == "INSERT" else words[1])  # the table written

    from sqlalchemy import event

    from factcheck.domain.workflow import claim_version

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with Session(engine) as session:
            claim = session.exec(select(Claim).where(Claim.article_id == first)).first()
            claim.rationale = "Stamp first."
            session.flush()
            claim_version(session, claim, claim.version)
            session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert statements == ["changestamp", "claim", "claim"], statements  # once a transaction
