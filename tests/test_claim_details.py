"""What a claim and an article need to be published: claim details (claimant, where and when said,
a short summary), article tags, archived articles, outlets spelled one way."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlmodel import select

from factcheck import create_app
from factcheck.commands import cli
from factcheck.domain.articles import canonical_outlet, outlets
from factcheck.errors import InvalidInput
from factcheck.forms import parse_tags
from factcheck.models import ArticleTag, ClaimRevision
from factcheck.vocabulary import ClaimStatus
from tests.conftest import article, claims_of, html, login_as, post


def test_the_named_speaker_becomes_the_claimant_and_pronouns_do_not(db, seed_article):
    claims = claims_of(db, seed_article)
    by_text = {c.text: c.claimant for c in claims}
    lavrov = next(text for text in by_text if "Lavrov" in text)
    assert by_text[lavrov] == "Foreign Minister Lavrov"
    assert {claimant for claimant in by_text.values()} <= {"", "Foreign Minister Lavrov", "Moscow", "Russia", "Zelensky"}


def test_details_are_saved_from_the_card_and_recorded_in_the_history(client, db, seed_article):
    claim = claims_of(db, seed_article)[3]
    response = post(client, f"/claims/{claim.id}/details", {
        "claimant": "  Ministry   of Defence ", "claim_url": "https://example.org/briefing", "claim_date": "2025-04-27",
        "summary": "Russia says it took two villages"}, htmx=True)
    assert response.status_code == 200
    card = html(response).select_one(f"section#claim-{claim.id}")
    assert card.select_one(f"#claimant-{claim.id}")["value"] == "Ministry of Defence"
    assert card.select_one(".claim-details summary").get_text(" ", strip=True) == "Claim details: Ministry of Defence"
    stored = claims_of(db, seed_article)[3]
    assert (stored.claimant, stored.claim_url, stored.claim_date.isoformat(), stored.summary) == (
        "Ministry of Defence", "https://example.org/briefing", "2025-04-27", "Russia says it took two villages")
    db.expire_all()
    changes = {(r.field, r.after) for r in db.exec(select(ClaimRevision).where(ClaimRevision.claim_id == claim.id))}
    assert {("claimant", "Ministry of Defence"), ("claim_url", "https://example.org/briefing"),
            ("claim_date", "2025-04-27"), ("summary", "Russia says it took two villages")} <= changes
    history = html(client.get(f"/claims/{claim.id}/history")).get_text(" ", strip=True)
    assert "claim url" in history and "Ministry of Defence" in history


def test_details_without_javascript_redirect_back_to_the_claim(client, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    response = post(client, f"/claims/{claim.id}/details", {"claimant": "Reuters"})
    assert response.status_code == 303 and f"claim={claim.id}" in response.headers["Location"]
    assert claims_of(db, seed_article)[0].claimant == "Reuters"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"claim_url": "javascript:alert(1)"}, "Said at (URL): must be an http:// or https:// address"),
        ({"claim_date": "27/04/2025"}, "Said on"),
        ({"summary": "x" * 201}, "Short summary: the summary must be at most 200 characters"),
        ({"claimant": "y" * 201}, "Claimant: the claimant must be at most 200 characters"),
    ],
)
def test_bad_details_are_refused_in_the_card_and_nothing_is_stored(client, db, seed_article, form, message):
    claim = claims_of(db, seed_article)[3]
    before = (claim.claimant, claim.claim_url, claim.claim_date, claim.summary)
    response = post(client, f"/claims/{claim.id}/details", {"claimant": "Someone", **form}, htmx=True)
    assert response.status_code == 422
    card = html(response).select_one(f"section#claim-{claim.id}")
    assert message in card.select_one(".card-message").get_text()
    assert card.select_one(".claim-details").has_attr("open")  # the form comes back as it was sent
    stored = claims_of(db, seed_article)[3]
    assert (stored.claimant, stored.claim_url, stored.claim_date, stored.summary) == before


def test_a_reviewer_not_assigned_cannot_edit_details(app, db, seed_article):
    reviewer = login_as(app, "reviewer")
    claim = claims_of(db, seed_article)[3]
    response = post(reviewer, f"/claims/{claim.id}/details", {"claimant": "Nobody"})
    assert response.status_code == 403
    assert claims_of(db, seed_article)[3].claimant != "Nobody"


@pytest.mark.parametrize(
    ("typed", "tags"),
    [
        ("Ukraine, elections 2026", ["elections-2026", "ukraine"]),
        ("  ukraine ,UKRAINE, , Ukraine!", ["ukraine"]),
        ("Kyiv/Київ", ["kyiv-київ"]),
        ("", []),
    ],
)
def test_tags_are_made_uniform(typed, tags):
    assert parse_tags(typed) == tags


def test_too_many_or_too_long_tags_are_refused():
    with pytest.raises(InvalidInput, match="at most 20 tags"):
        parse_tags(",".join(f"t{n}" for n in range(21)))
    with pytest.raises(InvalidInput, match="longer than 50 characters"):
        parse_tags("a" * 51)


def test_an_editor_tags_an_article_and_the_page_shows_them(client, db, seed_article):
    response = post(client, f"/articles/{seed_article}/tags", {"tags": "Ukraine, elections 2026"})
    assert response.status_code == 303
    page = html(client.get(f"/articles/{seed_article}"))
    assert [li.get_text() for li in page.select("ul.tags .tag")] == ["elections-2026", "ukraine"]
    assert page.select_one("#article-tags")["value"] == "elections-2026, ukraine"
    post(client, f"/articles/{seed_article}/tags", {"tags": "ukraine"})
    db.expire_all()
    assert [t.tag for t in db.exec(select(ArticleTag).where(ArticleTag.article_id == seed_article))] == ["ukraine"]


def test_bad_tags_get_a_clear_refusal_and_keep_the_old_ones(client, db, seed_article):
    post(client, f"/articles/{seed_article}/tags", {"tags": "ukraine"})
    response = post(client, f"/articles/{seed_article}/tags", {"tags": "x" * 60})
    assert response.status_code == 422 and "longer than 50 characters" in response.get_data(as_text=True)
    db.expire_all()
    assert [t.tag for t in db.exec(select(ArticleTag).where(ArticleTag.article_id == seed_article))] == ["ukraine"]


def test_an_archived_article_leaves_the_list_and_comes_back(client, db, seed_article):
    title = article(db, seed_article).title
    assert post(client, f"/articles/{seed_article}/archive", {"archived": "1"}).status_code == 303
    listed = html(client.get("/")).select("table.articles a")
    assert title not in [a.get_text() for a in listed]
    archived = html(client.get("/?archived=1"))
    assert archived.select_one("h1").get_text() == "Archived articles"
    assert title in [a.get_text() for a in archived.select("table.articles a")]
    page = html(client.get(f"/articles/{seed_article}"))
    assert page.select_one(".flag-archived").get_text() == "Archived"
    assert "Bring back" in page.select_one(".archive-form button").get_text()
    post(client, f"/articles/{seed_article}/archive", {"archived": "0"})
    assert title in [a.get_text() for a in html(client.get("/")).select("table.articles a")]


def test_a_reviewer_may_not_tag_or_archive(app, db, seed_article):
    reviewer = login_as(app, "reviewer")
    assert post(reviewer, f"/articles/{seed_article}/archive", {"archived": "1"}).status_code == 403
    assert post(reviewer, f"/articles/{seed_article}/tags", {"tags": "x"}).status_code == 403
    page = html(reviewer.get(f"/articles/{seed_article}"))
    assert page.select_one(".archive-form, .tags-form") is None
    assert article(db, seed_article).archived is False


def test_an_outlet_is_stored_as_the_newsroom_already_spells_it(client, db, seed_text):
    first = post(client, "/articles", {"text": seed_text, "outlet": "Reuters"})
    assert first.status_code == 303
    again = post(client, "/articles", {"text": "A different article. It says 3 things.", "outlet": "  reuters "})
    assert again.status_code == 303
    db.expire_all()
    assert outlets(db) == ["Reuters"]
    assert canonical_outlet(db, "REUTERS") == "Reuters" and canonical_outlet(db, "AP") == "AP"


def test_details_tags_and_archived_go_through_the_json_export_and_back(client, db, seed_article, tmp_path):
    claim = claims_of(db, seed_article)[3]
    post(client, f"/claims/{claim.id}/details", {"claimant": "Kremlin", "claim_date": "2025-04-27", "summary": "Short"})
    post(client, f"/articles/{seed_article}/tags", {"tags": "ukraine, war"})
    post(client, f"/articles/{seed_article}/archive", {"archived": "1"})
    record = json.loads(client.get(f"/articles/{seed_article}/export.json").get_data(as_text=True))
    assert record["article"]["tags"] == ["ukraine", "war"] and record["article"]["archived"] is True
    exported = record["claims"][3]
    assert (exported["claimant"], exported["claim_date"], exported["summary"], exported["claim_url"]) == (
        "Kremlin", "2025-04-27", "Short", "")
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    fresh = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite'}", "SECRET_KEY": "k"})
    run = lambda *args: CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: fresh))  # noqa: E731
    imported = run("import", str(path))
    assert imported.exit_code == 0, imported.stderr
    again = json.loads(run("export", imported.stdout.strip(), "--format", "json").stdout)
    fresh.extensions["factcheck.engine"].dispose()
    assert again["article"]["tags"] == ["ukraine", "war"] and again["article"]["archived"] is True
    assert again["claims"][3]["claimant"] == "Kremlin" and again["claims"][3]["summary"] == "Short"


def test_an_import_with_bad_details_is_refused_whole(client, db, seed_article, runner, tmp_path):
    record = json.loads(client.get(f"/articles/{seed_article}/export.json").get_data(as_text=True))
    record["claims"][2]["claim_url"] = "ftp://example.org/x"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1
    assert "claims[2]: claim_url: must be an http:// or https:// address" in result.stderr


def test_a_published_claims_card_links_to_its_public_page(client, db, seed_article):
    claim = claims_of(db, seed_article)[1]
    card = html(client.get(f"/claims/{claim.id}", headers={"HX-Request": "true"}))
    assert card.select_one("a.public-link") is None
    claim.status = ClaimStatus.PUBLISHED
    db.add(claim)
    db.commit()
    card = html(client.get(f"/articles/{seed_article}?claim={claim.id}"))
    assert card.select_one(f"#claim-{claim.id} a.public-link")["href"] == f"/fact-checks/{claim.id}"
