"""Blind double review: verdicts kept apart, never shown to the other reviewer, settled by an editor."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from factcheck.domain.blind import OWN_BLIND_ARTICLE
from factcheck.domain.scales import DEFAULT_SCALE_NAME
from factcheck.models import Article, BlindVerdict, Claim, ClaimRevision, Comment, Rating, RatingScale
from factcheck.vocabulary import ClaimStatus
from tests.conftest import article, claims_of, html, login_as, post, rating
from tests.teamwork import assign, user_id

RITA_SECRET = "Rita-rationale-7f3a: the ministry's own table says otherwise."
ROB_SECRET = "Rob-rationale-c91e: two agencies confirm it."


@pytest.fixture
def team(app, db, seed_article):
    """An editor, two reviewers assigned the seed article, and blind review switched on."""
    editor = login_as(app, "editor", "eddie")
    rita = login_as(app, "reviewer", "rita")
    rob = login_as(app, "reviewer", "rob")
    for name in ("rita", "rob"):
        assign(editor, seed_article, user_id(db, name))
    assert post(editor, f"/articles/{seed_article}/blind-review", {"on": "1"}).status_code == 303
    return editor, rita, rob


def give(client, claim_id: int, verdict_id: int, rationale: str, *, htmx: bool = False):
    return post(client, f"/claims/{claim_id}/blind", {"verdict": str(verdict_id), "rationale": rationale}, htmx=htmx)


def verdict_of(db, claim_id: int, username: str) -> BlindVerdict:
    """The named reviewer's blind verdict on a claim."""
    db.expire_all()
    query = select(BlindVerdict).where(BlindVerdict.claim_id == claim_id, BlindVerdict.reviewer_id == user_id(db, username))
    return db.exec(query).one()


def scale_named(db, name: str) -> RatingScale:
    db.expire_all()
    return db.exec(select(RatingScale).where(RatingScale.name == name)).one()


def error_of(response) -> str:
    """The error paragraph a page or fragment shows."""
    return html(response).select_one("p.error").get_text(" ", strip=True)


def test_blind_review_needs_two_people_assigned_the_article(app, client, db, seed_article):
    editor = login_as(app, "editor", "eddie")
    login_as(app, "reviewer", "rita")
    assign(editor, seed_article, user_id(db, "rita"))
    response = post(editor, f"/articles/{seed_article}/blind-review", {"on": "1"}, htmx=True)
    assert response.status_code == 422 and "needs two people" in html(response).find(id="assignment-panel").get_text()
    assert post(editor, f"/articles/{seed_article}/blind-review", {"on": "1"}).status_code == 422


def test_blind_verdicts_are_stored_apart_from_the_claim(team, db, seed_article):
    editor, rita, rob = team
    claim = claims_of(db, seed_article)[0]
    assert give(rita, claim.id, rating(db, "False").id, RITA_SECRET).status_code == 303
    response = give(rob, claim.id, rating(db, "True").id, ROB_SECRET, htmx=True)
    assert response.status_code == 200
    assert html(response).find(id=f"blind-{claim.id}").find("textarea").get_text() == ROB_SECRET
    verdicts = db.exec(select(BlindVerdict).order_by(BlindVerdict.reviewer_id)).all()
    assert [(v.reviewer_id, v.rationale) for v in verdicts] == [(user_id(db, "rita"), RITA_SECRET), (user_id(db, "rob"), ROB_SECRET)]
    assert (claims_of(db, seed_article)[0].verdict_id, claims_of(db, seed_article)[0].rationale) == (None, "")
    # Giving it again replaces one's own verdict: one per claim per reviewer.
    give(rita, claim.id, rating(db, "Mostly false").id, RITA_SECRET)
    db.expire_all()
    assert len(db.exec(select(BlindVerdict)).all()) == 2


def test_a_blind_verdict_off_the_scale_is_refused(team, db, seed_article):
    _, rita, _ = team
    claim = claims_of(db, seed_article)[0]
    response = give(rita, claim.id, 9999, "x", htmx=True)
    assert response.status_code == 422 and "rating scale" in response.get_data(as_text=True)
    assert give(rita, claim.id, 9999, "x").status_code == 422  # without JS: a page with the form


def test_the_review_page_shows_a_blind_reviewer_the_blind_form_only(team, db, seed_article):
    editor, rita, _ = team
    claim = claims_of(db, seed_article)[0]
    card = html(rita.get(f"/articles/{seed_article}?claim={claim.id}")).find(id=f"claim-{claim.id}")
    assert card.find("form", class_="blind-form") is not None
    assert card.find("form", class_="review-form") is None
    # The editor, not a blind reviewer, may not write the verdict either until it is settled:
    # the blind reviewers would see it on the claim.
    editor_card = html(editor.get(f"/articles/{seed_article}?claim={claim.id}")).find(id=f"claim-{claim.id}")
    assert editor_card.find("form", class_="review-form") is None
    assert "under blind review and not settled yet" in editor_card.select_one(".notice.refusal").get_text()


def test_an_editor_may_not_write_a_verdict_onto_an_unsettled_blind_claim(team, db, seed_article):
    editor, rita, rob = team
    claim = claims_of(db, seed_article)[0]
    give(rita, claim.id, rating(db, "False").id, RITA_SECRET)
    response = post(editor, f"/claims/{claim.id}", {"verdict": str(rating(db, "True").id), "status": "in_progress",
                                                   "rationale": "Mine."}, htmx=True)
    assert response.status_code == 403
    assert "under blind review and not settled yet" in response.get_data(as_text=True)
    stored = claims_of(db, seed_article)[0]
    assert (stored.verdict_id, stored.rationale) == (None, "")
    # Rob's card shows no verdict chip on the claim: nothing leaked.
    card = html(rob.get(f"/articles/{seed_article}?claim={claim.id}")).find(id=f"claim-{claim.id}")
    assert card.select_one("h3 .chip").get_text() == "No verdict yet"
    # Once settled, the claim's verdict is the editor's to change like any other.
    give(rob, claim.id, rating(db, "False").id, "")
    assert post(editor, f"/claims/{claim.id}/settle", {"blind_verdict_id": str(verdict_of(db, claim.id, "rita").id)}).status_code == 303
    again = post(editor, f"/claims/{claim.id}", {"verdict": str(rating(db, "Mostly false").id), "status": "needs_second_review",
                                                "rationale": RITA_SECRET}, htmx=True)
    assert again.status_code == 200


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_blind_reviewers_cannot_write_the_claim_until_it_is_settled(team, db, seed_article, htmx):
    _, rita, _ = team
    claim = claims_of(db, seed_article)[0]
    writes = [
        (f"/claims/{claim.id}", {"verdict": str(rating(db, "False").id), "rationale": RITA_SECRET, "status": "done"}),
        (f"/claims/{claim.id}/sources", {"url": "https://example.org/rita"}),
        (f"/claims/{claim.id}/split", {"at": "5"}),
        (f"/claims/{claim.id}/merge", {}),
        (f"/claims/{claim.id}/dismiss", {}),
        (f"/claims/{claim.id}/restore", {}),
        (f"/claims/{claim.id}/worth-checking", {"worth_checking": "no"}),
        # A comment would show the other blind reviewer the verdict just as well as the claim would.
        (f"/claims/{claim.id}/comments", {"body": RITA_SECRET}),
    ]
    for url, data in writes:
        response = post(rita, url, data, htmx=htmx)
        assert response.status_code == 403, url
        assert "blind review" in response.get_data(as_text=True)
    assert claims_of(db, seed_article)[0].rationale == ""
    assert db.exec(select(Comment)).all() == []


def test_a_blind_reviewer_without_a_form_token_is_told_to_reload_first(team, db, seed_article):
    """A form that did not come from factcheck is refused as such (400), before the rules of blind review."""
    _, rita, _ = team
    claim = claims_of(db, seed_article)[0]
    response = rita.post(f"/claims/{claim.id}", data={"status": "in_progress", "version": "1"})
    assert response.status_code == 400
    assert "Reload the page" in response.get_data(as_text=True)


def test_nothing_a_blind_reviewer_can_fetch_shows_the_other_verdict(team, db, seed_article):
    _, rita, rob = team
    claims = claims_of(db, seed_article)
    give(rita, claims[0].id, rating(db, "False").id, RITA_SECRET)
    give(rob, claims[0].id, rating(db, "True").id, ROB_SECRET)
    fragment = {"HX-Request": "true"}
    fetches = [
        rob.get(f"/articles/{seed_article}?claim={claims[0].id}"),
        rob.get(f"/articles/{seed_article}?status=to_review", headers=fragment),
        rob.get(f"/claims/{claims[0].id}", headers=fragment),
        rob.get(f"/claims/{claims[0].id}"),
        rob.get(f"/claims/{claims[0].id}/history"),
        rob.get(f"/articles/{seed_article}/report"),
        rob.get(f"/articles/{seed_article}/report", headers=fragment),
        rob.get(f"/articles/{seed_article}/report.md"),
        rob.get(f"/articles/{seed_article}/export.json"),
        rob.get("/queue"),
        rob.get("/"),
        give(rob, claims[0].id, rating(db, "True").id, ROB_SECRET, htmx=True),
        rob.get(f"/articles/{seed_article}/blind"),
        rob.get("/agreement"),
        rob.get("/assignments"),
    ]
    for response in fetches:
        body = response.get_data(as_text=True)
        assert "Rita-rationale-7f3a" not in body, response.request.url
    assert [r.status_code for r in fetches[-3:]] == [403, 403, 403]
    # The false verdict was rita's only: no option of rob's card says it is chosen.
    card = html(fetches[0]).find(id=f"claim-{claims[0].id}")
    checked = [i["value"] for i in card.select("input[name=verdict][checked]")]
    assert checked == [str(rating(db, "True").id)]
    assert ROB_SECRET in fetches[0].get_data(as_text=True)  # their own, of course


def test_editor_settles_a_disagreement_and_the_claim_records_it(team, db, seed_article):
    editor, rita, rob = team
    claim = claims_of(db, seed_article)[0]
    give(rita, claim.id, rating(db, "False").id, RITA_SECRET)
    give(rob, claim.id, rating(db, "True").id, ROB_SECRET)
    board = html(editor.get(f"/articles/{seed_article}/blind"))
    sides = board.find(id=f"settle-{claim.id}").select(".blind-side")
    assert [s.strong.get_text() for s in sides] == ["rita", "rob"]
    assert RITA_SECRET in sides[0].get_text() and ROB_SECRET in sides[1].get_text()
    rita_verdict = db.exec(select(BlindVerdict).where(BlindVerdict.reviewer_id == user_id(db, "rita"))).one()
    version = claim.version
    response = post(editor, f"/claims/{claim.id}/settle", {"blind_verdict_id": str(rita_verdict.id)})
    assert response.status_code == 303
    settled = claims_of(db, seed_article)[0]
    assert (settled.verdict_id, settled.rationale) == (rating(db, "False").id, RITA_SECRET)
    assert settled.status.value == "needs_second_review"
    # A card left open on the claim is now stale, and the verdict counts as Rita's: the
    # settling editor may approve it (given the two sources a False verdict needs).
    assert settled.version == version + 1 and settled.submitted_by_id == user_id(db, "rita")
    revisions = db.exec(select(ClaimRevision).where(ClaimRevision.claim_id == claim.id)).all()
    assert {r.field for r in revisions} >= {"verdict", "rationale"}
    assert {r.user_id for r in revisions} == {user_id(db, "eddie")}
    # Settled: the claim is the team's again, with its usual form; settling twice is refused.
    card = html(rob.get(f"/articles/{seed_article}?claim={claim.id}")).find(id=f"claim-{claim.id}")
    assert card.find("form", class_="review-form") is not None and RITA_SECRET in card.get_text()
    assert post(editor, f"/claims/{claim.id}/settle", {"blind_verdict_id": str(rita_verdict.id)}).status_code == 422
    assert "Settled (1)" in html(editor.get(f"/articles/{seed_article}/blind")).get_text()


def test_agreements_are_listed_apart_and_accepted_in_one_click(team, db, seed_article):
    editor, rita, rob = team
    claims = claims_of(db, seed_article)
    true, false = rating(db, "True").id, rating(db, "False").id
    give(rita, claims[1].id, true, "Rita agrees.")
    give(rob, claims[1].id, true, "Rob agrees.")
    give(rita, claims[2].id, true, "")
    give(rob, claims[2].id, false, "")
    give(rita, claims[3].id, true, "Alone so far.")
    board = html(editor.get(f"/articles/{seed_article}/blind"))
    assert board.find(id=f"agreed-{claims[1].id}") is not None
    assert board.find(id=f"settle-{claims[2].id}") is not None and board.find(id=f"settle-{claims[1].id}") is None
    assert "Waiting for verdicts (" in board.get_text()
    assert post(editor, f"/articles/{seed_article}/blind/accept", {}).status_code == 303
    after = claims_of(db, seed_article)
    assert (after[1].verdict_id, after[1].rationale) == (true, "Rita agrees.")
    assert after[2].verdict_id is None and after[3].verdict_id is None


def test_only_assigned_blind_reviewers_give_blind_verdicts(app, team, db, seed_article):
    editor, rita, _ = team
    claim = claims_of(db, seed_article)[0]
    outsider = login_as(app, "reviewer", "olga")
    assert give(outsider, claim.id, rating(db, "True").id, "x").status_code == 403
    assert give(editor, claim.id, rating(db, "True").id, "x").status_code == 403  # an editor not assigned
    post(editor, f"/articles/{seed_article}/blind-review", {"on": "0"})
    assert give(rita, claim.id, rating(db, "True").id, "x").status_code == 409  # blind review is off


def test_agreement_page_shows_kappa_tables(team, db, seed_article):
    editor, rita, rob = team
    claims = claims_of(db, seed_article)
    true, false = rating(db, "True").id, rating(db, "False").id
    for claim, (a, b) in zip(claims, [(true, true), (false, false), (true, false), (false, true)], strict=False):
        give(rita, claim.id, a, "")
        give(rob, claim.id, b, "")
    # Nothing is counted before an editor settles: the page would tell a blind reviewer the other's label.
    assert "No claim has two blind verdicts yet" in html(editor.get("/agreement")).find(class_="empty").get_text()
    assert post(editor, f"/articles/{seed_article}/blind/accept", {}).status_code == 303
    for claim in claims[2:4]:
        chosen = verdict_of(db, claim.id, "rita").id
        assert post(editor, f"/claims/{claim.id}/settle", {"blind_verdict_id": str(chosen)}).status_code == 303
    page = html(editor.get("/agreement"))
    assert "beyond what chance" in page.get_text()
    row = page.find(id="kappa-pairs").tbody.tr
    assert [c.get_text(strip=True) for c in row.find_all(["th", "td"])] == ["rita and rob", "4", "50%", "0.00"]
    assert page.find(id="kappa-articles").tbody.tr.find(class_="kappa").get_text() == "0.00"
    assert len(page.find(id="kappa-months").tbody.find_all("tr")) == 1


def test_agreement_page_without_blind_verdicts_says_how_to_get_some(app):
    page = html(login_as(app, "editor", "eddie").get("/agreement"))
    assert "No claim has two blind verdicts yet" in page.find(class_="empty").get_text()


def test_an_editor_who_reviews_blind_neither_sees_nor_settles_the_article(app, team, db, seed_article):
    editor, rita, rob = team
    claims = claims_of(db, seed_article)
    erin = login_as(app, "editor", "erin")
    assign(editor, seed_article, user_id(db, "erin"), claims[0].id)  # erin reviews claim 1 blind
    give(rob, claims[0].id, rating(db, "True").id, ROB_SECRET)
    give(erin, claims[0].id, rating(db, "False").id, "Erin's own.")
    for claim in claims[1:3]:
        give(rita, claim.id, rating(db, "True").id, RITA_SECRET)
        give(rob, claim.id, rating(db, "True").id, "")
    rob_verdict = verdict_of(db, claims[0].id, "rob").id
    refused = [
        erin.get(f"/articles/{seed_article}/blind"),
        erin.get(f"/articles/{seed_article}/blind", headers={"HX-Request": "true"}),
        post(erin, f"/claims/{claims[0].id}/settle", {"blind_verdict_id": str(rob_verdict)}),
        post(erin, f"/claims/{claims[1].id}/settle", {"blind_verdict_id": "none"}),  # its error page is the board
        post(erin, f"/articles/{seed_article}/blind/accept", {}),
    ]
    for response in refused:
        assert response.status_code == 403, response.request.url
        body = response.get_data(as_text=True)
        assert OWN_BLIND_ARTICLE in html(response).get_text() and ROB_SECRET not in body and RITA_SECRET not in body
    assert [c.verdict_id for c in claims_of(db, seed_article)[:3]] == [None, None, None]
    # Another editor settles it; with nothing of hers left to review blind, erin may compare the rest.
    assert post(editor, f"/claims/{claims[0].id}/settle", {"blind_verdict_id": str(rob_verdict)}).status_code == 303
    assert erin.get(f"/articles/{seed_article}/blind").status_code == 200
    assert post(erin, f"/articles/{seed_article}/blind/accept", {}).status_code == 303
    assert [c.verdict_id for c in claims_of(db, seed_article)[1:3]] == [rating(db, "True").id] * 2


def test_a_signed_off_claim_is_not_settled_until_it_is_reopened(team, db, seed_article):
    editor, rita, rob = team
    claims = claims_of(db, seed_article)
    true, false = rating(db, "True").id, rating(db, "False").id
    give(rita, claims[0].id, false, RITA_SECRET)  # a disagreement
    give(rob, claims[0].id, true, ROB_SECRET)
    for claim in claims[1:3]:  # two agreements
        give(rita, claim.id, true, "Rita agrees.")
        give(rob, claim.id, true, "Rob agrees.")
    # An editor outside the blind review approved two of them on their cards meanwhile.
    for claim_id in (claims[0].id, claims[1].id):
        db.get(Claim, claim_id).status = ClaimStatus.APPROVED
    db.commit()

    response = post(editor, f"/claims/{claims[0].id}/settle", {"blind_verdict_id": str(verdict_of(db, claims[0].id, "rita").id)})
    assert response.status_code == 409
    assert "Claim 1 is approved: reopen it with a correction first" in error_of(response)

    response = post(editor, f"/articles/{seed_article}/blind/accept", {})
    assert response.status_code == 200
    assert error_of(response) == (
        "Settled 1 claim. Skipped 1 claim already approved or published: "
        "reopen it with a correction first, then settle it."
    )
    after = claims_of(db, seed_article)
    assert [(c.verdict_id, c.status) for c in after[:3]] == [
        (None, ClaimStatus.APPROVED),
        (None, ClaimStatus.APPROVED),
        (true, ClaimStatus.NEEDS_SECOND_REVIEW),
    ]
    assert verdict_of(db, claims[1].id, "rita").settled is None  # still to settle once reopened


def test_a_custom_scale_a_blind_verdict_uses_keeps_its_labels(client, team, db, seed_article):
    _, rita, _ = team
    form = {"name": "Newsroom", "labels": "1", "label": ["Right", "Wrong"], "value": ["1", "0"], "description_of_label": ["", ""]}
    assert post(client, "/scales", form).status_code == 303
    scale = scale_named(db, "Newsroom")
    assert post(client, f"/articles/{seed_article}/scale", {"rating_scale_id": str(scale.id)}).status_code == 303
    claim = claims_of(db, seed_article)[0]
    assert give(rita, claim.id, rating(db, "Right", "Newsroom").id, "").status_code == 303

    relabelled = dict(form, label=["Right", "Off"])
    response = post(client, f"/scales/{scale.id}", relabelled)
    assert response.status_code == 409  # not a foreign-key error on the blind verdict's label
    assert "1 claim has a verdict from it" in error_of(response)
    labels = db.exec(select(Rating.label).where(Rating.scale_id == scale.id).order_by(Rating.position)).all()
    assert list(labels) == ["Right", "Wrong"]


def test_accepting_verdicts_no_longer_on_the_scale_answers_422(team, db, seed_article):
    editor, rita, rob = team
    claim = claims_of(db, seed_article)[1]
    give(rita, claim.id, rating(db, "True").id, "Rita agrees.")
    give(rob, claim.id, rating(db, "True").id, "Rob agrees.")
    # The article moved to another scale after the verdicts came in (no claim had a verdict yet).
    db.get(Article, seed_article).rating_scale_id = scale_named(db, "Snopes-style labels").id
    db.commit()
    response = post(editor, f"/articles/{seed_article}/blind/accept", {})
    assert response.status_code == 422
    page = html(response)
    assert "not on this article's rating scale" in page.select_one("p.error").get_text()
    assert page.find(id=f"agreed-{claim.id}").strong.get_text() == "True (not on this article's scale any more)"
    assert claims_of(db, seed_article)[1].verdict_id is None
    assert verdict_of(db, claim.id, "rita").settled is None


def test_blind_review_cannot_be_switched_on_for_a_free_text_scale(app, client, db, seed_article):
    editor = login_as(app, "editor", "eddie")
    for name in ("rita", "rob"):
        login_as(app, "reviewer", name)
        assign(editor, seed_article, user_id(db, name))
    conclusion_only = scale_named(db, "Conclusion only (free text)")
    assert post(client, f"/articles/{seed_article}/scale", {"rating_scale_id": str(conclusion_only.id)}).status_code == 303
    for htmx in (False, True):
        response = post(editor, f"/articles/{seed_article}/blind-review", {"on": "1"}, htmx=htmx)
        assert response.status_code == 422
        assert "free-text scale (conclusion only): blind review needs a scale with labels" in error_of(response)
    assert article(db, seed_article).blind_review is False
    default = scale_named(db, DEFAULT_SCALE_NAME)
    assert post(client, f"/articles/{seed_article}/scale", {"rating_scale_id": str(default.id)}).status_code == 303
    assert post(editor, f"/articles/{seed_article}/blind-review", {"on": "1"}).status_code == 303


@pytest.mark.parametrize("number", ["²", "٣", "9" * 30], ids=["superscript", "arabic-indic", "too-long-for-sqlite"])
def test_numbers_int_or_the_database_would_choke_on_are_refused(team, db, seed_article, number):
    editor, rita, _ = team
    claim = claims_of(db, seed_article)[0]
    response = post(rita, f"/claims/{claim.id}/blind", {"verdict": number, "rationale": ""})
    assert response.status_code == 422 and "rating scale" in response.get_data(as_text=True)
    response = post(editor, f"/claims/{claim.id}/settle", {"blind_verdict_id": number})
    assert response.status_code == 422 and error_of(response) == "Choose one of the two verdicts."



def test_an_article_with_blind_verdicts_keeps_its_scale(team, db, seed_article):
    from factcheck.models import RatingScale

    editor, rita, _ = team
    claim = claims_of(db, seed_article)[0]
    give(rita, claim.id, rating(db, "False").id, "Mine.")
    other = db.exec(select(RatingScale).where(RatingScale.id != article(db, seed_article).rating_scale_id)).first()
    response = post(editor, f"/articles/{seed_article}/scale", {"rating_scale_id": str(other.id)})
    assert response.status_code == 409 and "1 blind verdict on this article" in html(response).get_text()
    assert article(db, seed_article).rating_scale_id != other.id


def test_a_blind_article_cannot_move_to_a_free_text_scale(team, db, seed_article):
    from factcheck.models import RatingScale

    editor, _, _ = team
    free = db.exec(select(RatingScale).where(RatingScale.free_text == True)).first()  # noqa: E712
    response = post(editor, f"/articles/{seed_article}/scale", {"rating_scale_id": str(free.id)})
    assert response.status_code == 409 and "switch blind review off first" in html(response).get_text()
    assert article(db, seed_article).rating_scale_id != free.id


def test_the_agreement_counts_kept_are_what_counting_afresh_gives(app, db):
    """Blind verdicts given and changed, on shared claims, two thirds of them settled: the counts
    kept as claims are settled are what counting the settled claims' verdicts afresh in SQL gives,
    and what the pure functions give, pair by pair."""
    import random

    from factcheck.domain.agreement import agreement_tables, tables_from_counts
    from factcheck.domain.blind import (
        agreement_page,
        blind_label_counts,
        blind_ratings,
        give_verdict,
        settle,
        verdicts_for_claims,
    )
    from factcheck.models import Assignment
    from tests.conftest import make_user, store_articles

    reviewers = [make_user(app, f"rater{n}") for n in range(4)]
    labels = [rating(db, label).id for label in ("True", "Mostly true", "False")]
    articles = store_articles(app, 5)
    for article_id in articles:
        db.get(Article, article_id).blind_review = True
        db.add_all(Assignment(article_id=article_id, reviewer_id=r.id) for r in reviewers)
    db.commit()
    claims = [c for article_id in articles for c in claims_of(db, article_id)]
    random.seed(11)
    for _ in range(60):  # some reviewers give a verdict twice: the second replaces the first
        give_verdict(db, random.choice(claims), random.choice(reviewers), random.choice(labels), "")
        db.commit()
    editor = make_user(app, "settler", "editor")
    with_pairs = [c for c in claims if len(verdicts_for_claims(db, [c.id])[c.id]) >= 2]
    for claim in with_pairs[: len(with_pairs) * 2 // 3]:  # the rest stay unsettled: not counted
        settle(db, claim, verdicts_for_claims(db, [claim.id])[claim.id][0], editor)
        db.commit()
    kept, _ = agreement_page(db, 1)
    afresh = tables_from_counts(*(blind_label_counts(db, by, articles) for by in ("pair", "article", "month")))
    assert kept == afresh == agreement_tables(blind_ratings(db))
    assert sum(k.n for k in kept.by_pair.values()) > 10


def test_the_agreement_page_is_drawn_again_when_what_it_counts_changes(app, team, db, seed_article):
    """Served again while nothing changed, in a fixed number of queries; a claim settled, or a
    reviewer renamed, shows at once; a blind verdict given but not settled changes nothing."""
    from tests.conftest import counted_queries

    editor, rita, rob = team
    admin = login_as(app, "admin", "ada")
    claims = claims_of(db, seed_article)
    true, false = rating(db, "True").id, rating(db, "False").id

    def settle_with_ritas(claim) -> None:
        chosen = verdict_of(db, claim.id, "rita").id
        assert post(editor, f"/claims/{claim.id}/settle", {"blind_verdict_id": str(chosen)}).status_code == 303

    def pair_row() -> list[str]:
        row = html(editor.get("/agreement")).find(id="kappa-pairs").tbody.tr
        return [c.get_text(strip=True) for c in row.find_all(["th", "td"])]

    give(rita, claims[0].id, true, "")
    give(rob, claims[0].id, true, "")
    assert html(editor.get("/agreement")).find(id="kappa-pairs") is None  # given, not settled
    settle_with_ritas(claims[0])
    assert pair_row() == ["rita and rob", "1", "100%", "undefined (one label only)"]
    with counted_queries(app) as again:
        assert pair_row()[1] == "1"
    assert not any("blindverdict" in q for q in again)  # served again
    for claim, robs in zip(claims[1:4], (false, true, true), strict=True):
        give(rita, claim.id, true, "")
        give(rob, claim.id, robs, "")
    assert pair_row()[1] == "1"
    for claim in claims[1:4]:
        settle_with_ritas(claim)
    with counted_queries(app) as four:
        assert pair_row()[1:3] == ["4", "75%"]
    assert post(admin, f"/users/{user_id(db, 'rob')}", {"display_name": "Robert"}).status_code == 303
    assert pair_row()[0] == "rita and Robert"
    assert post(editor, f"/articles/{seed_article}/blind-review", {}).status_code == 303  # switched off: verdicts kept
    give(rita, claims[4].id, true, "")  # refused now: blind review is off
    with counted_queries(app) as after:
        assert pair_row()[1:3] == ["4", "75%"]
    assert len(after) == len(four)


def test_two_editors_settling_one_claim_at_once_count_its_pair_once(app, db):
    """The second waits for the first's commit, then finds the claim settled: counted once."""
    import threading

    from factcheck.domain.agreement import tables_from_counts
    from factcheck.domain.blind import agreement_page, blind_label_counts, give_verdict, settle, verdicts_for_claims
    from factcheck.errors import InvalidInput
    from factcheck.models import Assignment, User
    from tests.conftest import make_user, store_articles

    first, second = make_user(app, "ann"), make_user(app, "ben")
    editors = [make_user(app, "eda", "editor"), make_user(app, "edb", "editor")]
    [article_id] = store_articles(app, 1)
    db.get(Article, article_id).blind_review = True
    db.add_all(Assignment(article_id=article_id, reviewer_id=r.id) for r in (first, second))
    db.commit()
    claim_id = claims_of(db, article_id)[0].id
    true = rating(db, "True").id
    for reviewer in (first, second):
        give_verdict(db, db.get(Claim, claim_id), db.get(User, reviewer.id), true, "")
        db.commit()
    engine = app.extensions["factcheck.engine"]
    refused = []
    with Session(engine) as one:
        claim = one.get(Claim, claim_id)
        settle(one, claim, verdicts_for_claims(one, [claim_id])[claim_id][0], one.get(User, editors[0].id))  # not committed

        def other_editor() -> None:
            with Session(engine) as two:
                try:
                    settle(two, two.get(Claim, claim_id), verdicts_for_claims(two, [claim_id])[claim_id][1],
                           two.get(User, editors[1].id))
                    two.commit()
                except InvalidInput as error:
                    refused.append(str(error))

        thread = threading.Thread(target=other_editor)
        thread.start()
        thread.join(timeout=0.5)  # it waits on the first's stamps
        one.commit()
        thread.join(timeout=10)
    assert refused == ["Claim 1 is already settled."]
    db.expire_all()
    kept, _ = agreement_page(db, 1)
    afresh = tables_from_counts(*(blind_label_counts(db, by, [article_id]) for by in ("pair", "article", "month")))
    assert kept == afresh and kept.by_pair[(first.id, second.id)].n == 1


