"""The permission table: every role against every route, plain and as an htmx fragment."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import Session, select

from factcheck import create_app
from factcheck.domain.permissions import PERMISSIONS, Rule, permission_table
from factcheck.domain.scales import create_scale
from factcheck.forms import RatingInput, ScaleCreate
from factcheck.models import Article, Assignment, RatingScale, Source, User
from factcheck.vocabulary import Role
from tests.conftest import FAST_HASHING, claims_of, create_seed_article, login_as, post

README = Path(__file__).resolve().parents[1] / "README.md"

#: Who makes the request: a role, and whether a reviewer is assigned the article in the URL.
ACTORS = ["anonymous", "reviewer", "assigned reviewer", "editor", "admin"]

#: A plausible form for every POST, so that an allowed request gets past input checks where it can
#: (ids of the world's rows are added by `_form`).
FORM = {
    "text": "A new claim.",
    "status": "in_progress",
    "rationale": "Checked.",
    "url": "https://example.org/evidence",
    "username": "newcomer",
    "password": "a long enough password",
    "role": "reviewer",
    "start": "0",
    "end": "5",
    "at": "3",
    "body": "A note for the team.",
    "name": "Newsroom scale",
    "label": ["Right", "Wrong"],
    "value": ["1", "0"],
}

#: What an allowed request with FORM gets, by endpoint: the exact outcome, not just "not 403".
#: The 4xx ones are refusals on the merits that FORM cannot avoid: the passage 0-5 overlaps claim 1,
#: the world has no blind review to give or settle a verdict in, no one's password is FORM's, and
#: FORM ticks no claim for a bulk change, uploads no archive file and names no earlier check to
#: link, unlink or start from.
ALLOWED = {
    "static": 200, "web.htmx_js": 200,
    "auth.login_form": 200, "auth.login": 401, "auth.logout": 303, "auth.password_form": 200, "auth.change_password": 422,
    "articles.index": 200, "articles.new": 200, "articles.create": 303, "articles.update_tags": 303, "articles.archive": 303,
    "review.show": 200, "review.change_scale": 303, "review.bulk": 422,
    "claims.show": 302, "claims.history": 200, "claims.preview": 200, "claims.update": 303,
    "claims.add_source_view": 303, "claims.remove_source_view": 303, "claims.update_details_view": 303,
    "export.report_preview": 200, "export.report_download": 200, "export.json_download": 200,
    "export.csv_download": 200,
    "export.claimreview_download": 200,
    # The world's claim is not published: its public page is the same 404 as a missing claim's.
    "public.index": 200, "public.show": 404, "public.feed": 200,
    "editorial.add_comment_view": 303, "editorial.rules": 200, "editorial.save_rules": 303,
    "shaping.create": 422, "shaping.split": 303, "shaping.merge": 303, "shaping.dismiss": 303, "shaping.restore": 303,
    "shaping.worth_checking": 303,
    "scales.index": 200, "scales.new": 200, "scales.create": 303, "scales.edit": 200, "scales.update": 303,
    "assignments.queue": 200, "assignments.overview": 200, "assignments.create": 303, "assignments.delete": 303,
    "assignments.blind_switch": 303,
    "blind.give": 409, "blind.board": 200, "blind.settle_claim": 422, "blind.accept": 303, "blind.agreement": 200,
    "users.index": 200, "users.create": 303, "users.update": 303, "users.reset_password": 303,
    "audit.index": 200, "audit.download": 200,
    "search.index": 200, "dashboard.show": 200, "archive.index": 200, "archive.upload": 422,
    "reports.index": 200, "reports.markdown_download": 200, "reports.html_download": 200,
    "seen_before.link": 422, "seen_before.unlink": 404, "seen_before.start": 422, "seen_before.refresh": 303,
}


def _app_for_table(tmp_path: Path):
    return create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}", "SECRET_KEY": "p", **FAST_HASHING})


def _all_endpoints() -> list[str]:
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite:///:memory:", "SECRET_KEY": "p"})
    endpoints = sorted({rule.endpoint for rule in app.url_map.iter_rules()})
    app.extensions["factcheck.engine"].dispose()
    return endpoints


ENDPOINTS = _all_endpoints()


def test_every_route_has_a_row_in_the_permission_table_and_every_row_a_route():
    assert set(ENDPOINTS) - set(PERMISSIONS) == set(), "add these endpoints to factcheck/domain/permissions.py"
    assert set(PERMISSIONS) - set(ENDPOINTS) == set(), "these rows name no route any more"
    assert set(ALLOWED) == set(ENDPOINTS), "say in ALLOWED what an allowed request gets"


def test_the_readme_shows_the_permission_table_as_the_code_has_it():
    assert permission_table() in README.read_text(encoding="utf-8"), "run `factcheck permissions` and paste it into README.md"


@dataclass
class World:
    """An app with an article, a source, users of each role, and clients signed in as them."""

    app: object
    clients: dict[str, object]
    values: dict[str, object]


@dataclass
class Template:
    """A database built once (article, source, users, sessions) and the session cookies of each actor."""

    path: Path
    cookies: dict[str, str]
    values: dict[str, object]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Template:
    folder = tmp_path_factory.mktemp("permissions")
    app = _app_for_table(folder)
    clients = {"admin": login_as(app, "admin")}
    seed_text = (Path(__file__).parent / "data" / "seed-article.txt").read_text(encoding="utf-8")
    article_id = create_seed_article(clients["admin"], seed_text)
    clients["editor"] = login_as(app, "editor")
    clients["reviewer"] = login_as(app, "reviewer")
    clients["assigned reviewer"] = login_as(app, "reviewer", "assigned")
    with Session(app.extensions["factcheck.engine"]) as db:
        claim = claims_of(db, article_id)[0]
        article = db.get(Article, article_id)
        users = {u.username: u for u in db.exec(select(User)).all()}
        assignment = Assignment(article_id=article_id, reviewer_id=users["assigned"].id)
        db.add(assignment)
        db.add(Source(claim_id=claim.id, url="https://example.org/a"))
        custom = create_scale(db, ScaleCreate(name="Ours", ratings=[RatingInput(label="Yes", value=1), RatingInput(label="No", value=0)]))
        db.commit()
        source = db.exec(select(Source)).one()
        other_preset = db.exec(select(RatingScale).where(RatingScale.preset, RatingScale.id != article.rating_scale_id)).first()
        values = {
            "article_id": article_id,
            "claim_id": claim.id,
            "source_id": source.id,
            "user_id": users["reviewer"].id,  # someone other than whoever asks
            "filename": "factcheck.css",
            "scale_id": custom.id,  # a custom scale: the one kind an admin edits
            # Form fields naming rows: someone to assign, the assignment to undo, a scale to move to.
            "reviewer_id": users["assigned"].id,
            "assignment_id": assignment.id,
            "rating_scale_id": other_preset.id,
        }
    app.extensions["factcheck.engine"].dispose()  # checkpoints the WAL into the file
    cookies = {actor: client.get_cookie("session").value for actor, client in clients.items()}
    return Template(folder / "p.sqlite", cookies, values)


@pytest.fixture
def world(tmp_path, template) -> World:
    """A fresh copy of the template database, and clients carrying the template's session cookies."""
    shutil.copyfile(template.path, tmp_path / "p.sqlite")
    app = _app_for_table(tmp_path)
    clients = {"anonymous": app.test_client()}
    for actor, cookie in template.cookies.items():
        clients[actor] = app.test_client()
        clients[actor].set_cookie("session", cookie)
    yield World(app, clients, template.values)
    app.extensions["factcheck.engine"].dispose()


def expected(rule: Rule, actor: str) -> str:
    """'login', 'deny' or 'allow' for this actor under this rule."""
    if rule.public:
        return "allow"
    if actor == "anonymous":
        return "login"
    role = Role("reviewer" if actor.endswith("reviewer") else actor)
    if role in rule.roles or (actor == "assigned reviewer" and role in rule.assigned):
        return "allow"
    return "deny"


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_each_role_gets_exactly_what_the_table_gives_it(world, endpoint, actor):
    client = world.clients[actor]
    outcome = expected(PERMISSIONS[endpoint], actor)
    for rule in world.app.url_map.iter_rules(endpoint):
        url = _fill(rule.rule, world.values)
        method = "POST" if "POST" in rule.methods else "GET"
        for htmx in (False, True) if outcome != "allow" else (False,):
            response = _request(client, method, url, htmx, _form(world.values))
            response.close()
            status = response.status_code
            if outcome == "allow":
                # Without a session there is no CSRF token to send: a POST is refused before anything else.
                wanted = 400 if actor == "anonymous" and method == "POST" else ALLOWED[endpoint]
                assert status == wanted, (method, url, status, response.get_data(as_text=True)[-500:])
                assert not response.headers.get("Location", "").startswith("/login?"), (method, url)
            elif outcome == "deny":
                assert status == 403, (method, url, htmx, status)
                assert "may not" in response.get_data(as_text=True)
            elif htmx:
                assert status == 401 and response.headers["HX-Redirect"].startswith("/login"), (method, url, status)
            else:
                assert status == 303 and response.headers["Location"].startswith("/login"), (method, url, status)


def _fill(rule: str, values: dict[str, object]) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            pytest.fail(f"tests/test_permissions.py needs a value for <{name}> in the world fixture")
        return str(values[name])

    return re.sub(r"<(?:\w+:)?(\w+)>", value, rule)


def _form(values: dict[str, object]) -> dict[str, object]:
    return {**FORM, **{name: str(values[name]) for name in ("reviewer_id", "assignment_id", "rating_scale_id")}}


def _request(client, method: str, url: str, htmx: bool, form: dict[str, object]):
    headers = {"HX-Request": "true"} if htmx else {}
    if method == "GET":
        return client.get(url, headers=headers)
    return post(client, url, form, htmx=htmx) if _has_session(client) else client.post(url, data=form, headers=headers)


def _has_session(client) -> bool:
    return client.get_cookie("session") is not None


def test_a_reviewer_assigned_one_claim_may_edit_that_claim_only(app, client, db, seed_article):
    first, second = claims_of(db, seed_article)[:2]
    reviewer = login_as(app, "reviewer", "ana")
    ana = db.exec(select(User).where(User.username == "ana")).one()
    db.add(Assignment(article_id=seed_article, claim_id=first.id, reviewer_id=ana.id))
    db.commit()
    assert post(reviewer, f"/claims/{first.id}", {"status": "in_progress"}, htmx=True).status_code == 200
    assert post(reviewer, f"/claims/{second.id}", {"status": "in_progress"}, htmx=True).status_code == 403
    assert claims_of(db, seed_article)[1].status.value == "to_review"
