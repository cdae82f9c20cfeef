"""CSRF on every state change, no GET that changes anything, CSP and served assets."""

from __future__ import annotations

import re

import pytest
from sqlmodel import SQLModel, select

from factcheck.domain.permissions import PERMISSIONS
from factcheck.models import Assignment, BlindVerdict, Correction, Source, User
from factcheck.vocabulary import ClaimStatus, Role
from tests.conftest import claims_of, html, login_as, post, rating


def snapshot(db):
    """Every row of every table (users, sessions, assignments, comments, corrections, blind verdicts
    and all the rest), in primary-key order: anything a request could change. Not the audit log,
    which records refusals (tests/test_audit.py). Read in a new transaction: on SQLite an open one
    would keep showing the database as it was when it began."""
    db.rollback()
    db.expire_all()
    rows = {}
    for table in SQLModel.metadata.sorted_tables:
        if table.name == "auditevent":
            continue
        rows[table.name] = [tuple(row) for row in db.execute(table.select().order_by(*table.primary_key.columns))]
    return rows


def fill(rule, article_id: int, claim_id: int, source_id: int) -> str:
    values = {"article_id": article_id, "claim_id": claim_id, "source_id": source_id, "filename": "factcheck.css",
              "scale_id": 1, "user_id": 1}
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)


@pytest.fixture
def populated(app, client, db, seed_article):
    """The seed article with a row in every table a reviewer's work fills: a source, a comment,
    a correction, an assignment, a blind verdict, a revision, sessions of two users."""
    claim = claims_of(db, seed_article)[0]
    post(client, f"/claims/{claim.id}/sources", {"url": "https://example.org/a"}, htmx=True)
    post(client, f"/claims/{claim.id}/comments", {"body": "Check the date."}, htmx=True)
    login_as(app, "reviewer", "rita")
    rita = db.exec(select(User).where(User.username == "rita")).one()
    db.add(Assignment(article_id=seed_article, reviewer_id=rita.id))
    db.add(Correction(claim_id=claim.id, reason="A newer figure.", old_status=ClaimStatus.PUBLISHED))
    db.add(BlindVerdict(claim_id=claim.id, article_id=seed_article, reviewer_id=rita.id, verdict_id=rating(db, "True").id))
    db.commit()
    assert all(snapshot(db)[table] for table in ("source", "comment", "correction", "assignment", "blindverdict",
                                                   "claimrevision", "loginsession", "user"))
    source = db.exec(select(Source)).one()
    return seed_article, claim.id, source.id


def test_every_state_changing_route_refuses_a_request_without_csrf_token(app, client, db, populated):
    before = snapshot(db)
    rules = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
    assert len(rules) >= 5
    data = {"text": "New claim here.", "verdict": "", "status": "needs_second_review", "url": "https://example.org/b", "rationale": "x",
            "name": "Forged scale", "label": ["A", "B"], "value": ["1", "0"], "rating_scale_id": "2"}
    # Routes an admin may not use (a blind verdict is the assigned reviewer's own) are tried by
    # someone who may: an editor assigned the article.
    editor = login_as(app, "editor", "assigned-editor")
    db.add(Assignment(article_id=populated[0], reviewer_id=db.exec(select(User).where(User.username == "assigned-editor")).one().id))
    db.commit()
    before = snapshot(db)
    for rule in rules:
        url = fill(rule, *populated)
        permission = PERMISSIONS[rule.endpoint]
        sender = client if permission.public or Role.ADMIN in permission.roles else editor
        for headers in ({}, {"HX-Request": "true"}, {"HX-Request": "true", "X-CSRF-Token": "forged"}):
            response = sender.post(url, data=data, headers=headers)
            assert response.status_code == 400, (url, headers)
            assert "did not come from factcheck" in response.get_data(as_text=True)
    assert snapshot(db) == before


def test_csrf_token_in_the_htmx_header_is_accepted(client, db, populated):
    article_id, claim_id, _ = populated
    token = html(client.get(f"/articles/{article_id}")).find("input", attrs={"name": "csrf_token"})["value"]
    response = client.post(
        f"/claims/{claim_id}", data={"status": "needs_second_review", "version": "1"}, headers={"HX-Request": "true", "X-CSRF-Token": token}
    )
    assert response.status_code == 200


def test_no_get_request_changes_anything(app, client, db, populated):
    before = snapshot(db)
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods:
            client.get(fill(rule, *populated)).close()
            client.get(fill(rule, *populated), headers={"HX-Request": "true"}).close()
    assert snapshot(db) == before


@pytest.mark.parametrize("path", ["/", "/articles/new", "ARTICLE", "/articles/999"])
def test_pages_send_a_strict_csp_and_load_nothing_from_other_hosts(client, seed_article, path):
    response = client.get(path.replace("ARTICLE", f"/articles/{seed_article}"))
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = html(response)
    for tag in page.find_all(["script", "link"]):
        url = tag.get("src") or tag.get("href")
        assert url == "data:," or (url.startswith("/") and not url.startswith("//")), tag
    # Nothing the CSP would block: no inline scripts, styles or style attributes.
    assert page.find("style") is None
    assert all(tag.get("src") for tag in page.find_all("script"))
    assert page.find(attrs={"style": True}) is None
    assert not [tag for tag in page.find_all(True) if any(a.startswith("on") for a in tag.attrs)]


def test_htmx_is_served_by_the_app_from_the_installed_package(client):
    page = html(client.get("/"))
    src = page.find("script", src=re.compile("htmx"))["src"]
    response = client.get(src)
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    assert b'version:"2.' in response.data


def test_htmx_config_shows_error_fragments(client):
    config = html(client.get("/")).find("meta", attrs={"name": "htmx-config"})["content"]
    assert '"includeIndicatorStyles": false' in config
    assert '{"code": "[45]..", "swap": true' in config
