"""The review workflow: statuses, approval rules, corrections, comments, history, edit conflicts."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from factcheck.domain.history import rationale_diff
from factcheck.domain.records import import_record
from factcheck.domain.scales import default_scale, ratings_for_scale
from factcheck.domain.workflow import EditConflict, save_review
from factcheck.models import Assignment, Claim, Comment, Correction, Rating, Source, User
from factcheck.vocabulary import ClaimStatus
from tests.conftest import claims_of, html, login_as, post, rating


def assign(app, username: str, article_id: int) -> None:
    """Give a reviewer every claim of an article."""
    with Session(app.extensions["factcheck.engine"]) as session:
        user = session.exec(select(User).where(User.username == username)).one()
        session.add(Assignment(article_id=article_id, reviewer_id=user.id))
        session.commit()


def stored(db: Session, claim_id: int) -> Claim:
    db.expire_all()
    return db.get(Claim, claim_id)


def version_of(client, claim_id: int) -> str:
    card = html(client.get(f"/claims/{claim_id}", headers={"HX-Request": "true"}))
    return card.select_one(f"#claim-{claim_id} form.review-form input[name=version]")["value"]


def save(client, claim_id: int, *, htmx: bool = True, **fields):
    data = {"verdict": "", "rationale": "", "status": "in_progress", **fields}
    data = {k: str(v) for k, v in data.items()}
    return post(client, f"/claims/{claim_id}", data, htmx=htmx)


def add_sources(client, claim_id: int, count: int) -> None:
    for _ in range(count):  # a claim cites each address once
        response = post(client, f"/claims/{claim_id}/sources", {"url": f"https://example.org/{uuid.uuid4().hex}"}, htmx=True)
        assert response.status_code == 200


@pytest.fixture
def team(app, client, seed_article):
    """A reviewer assigned to the seed article, a second reviewer, and two editors (plus the admin `client`)."""
    clients = {
        "reviewer": login_as(app, "reviewer", "rita"),
        "other_reviewer": login_as(app, "reviewer", "oscar"),
        "editor": login_as(app, "editor", "edna"),
        "editor2": login_as(app, "editor", "eddie"),
        "admin": client,
    }
    assign(app, "rita", seed_article)
    return clients


def sent_to_second_review(team, db, claim_id: int, verdict: str = "False") -> None:
    """The assigned reviewer gives a verdict and sends the claim to second review."""
    response = save(
        team["reviewer"], claim_id, verdict=rating(db, verdict).id, rationale="Maps say otherwise.", status="needs_second_review"
    )
    assert response.status_code == 200, response.get_data(as_text=True)


def error_of(response) -> str:
    return html(response).select_one(".error").get_text(" ", strip=True)


# --- Statuses and approval ---------------------------------------------------------------------


def test_the_statuses_in_order():
    assert [s.value for s in ClaimStatus] == ["to_review", "in_progress", "needs_second_review", "approved", "published"]
    assert [s.signed_off for s in ClaimStatus] == [False, False, False, True, True]


def test_a_claim_goes_from_review_to_published(team, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    assert save(team["reviewer"], claim.id, status="in_progress").status_code == 200
    sent_to_second_review(team, db, claim.id)
    rita = db.exec(select(User).where(User.username == "rita")).one()
    assert stored(db, claim.id).submitted_by_id == rita.id
    add_sources(team["reviewer"], claim.id, 1)
    response = save(team["editor"], claim.id, verdict=rating(db, "False").id, rationale="Maps say otherwise.", status="approved")
    assert response.status_code == 200, error_of(response)
    assert stored(db, claim.id).status == ClaimStatus.APPROVED
    response = save(team["editor"], claim.id, verdict=rating(db, "False").id, rationale="Maps say otherwise.", status="published")
    assert response.status_code == 200
    assert stored(db, claim.id).status == ClaimStatus.PUBLISHED
    page = html(team["editor"].get(f"/claims/{claim.id}/history"))
    whos = [(row.select_one(".who").get_text(), row.select_one(".what").get_text()) for row in page.select("tbody tr")]
    assert ("rita", "status") in whos and ("edna", "status") in whos


@pytest.mark.parametrize("status", ["approved", "published"])
def test_reviewers_may_not_approve_or_publish(team, db, seed_article, status):
    claim = claims_of(db, seed_article)[0]
    sent_to_second_review(team, db, claim.id)
    response = save(team["reviewer"], claim.id, verdict=rating(db, "False").id, rationale="Maps say otherwise.", status=status)
    assert response.status_code == 403
    assert "Only editors and admins" in error_of(response)
    assert response.headers["HX-Retarget"] == f"#claim-{claim.id}"
    assert stored(db, claim.id).status == ClaimStatus.NEEDS_SECOND_REVIEW


def test_approval_must_come_from_someone_else(team, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    editor = team["editor"]
    assert save(editor, claim.id, verdict=rating(db, "True").id, rationale="Yes.", status="needs_second_review").status_code == 200
    add_sources(editor, claim.id, 1)
    response = save(editor, claim.id, verdict=rating(db, "True").id, rationale="Yes.", status="approved")
    assert response.status_code == 403
    assert "someone else must approve it" in error_of(response)
    assert stored(db, claim.id).status == ClaimStatus.NEEDS_SECOND_REVIEW
    assert save(team["editor2"], claim.id, verdict=rating(db, "True").id, rationale="Yes.", status="approved").status_code == 200


def test_approval_needs_second_review_first_and_no_changes_on_the_way(team, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    add_sources(team["editor"], claim.id, 1)
    response = save(team["editor"], claim.id, verdict=rating(db, "True").id, rationale="x", status="approved")
    assert response.status_code == 422 and "not been sent to second review" in error_of(response)
    sent_to_second_review(team, db, claim.id)
    response = save(team["editor"], claim.id, verdict=rating(db, "True").id, rationale="Changed.", status="approved")
    assert response.status_code == 422 and "as they were sent" in error_of(response)
    response = save(team["editor"], claim.id, verdict=rating(db, "False").id, rationale="Maps say otherwise.", status="published")
    assert response.status_code == 422 and "approve it before publishing" in error_of(response)


def test_approval_needs_the_sources_its_verdict_asks_for(team, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    false = rating(db, "False")
    response = post(team["editor"], "/approval-rules", {f"min_sources-{false.id}": "2"})
    assert response.status_code == 303
    db.expire_all()
    assert db.get(Rating, false.id).min_sources == 2
    assert rating(db, "True").min_sources == 1
    sent_to_second_review(team, db, claim.id)
    add_sources(team["reviewer"], claim.id, 1)
    approve = {"verdict": false.id, "rationale": "Maps say otherwise.", "status": "approved"}
    response = save(team["editor"], claim.id, **approve)
    assert response.status_code == 422
    assert error_of(response) == "Approving a “False” verdict needs at least 2 sources; claim 1 has 1. Add 1 more."
    add_sources(team["reviewer"], claim.id, 1)
    assert save(team["editor"], claim.id, **approve).status_code == 200


def test_no_verdict_no_approval(team, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    assert save(team["reviewer"], claim.id, rationale="Unsure.", status="needs_second_review").status_code == 200
    response = save(team["editor"], claim.id, rationale="Unsure.", status="approved")
    assert response.status_code == 422 and "has no verdict" in error_of(response)


def test_approval_rules_page(team, db):
    page = html(team["editor"].get("/approval-rules"))
    labels = [label.get_text() for label in page.select("form.approval-rules label")]
    assert labels[:2] == ["True", "Mostly true"]
    assert all(field["value"] == "1" for field in page.select("form.approval-rules input[type=number]"))
    false = rating(db, "False")
    response = post(team["editor"], "/approval-rules", {f"min_sources-{false.id}": "lots"})
    assert response.status_code == 422
    assert "Truth-O-Meter (7 labels), “False”: give a whole number of sources from 0 to 20." in error_of(response)
    assert rating(db, "False").min_sources == 1


# --- Migration and import ----------------------------------------------------------------------


def test_stored_done_claims_move_to_second_review(app, db, seed_article, runner):
    engine = app.extensions["factcheck.engine"]
    if engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL's claimstatus type has no DONE any more: test_config's older-database test covers it")
    with engine.begin() as connection:  # as a database from before schema revisions held them
        connection.execute(text("UPDATE claim SET status = 'DONE' WHERE position < 2"))
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(text("DROP TABLE changestamp"))  # added by later revisions
        connection.execute(text("DROP TABLE agreementcount"))
        connection.execute(text("DROP INDEX ix_claim_status"))
        connection.execute(text("DROP INDEX ix_claimrevision_changed"))
        connection.execute(text("DROP INDEX ix_claim_published"))
        for table in ("auditevent", "loginfailure", "articletag", "matchqueue", "claimterm", "archivetermcount", "archiveterm", "claimlink",
                      "claimmatch", "archiveentry",
                      "claim_search", "archive_search"):
            connection.execute(text(f"DROP TABLE {table}"))
        for (trigger,) in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).all():
            connection.execute(text(f"DROP TRIGGER {trigger}"))
        for table, column in (("claim", "claimant"), ("claim", "claim_url"), ("claim", "claim_date"), ("claim", "summary"), ("claim", "published_at"),
                              ("article", "archived"), ("loginsession", "last_seen")):
            connection.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    statuses = [c.status for c in claims_of(db, seed_article)[:3]]
    assert statuses == [ClaimStatus.NEEDS_SECOND_REVIEW, ClaimStatus.NEEDS_SECOND_REVIEW, ClaimStatus.TO_REVIEW]


def test_an_export_with_done_imports_as_second_review_and_keeps_corrections(app, db):
    record = {
        "format": "factcheck-article/1",
        "article": {"title": "T", "text": "It rained. It snowed."},
        "claims": [
            {"start": 0, "end": 10, "text": "It rained.", "status": "done", "verdict": "True", "rationale": "Seen."},
            {
                "start": 11, "end": 21, "text": "It snowed.", "status": "published", "verdict": "False", "rationale": "",
                "corrections": [
                    {"date": "2025-05-01", "reason": "New data.", "old_verdict": "True", "old_rationale": "Was.", "old_status": "done"}
                ],
            },
        ],
    }
    article = import_record(db, json.loads(json.dumps(record)), default_scale(db))
    db.commit()
    first, second = claims_of(db, article.id)
    assert (first.status, second.status) == (ClaimStatus.NEEDS_SECOND_REVIEW, ClaimStatus.PUBLISHED)
    correction = db.exec(select(Correction).where(Correction.claim_id == second.id)).one()
    assert (correction.reason, correction.old_verdict, correction.old_status) == ("New data.", "True", ClaimStatus.NEEDS_SECOND_REVIEW)


# --- Corrections ---------------------------------------------------------------------------------


@pytest.fixture
def published_claim(team, db, seed_article) -> int:
    claim = claims_of(db, seed_article)[0]
    sent_to_second_review(team, db, claim.id)
    add_sources(team["reviewer"], claim.id, 1)
    for status in ("approved", "published"):
        response = save(team["editor"], claim.id, verdict=rating(db, "False").id, rationale="Maps say otherwise.", status=status)
        assert response.status_code == 200
    return claim.id


def test_a_correction_needs_a_reason_and_keeps_the_old_verdict(team, db, seed_article, published_claim):
    change = {"verdict": rating(db, "Mostly false").id, "rationale": "Maps say *mostly* otherwise.", "status": "published"}
    response = save(team["editor"], published_claim, **change)
    assert response.status_code == 422 and "Reason for the correction" in error_of(response)
    assert stored(db, published_claim).verdict_id == rating(db, "False").id

    response = save(team["editor"], published_claim, reason="The ministry revised its figures.", **change)
    assert response.status_code == 200
    claim = stored(db, published_claim)
    assert claim.verdict_id == rating(db, "Mostly false").id
    assert claim.status == ClaimStatus.NEEDS_SECOND_REVIEW  # the corrected verdict is approved again
    correction = db.exec(select(Correction).where(Correction.claim_id == published_claim)).one()
    assert (correction.reason, correction.old_verdict, correction.old_rationale, correction.old_status) == (
        "The ministry revised its figures.", "False", "Maps say otherwise.", ClaimStatus.PUBLISHED,
    )

    page = html(team["editor"].get(f"/claims/{published_claim}/history"))
    row = page.select_one("tr.entry-correction")
    assert row.select_one(".who").get_text() == "edna"
    assert row.select_one(".reason").get_text() == "The ministry revised its figures."
    assert row.select_one(".old-verdict").get_text() == "False"

    report = team["editor"].get(f"/articles/{seed_article}/report.md").get_data(as_text=True)
    assert (
        "**Verdict: Mostly false** (status: needs second review)\n\nRationale:\n\n> Maps say *mostly* otherwise.\n\n"
        f"**Correction ({correction.created.date().isoformat()}):** The ministry revised its figures. "
        "Previously: False (status: published).\n\nPrevious rationale:\n\n> Maps say otherwise.\n"
    ) in report


def test_moving_a_published_claim_back_is_a_correction_too(team, db, published_claim):
    same = {"verdict": rating(db, "False").id, "rationale": "Maps say otherwise."}
    response = save(team["editor"], published_claim, status="in_progress", reason="Needs another look.", **same)
    assert response.status_code == 200
    assert stored(db, published_claim).status == ClaimStatus.IN_PROGRESS
    assert db.exec(select(Correction).where(Correction.claim_id == published_claim)).one().old_status == ClaimStatus.PUBLISHED


def test_reviewers_may_not_reopen_a_signed_off_claim(team, db, published_claim):
    response = save(team["reviewer"], published_claim, verdict=rating(db, "True").id, rationale="x", status="in_progress", reason="r")
    assert response.status_code == 403
    assert "only an editor can reopen it" in error_of(response)
    assert db.exec(select(Correction)).first() is None


def test_the_card_asks_for_a_reason_only_once_signed_off(team, db, seed_article, published_claim):
    page = html(team["editor"].get(f"/articles/{seed_article}?claim={published_claim}"))
    assert page.select_one(f"#claim-{published_claim} input[name=reason]") is not None
    other = claims_of(db, seed_article)[1]
    page = html(team["editor"].get(f"/articles/{seed_article}?claim={other.id}"))
    assert page.select_one(f"#claim-{other.id} input[name=reason]") is None


# --- Comments --------------------------------------------------------------------------------------


def test_comments_are_shown_collapsed_with_their_count_and_in_history(team, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    response = post(team["reviewer"], f"/claims/{claim.id}/comments", {"body": "Is <b>this</b> the 2024 map?"}, htmx=True)
    assert response.status_code == 200
    card = html(response).select_one(f"#claim-{claim.id}")
    assert card.select_one("details.comments").has_attr("open")  # open right after adding
    assert card.select_one("details.comments summary").get_text() == "Comments (1)"
    assert card.select_one(".comment-body").get_text() == "Is <b>this</b> the 2024 map?"
    assert card.select_one(".comment-body b") is None
    assert card.select_one(".comment .author").get_text() == "rita"
    post(team["editor"], f"/claims/{claim.id}/comments", {"body": "Yes."})
    page = html(team["editor"].get(f"/articles/{seed_article}?claim={claim.id}"))
    details = page.select_one(f"#claim-{claim.id} details.comments")
    assert not details.has_attr("open")
    assert details.select_one("summary").get_text() == "Comments (2)"
    history = html(team["editor"].get(f"/claims/{claim.id}/history"))
    assert [c.get_text() for c in history.select("tr.entry-comment .comment-body")] == ["Is <b>this</b> the 2024 map?", "Yes."]


def test_an_empty_comment_is_refused(team, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    response = post(team["reviewer"], f"/claims/{claim.id}/comments", {"body": "  "}, htmx=True)
    assert response.status_code == 422
    assert "The comment is empty" in error_of(response)
    assert db.exec(select(Comment)).first() is None


# --- History ------------------------------------------------------------------------------------------


def test_rationale_diff_marks_words_in_and_out():
    assert rationale_diff("Maps show less.", "Maps show much less.") == [
        ("equal", "Maps show "), ("insert", "much "), ("equal", "less."),
    ]
    assert rationale_diff("a b", "a c") == [("equal", "a "), ("delete", "b"), ("insert", "c")]


def test_history_shows_rationale_changes_as_an_escaped_diff(client, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    save(client, claim.id, rationale="Seen <b>here</b>.")
    save(client, claim.id, rationale="Seen there.")
    page = html(client.get(f"/claims/{claim.id}/history"))
    cells = page.select("td.diff")
    assert [ins.get_text() for ins in cells[0].find_all("ins")] == ["Seen <b>here</b>."]
    assert [d.get_text() for d in cells[1].find_all("del")] == ["<b>here</b>."]
    assert [i.get_text() for i in cells[1].find_all("ins")] == ["there."]
    assert page.select_one("td.diff b") is None
    assert cells[1].get_text() == "Seen <b>here</b>. there."  # the words replaced are not glued together
    times = [t.get_text() for t in page.select("table.history time")]
    assert times and all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", t) for t in times), times


# --- Edit conflicts -------------------------------------------------------------------------------------


def test_a_stale_save_gets_a_409_conflict_view_in_the_card(team, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    rita, edna = team["reviewer"], team["editor"]
    version = version_of(rita, claim.id)
    assert version_of(edna, claim.id) == version == "1"
    theirs = {"verdict": rating(db, "False").id, "rationale": "Theirs.", "status": "in_progress", "version": version}
    assert save(edna, claim.id, **theirs).status_code == 200
    mine = {"verdict": rating(db, "True").id, "rationale": "Mine.", "status": "in_progress", "version": version}
    response = save(rita, claim.id, **mine)
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == f"#claim-{claim.id}"
    assert response.headers["HX-Reswap"] == "outerHTML"
    card = html(response).select_one(f"#claim-{claim.id}")
    assert card.select_one(".conflict-theirs .rationale-text").get_text() == "Theirs."
    assert card.select_one(".conflict-theirs .verdict").get_text() == "False"
    assert card.select_one(".conflict-yours .rationale-text").get_text() == "Mine."
    assert card.select_one(".conflict-yours .verdict").get_text() == "True"
    assert card.select_one("form.review-form") is None
    merge = card.select_one("form.merge-form")
    assert merge.select_one("input[name=version]")["value"] == "2"
    assert merge.select_one("textarea[name=rationale]").get_text() == "Mine."
    assert merge.select_one("input[name=verdict][checked]")["value"] == str(rating(db, "True").id)
    assert stored(db, claim.id).rationale == "Theirs."

    merged = {**mine, "rationale": "Theirs. Mine.", "version": "2"}
    assert save(rita, claim.id, **merged).status_code == 200
    assert (stored(db, claim.id).rationale, stored(db, claim.id).version) == ("Theirs. Mine.", 3)


def test_a_merge_keeps_a_colleagues_verdict_the_submitter_did_not_touch(team, db, seed_article):
    """A saves a verdict; B, from a card showing none, changes only the rationale: the merge form
    starts from A's verdict, marks where the versions differ, and saving it keeps A's verdict."""
    claim = claims_of(db, seed_article)[0]
    rita, edna = team["reviewer"], team["editor"]
    shown = html(rita.get(f"/claims/{claim.id}", headers={"HX-Request": "true"})).select_one("form.review-form")
    seen = {field["name"]: field["value"] for field in shown.select("input[type=hidden][name^=seen_]")}
    assert save(edna, claim.id, verdict=rating(db, "Half true").id, rationale="", version="1").status_code == 200
    response = save(rita, claim.id, verdict="", rationale="Rita's reasoning.", version="1", **seen)
    assert response.status_code == 409
    card = html(response).select_one(f"#claim-{claim.id}")
    assert [dt.get_text() for dt in card.select(".conflict-theirs dt.differs")] == ["Verdict", "Rationale"]
    merge = card.select_one("form.merge-form")
    assert merge.select_one("input[name=verdict][checked]")["value"] == str(rating(db, "Half true").id)
    assert merge.select_one("textarea[name=rationale]").get_text() == "Rita's reasoning."
    form = {field["name"]: field.get("value", "") for field in merge.select("input[type=hidden]")}
    form.update(verdict=merge.select_one("input[name=verdict][checked]")["value"], rationale="Rita's reasoning.")
    assert save(rita, claim.id, **form).status_code == 200
    assert (stored(db, claim.id).verdict_id, stored(db, claim.id).rationale) == (rating(db, "Half true").id, "Rita's reasoning.")


def test_a_stale_save_without_javascript_gets_the_whole_page_with_the_conflict(client, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    assert save(client, claim.id, htmx=False, rationale="First.", version=1).status_code == 303
    response = save(client, claim.id, htmx=False, rationale="Second.", version=1)
    assert response.status_code == 409
    page = html(response)
    assert page.select_one(".article-header h1") is not None  # the whole review page
    assert page.select_one(f"#claim-{claim.id} .conflict-yours .rationale-text").get_text() == "Second."
    assert page.select_one(f"#claim-{claim.id} form.merge-form")["action"] == f"/claims/{claim.id}"


def test_two_saves_on_the_same_version_never_both_succeed(app, seed_article):
    engine = app.extensions["factcheck.engine"]
    with Session(engine) as first, Session(engine) as second:
        a = first.exec(select(Claim).where(Claim.article_id == seed_article, Claim.position == 0)).one()
        claim_id = a.id
        b = second.get(Claim, claim_id)
        ratings = ratings_for_scale(first, 1)
        save_review(first, a, ratings, verdict_id=None, rationale="A", status="in_progress", user=None, version=1)
        first.commit()
        with pytest.raises(EditConflict):
            save_review(second, b, ratings, verdict_id=None, rationale="B", status="in_progress", user=None, version=1)
        # Even when the stale session believes its copy is current, the conditional UPDATE refuses it.
        second.rollback()
        _ = b.rationale  # reload the stored row, then pretend this copy were still version 1
        set_committed_value(b, "version", 1)
        with pytest.raises(EditConflict):
            save_review(second, b, ratings, verdict_id=None, rationale="B", status="in_progress", user=None, version=1)
    with Session(engine) as check:
        assert check.get(Claim, claim_id).rationale == "A"


def test_a_save_without_a_version_still_moves_the_version_on(client, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    assert save(client, claim.id, rationale="Scripted.").status_code == 200
    assert stored(db, claim.id).version == 2


# --- Permission rows ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "method", "path", "status"),
    [
        ("reviewer", "post", "comments", 303),
        ("other_reviewer", "post", "comments", 403),
        ("editor", "post", "comments", 303),
        ("admin", "post", "comments", 303),
        ("reviewer", "get", "/approval-rules", 403),
        ("editor", "get", "/approval-rules", 200),
        ("admin", "get", "/approval-rules", 200),
        ("reviewer", "post", "/approval-rules", 403),
        ("editor", "post", "/approval-rules", 303),
        ("other_reviewer", "post", "save", 403),
        ("reviewer", "post", "save", 303),
    ],
)
def test_new_endpoints_follow_the_permission_table(team, db, seed_article, who, method, path, status):
    claim = claims_of(db, seed_article)[0]
    client = team[who]
    if path == "comments":
        response = post(client, f"/claims/{claim.id}/comments", {"body": "Note."})
    elif path == "save":
        response = save(client, claim.id, htmx=False, rationale="x")
    elif method == "get":
        response = client.get(path)
    else:
        response = post(client, path, {})
    assert response.status_code == status, response.get_data(as_text=True)[-500:]


def test_a_reviewer_is_offered_only_the_statuses_they_may_set(team, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    offered = lambda client: [  # noqa: E731
        o["value"]
        for o in html(client.get(f"/articles/{seed_article}?claim={claim.id}")).find(id=f"status-{claim.id}").find_all("option")
    ]
    assert offered(team["reviewer"]) == ["to_review", "in_progress", "needs_second_review"]
    assert offered(team["editor"]) == ["to_review", "in_progress", "needs_second_review", "approved", "published"]


# --- Rules that other routes could have got round ----------------------------------------------


def published(team, db, claim_id: int) -> None:
    """Take a claim through review, approval and publishing (the reviewer writes, editors sign off)."""
    true = rating(db, "True").id
    assert save(team["reviewer"], claim_id, verdict=true, rationale="Seen.", status="needs_second_review").status_code == 200
    add_sources(team["reviewer"], claim_id, 1)
    assert save(team["editor"], claim_id, verdict=true, rationale="Seen.", status="approved").status_code == 200
    assert save(team["editor"], claim_id, verdict=true, rationale="Seen.", status="published").status_code == 200


def test_an_editor_who_rewrites_a_claim_in_second_review_cannot_approve_it(team, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    true = rating(db, "True").id
    save(team["reviewer"], claim.id, verdict=true, rationale="Seen.", status="needs_second_review")
    add_sources(team["reviewer"], claim.id, 1)
    assert save(team["editor"], claim.id, verdict=true, rationale="Mine now.", status="needs_second_review").status_code == 200
    response = save(team["editor"], claim.id, verdict=true, rationale="Mine now.", status="approved")
    assert response.status_code == 403 and "someone else must approve it" in error_of(response)
    assert save(team["editor2"], claim.id, verdict=true, rationale="Mine now.", status="approved").status_code == 200


def test_a_published_claim_keeps_its_sources_until_it_is_reopened(team, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    published(team, db, claim.id)
    source = db.exec(select(Source).where(Source.claim_id == claim.id)).one()
    response = post(team["editor"], f"/claims/{claim.id}/sources/{source.id}/delete", {}, htmx=True)
    assert response.status_code == 422 and "reopen it with a correction" in error_of(response)
    db.expire_all()
    assert db.get(Source, source.id) is not None


def test_publishing_rechecks_the_sources_the_verdict_needs(team, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    true = rating(db, "True")
    save(team["reviewer"], claim.id, verdict=true.id, rationale="Seen.", status="needs_second_review")
    add_sources(team["reviewer"], claim.id, 1)
    assert save(team["editor"], claim.id, verdict=true.id, rationale="Seen.", status="approved").status_code == 200
    with Session(db.get_bind()) as session:  # the rule tightened after approval
        session.get(Rating, true.id).min_sources = 2
        session.commit()
    response = save(team["editor"], claim.id, verdict=true.id, rationale="Seen.", status="published")
    assert response.status_code == 422 and "Publishing a “True” verdict needs at least 2 sources" in error_of(response)


@pytest.mark.parametrize("action", ["split", "merge", "dismiss"])
def test_a_published_claim_is_not_reshaped_until_reopened(team, db, seed_article, action):
    claim = claims_of(db, seed_article)[0]
    published(team, db, claim.id)
    data = {"at": str(claim.text.index(" ") + 1)} if action == "split" else {}
    response = post(team["editor"], f"/claims/{claim.id}/{action}", data, htmx=True)
    assert response.status_code == 422 and "is published: reopen it with a correction" in error_of(response)
    assert [(c.id, c.text, c.dismissed) for c in claims_of(db, seed_article)[:2]] == [
        (c.id, c.text, c.dismissed) for c in claims_of(db, seed_article)[:2]
    ]
    assert stored(db, claim.id).status == ClaimStatus.PUBLISHED and not stored(db, claim.id).dismissed


def test_merging_into_a_claim_needs_the_right_to_change_the_next_one(app, team, db, seed_article):
    first, second = claims_of(db, seed_article)[:2]
    olga = login_as(app, "reviewer", "olga")
    with Session(db.get_bind()) as session:
        olga_id = session.exec(select(User).where(User.username == "olga")).one().id
        session.add(Assignment(article_id=seed_article, claim_id=first.id, reviewer_id=olga_id))
        session.commit()
    response = post(olga, f"/claims/{first.id}/merge", {}, htmx=True)
    assert response.status_code == 403 and f"may not change claim {second.position + 1}" in response.get_data(as_text=True)
    assert len(claims_of(db, seed_article)) == 25


def test_merging_keeps_the_next_claims_comments_and_corrections(team, db, seed_article):
    first, second = claims_of(db, seed_article)[:2]
    assert post(team["reviewer"], f"/claims/{second.id}/comments", {"body": "Check the map."}, htmx=True).status_code == 200
    with Session(db.get_bind()) as session:
        session.add(Correction(claim_id=second.id, reason="Old figure.", old_rationale="", old_status=ClaimStatus.APPROVED))
        session.commit()
    assert post(team["editor"], f"/claims/{first.id}/merge", {}, htmx=True).status_code == 200
    db.expire_all()
    assert [c.body for c in db.exec(select(Comment).where(Comment.claim_id == first.id)).all()] == ["Check the map."]
    assert [c.reason for c in db.exec(select(Correction).where(Correction.claim_id == first.id)).all()] == ["Old figure."]


@pytest.mark.parametrize("field", ["verdict", "version"])
def test_digits_that_are_not_ascii_get_a_422_not_a_500(team, db, seed_article, field):
    claim = claims_of(db, seed_article)[0]
    response = save(team["editor"], claim.id, **{field: "²"})
    assert response.status_code == 422


def test_splitting_a_claim_makes_open_cards_of_it_stale(team, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    before = claim.version
    at = claim.text.index(" ") + 1
    assert post(team["editor"], f"/claims/{claim.id}/split", {"at": str(at)}, htmx=True).status_code == 200
    assert stored(db, claim.id).version == before + 1
    stale = save(team["editor"], claim.id, rationale="Written on the whole claim.", version=before)
    assert stale.status_code == 409


def test_the_card_header_shows_the_claims_status(team, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    header = lambda: html(team["editor"].get(f"/articles/{seed_article}?claim={claim.id}")).select_one(f"#claim-{claim.id} h3")  # noqa: E731
    assert header().select_one(".flag-status") is None  # to review: nothing to flag
    published(team, db, claim.id)
    assert header().select_one(".flag-status").get_text() == "Published"
