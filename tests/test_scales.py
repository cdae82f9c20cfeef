"""Rating scales: presets, custom scales and their rules, a scale per article, free-text conclusions."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlmodel import func, select

from factcheck import create_app
from factcheck.commands import cli
from factcheck.domain.scales import DEFAULT_SCALE_NAME
from factcheck.models import Article, Claim, ClaimRevision, Rating, RatingScale
from tests.conftest import article, claims_of, create_seed_article, html, post, rating, restorable

POLITIFACT = "PolitiFact-style (6 levels)"
SNOPES = "Snopes-style labels"
CONCLUSION = "Conclusion only (free text)"


def scale_named(db, name: str) -> RatingScale:
    db.expire_all()
    return db.exec(select(RatingScale).where(RatingScale.name == name)).one()


def labels_of(db, scale: RatingScale) -> list[str]:
    return list(db.exec(select(Rating.label).where(Rating.scale_id == scale.id).order_by(Rating.position)).all())


def counts(db) -> tuple[int, int]:
    db.expire_all()
    return (db.exec(select(func.count()).select_from(RatingScale)).one(), db.exec(select(func.count()).select_from(Rating)).one())


def scale_form(name: str = "Newsroom", rows=(("Right", "1", "It checks out"), ("Wrong", "0", "")), **extra) -> dict:
    """The scale form as a browser sends it: one label/value/description list entry per row."""
    data = {
        "name": name,
        "labels": "1",
        "label": [r[0] for r in rows],
        "value": [r[1] for r in rows],
        "description_of_label": [r[2] for r in rows],
    }
    data.update(extra)
    return data


def new_article_on(client, text: str, scale_id: int) -> int:
    response = post(client, "/articles", {"text": text, "rating_scale_id": str(scale_id)})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


# --- Presets ----------------------------------------------------------------------------------


def test_presets_are_seeded_once_beside_the_default(app, db, runner):
    before = counts(db)
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert counts(db) == before == (4, 7 + 6 + 15)
    assert labels_of(db, scale_named(db, POLITIFACT)) == [
        "True", "Mostly True", "Half True", "Mostly False", "False", "Pants on Fire"
    ]
    snopes = labels_of(db, scale_named(db, SNOPES))
    assert len(snopes) == 15 and {"Mixture", "Miscaptioned", "Labeled Satire", "Originated as Satire"} <= set(snopes)
    assert all(r.description for r in db.exec(select(Rating)).all())
    conclusion = scale_named(db, CONCLUSION)
    assert conclusion.free_text and labels_of(db, conclusion) == []
    assert all(s.preset for s in db.exec(select(RatingScale)).all())
    best = db.exec(select(Rating).where(Rating.scale_id == scale_named(db, POLITIFACT).id, Rating.is_worst)).one()
    assert best.label == "Pants on Fire"


def test_the_scales_page_lists_every_scale_with_its_labels(client):
    page = html(client.get("/scales"))
    names = [h.get_text(" ", strip=True) for h in page.select("section.rating-scale h2")]
    assert len(names) == 4 and names[0].startswith(DEFAULT_SCALE_NAME)
    politifact = next(s for s in page.select("section.rating-scale") if POLITIFACT in s.h2.get_text())
    assert [td.get_text() for td in politifact.select("tbody tr td:first-child")][-1] == "Pants on Fire"
    assert not page.select("section.rating-scale a[href$='/edit']")  # presets are not editable
    assert page.find("nav").find("a", string="Rating scales")["href"] == "/scales"


# --- Custom scales ----------------------------------------------------------------------------


def test_an_admin_creates_a_custom_scale(client, db):
    form = scale_form(rows=(("Right", "2", "Checks out"), ("Unclear", "1", ""), ("Wrong", "-1", "Does not")), best="0", worst="2")
    response = post(client, "/scales", form)
    assert response.status_code == 303
    scale = scale_named(db, "Newsroom")
    assert not scale.preset and not scale.free_text
    ratings = db.exec(select(Rating).where(Rating.scale_id == scale.id).order_by(Rating.position)).all()
    assert [(r.label, r.value, r.description, r.is_best, r.is_worst) for r in ratings] == [
        ("Right", 2, "Checks out", True, False), ("Unclear", 1, "", False, False), ("Wrong", -1, "Does not", False, True)
    ]
    assert html(client.get("/scales")).select_one(f"#scale-{scale.id} a[href='/scales/{scale.id}/edit']")


def test_a_custom_conclusion_only_scale_has_no_labels(client, db):
    assert post(client, "/scales", scale_form(name="Short verdicts", rows=(), free_text="1")).status_code == 303
    scale = scale_named(db, "Short verdicts")
    assert scale.free_text and labels_of(db, scale) == []


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (scale_form(name="  "), "The scale needs a name."),
        (scale_form(name=DEFAULT_SCALE_NAME.upper()), "There is already a scale named"),
        (scale_form(rows=(("Only", "1", ""),)), "A scale needs at least two labels"),
        (scale_form(rows=(("Same", "1", ""), ("same", "0", ""))), "The label “same” is there twice"),
        (scale_form(rows=(("Right", "1", ""), ("Wrong", "lots", ""))), "Label row 2 (“Wrong”): the value must be a whole number"),
        (scale_form(rows=(("Right", "1", ""), ("Huge", "99999999999999999999", ""))), "Label row 2 (“Huge”): the value must be a whole number"),
        (scale_form(rows=(("Right", "1", ""), ("Big", "1001", ""))), "Label row 2: the value must be between -1000 and 1000"),
        (scale_form(rows=(("Right", "1", ""), ("Odd", "²", ""))), "Label row 2 (“Odd”): the value must be a whole number"),
        (scale_form(rows=(("Right", "1", ""), ("", "0", "no label"))), "Label row 2: the label is empty."),
        (scale_form(rows=(("Right", "1", ""), ("x" * 61, "0", ""))), "Label row 2: the label must be at most 60"),
        (scale_form(best="1", worst="1"), "The best and the worst label must be different"),
        (scale_form(free_text="1"), "A conclusion-only scale has no labels"),
    ],
)
def test_an_unusable_scale_gets_a_422_and_stores_nothing(client, db, form, message):
    before = counts(db)
    response = post(client, "/scales", form)
    assert response.status_code == 422
    error = html(response).select_one("p.error[role=alert]").get_text()
    assert message in error, error
    assert counts(db) == before
    # The form comes back as it was typed.
    page = html(response)
    assert page.find("input", attrs={"name": "name"})["value"] == form["name"]


def test_labels_of_an_unused_custom_scale_can_be_edited(client, db):
    post(client, "/scales", scale_form())
    scale = scale_named(db, "Newsroom")
    edit = html(client.get(f"/scales/{scale.id}/edit"))
    assert [i["value"] for i in edit.find_all("input", attrs={"name": "label"}) if i.get("value")] == ["Right", "Wrong"]
    form = scale_form(name="Newsroom v2", rows=(("Wrong", "0", ""), ("Right", "1", ""), ("Unsure", "", "")))
    assert post(client, f"/scales/{scale.id}", form).status_code == 422  # a row without a value
    assert labels_of(db, scale_named(db, "Newsroom")) == ["Right", "Wrong"]
    form = scale_form(name="Newsroom v2", rows=(("Wrong", "0", ""), ("Right", "1", ""), ("Unsure", "5", "")))
    assert post(client, f"/scales/{scale.id}", form).status_code == 303
    assert labels_of(db, scale_named(db, "Newsroom v2")) == ["Wrong", "Right", "Unsure"]


def test_a_scale_in_use_keeps_its_labels_but_can_be_renamed(client, db, seed_text):
    post(client, "/scales", scale_form())
    scale = scale_named(db, "Newsroom")
    article_id = new_article_on(client, seed_text, scale.id)
    claim = claims_of(db, article_id)[0]
    right = rating(db, "Right", "Newsroom")
    post(client, f"/claims/{claim.id}", {"verdict": str(right.id), "status": "needs_second_review"})

    edit = html(client.get(f"/scales/{scale.id}/edit"))
    assert "in use: 1 claim has a verdict from it" in edit.select_one(".notice").get_text(" ")
    assert edit.find("input", attrs={"name": "label"}) is None

    response = post(client, f"/scales/{scale.id}", scale_form(rows=(("Right", "1", "It checks out"), ("Off", "0", ""))))
    assert response.status_code == 409
    assert "labels cannot be changed or deleted" in html(response).select_one("p.error").get_text()
    assert labels_of(db, scale_named(db, "Newsroom")) == ["Right", "Wrong"]

    response = post(client, f"/scales/{scale.id}", {"name": "Newsroom (2025)", "description": "Our own."})
    assert response.status_code == 303
    renamed = scale_named(db, "Newsroom (2025)")
    assert renamed.description == "Our own." and labels_of(db, renamed) == ["Right", "Wrong"]


def test_presets_cannot_be_edited(client, db):
    preset = scale_named(db, POLITIFACT)
    assert client.get(f"/scales/{preset.id}/edit").status_code == 409
    response = post(client, f"/scales/{preset.id}", {"name": "Mine"})
    assert response.status_code == 409 and "preset scale" in html(response).select_one("p.error").get_text()
    assert scale_named(db, POLITIFACT).name == POLITIFACT


# --- A scale per article ----------------------------------------------------------------------


def test_the_new_article_form_offers_every_scale_with_the_default_selected(client, db):
    select_ = html(client.get("/articles/new")).find("select", attrs={"name": "rating_scale_id"})
    options = select_.find_all("option")
    assert [o.get_text() for o in options][:1] == [DEFAULT_SCALE_NAME] and len(options) == 4
    assert [o.get_text() for o in options if o.has_attr("selected")] == [DEFAULT_SCALE_NAME]


def test_an_article_is_created_on_the_chosen_scale(client, db, seed_text):
    politifact = scale_named(db, POLITIFACT)
    article_id = new_article_on(client, seed_text, politifact.id)
    assert article(db, article_id).rating_scale_id == politifact.id
    first = claims_of(db, article_id)[0]
    card = html(client.get(f"/articles/{article_id}?claim={first.id}")).select_one(".claim-card")
    assert "Pants on Fire" in [o.get_text(" ", strip=True).split(" ", 1)[-1] for o in card.select(".verdict-option")]
    assert create_seed_article(client, "Another text. It has two sentences here.") and True  # default still works
    assert db.exec(select(Article).order_by(Article.id.desc())).first().rating_scale_id == scale_named(db, DEFAULT_SCALE_NAME).id


def test_an_unknown_scale_is_refused_with_a_422(client, db, seed_text):
    response = post(client, "/articles", {"text": seed_text, "rating_scale_id": "999"})
    assert response.status_code == 422
    assert "That rating scale does not exist" in html(response).select_one("p.error").get_text()
    assert db.exec(select(func.count()).select_from(Article)).one() == 0


def test_the_scale_changes_only_while_no_claim_has_a_verdict(client, db, seed_article):
    snopes = scale_named(db, SNOPES)
    page = html(client.get(f"/articles/{seed_article}"))
    assert page.find("select", attrs={"name": "rating_scale_id"}) is not None
    assert post(client, f"/articles/{seed_article}/scale", {"rating_scale_id": str(snopes.id)}).status_code == 303
    assert article(db, seed_article).rating_scale_id == snopes.id

    claim = claims_of(db, seed_article)[3]
    post(client, f"/claims/{claim.id}", {"verdict": str(rating(db, "Mixture", SNOPES).id), "status": "needs_second_review"})
    default = scale_named(db, DEFAULT_SCALE_NAME)
    for htmx in (False, True):
        response = post(client, f"/articles/{seed_article}/scale", {"rating_scale_id": str(default.id)}, htmx=htmx)
        assert response.status_code == 409
        assert "1 claim of this article has a verdict" in html(response).select_one("p.error").get_text()
    assert article(db, seed_article).rating_scale_id == snopes.id
    page = html(client.get(f"/articles/{seed_article}"))
    assert page.find("select", attrs={"name": "rating_scale_id"}) is None
    assert "fixed" in page.select_one("form.scale-form").get_text()


# --- Free-text conclusions --------------------------------------------------------------------


@pytest.fixture
def concluded(client, db, seed_text) -> int:
    """An article on the conclusion-only scale with one claim concluded."""
    article_id = new_article_on(client, seed_text, scale_named(db, CONCLUSION).id)
    claim = claims_of(db, article_id)[1]
    response = post(
        client, f"/claims/{claim.id}", {"conclusion": "  Misleading:  the figure is from 2019 ", "status": "needs_second_review"}, htmx=True
    )
    assert response.status_code == 200
    return article_id


def test_a_conclusion_only_card_has_a_text_field_and_saves_the_conclusion(client, db, concluded):
    claim = claims_of(db, concluded)[1]
    assert claim.conclusion == "Misleading: the figure is from 2019" and claim.verdict_id is None
    history = db.exec(select(ClaimRevision).where(ClaimRevision.claim_id == claim.id, ClaimRevision.field == "conclusion")).one()
    assert history.after == claim.conclusion
    page = html(client.get(f"/articles/{concluded}?claim={claim.id}"))
    card = page.select_one(f"#claim-{claim.id}")
    field = card.find("input", attrs={"name": "conclusion"})
    assert field["maxlength"] == "200" and field["value"] == claim.conclusion
    assert card.find("input", attrs={"name": "verdict"}) is None
    assert card.select_one(".chip").get_text() == claim.conclusion
    assert "1 of 25 claims have a verdict" in page.select_one("#progress").get_text(" ", strip=True)
    home = html(client.get("/")).select_one(".verdict-mix").get_text(" ", strip=True)
    assert home == "Conclusion 1"


@pytest.mark.parametrize(
    ("conclusion", "message"),
    [("x" * 201, "keep it to one line of at most 200"), ("Misleading", "has labels: pick one")],
)
def test_a_conclusion_that_does_not_fit_gets_a_422(client, db, seed_text, concluded, conclusion, message):
    target = concluded if len(conclusion) > 200 else create_seed_article(client, "Other text. It has two sentences.")
    claim = claims_of(db, target)[0]
    response = post(client, f"/claims/{claim.id}", {"conclusion": conclusion, "status": "needs_second_review"}, htmx=True)
    assert response.status_code == 422
    assert message in html(response).select_one("p.error").get_text()
    assert claims_of(db, target)[0].conclusion == ""


def test_reports_and_exports_show_the_conclusion(client, concluded):
    report = client.get(f"/articles/{concluded}/report.md").get_data(as_text=True)
    assert "**Conclusion: Misleading: the figure is from 2019** (status: needs second review)" in report
    assert "| Conclusion approved | 0 |" in report and "| In review (not yet approved) | 1 |" in report
    record = json.loads(client.get(f"/articles/{concluded}/export.json").data)
    assert record["rating_scale"] | {"ratings": None} == {
        "name": CONCLUSION, "ratings": None, "free_text": True,
        "description": "No labels: the reviewer writes a short conclusion, e.g. “Misleading: the figure is from 2019”.",
    }
    assert (record["claims"][1]["verdict"], record["claims"][1]["conclusion"]) == (None, "Misleading: the figure is from 2019")
    assert record["claims"][0]["conclusion"] == ""


def _round_trip(client, article_id: int, tmp_path) -> tuple[dict, dict, int]:
    """Export the article, import it into a fresh database, export it again; also the fresh scale count."""
    exported = json.loads(client.get(f"/articles/{article_id}/export.json").data)
    path = tmp_path / "article.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    fresh = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite'}", "SECRET_KEY": "k"})
    run = lambda *args: CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: fresh))  # noqa: E731
    try:
        imported = run("import", str(path))
        assert imported.exit_code == 0, imported.stderr
        again = run("import", str(path))  # a second import reuses the scale it created
        assert again.exit_code == 0, again.stderr
        reexported = json.loads(run("export", imported.stdout.strip(), "--format", "json").stdout)
        with fresh.app_context():
            from sqlmodel import Session

            with Session(fresh.extensions["factcheck.engine"]) as session:
                scales = session.exec(select(func.count()).select_from(RatingScale)).one()
    finally:
        fresh.extensions["factcheck.engine"].dispose()
    # What an import cannot restore (this database's ids, who signed off) is left out.
    return restorable(exported), restorable(reexported), scales


def test_a_conclusion_round_trips_through_json(client, concluded, tmp_path):
    exported, reexported, scales = _round_trip(client, concluded, tmp_path)
    assert reexported == exported and scales == 4


def test_a_custom_scale_round_trips_into_a_database_without_it(client, db, seed_text, tmp_path):
    post(client, "/scales", scale_form(best="0", worst="1"))
    article_id = new_article_on(client, seed_text, scale_named(db, "Newsroom").id)
    claim = claims_of(db, article_id)[2]
    post(client, f"/claims/{claim.id}", {"verdict": str(rating(db, "Wrong", "Newsroom").id), "status": "needs_second_review"})
    exported, reexported, scales = _round_trip(client, article_id, tmp_path)
    assert reexported == exported and scales == 5
    assert exported["rating_scale"]["ratings"][0] == {
        "label": "Right", "value": 1, "best": True, "worst": False, "description": "It checks out"
    }


def test_an_import_never_changes_a_different_scale_of_the_same_name(client, db, seed_text, tmp_path):
    post(client, "/scales", scale_form())
    article_id = new_article_on(client, seed_text, scale_named(db, "Newsroom").id)
    record = json.loads(client.get(f"/articles/{article_id}/export.json").data)
    record["rating_scale"]["ratings"][1]["label"] = "Off"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    app = client.application
    result = CliRunner().invoke(cli, ["import", str(path)], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.stderr
    imported = article(db, int(result.stdout.strip()))
    assert db.get(RatingScale, imported.rating_scale_id).name == "Newsroom (imported)"
    assert labels_of(db, scale_named(db, "Newsroom")) == ["Right", "Wrong"]
    assert db.exec(select(func.count()).select_from(Claim).where(Claim.article_id == imported.id)).one() == 25
