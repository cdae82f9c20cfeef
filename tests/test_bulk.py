"""Bulk changes on the claims ticked in the review page's list: each action's stored effect, all or
nothing, refusals with the reason, and the page's address after the change."""

from __future__ import annotations

from sqlmodel import select

from factcheck.models import Assignment
from factcheck.vocabulary import ClaimStatus
from tests.conftest import claims_of, html, login_as, post
from tests.teamwork import assign, user_id


def bulk(client, article_id: int, claim_ids: list[int], action: str, *, htmx: bool = True, **values):
    """Post the bulk form as htmx does from the page with a claim open and every claim shown."""
    data = {"action": action, "claim_id": [str(i) for i in claim_ids], **values}
    here = f"http://localhost/articles/{article_id}?claim={claim_ids[0] if claim_ids else 1}&show=all"
    headers = {"HX-Current-URL": here, "HX-Target": "claims"}
    return post(client, f"/articles/{article_id}/bulk", data, htmx=htmx, headers=headers)


def test_each_action_changes_every_claim_ticked(app, client, db, seed_article):
    login_as(app, "reviewer", "rita")
    claims = claims_of(db, seed_article)
    first, second, third, fourth = (c.id for c in claims[:4])
    response = bulk(client, seed_article, [first, second], "status", status="in_progress")
    assert response.status_code == 200
    assert "Set 2 claims to “In progress” (1, 2)." in html(response).select_one("#list-message").get_text()
    # The editor closed: the address no longer names a claim, the filters stay.
    assert response.headers["HX-Replace-Url"] == f"/articles/{seed_article}?show=all"
    assert bulk(client, seed_article, [third], "not_worthy").status_code == 200
    assert bulk(client, seed_article, [fourth], "dismiss").status_code == 200
    rita = user_id(db, "rita")
    assert bulk(client, seed_article, [first, third], "assign", reviewer_id=str(rita)).status_code == 200
    stored = {c.id: c for c in claims_of(db, seed_article)}
    assert [stored[first].status, stored[second].status] == [ClaimStatus.IN_PROGRESS] * 2
    assert stored[third].worth_checking is False
    assert stored[fourth].dismissed
    assigned = {a.claim_id for a in db.exec(select(Assignment).where(Assignment.reviewer_id == rita))}
    assert assigned == {first, third}


def test_one_claim_refused_changes_none(app, client, db, seed_article):
    """A reviewer assigned one claim ticks two: neither changes, and the reason names the claim."""
    reviewer = login_as(app, "reviewer", "rita")
    claims = claims_of(db, seed_article)
    assert assign(client, seed_article, user_id(db, "rita"), claims[0].id).status_code == 303
    response = bulk(reviewer, seed_article, [claims[0].id, claims[1].id], "status", status="in_progress")
    assert response.status_code == 403
    assert response.headers["HX-Retarget"] == "#list-message"  # above the rows ticked
    assert "on an article you are not assigned" in html(response).get_text()
    assert {c.status for c in claims_of(db, seed_article)[:2]} == {ClaimStatus.TO_REVIEW}
    # Given the whole article, she may change its claims at once, but not assign them.
    assert assign(client, seed_article, user_id(db, "rita")).status_code == 303
    response = bulk(reviewer, seed_article, [claims[0].id], "assign", reviewer_id=str(user_id(db, "rita")))
    assert response.status_code == 403 and response.headers["HX-Retarget"] == "#claims"
    assert "Only editors and admins assign claims." in html(response).select_one("#list-message").get_text()
    assert bulk(reviewer, seed_article, [claims[0].id, claims[1].id], "status", status="in_progress").status_code == 200
    assert {c.status for c in claims_of(db, seed_article)[:2]} == {ClaimStatus.IN_PROGRESS}


def test_bad_bulk_input_is_refused_with_the_reason(client, db, seed_article):
    claims = claims_of(db, seed_article)
    nothing = bulk(client, seed_article, [], "status", status="in_progress")
    assert nothing.status_code == 422 and "Tick the claims to change first." in nothing.get_data(as_text=True)
    unknown = bulk(client, seed_article, [claims[0].id], "delete_everything")
    assert unknown.status_code == 422 and "Choose what to do" in unknown.get_data(as_text=True)
    foreign = bulk(client, seed_article, [claims[0].id, 999_999], "dismiss")
    assert foreign.status_code == 422 and "not in this article" in foreign.get_data(as_text=True)
    status = bulk(client, seed_article, [claims[0].id], "status", status="finished")
    assert status.status_code == 422
    assert not any(c.dismissed for c in claims_of(db, seed_article))
    assert {c.status for c in claims_of(db, seed_article)} == {ClaimStatus.TO_REVIEW}


def test_without_javascript_a_bulk_change_lands_back_on_the_list(client, db, seed_article):
    claims = claims_of(db, seed_article)
    response = post(client, f"/articles/{seed_article}/bulk?show=all", {"action": "dismiss", "claim_id": [str(claims[5].id)]})
    assert response.status_code == 303 and response.headers["Location"] == f"/articles/{seed_article}?show=all"
    assert claims_of(db, seed_article)[5].dismissed
