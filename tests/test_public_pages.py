"""The public pages of published fact-checks: the index, a page per claim with its ClaimReview, the Atom feed."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET  # noqa: N817

import pytest
from sqlalchemy import update
from sqlmodel import Session, col

from factcheck.domain.articles import get_article, set_archived
from factcheck.domain.publishing import FEED_ENTRIES
from factcheck.domain.records import article_record, import_record
from factcheck.models import Claim, ClaimRevision
from factcheck.report.atom import FeedEntry, atom_feed
from factcheck.report.claimreview import Organisation, claim_reviews
from factcheck.views.public import PER_PAGE, PUBLIC_MAX_AGE
from tests.claimreview_checker import check_claim_review
from tests.conftest import claims_of, counted_queries, html, login_as, post, store_articles
from tests.publishing import (
    BASE_URL,
    HALF_TRUE,
    MOSTLY_FALSE,
    PUBLISHING,
    Check,
    SourceInput,
    assert_golden,
    pin_history,
    publish,
    publishing_app,
    review,
    save,
    set_details,
)

ATOM = "{http://www.w3.org/2005/Atom}"
LATER = dt.datetime(2025, 6, 1, 8, 0, tzinfo=dt.UTC)
HOSTILE = '</script><script>alert(1)</script> <img src=x onerror="alert(2)"> & <!-- x'


@pytest.fixture
def app(database_url):
    app = publishing_app(database_url)
    yield app
    app.extensions["factcheck.engine"].dispose()


@pytest.fixture
def editor(app):
    return login_as(app, "editor", "edna")


@pytest.fixture
def published(client, editor, db, seed_article) -> int:
    """The seed's second claim published as Mostly false (with a summary and a source), the first
    in review with a comment, the third approved: returns the published claim's id."""
    claims = claims_of(db, seed_article)
    set_details(db, claims[1].id, summary="Russia gained 21 km² in the week to 27 April", claimant="Example Ministry")
    publish(client, editor, db, claims[1].id, MOSTLY_FALSE)
    review(client, db, claims[0].id, Check("False", "A draft nobody approved."), "in_progress")
    post(client, f"/claims/{claims[0].id}/comments", {"body": "Internal: ask the bureau chief."}, htmx=True)
    review(client, db, claims[2].id, Check("True", "Approved, not yet published."))
    save(editor, db, claims[2].id, Check("True", "Approved, not yet published."), "approved")
    return claims[1].id


def page_of(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return html(response)


def json_ld(page) -> dict:
    blocks = page.find_all("script", type="application/ld+json")
    assert len(blocks) == 1
    return json.loads(blocks[0].string)


# --- A fact-check's page --------------------------------------------------------------------------


def test_a_published_claim_has_a_public_page(anonymous, published, db):
    page = page_of(anonymous, f"/fact-checks/{published}")
    assert page.find("h1").get_text(strip=True) == "Russia gained 21 km² in the week to 27 April"
    quote = page.select_one(".claim-quote blockquote")
    assert quote.get_text() == claims_of(db, 1)[1].text  # the exact span
    assert page.select_one(".claim-quote .claimant").get_text() == "Example Ministry"
    assert page.select_one("#verdict-heading").get_text(" ", strip=True) == "Verdict: Mostly false"
    legend = page.select(".scale-legend li")
    assert [li.strong.get_text() for li in legend] == [
        "True", "Mostly true", "Half true", "Mostly false", "False", "Unverifiable", "Not a claim"]
    current = page.select(".scale-legend li.current")
    assert [li.strong.get_text() for li in current] == ["Mostly false"] and current[0]["aria-current"] == "true"
    assert "ignores facts that give a different impression" in current[0].get_text()
    rationale = page.select_one(".rationale")
    assert rationale.find("strong").get_text() == "12 km²"
    assert rationale.find("a", href="https://example.org/monitor")["rel"] == ["nofollow", "noopener", "noreferrer"]
    source = page.select_one(".sources .source")
    assert source.find("a")["href"] == "https://example.org/monitor/2025-04-27"
    assert source.find("a").get_text() == "Weekly front-line map"
    assert "Example Conflict Monitor" in source.get_text() and "refutes the claim" in source.get_text()
    assert source.find("time", datetime="2025-04-29").get_text() == "2025-04-29"
    assert source.find("blockquote").get_text() == "Gains of about 12 square kilometres this week."
    credits = page.select_one(".credits").get_text(" ", strip=True)
    assert "Reviewed by admin; approved by edna." in credits
    assert "From Battlefield To Bargaining Table" in credits and "2025-04-28" in credits
    assert page.find("link", rel="canonical")["href"] == f"{BASE_URL}/fact-checks/{published}"
    assert page.select_one(".correction-notice") is None


def test_its_json_ld_is_the_claims_claimreview_and_google_would_take_it(anonymous, published, db):
    page = page_of(anonymous, f"/fact-checks/{published}")
    data = json_ld(page)
    found = check_claim_review(data, page_url=f"{BASE_URL}/fact-checks/{published}")
    assert found.errors == []
    assert found.warnings == ["Claim.appearance (or firstAppearance) is recommended and missing"]  # the seed has no URL
    organisation = Organisation(PUBLISHING["ORGANISATION_NAME"], PUBLISHING["ORGANISATION_URL"])
    expected = claim_reviews(article_record(db, get_article(db, 1)), organisation=organisation,
                             page_url=lambda claim_id: f"{BASE_URL}/fact-checks/{claim_id}")
    assert [data] == expected  # the one published claim; the approved one is not there


def test_the_page_shows_nothing_of_the_newsroom(anonymous, client, published):
    """No login, no forms, no scripts, no drafts, comments or other claims; the same for anyone."""
    body = anonymous.get(f"/fact-checks/{published}").get_data(as_text=True)
    page = html(anonymous.get(f"/fact-checks/{published}"))
    assert page.find("form") is None and page.find("input") is None
    assert [s.get("type") for s in page.find_all("script")] == ["application/ld+json"]
    assert not [a["href"] for a in page.find_all("a", href=True) if a["href"].startswith(("/articles", "/claims", "/login"))]
    for secret in ("Internal: ask the bureau chief.", "A draft nobody approved.", "Approved, not yet published.",
                   "csrf", "Log out", "Russian forces are making gradual territorial gains"):
        assert secret not in body
    signed_in = client.get(f"/fact-checks/{published}")
    assert signed_in.get_data(as_text=True) == body


def test_public_responses_set_no_cookie_and_may_be_cached(anonymous, client, published):
    for visitor in (anonymous, client):
        for url in ("/fact-checks/", f"/fact-checks/{published}", "/fact-checks/feed.atom"):
            response = visitor.get(url)
            assert response.status_code == 200
            assert "Set-Cookie" not in response.headers, url
            assert "cookie" not in response.headers.get("Vary", "").lower(), url
            assert response.cache_control.public and response.cache_control.max_age == PUBLIC_MAX_AGE
            assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("status", ["to_review", "in_progress", "needs_second_review", "approved"])
def test_unpublished_work_is_not_found_like_a_missing_claim(app, anonymous, client, editor, db, seed_article, status):
    claim = claims_of(db, seed_article)[4]
    check = Check("False", "Not public.")
    if status != "to_review":
        review(client, db, claim.id, check, "in_progress" if status == "in_progress" else "needs_second_review")
    if status == "approved":
        save(editor, db, claim.id, check, "approved")
    missing = anonymous.get("/fact-checks/99999")
    for visitor in (anonymous, client, editor):
        response = visitor.get(f"/fact-checks/{claim.id}")
        assert response.status_code == 404
        assert "Set-Cookie" not in response.headers and "public" not in response.headers.get("Cache-Control", "")
        assert html(response).find("h1").get_text() == "Not found"
        assert response.get_data(as_text=True) == missing.get_data(as_text=True).replace("99999", str(claim.id))
        assert "Not public." not in response.get_data(as_text=True)
    assert page_of(anonymous, "/fact-checks/").select(".fact-check-list li") == []
    assert ET.fromstring(anonymous.get("/fact-checks/feed.atom").data).findall(f"{ATOM}entry") == []


def test_an_address_past_any_id_is_not_found(anonymous):
    response = anonymous.get("/fact-checks/99999999999999999999")
    assert response.status_code == 404 and html(response).find("h1").get_text() == "Not found"


def test_a_dismissed_claim_is_not_public(client, db, published):
    from factcheck.models import Claim

    db.get(Claim, published).dismissed = True
    db.commit()
    assert client.get(f"/fact-checks/{published}").status_code == 404


def test_an_archived_articles_fact_checks_stay_public(anonymous, db, published):
    set_archived(db, get_article(db, 1), True)
    db.commit()
    assert anonymous.get(f"/fact-checks/{published}").status_code == 200
    assert len(page_of(anonymous, "/fact-checks/").select(".fact-check-list li")) == 1


@pytest.mark.parametrize("where", ["rationale", "summary", "source"])
def test_hostile_text_stays_inert_on_the_page_and_in_the_json_ld(anonymous, client, editor, db, seed_article, where):
    claim = claims_of(db, seed_article)[6]
    check = Check("False", HOSTILE if where == "rationale" else "Plain.")
    if where == "source":
        check.sources = [SourceInput("https://example.org/x", title=HOSTILE, publisher=HOSTILE, quote=HOSTILE)]
    if where == "summary":
        set_details(db, claim.id, summary=HOSTILE[:200], claimant=HOSTILE[:200])
    publish(client, editor, db, claim.id, check)
    response = anonymous.get(f"/fact-checks/{claim.id}")
    body = response.get_data(as_text=True)
    page = html(response)
    assert [s.get("type") for s in page.find_all("script")] == ["application/ld+json"]
    assert page.find("img") is None and not page.find_all(attrs={"onerror": True})
    assert "<script>alert" not in body and "<img" not in body
    assert HOSTILE in page.get_text()  # shown as text
    data = json_ld(page)
    assert check_claim_review(data).errors == []
    if where == "summary":
        assert data["claimReviewed"] == " ".join(HOSTILE.split()) and data["itemReviewed"]["author"]["name"] == " ".join(HOSTILE.split())
    block = body.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block


def test_a_correction_updates_the_page_and_says_so(anonymous, client, editor, db, published):
    reason = "The monitor revised its map: the gain was 9 km²."
    save(editor, db, published, HALF_TRUE, "published", reason=reason)
    assert anonymous.get(f"/fact-checks/{published}").status_code == 404  # back in second review: not public
    for status in ("approved", "published"):
        save(client, db, published, HALF_TRUE, status)
    page = page_of(anonymous, f"/fact-checks/{published}")
    notice = page.select_one(".correction-notice")
    assert notice.get_text(" ", strip=True).startswith("Corrected on ")
    assert reason in notice.get_text() and notice.find("a")["href"] == "#corrections"
    assert page.select_one("#verdict-heading").get_text(" ", strip=True) == "Verdict: Half true"
    correction = page.select_one("#corrections li")
    assert reason in correction.get_text() and "The verdict was “Mostly false”." in correction.get_text(" ", strip=True)
    assert correction.select_one("details strong").get_text() == "12 km²"  # the previous rationale, rendered
    assert json_ld(page)["reviewRating"]["alternateName"] == "Half true"
    assert "Reviewed by edna; approved by admin." in page.select_one(".credits").get_text(" ", strip=True)


def test_the_desk_may_keep_its_names_off_the_pages(database_url, seed_text):
    app = publishing_app(database_url, PUBLIC_CREDITS="desk")
    try:
        admin, editor = login_as(app, "admin"), login_as(app, "editor", "edna")
        from tests.conftest import create_seed_article

        article_id = create_seed_article(admin, seed_text)
        with Session(app.extensions["factcheck.engine"]) as db:
            claim_id = claims_of(db, article_id)[1].id
            publish(admin, editor, db, claim_id, MOSTLY_FALSE)
        page = page_of(app.test_client(), f"/fact-checks/{claim_id}")
        credits = page.select_one(".credits").get_text(" ", strip=True)
        assert "Reviewed and approved by the desk." in credits
        assert "edna" not in page.get_text() and "admin" not in page.get_text()
    finally:
        app.extensions["factcheck.engine"].dispose()


def test_a_conclusion_only_scale_shows_the_conclusion(anonymous, client, editor, db, seed_article):
    post(client, f"/articles/{seed_article}/scale", {"rating_scale_id": _free_text_scale_id(db)})
    claim = claims_of(db, seed_article)[1]
    publish(client, editor, db, claim.id, Check("Misleading: the figure is from 2019", "Old figure.", conclusion=True))
    page = page_of(anonymous, f"/fact-checks/{claim.id}")
    assert page.select_one(".conclusion").get_text(strip=True) == "Misleading: the figure is from 2019"
    assert page.select_one(".scale-legend") is None
    assert json_ld(page)["reviewRating"] == {"@type": "Rating", "alternateName": "Misleading: the figure is from 2019"}


def _free_text_scale_id(db) -> str:
    from sqlmodel import select

    from factcheck.models import RatingScale

    return str(db.exec(select(RatingScale.id).where(RatingScale.free_text)).first())


# --- The index and the feed -----------------------------------------------------------------------


def publish_many(app, count: int) -> list[int]:
    """`count` short articles with their first claim published straight through the domain, as the
    command line would (no one signs it off); returns the claims' ids, oldest first."""
    from factcheck.domain.claims import add_source, claims_for_article
    from factcheck.domain.scales import ratings_for_scale
    from factcheck.domain.workflow import save_review
    from factcheck.forms import SourceCreate

    ids = []
    with Session(app.extensions["factcheck.engine"]) as db:
        for article_id in store_articles(app, count, start=100):
            claim = claims_for_article(db, article_id)[0]
            ratings = ratings_for_scale(db, get_article(db, article_id).rating_scale_id)
            false = next(r for r in ratings if r.label == "False")
            add_source(db, claim, SourceCreate(url="https://example.org/s"))
            for status in ("needs_second_review", "approved", "published"):
                save_review(db, claim, ratings, verdict_id=false.id, rationale="No.", status=status, user=None)
            ids.append(claim.id)
        db.commit()
    return ids


def test_the_index_lists_fact_checks_newest_first_a_page_at_a_time(app, anonymous, db, published):
    others = publish_many(app, PER_PAGE + 4)
    pin_history(db)  # all published on one day: the newest claim first among them
    db.execute(update(ClaimRevision).where(col(ClaimRevision.claim_id) == published).values(changed=LATER))
    db.execute(update(Claim).where(col(Claim.id) == published).values(published_at=LATER))
    db.commit()
    first = page_of(anonymous, "/fact-checks/")
    rows = first.select(".fact-check-list li")
    assert len(rows) == PER_PAGE
    assert rows[0].find("a")["href"] == f"/fact-checks/{published}"
    assert rows[0].find("a").get_text() == "Russia gained 21 km² in the week to 27 April"
    assert rows[0].select_one(".verdict-label").get_text() == "Mostly false"
    assert rows[0].find("time")["datetime"] == "2025-06-01"
    assert "Example Ministry" in rows[0].get_text()
    assert first.select_one(".pages").get_text(" ", strip=True).startswith(f"Page 1 of 2 · 1–{PER_PAGE} of {len(others) + 1}")
    second = page_of(anonymous, first.select_one(".pages a[rel=next]")["href"])
    assert len(second.select(".fact-check-list li")) == len(others) + 1 - PER_PAGE
    listed = [a["href"] for a in first.select(".fact-check-link") + second.select(".fact-check-link")]
    assert listed == [f"/fact-checks/{i}" for i in [published, *sorted(others, reverse=True)]]


def test_a_fact_check_imported_as_published_is_dated_by_its_article(app, anonymous, db, published):
    record = article_record(db, get_article(db, 1))
    record["article"]["published"] = "2024-01-15"
    record["article"]["text"] = record["article"]["text"].replace("Russian", "Russian ")  # not a duplicate
    record["claims"] = [c for c in record["claims"] if c["status"] == "published"]
    for claim in record["claims"]:
        shift = record["article"]["text"].index(claim["text"].replace("Russian", "Russian ")) - claim["start"]
        claim["text"] = claim["text"].replace("Russian", "Russian ")
        claim["start"], claim["end"] = claim["start"] + shift, claim["start"] + shift + len(claim["text"])
    imported = import_record(db, record)
    db.commit()
    rows = page_of(anonymous, "/fact-checks/").select(".fact-check-list li")
    assert len(rows) == 2
    imported_claim = claims_of(db, imported.id)[0]
    assert rows[1].find("a")["href"] == f"/fact-checks/{imported_claim.id}"  # 2024-01-15, before the other
    assert rows[1].find("time")["datetime"] == "2024-01-15"
    page = page_of(anonymous, f"/fact-checks/{imported_claim.id}")
    assert json_ld(page)["datePublished"] == "2024-01-15"
    assert "Reviewed by the desk; approved by the desk." in page.select_one(".credits").get_text(" ", strip=True)


def test_pages_run_as_many_queries_for_many_fact_checks_as_for_one(app, anonymous, published):
    urls = ("/fact-checks/", "/fact-checks/?page=2", "/fact-checks/feed.atom", f"/fact-checks/{published}")

    def queries() -> list[int]:
        counts = []
        for url in urls:
            with counted_queries(app) as seen:
                assert anonymous.get(url).status_code == 200
            counts.append(len(seen))
        return counts

    few = queries()
    assert max(few) <= 12, few  # a page: the claim, its article and the record's handful
    publish_many(app, 2 * PER_PAGE + 5)
    assert queries() == few


def test_the_atom_feed_is_the_golden_file(app, anonymous, client, editor, db, seed_article):
    claims = claims_of(db, seed_article)
    set_details(db, claims[1].id, summary="Russia gained 21 km² in the week to 27 April")
    publish(client, editor, db, claims[1].id, MOSTLY_FALSE)
    publish(client, editor, db, claims[19].id, Check("Unverifiable", "No transcript & no <video>."))
    pin_history(db)
    response = anonymous.get("/fact-checks/feed.atom")
    assert response.mimetype == "application/atom+xml"
    assert_golden("seed-feed.atom", response.get_data(as_text=True))
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == f"{BASE_URL}/fact-checks/"
    assert feed.findtext(f"{ATOM}title") == f"{PUBLISHING['ORGANISATION_NAME']}: fact-checks"
    assert feed.findtext(f"{ATOM}updated") == "2025-05-02T00:00:00Z"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{BASE_URL}/fact-checks/feed.atom"
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == PUBLISHING["ORGANISATION_NAME"]
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [f"{BASE_URL}/fact-checks/{claims[i].id}" for i in (19, 1)]
    for entry in entries:
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == entry.findtext(f"{ATOM}id")
        assert entry.findtext(f"{ATOM}updated") == "2025-05-02T00:00:00Z"
    assert entries[1].findtext(f"{ATOM}title") == "Russia gained 21 km² in the week to 27 April"
    assert entries[1].findtext(f"{ATOM}summary") == "Verdict: Mostly false."
    assert entries[0].findtext(f"{ATOM}summary") == "Verdict: Unverifiable. Claimed by Foreign Minister Lavrov."
    assert anonymous.get("/fact-checks/feed.atom").data == response.data


def test_the_feed_holds_the_newest_fifty(app, anonymous):
    publish_many(app, FEED_ENTRIES + 3)
    entries = ET.fromstring(anonymous.get("/fact-checks/feed.atom").data).findall(f"{ATOM}entry")
    assert len(entries) == FEED_ENTRIES


def test_without_a_public_address_the_pages_use_the_requests_host(database_url, seed_text):
    app = publishing_app(database_url, PUBLIC_BASE_URL="")
    try:
        admin, editor = login_as(app, "admin"), login_as(app, "editor", "edna")
        from tests.conftest import create_seed_article

        article_id = create_seed_article(admin, seed_text)
        with Session(app.extensions["factcheck.engine"]) as db:
            claim_id = claims_of(db, article_id)[1].id
            publish(admin, editor, db, claim_id, MOSTLY_FALSE)
        visitor = app.test_client()
        page = page_of(visitor, f"/fact-checks/{claim_id}")
        assert json_ld(page)["url"] == f"http://localhost/fact-checks/{claim_id}"
        feed = ET.fromstring(visitor.get("/fact-checks/feed.atom", base_url="https://desk.example.net").data)
        assert feed.findtext(f"{ATOM}id") == "https://desk.example.net/fact-checks/"
    finally:
        app.extensions["factcheck.engine"].dispose()


def test_the_feed_writer_escapes_text_and_drops_what_xml_cannot_hold():
    entry = FeedEntry(url="https://x.example/fact-checks/1?a=1&b=2", title="5 < 6 & \"quotes\" \x0b",
                      summary="</summary><script>", updated="2025-05-02")
    text = atom_feed([entry], title="A & B", feed_url="https://x.example/f", home_url="https://x.example/", author="<desk>")
    feed = ET.fromstring(text.encode("utf-8"))
    item = feed.find(f"{ATOM}entry")
    assert item.findtext(f"{ATOM}title") == "5 < 6 & \"quotes\" \ufffd"
    assert item.findtext(f"{ATOM}summary") == "</summary><script>"
    assert item.find(f"{ATOM}link").get("href") == "https://x.example/fact-checks/1?a=1&b=2"
    assert feed.findtext(f"{ATOM}title") == "A & B" and feed.findtext(f"{ATOM}author/{ATOM}name") == "<desk>"
    empty = ET.fromstring(atom_feed([], title="T", feed_url="https://x.example/f", home_url="https://x.example/", author="D"))
    assert empty.findtext(f"{ATOM}updated") == "1970-01-01T00:00:00Z" and empty.findall(f"{ATOM}entry") == []
