"""The dashboard: its numbers against the stored rows, its filters, refusals and cost."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from sqlmodel import Session, select

from factcheck.domain.articles import create_article
from factcheck.domain.claims import update_claim
from factcheck.domain.dashboard import DEFAULT_DAYS, OTHER_OUTLETS, TOP_OUTLETS, DashboardFilters, parse_filters
from factcheck.domain.scales import DEFAULT_SCALE_NAME, ratings_for_scale
from factcheck.errors import InvalidInput
from factcheck.forms import ArticleCreate
from factcheck.models import Claim, ClaimRevision, RatingScale, utcnow
from factcheck.vocabulary import ClaimStatus
from tests.conftest import counted_queries, html, login_as

SVG = "{http://www.w3.org/2000/svg}"
TEXT = "The mayor said crime fell {0}% in {0}. The council approved {0} new buses. Taxes rose {0} points."
TODAY = utcnow().date()


def add_article(app, outlet: str, reviews: list[tuple[str | None, str]], *, scale: str = DEFAULT_SCALE_NAME,
                number: int = 0, dismiss: tuple[int, ...] = (), given: dt.date | None = None) -> int:
    """Store an article of three claims and review them in order: (verdict label or conclusion, status)
    each, as update_claim records them; `given` dates their verdict changes."""
    with Session(app.extensions["factcheck.engine"], expire_on_commit=False) as session:
        rating_scale = session.exec(select(RatingScale).where(RatingScale.name == scale)).one()
        article = create_article(
            session, ArticleCreate(text=TEXT.format(number), title=f"Article {number}", outlet=outlet), rating_scale
        )
        ratings = ratings_for_scale(session, rating_scale.id)
        by_label = {r.label: r.id for r in ratings}
        claims = session.exec(select(Claim).where(Claim.article_id == article.id).order_by(Claim.position)).all()
        assert len(claims) >= len(reviews)
        for claim, (verdict, status) in zip(claims, reviews, strict=False):
            if rating_scale.free_text:
                update_claim(session, claim, ratings, verdict_id=None, conclusion=verdict or "", free_text=True,
                             rationale="", status=status)
            else:
                update_claim(session, claim, ratings, verdict_id=by_label[verdict] if verdict else None, rationale="",
                             status=status)
        for position in dismiss:
            claims[position].dismissed = True
            session.add(claims[position])
        session.flush()
        if given is not None:
            for revision in session.exec(select(ClaimRevision).where(
                    ClaimRevision.claim_id.in_([c.id for c in claims]))).all():
                revision.changed = dt.datetime.combine(given, dt.time(12, 30), tzinfo=dt.UTC)
                session.add(revision)
        session.commit()
        return article.id


def table(section) -> dict[str, list[str]]:
    """A chart's table of numbers: the row heading -> its cells."""
    return {row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.find_all("td")]
            for row in section.select("details table tr") if row.find("td")}


@pytest.fixture
def newsroom(app) -> dict[str, int]:
    """Reviewed articles from two outlets and one without, on three scales."""
    return {
        "reuters": add_article(app, "Reuters", [("True", "approved"), ("False", "published"), ("Mostly false", "needs_second_review")]),
        "reuters2": add_article(app, "Reuters", [("False", "approved"), ("True", "approved")], number=1, dismiss=(1,)),
        "ap": add_article(app, "AP", [("Mostly True", "approved"), ("Pants on Fire", "published")], number=2,
                          scale="PolitiFact-style (6 levels)"),
        "none": add_article(app, "", [("Misleading: the figure is from 2019", "approved"), ("", "to_review")], number=3,
                            scale="Conclusion only (free text)"),
    }


def test_the_dashboard_shows_what_is_stored(app, client, db, newsroom):
    page = html(client.get("/dashboard"))
    verdicts = page.select_one("section#verdicts")
    # Signed-off, not dismissed: True 1 (the dismissed one left out), False 2, Mostly false in review left out;
    # PolitiFact's "Mostly True" joins the default scale's "Mostly true"; its "Pants on Fire" follows.
    assert table(verdicts) == {
        "True": ["1"], "Mostly true": ["1"], "Half true": ["0"], "Mostly false": ["0"], "False": ["2"],
        "Unverifiable": ["0"], "Not a claim": ["0"], "Pants on Fire": ["1"], "Written conclusion": ["1"], "Total": ["6"],
    }
    stored = db.exec(select(Claim).where(Claim.status.in_([ClaimStatus.APPROVED, ClaimStatus.PUBLISHED]),
                                         ~Claim.dismissed)).all()
    assert len(stored) == 6
    outlets = page.select_one("section#outlets")
    assert [th.get_text(strip=True) for th in outlets.select("thead th")] == [
        "Outlet", "True", "Mostly true", "False", "Pants on Fire", "Written conclusion", "Total"]
    assert table(outlets) == {
        "Reuters": ["1", "0", "2", "0", "0", "3"],
        "AP": ["0", "1", "0", "1", "0", "2"],
        "No outlet given": ["0", "0", "0", "0", "1", "1"],
    }
    reviews = page.select_one("section#reviews")
    revisions = db.exec(select(ClaimRevision).where(ClaimRevision.field.in_(["verdict", "conclusion"]))).all()
    assert sum(int(cells[0]) for cells in table(reviews).values()) == len(revisions) == 8
    for section in (verdicts, outlets, reviews):
        svg = section.find("svg")
        assert svg is not None and svg["role"] == "img" and svg["width"] == "100%"
        assert section.select_one("figure svg title").get_text()
    assert "AP: 2 (Mostly true 1, Pants on Fire 1)" in outlets.find("desc").get_text()


def test_the_charts_are_inlined_as_the_chart_writer_drew_them(app, client, newsroom):
    body = client.get("/dashboard").get_data(as_text=True)
    start = body.index("<svg")
    svg = body[start:body.index("</svg>", start) + len("</svg>")]
    root = ET.fromstring(svg)  # inlined whole: still a well-formed SVG document
    assert root.tag == f"{SVG}svg"
    assert len(root.findall(f".//{SVG}rect[@class='chart-bar']")) == 9
    assert "style=" not in body and "<style" not in body


def test_the_outlet_filter_narrows_every_chart(client, newsroom):
    page = html(client.get("/dashboard?outlet=AP"))
    assert table(page.select_one("section#verdicts"))["Total"] == ["2"]
    assert list(table(page.select_one("section#outlets"))) == ["AP"]
    assert sum(int(c[0]) for c in table(page.select_one("section#reviews")).values()) == 2
    assert page.find("input", attrs={"name": "outlet"})["value"] == "AP"
    assert "(AP)" in page.select_one("section#verdicts svg title").get_text()


def test_the_dates_narrow_to_verdicts_given_then(app, client):
    add_article(app, "Old news", [("True", "approved"), ("False", "approved")], given=dt.date(2024, 3, 5))
    add_article(app, "Recent", [("False", "approved")], number=1, given=dt.date(2024, 6, 20))
    page = html(client.get("/dashboard?from=2024-03-01&to=2024-03-31"))
    assert table(page.select_one("section#verdicts"))["Total"] == ["2"]
    assert list(table(page.select_one("section#outlets"))) == ["Old news"]
    reviews = table(page.select_one("section#reviews"))
    assert len(reviews) == 31 and reviews["2024-03-05"] == ["2"]  # a column per day of March
    assert "2024-03-01 to 2024-03-31" in page.select_one("section#verdicts svg title").get_text()

    everything = html(client.get("/dashboard?from=2024-01-01&to=2024-12-31"))
    assert table(everything.select_one("section#verdicts"))["Total"] == ["3"]
    weekly = everything.select_one("section#reviews")
    assert weekly.select_one("thead th").get_text(strip=True) == "Week starting"
    assert table(weekly)["2024-06-17"] == ["1"]  # the Monday of 20 June's week

    unfiltered = html(client.get("/dashboard"))
    assert table(unfiltered.select_one("section#verdicts"))["Total"] == ["3"]  # all time
    last_weeks = table(unfiltered.select_one("section#reviews"))  # the last 90 days: too many for a column a day
    first_monday = TODAY - dt.timedelta(days=DEFAULT_DAYS - 1)
    first_monday -= dt.timedelta(days=first_monday.weekday())
    assert list(last_weeks)[0] == first_monday.isoformat()
    assert list(last_weeks)[-1] == (TODAY - dt.timedelta(days=TODAY.weekday())).isoformat()
    assert sum(int(c[0]) for c in last_weeks.values()) == 0  # both given long ago


@pytest.mark.parametrize(
    "query, message",
    [
        ("from=2025-13-01", "From: '2025-13-01' is not a date in the form YYYY-MM-DD."),
        ("to=yesterday", "To: 'yesterday' is not a date in the form YYYY-MM-DD."),
        ("from=2025-03-02&to=2025-03-01", "From (2025-03-02) is after To (2025-03-01): swap them."),
        ("from=0001-01-01&to=9999-12-31", "Choose a period of at most 100 years."),
        ("outlet=%01", "A filter cannot hold control characters."),  # NUL is refused before any view (400)
    ],
)
def test_filters_that_cannot_be_used_get_a_message(client, query, message):
    response = client.get(f"/dashboard?{query}")
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#charts .error").get_text(strip=True) == message
    assert page.find("form", class_="dashboard-filters") is not None  # the form, to put it right
    fragment = client.get(f"/dashboard?{query}", headers={"HX-Request": "true"})
    assert fragment.status_code == 422
    assert html(fragment).select_one("#charts .error").get_text(strip=True) == message
    assert html(fragment).find("form") is None


def test_htmx_gets_the_charts_alone(client, newsroom):
    response = client.get("/dashboard?outlet=Reuters", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    page = html(response)
    assert page.find("h1") is None and page.find("form") is None
    assert page.select_one("div#charts") is not None and len(page.select("div#charts svg")) == 3


def test_a_hostile_outlet_name_stays_text(app, client):
    hostile = '</text><script>alert(1)</script> & "Co" <b>'
    add_article(app, hostile, [("True", "approved")])
    page = html(client.get("/dashboard"))
    assert page.find("script", string="alert(1)") is None
    assert not [s for s in page.find_all("script") if not s.get("src")]
    assert table(page.select_one("section#outlets"))[hostile] == ["1", "1"]
    assert hostile in page.select_one("section#outlets svg").get_text()


def test_the_biggest_outlets_get_a_row_each_and_the_rest_one(app, client):
    for number in range(TOP_OUTLETS + 2):
        add_article(app, f"Outlet {number:02d}", [("True", "approved")] * (1 + number % 3), number=number)
    rows = table(html(client.get("/dashboard")).select_one("section#outlets"))
    assert len(rows) == TOP_OUTLETS + 1
    assert list(rows)[-1] == OTHER_OUTLETS and rows[OTHER_OUTLETS] == ["2", "2"]  # two outlets of one verdict each
    assert sum(int(cells[-1]) for cells in rows.values()) == sum(1 + n % 3 for n in range(TOP_OUTLETS + 2))


def test_the_dashboard_costs_the_same_queries_however_many_articles(app, client):
    add_article(app, "Reuters", [("True", "approved"), ("False", "published")])
    client.get("/dashboard")
    with counted_queries(app) as few:
        client.get("/dashboard?from=2000-01-01")
    for number in range(1, 25):
        add_article(app, f"Outlet {number}", [("True", "approved"), ("Half true", "published"), ("False", "to_review")],
                    number=number)
    with counted_queries(app) as many:
        page = html(client.get("/dashboard?from=2000-01-01"))
    assert len(many) == len(few) <= 10
    assert table(page.select_one("section#verdicts"))["Total"] == ["50"]


def test_every_signed_in_role_sees_it_and_anonymous_users_log_in_first(app, anonymous):
    response = anonymous.get("/dashboard?outlet=AP")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login?next=/dashboard?outlet%3DAP"
    reviewer = login_as(app, "reviewer")
    page = html(reviewer.get("/dashboard"))
    assert page.select_one("nav a[href='/dashboard']").get_text() == "Dashboard"
    assert page.select_one("section#verdicts .empty").get_text() == "No verdicts yet."
    assert "No verdicts yet" in page.select_one("section#verdicts svg").get_text()


@pytest.mark.parametrize("query", ["to=0001-01-05", "from=9999-12-30", "from=0001-01-01&to=0100-12-31"])
def test_dates_at_the_ends_of_the_calendar(client, query):
    response = client.get(f"/dashboard?{query}")
    assert response.status_code == 200
    assert len(html(response).select("#charts figure svg")) == 3


def test_parse_filters_reads_the_form():
    assert parse_filters("2025-01-01", " ", "  Reuters ") == DashboardFilters(dt.date(2025, 1, 1), None, "Reuters")
    assert not parse_filters().dated
    with pytest.raises(InvalidInput):
        parse_filters("2025-02-30")

