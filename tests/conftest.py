"""Shared fixtures: an app on a temporary SQLite database, its client and CLI runner, helpers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlmodel import Session, select

from factcheck import create_app
from factcheck.db import DEFAULT_SCALE_NAME
from factcheck.models import Article, Claim, Rating, RatingScale

DATA = Path(__file__).parent / "data"


@pytest.fixture
def seed_text() -> str:
    """The article factcheck is built for (see tests/data/README.md)."""
    return (DATA / "seed-article.txt").read_text(encoding="utf-8")


@pytest.fixture
def app(tmp_path: Path):
    """A factcheck app with its own SQLite database file and instance folder."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite'}",
            "SECRET_KEY": "test-secret",
            # Import tests serve pages on 127.0.0.1; test_ingest checks the default refuses them.
            "FETCH_PRIVATE_ADDRESSES": True,
        }
    )
    yield app
    app.extensions["factcheck.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """A session on the app's database, for asserting on stored rows."""
    with Session(app.extensions["factcheck.engine"]) as session:
        yield session


def html(response) -> BeautifulSoup:
    """The response body parsed as a browser would (html5lib, the WHATWG algorithm)."""
    return BeautifulSoup(response.get_data(as_text=True), "html5lib")


def csrf_of(client) -> str:
    """Load a page and return the CSRF token its forms carry."""
    page = html(client.get("/articles/new"))
    return page.find("input", attrs={"name": "csrf_token"})["value"]


def post(client, url: str, data: dict | None = None, *, htmx: bool = False, **kwargs):
    """POST with the session's CSRF token, as a plain form or as htmx would send it."""
    data = dict(data or {})
    headers = kwargs.pop("headers", {})
    data.setdefault("csrf_token", csrf_of(client))
    if htmx:
        headers["HX-Request"] = "true"
    return client.post(url, data=data, headers=headers, **kwargs)


def create_seed_article(client, text: str) -> int:
    """Paste the seed article through the form and return the new article's id."""
    response = post(client, "/articles", {"text": text})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(re.search(r"/articles/(\d+)$", response.headers["Location"]).group(1))


@pytest.fixture
def seed_article(client, seed_text) -> int:
    return create_seed_article(client, seed_text)


def claims_of(db: Session, article_id: int) -> list[Claim]:
    db.expire_all()
    return list(db.exec(select(Claim).where(Claim.article_id == article_id).order_by(Claim.position)).all())


def rating(db: Session, label: str, scale: str = DEFAULT_SCALE_NAME) -> Rating:
    """A label of a scale (the default one unless named): labels such as True recur across scales."""
    query = select(Rating).join(RatingScale, RatingScale.id == Rating.scale_id)
    return db.exec(query.where(Rating.label == label, RatingScale.name == scale)).one()


def article(db: Session, article_id: int) -> Article:
    db.expire_all()
    return db.get(Article, article_id)
