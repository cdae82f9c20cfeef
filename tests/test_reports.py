"""Collection reports: the filters, the totals, the Markdown and HTML reports (golden files), the
`factcheck report` command and the Reports page."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlmodel import Session, col, select

from factcheck.commands import cli
from factcheck.domain.articles import set_archived, set_tags
from factcheck.domain.collections import (
    articles_in_collection,
    collection_filter,
    collection_record,
    collection_records,
    collection_totals,
)
from factcheck.domain.scales import DEFAULT_SCALE_NAME
from factcheck.errors import InvalidInput
from factcheck.models import Article, Claim, ClaimRevision, Correction, Rating, User
from factcheck.report.collection import chart_file_names, collection_html, collection_markdown
from tests.conftest import DATA, PASSWORD, counted_queries, html, log_in, make_user, post, rating, store_articles

GOLDEN = DATA / "reports"
#: REGENERATE_GOLDEN=1 rewrites the golden files from this run (then read the diff before committing).
REGENERATE = os.environ.get("REGENERATE_GOLDEN") == "1"

ARTICLES = {
    "Unemployment": {
        "text": "Governor Miller said unemployment fell to 3% in 2024. The state opened 12 new clinics last year. "
        "Critics doubt the figures.",
        "outlet": "Reuters",
        "published": "2025-04-28",
    },
    "Exports": {
        "text": "Exports rose 8% in the first quarter. Grain shipments through Odesa doubled in April.",
        "outlet": "reuters",  # stored as the outlet already known: Reuters
        "published": "2025-05-02",
    },
    "Budget": {
        "text": "Prime Minister Shmyhal said the budget deficit will shrink to 15% of GDP. Inflation slowed to 12% in March.",
        "outlet": "Kyiv Independent",
        "published": "2025-05-10",
    },
    "Bridge": {"text": "The bridge reopened on Monday after 3 months of repairs. Traffic fell by half during the closure."},
}
#: The day the undated article was added, as the tests pin it.
ADDED = dt.datetime(2025, 5, 20, 9, 30, tzinfo=dt.UTC)


def _client(app, username: str):
    client = app.test_client()
    assert log_in(client, username).status_code == 303
    return client


def _ok(response) -> None:
    assert response.status_code in (200, 303), response.get_data(as_text=True)[-800:]


def _save(client, claim_id: int, **fields) -> None:
    _ok(post(client, f"/claims/{claim_id}", {"rationale": "", "status": "in_progress", **fields}, htmx=True))


def _source(client, claim_id: int, url: str, title: str, publisher: str, stance: str, quote: str = "") -> None:
    fields = {"url": url, "title": title, "publisher": publisher, "stance": stance, "accessed": "2025-04-30", "quote": quote}
    _ok(post(client, f"/claims/{claim_id}/sources", fields, htmx=True))


def build_newsroom(app, *, make_admin: bool = True) -> dict[str, int]:
    """Four articles from three outlets (one without an outlet or a date, one archived), with
    tags, reviewed by two reviewers and approved by an editor, with a correction, a claim in
    review, unreviewed claims and a dismissed one: all through the app's own forms. Then the
    clock is pinned (dates of changes, approvals, corrections and additions), so every run gives
    the same reports. Returns the articles' ids by title. `make_admin` False: the app has its admin."""
    if make_admin:
        make_user(app, "admin", "admin")
    admin = _client(app, "admin")
    for username, name, role in [("rita", "Rita Reyes", "reviewer"), ("omar", "Omar Okafor", "reviewer"),
                                 ("edna", "Edna Ellis", "editor")]:
        _ok(post(admin, "/users", {"username": username, "display_name": name, "role": role, "password": PASSWORD}))
    rita, omar, edna = (_client(app, name) for name in ("rita", "omar", "edna"))

    ids = {}
    for title, fields in ARTICLES.items():
        response = post(admin, "/articles", {"title": title, **fields})
        assert response.status_code == 303, response.get_data(as_text=True)
        ids[title] = int(response.headers["Location"].rsplit("/", 1)[1])
    engine = app.extensions["factcheck.engine"]
    with Session(engine) as db:
        users = {u.username: u.id for u in db.exec(select(User))}
        claims = {
            title: list(db.exec(select(Claim.id).where(Claim.article_id == ids[title]).order_by(Claim.position)))
            for title in ids
        }
        verdict = {label: rating(db, label).id for label in ("True", "Mostly true", "Half true", "Mostly false", "False")}
    for title, reviewer in [("Unemployment", "rita"), ("Budget", "rita"), ("Exports", "omar")]:
        _ok(post(admin, f"/articles/{ids[title]}/assignments", {"reviewer_id": users[reviewer]}, htmx=True))

    # Rita: two claims of Unemployment and one of Budget; Omar: two of Exports, one left in review.
    first, second, _unreviewed = claims["Unemployment"]
    _source(rita, first, "https://stats.example.org/labour_(2024)", "Labour force survey", "State statistics office",
            "refutes", "Unemployment stood at 4.1% in December.")
    _save(rita, first, verdict=verdict["False"], rationale="The survey puts it at **4.1%**.", status="needs_second_review")
    _source(rita, second, "https://health.example.org/clinics", "Clinic register", "Health ministry", "supports")
    _save(rita, second, verdict=verdict["True"], rationale="The register lists 12.", status="needs_second_review")
    budget, _inflation = claims["Budget"]
    _source(rita, budget, "https://budget.example.org/2025", "Budget law", "Parliament", "refutes")
    _save(rita, budget, verdict=verdict["Mostly false"], rationale="The law plans 18%.", status="needs_second_review")
    exports, grain = claims["Exports"]
    _source(omar, exports, "https://trade.example.org/q1", "Trade figures", "Customs service", "supports",
            "Exports grew 7.6%\nyear on year.")
    _save(omar, exports, verdict=verdict["Mostly true"], rationale="Customs say 7.6%.", status="needs_second_review")
    _save(omar, grain, verdict=verdict["Half true"], rationale="Only wheat doubled.", status="needs_second_review")

    # Edna approves four and publishes two; then corrects a published one, which the admin approves again.
    for claim_id, label, why in [(first, "False", "The survey puts it at **4.1%**."), (second, "True", "The register lists 12."),
                                 (budget, "Mostly false", "The law plans 18%."), (exports, "Mostly true", "Customs say 7.6%.")]:
        _save(edna, claim_id, verdict=verdict[label], rationale=why, status="approved")
    for claim_id, label, why in [(first, "False", "The survey puts it at **4.1%**."), (exports, "Mostly true", "Customs say 7.6%.")]:
        _save(edna, claim_id, verdict=verdict[label], rationale=why, status="published")
    _save(edna, first, verdict=verdict["Mostly false"], rationale="The revised survey puts it at 3.4%.", status="published",
          reason="The statistics office revised its survey.")
    _save(admin, first, verdict=verdict["Mostly false"], rationale="The revised survey puts it at 3.4%.", status="approved")
    _ok(post(admin, f"/claims/{_inflation}/dismiss", htmx=True))

    with Session(engine) as db:
        set_tags(db, db.get(Article, ids["Unemployment"]), "Ukraine")
        set_tags(db, db.get(Article, ids["Exports"]), "ukraine, economy")
        set_tags(db, db.get(Article, ids["Budget"]), "economy")
        set_archived(db, db.get(Article, ids["Exports"]), True)
        # Pin the clock: every change five hours after the last from 1 May, corrections on 6 May.
        start = dt.datetime(2025, 5, 1, 8, 0, tzinfo=dt.UTC)
        for number, revision in enumerate(db.exec(select(ClaimRevision).order_by(ClaimRevision.id))):
            revision.changed = start + dt.timedelta(hours=5 * number)
            db.add(revision)
        for correction in db.exec(select(Correction)):
            correction.created = dt.datetime(2025, 5, 6, 12, 0, tzinfo=dt.UTC)
            db.add(correction)
        for number, article in enumerate(db.exec(select(Article).order_by(Article.id))):
            article.created = ADDED + dt.timedelta(minutes=number)
            db.add(article)
        db.commit()
    return ids


@pytest.fixture
def newsroom(app) -> dict[str, int]:
    return build_newsroom(app)


@pytest.fixture
def invoke(app):
    """Run `factcheck ARGS...` against the test app; stderr kept apart."""

    def run(*args: str):
        return CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app))

    return run


def _admin(app):
    return _client(app, "admin")


# --- Golden files --------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "golden"), [("md", "collection.md"), ("html", "collection.html")])
def test_the_collection_report_is_the_golden_file_byte_for_byte(invoke, newsroom, tmp_path, fmt, golden):
    first = invoke("report", "--format", fmt)
    assert first.exit_code == 0, first.stderr
    out = tmp_path / f"report.{fmt}"
    second = invoke("report", "--format", fmt, "-o", str(out))
    assert second.exit_code == 0 and second.stdout == ""
    written = out.read_bytes()
    if fmt == "md":  # written to a file, the Markdown links its charts, written beside it
        charts = b"## Charts\n\n" + b"".join(f"![{name.title()}](<report-{name}.svg>)\n\n".encode() for name in
                                              ("outlets", "reviews", "verdicts"))
        assert charts in written
        assert sorted(p.name for p in tmp_path.glob("report-*.svg")) == ["report-outlets.svg", "report-reviews.svg",
                                                                       "report-verdicts.svg"]
        written = written.replace(charts, b"")
    assert written == first.stdout_bytes  # the same data, the same bytes: stdout and a file alike
    if REGENERATE:
        GOLDEN.mkdir(exist_ok=True)
        (GOLDEN / golden).write_bytes(first.stdout_bytes)
    assert first.stdout_bytes == (GOLDEN / golden).read_bytes(), f"REGENERATE_GOLDEN=1 rewrites tests/data/reports/{golden}"


def test_the_downloads_are_the_reports_the_command_writes(app, invoke, newsroom):
    admin = _admin(app)
    for fmt, mimetype in (("md", "text/markdown"), ("html", "text/html")):
        response = admin.get(f"/reports/collection.{fmt}?outlet=reuters")
        assert response.status_code == 200 and response.mimetype == mimetype
        assert response.headers["Content-Disposition"] == f'attachment; filename="factcheck-report-outlet-reuters.{fmt}"'
        assert response.data == invoke("report", "--outlet", "reuters", "--format", fmt).stdout_bytes


def test_the_methodology_record_names_who_did_what(invoke, newsroom):
    report = invoke("report", "--tag", "ukraine").stdout
    assert report.startswith("# Fact-check report: tag ukraine\n")
    # The legend once, then each article a level down, so the outline stays valid.
    assert report.count("## Rating scales\n") == 1 and report.count("### Truth-O-Meter (7 labels)\n") == 1
    assert "- **Mostly false**: Contains an element of truth" in report
    headings = [len(line) - len(line.lstrip("#")) for line in report.splitlines() if line.startswith("#")]
    assert headings[0] == 1 and all(later - earlier <= 1 for earlier, later in zip(headings, headings[1:], strict=False))
    unemployment = report.split("## Fact-check: Unemployment\n")[1].split("## Fact-check: Exports")[0]
    assert "**Claimant:** Governor Miller" in unemployment
    # Corrected after it was published, and approved again: no longer published, so no publication date.
    assert "**Sign-off:** reviewed by Edna Ellis; approved by admin on 2025-05-07.\n" in unemployment
    assert "**Correction (2025-05-06):** The statistics office revised its survey. Previously: False (status: published)." in (
        unemployment
    )
    assert "- [Labour force survey](<https://stats.example.org/labour_(2024)>) — State statistics office, accessed " \
           "2025-04-30, refutes" in unemployment
    assert "**Sign-off:** reviewed by Rita Reyes; approved by Edna Ellis on 2025-05-05." in unemployment
    assert re.search(r"- \*\*Claim 3:\*\* Critics doubt the figures\. \(check-worthiness 0\.\d\d\)\n", unemployment)
    exports = report.split("## Fact-check: Exports\n")[1]
    assert "**Sign-off:** reviewed by Omar Okafor; approved by Edna Ellis on 2025-05-05; published on 2025-05-06." in exports
    assert "### In review (drafts, not yet approved)" in exports
    assert "**Sign-off:** reviewed by Omar Okafor; not yet approved." in exports


# --- Filters and totals --------------------------------------------------------------------------


#: (filters, the articles they take, in report order). One newsroom for the whole table: building it is the cost.
FILTER_CASES = [
    ({}, ["Unemployment", "Exports", "Budget", "Bridge"]),  # every article, archived too, oldest day first
    ({"start": "2025-05-02"}, ["Exports", "Budget", "Bridge"]),
    ({"end": "2025-05-02"}, ["Unemployment", "Exports"]),
    ({"start": "2025-05-20", "end": "2025-05-20"}, ["Bridge"]),  # no publication date: the day it was added
    ({"outlet": "REUTERS"}, ["Unemployment", "Exports"]),
    ({"outlet": "  kyiv   independent "}, ["Budget"]),
    ({"outlet": "Nobody"}, []),
    ({"tag": "Ukraine"}, ["Unemployment", "Exports"]),
    ({"tag": "economy"}, ["Exports", "Budget"]),
    # The last to write a claim's verdict reviewed it: Edna's correction made Unemployment's first claim hers.
    ({"reviewer": "rita"}, ["Unemployment", "Budget"]),
    ({"reviewer": "omar"}, ["Exports"]),
    ({"reviewer": "edna"}, ["Unemployment"]),
    ({"reviewer": "admin"}, []),  # approving is not reviewing
    ({"tag": "economy", "outlet": "Reuters"}, ["Exports"]),
    ({"start": "2025-04-01", "end": "2025-05-31", "tag": "ukraine", "reviewer": "omar"}, ["Exports"]),
]


def test_each_filter_and_their_combinations_take_the_right_articles(app, newsroom):
    with Session(app.extensions["factcheck.engine"]) as db:
        for filters, titles in FILTER_CASES:
            chosen = collection_filter(db, **filters)
            assert articles_in_collection(db, chosen) == [newsroom[title] for title in titles], filters


def test_the_reviewer_filter_takes_a_username_or_a_user_id(app, newsroom):
    with Session(app.extensions["factcheck.engine"]) as db:
        omar = db.exec(select(User).where(User.username == "omar")).one()
        chosen = collection_filter(db, reviewer=f" {omar.id} ")
        assert (chosen.reviewer, chosen.reviewer_name, chosen.describe()) == ("omar", "Omar Okafor", "reviewed by Omar Okafor")
        assert articles_in_collection(db, chosen) == [newsroom["Exports"]]
        assert collection_filter(db, reviewer="OMAR").reviewer_id == omar.id


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"start": "2025-13-01"}, "The from date: '2025-13-01' is not a date in the form YYYY-MM-DD."),
        ({"end": "yesterday"}, "The to date: 'yesterday' is not a date in the form YYYY-MM-DD."),
        ({"start": "2025-05-02", "end": "2025-05-01"}, "The from date (2025-05-02) is after the to date (2025-05-01)."),
        ({"tag": "a, b"}, "Give one tag, not 2: a, b."),
        ({"reviewer": "zed"}, "There is no user 'zed' to filter by."),
        ({"outlet": "x" * 201}, "The outlet is longer than 200 characters."),
        ({"outlet": "a\x00b"}, "A filter cannot hold control characters."),
    ],
)
def test_a_filter_that_is_not_one_is_refused_in_one_line(app, filters, message):
    with Session(app.extensions["factcheck.engine"]) as db, pytest.raises(InvalidInput) as refused:
        collection_filter(db, **filters)
    assert str(refused.value) == message


def test_the_totals_equal_the_stored_rows(app, newsroom):
    for filters in ({}, {"outlet": "Reuters"}, {"tag": "economy"}, {"reviewer": "rita"}, {"start": "2025-05-01"}):
        _totals_equal_the_stored_rows(app, filters)


def _totals_equal_the_stored_rows(app, filters: dict[str, str]) -> None:
    with Session(app.extensions["factcheck.engine"]) as db:
        chosen = collection_filter(db, **filters)
        totals = collection_totals(db, chosen)
        ids = articles_in_collection(db, chosen)
        # Counted afresh in Python, from the rows themselves.
        claims = [c for c in db.exec(select(Claim).where(col(Claim.article_id).in_(ids))) if not c.dismissed]
        signed = [c for c in claims if c.status.signed_off]
        labels = {r.id: r.label for r in db.exec(select(Rating))}
        articles = {a.id: a for a in db.exec(select(Article).where(col(Article.id).in_(ids)))}
        names = {u.id: u.name for u in db.exec(select(User))}
        last_verdict = {}
        for revision in db.exec(select(ClaimRevision).order_by(ClaimRevision.id)):
            if revision.field in ("verdict", "conclusion"):
                last_verdict[revision.claim_id] = revision.user_id
    assert totals.articles == len(ids)
    assert (totals.claims, totals.signed_off) == (len(claims), len(signed))
    assert totals.in_review == sum(1 for c in claims if c.verdict_id and not c.status.signed_off)
    assert totals.unreviewed == sum(1 for c in claims if not c.verdict_id and not c.conclusion)
    assert Counter({v.label: v.claims for v in totals.verdicts}) == Counter(labels[c.verdict_id] for c in signed)
    outlets = Counter(a.outlet for a in articles.values())
    assert {o.outlet: (o.articles, o.claims) for o in totals.outlets} == {
        outlet: (n, sum(1 for c in signed if articles[c.article_id].outlet == outlet)) for outlet, n in outlets.items()
    }
    assert Counter({t.name or "": t.claims for t in totals.claimants}) == Counter(c.claimant for c in signed)
    assert Counter({t.name: t.claims for t in totals.reviewers}) == Counter(names[last_verdict[c.id]] for c in signed)


def test_the_totals_of_every_article(app, newsroom):
    with Session(app.extensions["factcheck.engine"]) as db:
        totals = collection_totals(db, collection_filter(db))
    assert (totals.articles, totals.claims, totals.signed_off, totals.in_review, totals.unreviewed) == (4, 8, 4, 1, 3)
    assert [(v.label, v.claims) for v in totals.verdicts] == [("True", 1), ("Mostly true", 1), ("Mostly false", 2)]
    assert [(o.outlet, o.articles, o.claims) for o in totals.outlets] == [
        ("Reuters", 2, 3), ("Kyiv Independent", 1, 1), ("", 1, 0)
    ]
    assert [(t.name, t.claims) for t in totals.reviewers] == [("Rita Reyes", 2), ("Edna Ellis", 1), ("Omar Okafor", 1)]
    with Session(app.extensions["factcheck.engine"]) as db:
        cut = collection_totals(db, collection_filter(db), limit=1)
    assert [t.name for t in cut.reviewers] == ["Rita Reyes"] and cut.more == {"verdicts", "outlets", "claimants", "reviewers"}


def test_the_records_come_one_at_a_time(app, newsroom):
    """A report streams: each record is made when asked for, and the session keeps no article's rows."""
    with Session(app.extensions["factcheck.engine"]) as db:
        records = collection_records(db, articles_in_collection(db, collection_filter(db)))
        assert len(db.identity_map) == 0
        titles = []
        for record in records:
            titles.append(record["article"]["title"])
            assert len(db.identity_map) == 0
    assert titles == ["Unemployment", "Exports", "Budget", "Bridge"]


# --- The command ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "exit_code", "line"),
    [
        (["--from", "2025-02-30"], 2, "Error: The from date: '2025-02-30' is not a date in the form YYYY-MM-DD."),
        (["--from", "2025-06-01", "--to", "2025-05-01"], 2, "Error: The from date (2025-06-01) is after the to date (2025-05-01)."),
        (["--reviewer", "zed"], 2, "Error: There is no user 'zed' to filter by."),
        (["--outlet", "Nobody", "--from", "2025-01-01"], 1, "Error: no articles match: from 2025-01-01, outlet Nobody"),
    ],
)
def test_bad_report_input_is_one_line_and_a_non_zero_exit(invoke, newsroom, args, exit_code, line):
    result = invoke("report", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (exit_code, "", line + "\n")


def test_an_empty_database_has_no_report(invoke):
    result = invoke("report")
    assert (result.exit_code, result.stderr) == (1, "Error: no articles match: every article\n")


def test_an_unknown_format_is_clicks_choice_error(invoke, newsroom):
    result = invoke("report", "--format", "pdf")
    assert result.exit_code == 2 and result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == ["Error: Invalid value for '--format': 'pdf' is not one of 'md', 'html'."]


def test_charts_go_beside_a_markdown_report_and_inside_an_html_one(invoke, newsroom, tmp_path, monkeypatch):
    """The charts' one way in (factcheck.report.collection.collection_charts) draws none yet: given one,
    `-o` writes it beside the Markdown and links it; the HTML report embeds it as an image."""
    chart = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
    monkeypatch.setattr("factcheck.commands.collection_charts", lambda collection: {"verdicts": chart})
    out = tmp_path / "may report.md"
    assert invoke("report", "-o", str(out)).exit_code == 0
    assert (tmp_path / "may report-verdicts.svg").read_text(encoding="utf-8") == chart
    markdown = out.read_text(encoding="utf-8")
    assert "## Charts\n\n![Verdicts](<may%20report-verdicts.svg>)\n\n## Rating scales" in markdown
    stdout = invoke("report").stdout  # on stdout there is nowhere to put a chart
    assert "## Charts" not in stdout
    page = invoke("report", "--format", "html").stdout
    soup = html_of(page)
    image = soup.select_one("section.charts figure#chart-verdicts img")
    assert image["alt"] == "Verdicts" and image["src"].startswith("data:image/svg+xml;base64,")
    assert "<script>" not in page  # inside an <img> the SVG runs nothing: it is not even in the page as markup
    assert chart_file_names("r", {"b": "", "a/../x": ""}) == {"a/../x": "r-a-x.svg", "b": "r-b.svg"}


def html_of(text: str) -> BeautifulSoup:
    """A report's HTML parsed as a browser would."""
    return BeautifulSoup(text, "html5lib")


def test_user_text_stays_inert_in_both_reports(app, invoke):
    """An outlet, a title, a reviewer's name and a claimant that look like Markdown or HTML are shown as written."""
    make_user(app, "admin", "admin")
    admin = _admin(app)
    hostile = "<img src=x onerror=alert(1)> *Reuters* [x](javascript:alert(1))"
    _ok(post(admin, "/articles", {"title": "# <b>Title</b>", "outlet": hostile,
                                  "text": "Doctor <script>Evil</script> said 3 people left. Nothing else happened in 2024."}))
    with Session(app.extensions["factcheck.engine"]) as db:
        user_id = db.exec(select(User.id)).one()
        claim = db.exec(select(Claim).order_by(Claim.id)).first()
        true = rating(db, "True").id
    _ok(post(admin, f"/users/{user_id}", {"display_name": "Ann <i>*Admin*</i>", "role": "admin", "active": "1"}))
    _ok(post(admin, f"/claims/{claim.id}", {"verdict": true, "status": "in_progress"}, htmx=True))
    markdown = invoke("report").stdout
    assert r"\<img src=x onerror=alert(1)\> \*Reuters\* \[x\](javascript:alert(1))" in markdown
    assert r"**Sign-off:** reviewed by Ann \<i\>\*Admin\*\</i\>; not yet approved." in markdown
    assert r"# Fact-check: \# \<b\>Title\</b\>" in markdown
    page = invoke("report", "--format", "html").stdout
    soup = html_of(page)
    assert not soup.select("main script, main b, main i, main a[href^='javascript']")
    # The only pictures are the charts, embedded as SVG data (an <img> runs no script in it).
    assert all(img["src"].startswith("data:image/svg+xml;base64,") for img in soup.select("main img"))
    assert "<img src=x onerror=alert(1)> *Reuters*" in soup.get_text()
    assert soup.select_one("meta[http-equiv='Content-Security-Policy']")["content"].startswith("default-src 'none'")


# --- The Reports page ---------------------------------------------------------------------------


def test_the_reports_page_shows_the_totals_and_the_articles(app, newsroom):
    admin = _admin(app)
    page = html(admin.get("/reports?outlet=Reuters"))
    nav = [a.get_text() for a in page.select("header nav a")]
    assert "Reports" in nav
    form = page.select_one("form.report-filters")
    assert form["method"] == "get" and form.select_one("select[name=outlet] option[selected]").get_text() == "Reuters"
    assert [o.get_text() for o in form.select("select[name=tag] option")] == ["Any tag", "economy", "ukraine"]
    assert [o["value"] for o in form.select("select[name=reviewer] option")] == ["", "admin", "edna", "omar", "rita"]
    results = page.select_one("#report-results")
    assert results.find("h2").get_text() == "Collection: outlet Reuters"
    verdicts = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in results.select("#totals-verdicts tbody tr")]
    assert verdicts == [["True", "1"], ["Mostly true", "1"], ["Mostly false", "1"]]
    reviewers = [[td.get_text(strip=True) for td in tr.select("td")] for tr in results.select("#totals-reviewers tbody tr")]
    assert reviewers == [["Edna Ellis", "1"], ["Omar Okafor", "1"], ["Rita Reyes", "1"]]
    rows = results.select("table.report-articles tbody tr")
    assert [row.select_one("a").get_text() for row in rows] == ["Unemployment", "Exports"]
    assert rows[0].select_one("a")["href"] == f"/articles/{newsroom['Unemployment']}/report"
    assert rows[1].select_one(".meta").get_text() == "Reuters · archived"  # archived, and in the report all the same
    assert rows[1].select("td")[2].get_text() == "economy, ukraine" and rows[1].select("td")[3].get_text() == "1 of 2"
    links = {a.get_text(): a for a in results.select(".report-downloads a")}
    assert links["Markdown"]["href"] == "/reports/collection.md?outlet=Reuters"
    assert links["HTML"]["href"] == "/reports/collection.html?outlet=Reuters"
    assert all(a.has_attr("download") and a["hx-boost"] == "false" for a in links.values())


def test_the_reports_page_answers_htmx_with_its_results(app, newsroom):
    response = _admin(app).get("/reports?tag=economy", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    body = response.get_data(as_text=True)
    assert "<html" not in body and html(response).select_one("#report-results h2").get_text() == "Collection: tag economy"


@pytest.mark.parametrize("htmx", [False, True])
def test_a_bad_filter_on_the_page_is_a_400_with_why(app, newsroom, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = _admin(app).get("/reports?from=2025-05-10&to=2025-05-01", headers=headers)
    assert response.status_code == 400
    page = html(response)
    assert page.select_one("#report-results .error").get_text() == "The from date (2025-05-10) is after the to date (2025-05-01)."
    assert (page.select_one("form.report-filters") is None) == htmx
    assert _admin(app).get("/reports/collection.md?from=nope").status_code == 400


def test_an_empty_collection_says_so_and_has_nothing_to_download(app, newsroom):
    admin = _admin(app)
    page = html(admin.get("/reports?outlet=Nobody"))
    assert page.select_one("#report-results .empty").get_text() == "No articles match these filters."
    assert not page.select(".report-downloads")
    response = admin.get("/reports/collection.md?outlet=Nobody")
    assert response.status_code == 404 and "No articles match: outlet Nobody." in response.get_data(as_text=True)


def test_a_reviewer_may_read_reports(app, newsroom):
    reviewer = _client(app, "rita")
    assert reviewer.get("/reports").status_code == 200
    assert reviewer.get("/reports/collection.html?reviewer=rita").status_code == 200


def test_the_page_is_paged_and_its_queries_do_not_grow_with_the_collection(app, newsroom):
    admin = _admin(app)
    admin.get("/reports")  # warm up: the session's user, the site's stamps

    def queries() -> int:
        with counted_queries(app) as seen:
            assert admin.get("/reports?page=2").status_code == 200
        return len(seen)

    few = queries()
    assert few <= 16, few  # the user, the choices, six totals, the page (two) and its counts and tags
    store_articles(app, 120)
    assert queries() == few
    page = html(admin.get("/reports?page=2"))
    assert len(page.select("table.report-articles tbody tr")) == 50
    pager = page.select_one("nav.pages")
    assert "Page 2 of 3" in pager.get_text() and pager.select_one("a[rel=next]")["href"] == "/reports?page=3"


def test_the_collection_record_is_plain_json(app, newsroom):
    """What the writers take holds nothing but JSON's own types (as the article record does)."""
    with Session(app.extensions["factcheck.engine"]) as db:
        record = collection_record(db, collection_filter(db, tag="economy"))
    assert json.loads(json.dumps(record)) == record
    assert record["title"] == "tag economy" and record["articles"] == 2
    assert [s["name"] for s in record["rating_scales"]] == [DEFAULT_SCALE_NAME]


def test_the_writers_are_pure_and_stream(app, newsroom):
    """The writers take plain data and give the report a piece at a time: the head, then one per article."""
    with Session(app.extensions["factcheck.engine"]) as db:
        chosen = collection_filter(db)
        collection = collection_record(db, chosen)
        records = list(collection_records(db, articles_in_collection(db, chosen)))
    markdown = list(collection_markdown(collection, iter(records)))
    assert len(markdown) == 1 + len(records) and all(piece.startswith("\n## Fact-check: ") for piece in markdown[1:])
    pieces = list(collection_html(collection, iter(records)))
    assert len(pieces) == 1 + len(records) + 1 and pieces[-1] == "</main>\n</body>\n</html>\n"


def test_several_scales_and_free_text_conclusions():
    """Labels are named with their scale when the collection uses more than one; conclusions count on a row of their own."""
    scale = {"name": "Ours", "description": "", "free_text": False, "ratings": [{"label": "True", "description": "Yes."}]}
    free = {"name": "Free", "description": "Own words.", "free_text": True, "ratings": []}
    collection = {
        "title": "every article", "articles": 2, "claims": {"total": 3, "signed_off": 3, "in_review": 0, "unreviewed": 0},
        "totals": {
            "verdicts": [{"label": "True", "scale": "Ours", "claims": 1}, {"label": "True", "scale": "Theirs", "claims": 1},
                         {"label": "", "scale": "", "claims": 1}],
            "outlets": [], "claimants": [{"name": None, "claims": 3}], "reviewers": [{"name": "Ann", "claims": 3}],
        },
        "rating_scales": [free, scale],
    }
    head = "".join(collection_markdown(collection, []))
    assert "| True (Ours) | 1 |\n| True (Theirs) | 1 |\n| Conclusion (free text) | 1 |\n| **Total** | 3 |" in head
    assert "The articles here are rated on these scales." in head
    assert "### Free\n\nOwn words.\n\nVerdicts on this scale are conclusions the reviewer writes in their own words." in head
    assert "### Ours\n\n- **True**: Yes.\n" in head and "### Outlets\n\nNo articles.\n" in head
    page = "".join(collection_html(collection, []))
    assert html_of(page).select_one("main h1").get_text() == "Fact-check report: every article"


def test_a_piece_too_long_to_render_is_shown_as_its_markdown(monkeypatch):
    monkeypatch.setattr("factcheck.report.collection.HTML_PIECE_MAX_CHARS", 100)
    record = {
        "article": {"title": "<T>", "published": None, "url": "", "outlet": "", "author": "", "text": "A."},
        "rating_scale": {"name": "S", "ratings": []},
        "claims": [{"text": "A.", "status": "to_review", "verdict": None, "rationale": "", "sources": []}],
    }
    collection = {"title": "x", "articles": 1, "claims": {"total": 1, "signed_off": 0, "in_review": 0, "unreviewed": 1},
                  "totals": {"verdicts": [], "outlets": [], "claimants": [], "reviewers": []}, "rating_scales": []}
    article = list(collection_html(collection, [record]))[1]
    assert article.startswith('<article class="article-report">\n<pre class="markdown-source">## Fact-check: \\&lt;T\\&gt;')


README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_examples_work_as_written(invoke, newsroom, tmp_path, monkeypatch):
    """Each `factcheck report` line of the README's section, run on the newsroom from a fresh folder."""
    section = README.read_text(encoding="utf-8").split("### Collection reports and the methodology record")[1]
    commands = [line for line in section.split("```sh")[1].split("```")[0].splitlines() if line.strip()]
    assert len(commands) == 4 and all(line.startswith(".venv/bin/factcheck report") for line in commands)
    monkeypatch.chdir(tmp_path)
    for line in commands:
        result = invoke(*shlex.split(line)[1:])
        assert result.exit_code == 0, (line, result.stderr)
        assert result.stdout.startswith("# Fact-check report: ") or "-o" in line, line
    written = sorted(path.name for path in tmp_path.iterdir() if not path.name.startswith("test.sqlite"))
    # A Markdown report written with -o gets its charts beside it.
    assert written == ["report-outlets.svg", "report-reviews.svg", "report-verdicts.svg", "report.md", "reuters-outlets.svg",
                       "reuters-reviews.svg", "reuters-verdicts.svg", "reuters.md", "ukraine.html"]


def test_golden_files_are_listed_with_the_fixtures():
    listed = (DATA / "README.md").read_text(encoding="utf-8")
    assert "reports/" in listed and Path(GOLDEN / "collection.md").exists() and Path(GOLDEN / "collection.html").exists()
