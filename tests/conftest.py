"""Shared fixtures: an app on a temporary SQLite database, its client and CLI runner, helpers."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command as alembic
from bs4 import BeautifulSoup
from flask.testing import FlaskCliRunner
from sqlalchemy import create_engine, event
from sqlmodel import Session, select

from factcheck import create_app
from factcheck.commands import cli as factcheck_cli
from factcheck.domain.accounts import HashParameters, create_user
from factcheck.domain.scales import DEFAULT_SCALE_NAME
from factcheck.models import Article, Claim, Rating, RatingScale, User
from factcheck.schema import alembic_config
from tests.postgres import Rows, new_database_rows, postgres_schema, reset_tables

# No background matcher outliving its test, in any app a test starts (here or in a subprocess):
# claims' matches are found as each card opens, or by tests calling match_queued.
os.environ.setdefault("FACTCHECK_MATCH_IN_BACKGROUND", "false")

DATA = Path(__file__).parent / "data"


def in_ci() -> bool:
    """Whether the suite runs under CI=true: there a missing browser, database server or compiled
    splitter fails the run instead of skipping."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture
def seed_text() -> str:
    """The article factcheck is built for (see tests/data/README.md)."""
    return (DATA / "seed-article.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[tuple[str, Rows] | None]:
    """With FACTCHECK_TEST_POSTGRES_URL set (scripts/test.sh's second pass), a schema on that
    PostgreSQL server for this test run, at the latest revision, and the rows it holds then;
    otherwise None."""
    server = os.environ.get("FACTCHECK_TEST_POSTGRES_URL")
    if not server:
        yield None
        return
    with postgres_schema(server) as url:
        alembic.upgrade(alembic_config(url), "head")
        engine = create_engine(url)
        rows = new_database_rows(engine)
        engine.dispose()
        yield url, rows


@pytest.fixture
def database_url(tmp_path: Path, postgres_url: tuple[str, Rows] | None) -> str:
    """A new database for one test: a SQLite file the app creates on its first start, or the
    run's PostgreSQL schema put back as it was when new."""
    if postgres_url is None:
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    url, rows = postgres_url
    engine = create_engine(url)
    reset_tables(engine, rows)
    engine.dispose()
    return url


@pytest.fixture
def app(database_url: str):
    """A factcheck app with its own empty database (SQLite file or PostgreSQL schema)."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            # Import tests serve pages on 127.0.0.1; test_ingest checks the default refuses them.
            "FETCH_PRIVATE_ADDRESSES": True,
            **FAST_HASHING,
        }
    )
    yield app
    app.extensions["factcheck.engine"].dispose()


#: argon2id at its cheapest, so that tests creating users stay fast (production cost: config.py).
FAST_HASHING = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 8, "ARGON2_PARALLELISM": 1}
PASSWORD = "correct horse battery staple"


def make_user(app, username: str, role: str = "reviewer", password: str = PASSWORD) -> User:
    """Store a user directly (as `factcheck create-user` would)."""
    with app.app_context(), Session(app.extensions["factcheck.engine"], expire_on_commit=False) as session:
        user = create_user(session, username, password, role, HashParameters(1, 8, 1))
        session.commit()
        return user


def log_in(client, username: str, password: str = PASSWORD):
    """Log a test client in through the login form; returns the response."""
    page = html(client.get("/login"))
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def login_as(app, role: str, username: str | None = None):
    """A new test client signed in as a new user with this role (username defaults to the role)."""
    username = username or role
    make_user(app, username, role)
    client = app.test_client()
    response = log_in(client, username)
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


@pytest.fixture
def anonymous(app):
    """A test client nobody has logged in with."""
    return app.test_client()


@pytest.fixture
def client(app):
    """A test client signed in as an admin (who may do everything)."""
    return login_as(app, "admin")


class FactcheckRunner(FlaskCliRunner):
    """Flask's CLI runner, running the `factcheck` command group (not the bare app.cli) on the app."""

    def invoke(self, cli=None, args=None, **kwargs):  # noqa: ANN001, ANN201 (as FlaskCliRunner's)
        return super().invoke(cli or factcheck_cli, args, **kwargs)


@pytest.fixture
def runner(app):
    return FactcheckRunner(app)


@pytest.fixture
def db(app):
    """A session on the app's database, for asserting on stored rows."""
    with Session(app.extensions["factcheck.engine"]) as session:
        yield session


@contextmanager
def counted_queries(app) -> Iterator[list[str]]:
    """The SQL statements the app's engine runs inside the block (for "a constant number of
    queries, however many rows" checks)."""
    engine = app.extensions["factcheck.engine"]
    seen: list[str] = []

    def count(_connection, _cursor, statement, *_args) -> None:  # noqa: ANN001 (SQLAlchemy's event arguments)
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


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
    saving = CLAIM_SAVE.fullmatch(url)
    if saving and "version" not in data:
        # As the card's form does: a save says which version of the claim it was made on.
        data["version"] = _version_shown(client, int(saving[1]))
    if htmx:
        headers["HX-Request"] = "true"
    return client.post(url, data=data, headers=headers, **kwargs)


CLAIM_SAVE = re.compile(r"/claims/(\d+)")


def _version_shown(client, claim_id: int) -> str:
    """The claim version its card carries now (what a reviewer's form would send)."""
    response = client.get(f"/claims/{claim_id}", headers={"HX-Request": "true"})
    card = html(response).find(attrs={"data-version": True})
    return card["data-version"] if card is not None else "1"  # no card: its page 404s


def create_seed_article(client, text: str) -> int:
    """Paste the seed article through the form and return the new article's id."""
    response = post(client, "/articles", {"text": text})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(re.search(r"/articles/(\d+)$", response.headers["Location"]).group(1))


@pytest.fixture
def seed_article(client, seed_text) -> int:
    return create_seed_article(client, seed_text)


def store_articles(app, count: int, *, start: int = 0) -> list[int]:
    """Store `count` short articles (two claims each) through the domain, as imports would, in one
    transaction; numbered from `start` so their texts differ. Returns their ids, oldest first."""
    from factcheck.domain.articles import create_article
    from factcheck.domain.scales import default_scale
    from factcheck.forms import ArticleCreate

    with Session(app.extensions["factcheck.engine"], expire_on_commit=False) as session:
        scale = default_scale(session)
        text = "The mayor said crime fell {0}% in {0}. The council approved {0} new buses."
        articles = [
            create_article(session, ArticleCreate(text=text.format(number), title=f"Article {number}"), scale)
            for number in range(start, start + count)
        ]
        session.commit()
        return [a.id for a in articles]


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


#: What a record holds of this database alone: its ids and who signed off (its users), not restored.
NOT_RESTORED = ("id", "reviewer", "approver", "approved_on", "published_on")


def restorable(record: dict) -> dict:
    """The record without what an import cannot restore."""
    return {**record, "article": {k: v for k, v in record["article"].items() if k not in NOT_RESTORED},
            "claims": [{k: v for k, v in claim.items() if k not in NOT_RESTORED} for claim in record["claims"]]}


#: A link address a browser would run or load as a document: never in a report.
UNSAFE_HREF = ("javascript:", "data:", "vbscript:")
_REPORT_HEADING = re.compile(r"^(#{1,6}) (.*)$", re.MULTILINE)


def report_headings(markdown_text: str) -> list[tuple[str, str]]:
    """The headings a Markdown report writes itself: its `#` lines (user text never starts a line)."""
    return [(f"h{len(hashes)}", re.sub(r"\\(.)", r"\1", text)) for hashes, text in _REPORT_HEADING.findall(markdown_text)]


def assert_inert_report(markdown_text: str) -> None:
    """The report rendered by markdown-it-py (CommonMark, raw HTML on) and by python-markdown, both
    as browsers parse them: no element runs script or loads anything (no script, img, iframe, svg,
    no on* attribute, no javascript:/data:/vbscript: link once decoded), and the headings are
    exactly the report's own."""
    import markdown as python_markdown
    from markdown_it import MarkdownIt

    expected = report_headings(markdown_text)
    for renderer, rendered in (("markdown-it", MarkdownIt("commonmark", {"html": True}).render(markdown_text)),
                               ("python-markdown", python_markdown.markdown(markdown_text))):
        page = BeautifulSoup(rendered, "html5lib")
        assert not page.find_all(["script", "img", "iframe", "svg", "object", "embed"]), renderer
        for element in page.find_all(True):
            assert not [a for a in element.attrs if a.lower().startswith("on")], (renderer, element)
            href = re.sub(r"[\x00-\x20\x7f]+", "", str(element.get("href", ""))).lower()
            assert not href.startswith(UNSAFE_HREF), (renderer, element)
        headings = [(h.name, h.get_text()) for h in page.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
        assert headings == expected, renderer
