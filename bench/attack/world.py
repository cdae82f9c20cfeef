"""The newsroom the probes run in: users of each role, four articles, and the app's routes."""

from __future__ import annotations

import functools
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import select

from bench.attack import ROOT
from bench.attack.client import PASSWORD, Client
from bench.attack.server import Server, factcheck_command
from bench.attack.snapshot import Database
from factcheck.domain.accounts import HashParameters, create_user
from factcheck.models import Article, Assignment, Claim, RatingScale, Source
from tests.test_permissions import FORM

SEED_TEXT = (ROOT / "tests" / "data" / "seed-article.txt").read_text(encoding="utf-8")
USERS = {"admin": "admin", "eddie": "editor", "erin": "editor", "rita": "reviewer", "rob": "reviewer",
         "olga": "reviewer", "assigned": "reviewer", "victim": "reviewer", "thea": "reviewer"}
SIGNED_IN = ("admin", "eddie", "erin", "rita", "rob", "olga", "assigned")


@dataclass
class World:
    main: Server
    db: Database
    folder: Path
    clients: dict[str, Client]
    articles: dict[str, int]
    values: dict[str, object]
    proxied: Server | None = None

    def client(self, who: str) -> Client:
        """The signed-in client of `who`, or a new anonymous one on the main server."""
        return self.clients[who] if who != "anonymous" else self.main.client()

    def factcheck(self, *args: str) -> subprocess.CompletedProcess:
        return factcheck_command(self.db.url, self.folder / "instance", *args)


def new_article(client: Client, words: str) -> int:
    answer = client.post("/articles", {"text": words})
    assert answer.status == 303, (answer.status, answer.text[-500:])
    return int(re.search(r"/articles/(\d+)$", answer.header("Location"))[1])


def build_world(main: Server, db: Database, folder: Path) -> World:
    from factcheck.domain.scales import create_scale
    from factcheck.forms import RatingInput, ScaleCreate

    with db.session() as session:
        for username, role in USERS.items():
            create_user(session, username, PASSWORD, role, HashParameters(1, 8, 1))
        session.commit()
    clients = {}
    for username in SIGNED_IN:
        clients[username] = main.client()
        assert clients[username].log_in(username).status == 303
    admin = clients["admin"]
    articles = {
        "general": new_article(admin, SEED_TEXT),
        "permissions": new_article(admin, SEED_TEXT + "\n\nThe bridge on Mill Lane reopened on Friday."),
        "blind": new_article(admin, SEED_TEXT + "\n\nThe council approved 40 new buses in March."),
        "report": new_article(admin, SEED_TEXT + "\n\nThe mayor said crime fell 12% in 2024."),
    }
    with db.session() as session:
        first = session.exec(select(Claim).where(Claim.article_id == articles["permissions"]).order_by(Claim.position)).first()
        assignment = Assignment(article_id=articles["permissions"], reviewer_id=db.user_id("assigned"))
        session.add(assignment)
        session.add(Source(claim_id=first.id, url="https://example.org/a"))
        custom = create_scale(session, ScaleCreate(name="Ours", ratings=[RatingInput(label="Yes", value=1),
                                                                          RatingInput(label="No", value=0)]))
        session.commit()
        article = session.get(Article, articles["permissions"])
        other = session.exec(select(RatingScale).where(RatingScale.preset, RatingScale.id != article.rating_scale_id)).first()
        values = {
            "article_id": articles["permissions"], "claim_id": first.id,
            "source_id": session.exec(select(Source.id)).first(), "user_id": db.user_id("victim"),
            "filename": "factcheck.css", "scale_id": custom.id, "reviewer_id": db.user_id("assigned"),
            "assignment_id": assignment.id, "rating_scale_id": other.id,
        }
    # Open every claim once: a card finds its earlier checks when first opened (a write), not after.
    for number in articles.values():
        for claim in db.claims(number):
            admin.get(f"/claims/{claim.id}", htmx=True)
    return World(main, db, folder, clients, articles, values)


def fill(rule: str, values: dict[str, object], **override: object) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(override.get(m[1], values[m[1]])), rule)


@functools.cache
def rules() -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) for every route of the app, from its url_map."""
    from factcheck import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite:///:memory:", "SECRET_KEY": "x"})
    found = sorted((r.endpoint, "POST" if "POST" in r.methods else "GET", r.rule) for r in app.url_map.iter_rules())
    app.extensions["factcheck.engine"].dispose()
    return found


def form_for(values: dict[str, object]) -> dict[str, object]:
    """The permission test's plausible form, naming the world's rows."""
    return {**FORM, **{name: str(values[name]) for name in ("reviewer_id", "assignment_id", "rating_scale_id")}}
