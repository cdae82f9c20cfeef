"""Seen before: a new article's claims matched against the archive and against verified claims of
other articles, queued at import and stored by the matcher (not computed on page view, unless a
claim opens before its turn), shown on the card with one click to link and one to start from
the earlier verdict; and the `factcheck match` contracts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from factcheck.matching import store as matching_store
from factcheck.matching.queue import match_queued
from factcheck.matching.store import find_matches, match_of_ref
from factcheck.models import Article, ClaimLink, ClaimMatch, ClaimRevision, MatchQueue
from factcheck.vocabulary import ClaimStatus
from tests.conftest import claims_of, html, login_as, post, rating

FILES = Path(__file__).parent / "data" / "archive"
ARTICLE = (
    "Bridges and rivers. Health officials warned on Monday that drinking hot water cures the flu is a myth. "
    "A viral video shows a ten-metre anaconda crossing a river in Brazil. The council approved 40 new buses."
)


@pytest.fixture
def archived(runner):
    result = runner.invoke(args=["archive", "import", str(FILES / "good.jsonl")])
    assert result.exit_code == 0, result.output


def paste(client, text_: str = ARTICLE, title: str = "Myths") -> int:
    response = post(client, "/articles", {"text": text_, "title": title})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def claim_with(db, article_id: int, words: str):
    return next(c for c in claims_of(db, article_id) if words in c.text)


def card(client, claim_id: int):
    return html(client.get(f"/claims/{claim_id}", headers={"HX-Request": "true"}))


def queued_ids(db) -> set[int]:
    db.rollback()  # see what the app committed
    return set(db.exec(select(MatchQueue.claim_id)).all())


def test_an_imported_article_queues_its_claims_and_the_matcher_stores_their_matches(app, client, archived, db):
    article_id = paste(client)
    claims = claims_of(db, article_id)
    # The import answered without matching: every claim waits in the queue, nothing is stored yet.
    assert queued_ids(db) == {c.id for c in claims}
    assert not db.exec(select(ClaimMatch)).all()
    assert match_queued(app.extensions["factcheck.engine"]) == len(claims)
    assert not queued_ids(db)
    anaconda = claim_with(db, article_id, "anaconda")
    stored = db.exec(select(ClaimMatch).where(ClaimMatch.claim_id == anaconda.id).order_by(ClaimMatch.position)).all()
    assert stored and stored[0].archive_entry_id is not None and 0.5 < stored[0].score <= 1
    shown = card(client, anaconda.id).select_one(".seen-before .match")
    assert shown["data-ref"] == "archive:snopes-1001"
    words = shown.get_text(" ", strip=True)
    assert "A viral video shows a 10-metre anaconda crossing a river." in words
    assert "Miscaptioned" in words and "Snopes" in words and "2021-03-06" in words and "% close" in words
    assert shown.select_one("a[href='https://www.snopes.example/fact-check/anaconda-video/']")
    buses = claim_with(db, article_id, "buses")
    assert "No earlier checks found" in card(client, buses.id).select_one(".seen-before").get_text()


def test_a_claim_opened_before_the_matcher_came_to_it_is_matched_as_it_opens(client, archived, db):
    article_id = paste(client)
    anaconda, buses = claim_with(db, article_id, "anaconda"), claim_with(db, article_id, "buses")
    assert card(client, anaconda.id).select_one(".seen-before .match")["data-ref"] == "archive:snopes-1001"
    assert anaconda.id not in queued_ids(db) and buses.id in queued_ids(db)
    assert [m.claim_id for m in db.exec(select(ClaimMatch)).all()] == [anaconda.id]


def test_the_background_matcher_stores_the_matches_once_the_import_has_answered(app, client, archived, db):
    app.config["MATCH_IN_BACKGROUND"] = True
    article_id = paste(client)
    deadline = time.monotonic() + 30
    while queued_ids(db) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not queued_ids(db)
    anaconda = claim_with(db, article_id, "anaconda")
    assert db.exec(select(ClaimMatch).where(ClaimMatch.claim_id == anaconda.id)).first().archive_entry_id is not None


def test_the_card_reads_stored_matches_and_never_searches(app, client, archived, db, monkeypatch):
    article_id = paste(client)
    match_queued(app.extensions["factcheck.engine"])
    anaconda = claim_with(db, article_id, "anaconda")

    def searching(*args, **kwargs):
        raise AssertionError("matches are computed on a page view")

    monkeypatch.setattr(matching_store, "find_matches", searching)
    assert card(client, anaconda.id).select_one(".seen-before .match")
    assert client.get(f"/articles/{article_id}?claim={anaconda.id}").status_code == 200


def test_linking_a_match_is_recorded_in_the_history_the_card_and_the_report(client, archived, db):
    article_id = paste(client)
    anaconda = claim_with(db, article_id, "anaconda")
    response = post(client, f"/claims/{anaconda.id}/links", {"ref": "archive:snopes-1001"}, htmx=True)
    assert response.status_code == 200
    linked = html(response).select_one(".seen-before .linked .match")
    assert linked["data-ref"] == "archive:snopes-1001" and "Same claim as" in linked.get_text()
    assert not html(response).select(".seen-before ol.matches li[data-ref='archive:snopes-1001']")
    assert post(client, f"/claims/{anaconda.id}/links", {"ref": "archive:snopes-1001"}, htmx=True).status_code == 409
    history = html(client.get(f"/claims/{anaconda.id}/history")).get_text(" ")
    assert "linked" in history and "Same claim as “A viral video shows a 10-metre anaconda crossing a river.” — Snopes" in history
    report = client.get(f"/articles/{article_id}/report.md").get_data(as_text=True)
    record = client.get(f"/articles/{article_id}/export.json").get_json()
    assert [c["same_claim_as"] for c in record["claims"] if c["same_claim_as"]] == [[{
        "ref": "archive:snopes-1001", "claim": "A viral video shows a 10-metre anaconda crossing a river.",
        "verdict": "Miscaptioned", "publisher": "Snopes", "published": "2021-03-06",
        "url": "https://www.snopes.example/fact-check/anaconda-video/",
    }]]
    assert "Same claim as" not in report  # only claims with a verdict have a section: it comes with one
    saved = post(client, f"/claims/{anaconda.id}", {"verdict": str(rating(db, "Mostly false").id), "rationale": "Shorter.",
                                                    "status": "in_progress"}, htmx=True)
    assert saved.status_code == 200, saved.get_data(as_text=True)
    report = client.get(f"/articles/{article_id}/report.md").get_data(as_text=True)
    assert ("**Same claim as:** “A viral video shows a 10-metre anaconda crossing a river.” — Snopes, rated Miscaptioned, "
            "2021-03-06 ([fact-check](<https://www.snopes.example/fact-check/anaconda-video/>))") in report
    unlinked = post(client, f"/claims/{anaconda.id}/links/remove", {"ref": "archive:snopes-1001"}, htmx=True)
    assert unlinked.status_code == 200 and not html(unlinked).select(".seen-before .linked")
    assert db.exec(select(ClaimLink)).all() == []
    assert [r.field for r in db.exec(select(ClaimRevision).where(ClaimRevision.claim_id == anaconda.id))][-1] == "unlinked"


def test_starting_from_a_match_drafts_the_verdict_and_rationale(client, archived, db):
    article_id = paste(client)
    flu = claim_with(db, article_id, "hot water")
    before = flu.version
    response = post(client, f"/claims/{flu.id}/start-from", {"ref": "archive:afp-2020-77", "version": str(before)}, htmx=True)
    assert response.status_code == 200, response.get_data(as_text=True)
    db.expire_all()
    flu = db.get(type(flu), flu.id)
    assert flu.verdict_id == rating(db, "False").id  # the default scale has the label
    assert flu.status == ClaimStatus.IN_PROGRESS  # a draft: still to be reviewed and approved
    assert flu.rationale == "Seen before: AFP Fact Check rated it “False” on 2020-02-14: “Drinking hot water cures the flu\\.” (archive:afp\\-2020\\-77)."
    assert flu.version == before + 1
    assert db.exec(select(ClaimLink.ref).where(ClaimLink.claim_id == flu.id)).all() == ["archive:afp-2020-77"]
    # A label this scale lacks: the verdict is left to the reviewer, the rationale still cites it.
    anaconda = claim_with(db, article_id, "anaconda")
    post(client, f"/claims/{anaconda.id}/start-from", {"ref": "archive:snopes-1001", "version": str(anaconda.version)}, htmx=True)
    db.expire_all()
    anaconda = db.get(type(anaconda), anaconda.id)
    assert anaconda.verdict_id is None
    assert anaconda.rationale.startswith("Seen before: Snopes rated it “Miscaptioned” on 2021-03-06: [Does Video Show a 10\\-Metre Anaconda?]")
    assert anaconda.rationale.endswith("(https://www.snopes.example/fact-check/anaconda-video/).")


def test_starting_from_a_match_is_refused_on_a_signed_off_claim_and_on_an_old_version(client, archived, db):
    article_id = paste(client)
    flu = claim_with(db, article_id, "hot water")
    stale = post(client, f"/claims/{flu.id}/start-from", {"ref": "archive:afp-2020-77", "version": str(flu.version + 5)}, htmx=True)
    assert stale.status_code == 409
    assert post(client, f"/claims/{flu.id}/start-from", {"ref": "archive:afp-2020-77", "version": "x"}, htmx=True).status_code == 422
    assert post(client, f"/claims/{flu.id}/links", {"ref": "archive:nope"}, htmx=True).status_code == 404
    assert post(client, f"/claims/{flu.id}/links", {"ref": "x" * 400}, htmx=True).status_code == 422
    assert post(client, f"/claims/{flu.id}/links", {"ref": "archive:a\x00b"}, htmx=True).status_code == 400  # NUL: refused first
    assert post(client, f"/claims/{flu.id}/links", {"ref": f"claim:{2**40}"}, htmx=True).status_code == 404
    assert post(client, f"/claims/{flu.id}/links", {"ref": f"claim:{flu.id}"}, htmx=True).status_code == 422
    db.execute(text("UPDATE claim SET status = 'APPROVED' WHERE id = :c"), {"c": flu.id})
    db.commit()
    refused = post(client, f"/claims/{flu.id}/start-from", {"ref": "archive:afp-2020-77", "version": str(flu.version)}, htmx=True)
    assert refused.status_code == 409 and "Make a correction instead" in refused.get_data(as_text=True)
    linking = post(client, f"/claims/{flu.id}/links", {"ref": "archive:afp-2020-77"}, htmx=True)
    assert linking.status_code == 409 and "change with a correction" in linking.get_data(as_text=True)
    assert db.exec(select(ClaimLink)).all() == []


def test_a_merge_keeps_the_links_of_both_claims(client, archived, db):
    article_id = paste(client)
    flu, anaconda = claim_with(db, article_id, "hot water"), claim_with(db, article_id, "anaconda")
    assert anaconda.position == flu.position + 1
    post(client, f"/claims/{flu.id}/links", {"ref": "archive:afp-2020-77"}, htmx=True)
    post(client, f"/claims/{anaconda.id}/links", {"ref": "archive:snopes-1001"}, htmx=True)
    post(client, f"/claims/{anaconda.id}/links", {"ref": "archive:afp-2020-77"}, htmx=True)
    assert post(client, f"/claims/{flu.id}/merge", htmx=True).status_code == 200
    db.expire_all()
    assert sorted(db.exec(select(ClaimLink.ref).where(ClaimLink.claim_id == flu.id)).all()) == ["archive:afp-2020-77", "archive:snopes-1001"]
    assert len(db.exec(select(ClaimLink)).all()) == 2


def test_the_citation_and_the_report_keep_hostile_archive_data_inert(client, runner, db, tmp_path):
    feed = tmp_path / "hostile.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in [
        {"id": "[Official correction](https://evil.example/phish)", "claim": "Drinking hot water cures the flu.", "rating": "False"},
        {"id": "e2", "claim": "A viral video shows a 10-metre anaconda crossing a river.",
         "url": "https://a.example/x>)[INJECTED](https://evil.example/)"},
    ]), encoding="utf-8")
    assert runner.invoke(args=["archive", "import", str(feed)]).exit_code == 0
    article_id = paste(client)
    flu, anaconda = claim_with(db, article_id, "hot water"), claim_with(db, article_id, "anaconda")
    post(client, f"/claims/{flu.id}/start-from", {"ref": "archive:[Official correction](https://evil.example/phish)",
                                                  "version": str(flu.version)}, htmx=True)
    post(client, f"/claims/{anaconda.id}/start-from", {"ref": "archive:e2", "version": str(anaconda.version)}, htmx=True)
    db.expire_all()
    anaconda = db.get(type(anaconda), anaconda.id)
    assert "(https://a.example/x%3E%29[INJECTED]" not in anaconda.rationale  # the citation's link is encoded
    assert "https://a.example/x%3E%29%5BINJECTED%5D%28https://evil.example/%29" in anaconda.rationale
    post(client, f"/claims/{anaconda.id}", {"verdict": str(rating(db, "False").id), "rationale": anaconda.rationale,
                                            "status": "in_progress"}, htmx=True)
    page = html(client.get(f"/articles/{article_id}?claim={flu.id}"))
    assert not page.select(".rationale-preview a[href^='https://evil.example']")
    report = client.get(f"/articles/{article_id}/report.md").get_data(as_text=True)
    assert "](https://evil.example/phish)" not in report
    assert "<https://a.example/x%3E)[INJECTED](https://evil.example/)>" in report


def test_a_reviewer_not_assigned_may_read_the_matches_but_not_use_them(app, client, archived, db):
    article_id = paste(client)
    anaconda = claim_with(db, article_id, "anaconda")
    reviewer = login_as(app, "reviewer")
    assert card(reviewer, anaconda.id).select_one(".seen-before .match")
    assert not card(reviewer, anaconda.id).select(".seen-before form")
    assert post(reviewer, f"/claims/{anaconda.id}/links", {"ref": "archive:snopes-1001"}, htmx=True).status_code == 403


def test_verified_claims_of_other_articles_are_matched_too(client, db):
    first = paste(client, "Officials said the bridge over the Dnipro river was destroyed on Tuesday. Other news.", "First")
    verified = claim_with(db, first, "bridge")
    verified.status, verified.verdict_id = ClaimStatus.PUBLISHED, rating(db, "False").id
    verified.rationale = "Satellite images show it standing."
    db.add(verified)
    db.commit()
    second = paste(client, "The bridge over the Dnipro river was destroyed on Tuesday, officials said. More text here.", "Second")
    repeated = claim_with(db, second, "bridge")
    shown = card(client, repeated.id).select_one(".seen-before .match")
    assert shown["data-ref"] == f"claim:{verified.id}"
    assert "False" in shown.get_text() and "this newsroom" in shown.get_text()
    assert shown.select_one(f"a[href='/articles/{first}?claim={verified.id}#claim-{verified.id}']")
    # An unverified claim is no earlier check; nor is one of the same article.
    assert not [m for m in card(client, verified.id).select(".seen-before .match") if m["data-ref"].startswith("claim:")]


def test_a_match_found_shows_what_the_same_match_stored_shows(client, archived, db):
    # find_matches describes its matches from the candidates' own rows; a stored match or a link is
    # described from its ids. Both must say the same: verdict, publisher, title, a date as a date.
    first = paste(client, "Officials said the bridge over the Dnipro river was destroyed on Tuesday. Other news.", "First")
    verified = claim_with(db, first, "bridge")
    verified.status, verified.verdict_id = ClaimStatus.PUBLISHED, rating(db, "False").id
    db.add(verified)
    db.get(Article, first).published = dt.date(2026, 11, 30)
    db.commit()
    for text_ in ("A video shows a 10-metre anaconda crossing a river", "The bridge over the Dnipro river was destroyed"):
        found = find_matches(db, text_, top=5)
        assert found
        for match in found:
            assert dataclasses.replace(match, score=0.0) == match_of_ref(db, match.ref)
            assert match.published is None or type(match.published) is dt.date
    assert any(m.ref == f"claim:{verified.id}" and m.verdict == "False" and m.published == dt.date(2026, 11, 30)
               for m in find_matches(db, "The bridge over the Dnipro river was destroyed on Tuesday"))
    assert any(m.ref == "archive:snopes-1001" and m.published == dt.date(2021, 3, 6) and m.publisher == "Snopes"
               for m in find_matches(db, "A video shows a 10-metre anaconda crossing a river"))


def test_matches_are_found_again_when_the_archive_grows_and_on_request(app, client, runner, db):
    article_id = paste(client)
    anaconda = claim_with(db, article_id, "anaconda")
    assert "No earlier checks found" in card(client, anaconda.id).select_one(".seen-before").get_text()
    result = runner.invoke(args=["archive", "import", str(FILES / "good.jsonl")])
    assert "Looked again for earlier checks of" in result.stdout
    assert card(client, anaconda.id).select_one(".seen-before .match")["data-ref"] == "archive:snopes-1001"
    with Session(app.extensions["factcheck.engine"]) as session:
        session.execute(text("DELETE FROM claimmatch"))
        session.commit()
    again = post(client, f"/claims/{anaconda.id}/matches", htmx=True)
    assert again.status_code == 200
    assert html(again).select_one(".seen-before .match")["data-ref"] == "archive:snopes-1001"


# --- `factcheck match` -----------------------------------------------------------------------------


def test_match_prints_a_claims_matches(runner, archived):
    result = runner.invoke(args=["match", "Hot water cures flu, a viral post says"])
    assert result.exit_code == 0
    first = result.stdout.splitlines()[0].split("  ")
    assert first[1] == "archive:afp-2020-77" and first[2] == "[False]" and 0 < float(first[0]) <= 1
    nothing = runner.invoke(args=["match", "zebra quantum xylophone"])
    assert nothing.stdout.strip() == "No earlier checks found."


def test_match_batch_keeps_the_json_lines_contract(runner, archived):
    lines = "\n".join([
        json.dumps({"id": "q1", "text": "Video of a huge anaconda crossing a river"}),
        json.dumps({"id": 2, "text": "drinking hot water cures the flu"}),
        "",
        "not json",
        json.dumps({"id": "q4"}),
        json.dumps({"id": "q5", "text": "zebra quantum xylophone"}),
    ])
    result = runner.invoke(args=["match", "--batch", "--top", "2"], input=lines)
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["q1", 2, None, "q4", "q5"]
    best = out[0]["matches"][0]
    assert list(best) == ["ref", "score", "claim", "verdict", "url"]
    assert best == {"ref": "archive:snopes-1001", "score": best["score"], "claim": "A viral video shows a 10-metre anaconda crossing a river.",
                    "verdict": "Miscaptioned", "url": "https://www.snopes.example/fact-check/anaconda-video/"}
    assert all(len(o["matches"]) <= 2 for o in out if "matches" in o)
    assert all(o["matches"] == sorted(o["matches"], key=lambda m: -m["score"]) for o in out if "matches" in o)
    assert out[1]["matches"][0]["ref"] == "archive:afp-2020-77" and out[1]["matches"][0]["url"] is None
    assert out[2] == {"id": None, "error": "not a JSON object"} and out[3]["error"] == '"text" must be a non-empty string'
    assert out[4] == {"id": "q5", "matches": []}
    assert result.stderr.splitlines() == ["factcheck match: line 4: not a JSON object", 'factcheck match: line 5: "text" must be a non-empty string']


def test_match_batch_refuses_what_it_cannot_write_back_and_echoes_number_ids(runner, archived):
    lines = '{"id": "\\ud800", "text": "hot water"}\n{"id": 1.5, "text": "hot water cures flu"}\n{"id": "s", "text": "hot \\udfff water"}\n'
    result = runner.invoke(args=["match", "--batch"], input=lines)
    assert result.exit_code == 1 and "Traceback" not in result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[0] == {"id": None, "error": '"id" must be a string or a number'}
    assert out[1]["id"] == 1.5 and out[1]["matches"][0]["ref"] == "archive:afp-2020-77"
    assert out[2] == {"id": "s", "error": '"text" has a NUL character or a lone surrogate'}


def test_match_needs_text_or_batch(runner):
    assert runner.invoke(args=["match"]).exit_code == 2
    assert runner.invoke(args=["match", "x", "--batch"]).exit_code == 2
    assert runner.invoke(args=["match", "x" * 6000]).exit_code == 2
