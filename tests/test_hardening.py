"""Odd input and deployment details an attack run found: huge ids, a malformed HX-Current-URL,
NUL characters, signed-in pages kept in caches, running behind a TLS proxy, huge usernames and
quotes. Each gets a clear 4xx (or its ordinary answer) and nothing half-stored. Runs on
PostgreSQL too in the suite's second pass."""

from __future__ import annotations

import json
import re

import pytest
from sqlmodel import select

from factcheck import create_app
from factcheck.models import Article, Source
from tests.conftest import PASSWORD, article, claims_of, html, log_in, make_user, post

HUGE_IDS = ["9223372036854775808", "2147483648", "99999999999999999999999"]


@pytest.mark.parametrize("number", HUGE_IDS)
@pytest.mark.parametrize("path", ["/claims/{}", "/articles/{}", "/claims/{}/history", "/articles/{}/report.md"])
def test_an_id_past_the_databases_integer_is_not_found(client, path, number):
    response = client.get(path.format(number))
    assert response.status_code == 404


def test_a_post_to_a_huge_id_is_not_found_and_stores_nothing(client, db, seed_article):
    response = post(client, f"/claims/{HUGE_IDS[0]}/dismiss", htmx=True)
    assert response.status_code == 404
    assert not any(c.dismissed for c in claims_of(db, seed_article))


@pytest.mark.parametrize("header", ["http://[::1", "http://[", "//[::1]x:y", "\x7f"])
def test_a_malformed_current_url_header_is_read_as_none(client, db, seed_article, header):
    claim = claims_of(db, seed_article)[2]
    response = post(client, f"/claims/{claim.id}/dismiss", htmx=True, headers={"HX-Current-URL": header})
    assert response.status_code == 200, response.get_data(as_text=True)[-300:]
    assert claims_of(db, seed_article)[2].dismissed  # the change and its answer agree


def test_a_malformed_current_url_before_login_gets_the_login_answer(anonymous, seed_article):
    response = anonymous.get(f"/articles/{seed_article}", headers={"HX-Request": "true", "HX-Current-URL": "http://[::1"})
    assert response.status_code == 401 and response.headers["HX-Redirect"] == "/login"


@pytest.mark.parametrize(
    ("url", "form"),
    [
        ("/articles", {"text": "The army took 40 villages.\x00 It says so."}),
        ("/articles", {"text": "The army took 40 villages.", "title": "Nul\x00title"}),
        ("/articles", {"text": "The army took 40 villages.", "outlet\x00": "x"}),
    ],
)
def test_a_nul_character_in_a_form_is_refused_before_anything_is_stored(client, db, url, form):
    response = post(client, url, form)
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)
    assert db.exec(select(Article)).first() is None


def test_a_nul_character_in_a_rationale_or_comment_changes_nothing(client, db, seed_article):
    claim = claims_of(db, seed_article)[1]
    assert post(client, f"/claims/{claim.id}", {"rationale": "a\x00b", "status": "in_progress"}, htmx=True).status_code == 400
    assert post(client, f"/claims/{claim.id}/comments", {"body": "\x00"}, htmx=True).status_code == 400
    stored = claims_of(db, seed_article)[1]
    assert stored.rationale == "" and stored.status.value == "to_review"


def test_a_nul_character_at_login_is_refused(app, anonymous):
    page = html(anonymous.get("/login"))
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    response = anonymous.post("/login", data={"username": "ad\x00min", "password": "x", "csrf_token": token})
    assert response.status_code == 400


def test_signed_in_pages_are_not_kept_in_caches(client, anonymous, seed_article):
    for path in ("/", f"/articles/{seed_article}", f"/articles/{seed_article}/report.md", "/search?q=army"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    assert "no-store" not in anonymous.get("/login").headers.get("Cache-Control", "")
    with client.get("/static/factcheck.css") as stylesheet:
        assert "no-store" not in stylesheet.headers.get("Cache-Control", "")


def test_hsts_is_sent_over_https_only(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.fixture
def proxied(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "k", "TRUSTED_PROXIES": 1,
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 8, "ARGON2_PARALLELISM": 1})
    yield app
    app.extensions["factcheck.engine"].dispose()


def test_behind_a_trusted_tls_proxy_the_cookie_is_secure_and_hsts_sent(app, proxied):
    make_user(app, "editor", "editor")
    client = proxied.test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "factcheck.example.org"}
    page = html(client.get("/login", headers=forwarded))
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    response = client.post("/login", data={"username": "editor", "password": PASSWORD, "csrf_token": token}, headers=forwarded)
    assert response.status_code == 303
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in cookie for cookie in cookies)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_a_trusted_proxy_cannot_be_made_to_pass_on_a_host_for_the_public_links(proxied):
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example", "X-Forwarded-Port": "8443",
              "X-Forwarded-For": "203.0.113.9"}
    feed = proxied.test_client().get("/fact-checks/feed.atom", headers=forged).get_data(as_text=True)
    links = re.findall(r'href="([^"]+)"', feed)
    assert links and all(link.startswith("https://localhost/") for link in links), links


def test_without_trusted_proxies_forwarded_headers_are_ignored(app):
    make_user(app, "editor", "editor")
    client = app.test_client()
    page = html(client.get("/login"))
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    response = client.post("/login", data={"username": "editor", "password": PASSWORD, "csrf_token": token},
                           headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 303
    assert not any("Secure" in cookie for cookie in response.headers.getlist("Set-Cookie"))
    assert "Strict-Transport-Security" not in response.headers


def test_a_huge_username_at_login_is_refused_and_counted_cut_short(app, anonymous, db):
    from factcheck.models import AuditEvent, LoginFailure

    response = log_in(anonymous, "x" * 1_000_000, "wrong")
    assert response.status_code == 401
    assert "Wrong username or password" in response.get_data(as_text=True)
    assert len(response.data) < 20_000  # the name is not sent back
    kept = db.exec(select(LoginFailure.kind, LoginFailure.key)).all()
    assert sorted(kept) == [("account", "x" * 40), ("address", "127.0.0.1")]
    assert db.exec(select(AuditEvent.username).where(AuditEvent.kind == "login_failed")).all() == ["x" * 40]


def test_a_flood_of_too_long_usernames_meets_the_limit_per_address(app, anonymous, db):
    from factcheck.models import AuditEvent

    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 5
    answers = [log_in(anonymous, f"{i:03}" + "y" * 60, "wrong").status_code for i in range(30)]
    assert answers == [401] * 5 + [429] * 25
    kinds = db.exec(select(AuditEvent.kind).order_by(AuditEvent.id)).all()
    assert kinds == ["login_failed"] * 5 + ["lockout"]  # refusals from one address: one a minute


def test_a_flood_of_requests_without_csrf_token_is_recorded_once_a_minute(app, anonymous, db):
    from factcheck.models import AuditEvent

    for _ in range(20):
        assert anonymous.post("/login", data={"username": "a", "password": "b"}).status_code == 400
    assert db.exec(select(AuditEvent.kind)).all() == ["csrf_refused"]


def test_a_source_quote_past_its_limit_is_refused(client, db, seed_article):
    claim = claims_of(db, seed_article)[0]
    response = post(client, f"/claims/{claim.id}/sources", {"url": "https://example.org/a", "quote": "q" * 5_001}, htmx=True)
    assert response.status_code == 422
    assert "quote at most 5,000" in response.get_data(as_text=True)
    assert db.exec(select(Source)).first() is None
    ok = post(client, f"/claims/{claim.id}/sources", {"url": "https://example.org/a", "quote": "q" * 5_000}, htmx=True)
    assert ok.status_code == 200 and article(db, seed_article) is not None


# --- Limits on an article's size ---------------------------------------------------------------


@pytest.fixture
def small_limits(app):
    app.config.update(ARTICLE_MAX_CHARS=2_000, ARTICLE_MAX_CLAIMS=30)
    return app


def test_an_article_splitting_into_too_many_claims_is_refused_before_anything_is_stored(client, db, small_limits):
    response = post(client, "/articles", {"text": "Go. " * 40})
    assert response.status_code == 422
    assert "Split into sentences, the article has 40 claims; factcheck takes at most 30 per article." in response.get_data(as_text=True)
    assert db.exec(select(Article)).first() is None
    assert post(client, "/articles", {"text": "Go. " * 30}).status_code == 303


def test_an_article_longer_than_the_setting_is_refused(client, db, small_limits):
    response = post(client, "/articles", {"text": "The army took 40 villages. " * 100})
    assert response.status_code == 422
    assert "The article is 2,700 characters; factcheck takes at most 2,000." in response.get_data(as_text=True)
    assert db.exec(select(Article)).first() is None


def test_the_command_line_import_keeps_the_same_limits(small_limits, runner, db, tmp_path):
    (tmp_path / "go.txt").write_text("Go. " * 40, encoding="utf-8")
    result = runner.invoke(args=["import", str(tmp_path / "go.txt")])
    assert result.exit_code == 1
    assert "has 40 claims; factcheck takes at most 30 per article." in result.stderr
    assert db.exec(select(Article)).first() is None


def _export(client, article_id):
    import json

    return json.loads(client.get(f"/articles/{article_id}/export.json").get_data(as_text=True))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda claims: claims[1].update(start=claims[0]["start"] + 1), "claims[1]: starts at"),
        (lambda claims: claims.reverse(), "claims must be in text order and must not overlap"),
        (lambda claims: claims[0].update(start=claims[0]["start"] - 1) if claims[0]["start"] else claims[1].update(
            start=claims[1]["start"] - 1), "starts or ends with white space"),
        (lambda claims: claims[2].update(start=True), "claims[2]: start and end must be offsets"),
    ],
    ids=["overlapping", "reversed", "whitespace-edged", "boolean-offset"],
)
def test_a_crafted_export_with_spans_the_app_never_makes_is_refused(client, db, seed_article, runner, tmp_path, change, message):
    import json

    record = _export(client, seed_article)
    change(record["claims"])
    for claim in record["claims"]:  # keep each claim's text its span's, so only the spans are wrong
        if isinstance(claim["start"], int) and not isinstance(claim["start"], bool):
            claim["text"] = record["article"]["text"][claim["start"]:claim["end"]]
    path = tmp_path / "crafted.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    before = len(db.exec(select(Article)).all())
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(db.exec(select(Article)).all()) == before


def test_an_export_with_more_claims_than_allowed_is_refused(client, db, seed_article, runner, tmp_path, app):
    import json

    record = _export(client, seed_article)
    app.config.update(ARTICLE_MAX_CLAIMS=10)
    path = tmp_path / "many.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1 and "The export has 25 claims; factcheck takes at most 10 per article." in result.stderr


@pytest.mark.parametrize("path", ["report", "report.md", "export.json", "claims.csv", "claimreview.json"])
def test_an_article_stored_past_the_claim_limit_is_reported_on_the_command_line(app, client, db, seed_article, runner, path):
    app.config.update(ARTICLE_MAX_CLAIMS=10)  # the seed article's 25 claims were stored before this limit
    assert client.get(f"/articles/{seed_article}").status_code == 200  # its review page is paged anyway
    response = client.get(f"/articles/{seed_article}/{path}")
    assert response.status_code == 409
    assert (f"Article {seed_article} has 25 claims, more than the 10 an article may have now: its report and exports "
            f"are made on the command line (factcheck export {seed_article} --format md|json|csv|claimreview).") in html(response).get_text()
    result = runner.invoke(args=["export", str(seed_article), "--format", "json"])
    assert result.exit_code == 0 and len(json.loads(result.stdout)["claims"]) == 25


# --- The Markdown report: reviewer text inert in any renderer --------------------------------

FORGED = (
    "Checked against the maps.\n\n## Approved verdicts\n\n### Claim 3\n\n**Verdict: True**\n"
    "<img src=x onerror=alert(1)>\n<details open ontoggle=alert(1)>x</details>\n"
    "[click](javascript:alert(1)) [ok](https://example.org/ok)\n[evil]: javascript:alert(2)\n---\n```\ncode\n"
)
HOSTILE_URL = 'https://evil.example/"><img/src=x/onerror=alert(1)>'


@pytest.mark.parametrize("renderer", ["commonmark", "python-markdown"])
def test_a_rationale_cannot_forge_the_report_or_carry_html(client, db, seed_article, renderer):
    import markdown as python_markdown
    from bs4 import BeautifulSoup
    from markdown_it import MarkdownIt

    from factcheck.models import Article as ArticleRow
    from tests.conftest import rating

    stored = db.get(ArticleRow, seed_article)
    stored.url = HOSTILE_URL
    db.add(stored)
    db.commit()
    claim = claims_of(db, seed_article)[1]
    response = post(client, f"/claims/{claim.id}", {"verdict": str(rating(db, "False").id), "rationale": FORGED,
                                                   "status": "needs_second_review"}, htmx=True)
    assert response.status_code == 200
    report = client.get(f"/articles/{seed_article}/report.md").get_data(as_text=True)
    # With raw HTML on, as CommonMark viewers and python-markdown render by default.
    rendered = MarkdownIt("commonmark", {"html": True}).render(report) if renderer == "commonmark" else (
        python_markdown.markdown(report))
    page = BeautifulSoup(rendered, "html.parser")
    assert page.find(["img", "details", "script"]) is None
    assert all(not a["href"].lower().startswith("javascript:") for a in page.find_all("a", href=True))
    # The report's own structure only: one "Approved verdicts" heading, no forged claim section.
    assert [h.get_text() for h in page.find_all("h2")].count("Approved verdicts") == 1
    assert "Claim 3" not in [h.get_text() for h in page.find_all("h3")]
    assert not [b for b in page.find_all("strong") if b.get_text() == "Verdict: True" and b.find_parent("blockquote") is None]
    # The reviewer's words are all there, shown as text in the quote.
    quote = next(q for q in page.find_all("blockquote") if "Checked against the maps" in q.get_text())
    assert "<img src=x onerror=alert(1)>" in quote.get_text() and "## Approved verdicts" in quote.get_text()
    assert quote.find("a", href="https://example.org/ok") is not None
    # The article's address cannot close its own link.
    assert 'href="https://evil.example/%22%3E%3Cimg/src=x/onerror=alert(1)%3E"' in rendered


#: What a review of issue 14 found still getting through, each put where it was found: the
#: field of the published claim with sources in the seed record (tests/data/export/seed-article.json).
REVIEW_14 = {
    "heading after an ordered list marker": ("rationale", "Checked.\n1. ### Claim 3"),
    "headings after bullets": ("rationale", "Fine.\n- ## Approved verdicts\n- ### Claim 3\n- **Verdict: True**"),
    "heading after nested list markers": ("rationale", "Fine.\n\n1. - + ## Approved verdicts"),
    "character reference in the scheme": ("rationale", "[source](java&#115;cript:alert(1))"),
    "hexadecimal reference in the scheme": ("rationale", "[source](&#x6A;avascript:alert(1))"),
    "reference definition in a list item": ("rationale", "- [r]: javascript:alert(1)\n\n[source][r]"),
    "data reference definition in a list item": ("rationale", "* [r]: data:text/html,x\n\n[source][r]"),
    "reference label across two lines": ("rationale", "[r\n]: javascript:alert(1)\n\n[source][r]"),
    "image": ("rationale", "![i](https://example.org/i.png)"),
    "setext underline in a source quote": ("source.quote", "Approved verdicts\n---"),
    "setext = underline in a source quote": ("source.quote", "Approved verdicts\n==="),
    "thematic break and heading in the claim": ("text", "x\n\n---\n## Forged"),
    "setext underline after a scale label": ("label", "True\n---\n"),
}


@pytest.mark.parametrize("case", REVIEW_14)
def test_the_reviewed_forgeries_leave_the_report_inert_in_both_renderers(case):
    import copy
    import json
    from pathlib import Path

    from factcheck.report.markdown import report_markdown
    from tests.conftest import assert_inert_report

    record = json.loads((Path(__file__).parent / "data" / "export" / "seed-article.json").read_text(encoding="utf-8"))
    record = copy.deepcopy(record)
    claim = next(c for c in record["claims"] if c["sources"] and c["status"] == "published")
    field, text = REVIEW_14[case]
    if field == "source.quote":
        claim["sources"][0]["quote"] = text
    elif field == "label":
        record["rating_scale"]["ratings"][0]["label"] = text
    else:
        claim[field] = text
    assert_inert_report(report_markdown(record))


def test_the_reviewers_links_emphasis_and_lists_are_kept():
    from factcheck.report.markdown import reviewer_markdown

    quoted = reviewer_markdown("*Less* than **claimed**:\n\n- [the survey](https://example.org/s?a=1&b=2)\n"
                               "1. ![chart](https://example.org/c.png)\n- [mail](mailto:desk@example.org) [x](/relative)")
    assert quoted == ("> *Less* than **claimed**:\n>\n> - [the survey](https://example.org/s?a=1&amp;b=2)\n"
                      "> 1. \\![chart](https://example.org/c.png)\n> - [mail](mailto:desk@example.org) [x]\\(/relative)")


# --- Malformed exports: refused one file at a time, with a message, never a traceback ----------

MALFORMED_EXPORTS = {
    "deep-nesting": ('{"format": "factcheck-article/1", "article": ' + "[" * 100_000 + "]" * 100_000 + "}",
                     "deep-nesting.json: not a factcheck export (its JSON is nested too deeply to read)."),
    "5000-digit-number": ('{"format": "factcheck-article/1", "claims": [{"start": ' + "9" * 5000 + "}]}",
                          "5000-digit-number.json: not a factcheck export (a number in it has more digits than can be read)."),
    "verdict-list": (lambda r: r["claims"][3].update(verdict=["False"]), "verdict-list.json: claims[3].verdict: must be text"),
    "sources-number": (lambda r: r["claims"][1].update(sources=7), "sources-number.json: claims[1].sources: must be a list"),
    "source-not-object": (lambda r: r["claims"][1].update(sources=["https://example.org"]),
                          "source-not-object.json: claims[1].sources[0]: must be an object"),
    "title-object": (lambda r: r["article"].update(title={"en": "x"}), "title-object.json: article.title: must be text"),
    "value-float": (lambda r: r["rating_scale"]["ratings"][0].update(value=1.5),
                    "value-float.json: rating_scale.ratings[0].value: must be a whole number"),
    "archived-string": (lambda r: r["article"].update(archived="yes"), "archived-string.json: article.archived: must be true or false"),
    "lone-surrogate": (lambda r: r["claims"][2].update(rationale="Checked \ud800 against the maps."),
                       "lone-surrogate.json: claims[2].rationale: holds a lone surrogate ('\\ud800'), which is not text"),
    "nul": (lambda r: r["claims"][0]["sources"].append({"url": "https://example.org", "quote": "a\x00b"}),
            "nul.json: claims[0].sources[0].quote: holds a NUL character, which factcheck does not store"),
    "nul-in-text": (lambda r: r["article"].update(text=r["article"]["text"] + "\x00"),
                    "nul-in-text.json: article.text: holds a NUL character, which factcheck does not store"),
    "no-article": (lambda r: r.pop("article"), "no-article.json: article: is missing"),
}


def _write_export(path, record) -> None:
    import json

    # ensure_ascii: a lone surrogate is written as its \ud800 escape, as a crafted file has it
    path.write_text(record if isinstance(record, str) else json.dumps(record), encoding="utf-8")


def test_a_batch_of_malformed_exports_reports_each_and_imports_the_rest(client, db, seed_article, runner, tmp_path):
    """Every bad file gets one line naming it and what is wrong; the good file after them is stored."""
    exported = _export(client, seed_article)
    paths = []
    for name, (change, _message) in MALFORMED_EXPORTS.items():
        record = change if isinstance(change, str) else _changed(exported, change)
        paths.append(tmp_path / f"{name}.json")
        _write_export(paths[-1], record)
    good = _changed(exported, lambda r: r["article"].update(text=r["article"]["text"] + " "))
    _write_export(tmp_path / "zz-good.json", good)
    result = runner.invoke(args=["import", *map(str, paths), str(tmp_path / "zz-good.json")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output + result.stderr
    lines = result.stderr.splitlines()
    assert lines == [f"factcheck import: {tmp_path}/{message}" for _change, message in MALFORMED_EXPORTS.values()] + [
        f"factcheck import: imported 1, skipped 0 as duplicate, failed {len(MALFORMED_EXPORTS)}."]
    assert len(db.exec(select(Article)).all()) == 2


def _changed(record, change):
    import copy

    record = copy.deepcopy(record)
    change(record)
    return record


def test_an_unexpected_error_in_one_file_is_one_line_and_the_batch_goes_on(client, db, seed_article, runner, tmp_path,
                                                                         monkeypatch):
    """A bug in one import (not a FactcheckError) is reported on one line, not as a traceback."""
    from factcheck.domain import records

    exported = _export(client, seed_article)
    _write_export(tmp_path / "a.json", exported)
    (tmp_path / "b.txt").write_text("The bridge reopened on Friday. Traffic returned at once.", encoding="utf-8")
    monkeypatch.setattr(records, "check_record", lambda record: 1 / 0)
    result = runner.invoke(args=["import", str(tmp_path / "a.json"), str(tmp_path / "b.txt")])
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.splitlines() == [
        f"factcheck import: {tmp_path}/a.json: failed: ZeroDivisionError: division by zero",
        "factcheck import: imported 1, skipped 0 as duplicate, failed 1.",
    ]


def test_the_exports_of_factcheck_0_1_0_still_import(runner, db, tmp_path):
    """The strict format accepts what older releases wrote (no tags, no ids, legacy statuses)."""
    import json

    from tests.conftest import DATA

    records = json.loads((DATA / "factcheck-0.1.0-exports.json").read_text(encoding="utf-8"))
    for number, record in records.items():
        _write_export(tmp_path / f"{number}.json", record)
    result = runner.invoke(args=["import", *(str(tmp_path / f"{n}.json") for n in records)])
    assert result.exit_code == 0, result.stderr
    assert len(db.exec(select(Article)).all()) == 3


# --- HTML uploads: the extraction's work is capped -----------------------------------------


@pytest.fixture
def no_extraction(monkeypatch):
    """trafilatura must not run: a refused page costs the count, not the extraction."""
    from factcheck.ingest import html as html_module

    def extraction(*args, **kwargs):
        raise AssertionError("trafilatura ran on a page that should have been refused")

    monkeypatch.setattr(html_module, "bare_extraction", extraction)


def test_an_html_page_with_too_many_paragraphs_is_refused_before_extraction(client, db, no_extraction):
    import io

    from factcheck.ingest.html import HTML_MAX_BLOCKS

    body = "".join(f"<P>Budget line {i} was approved.</P><div>Line {i}<br>more</div>" for i in range(HTML_MAX_BLOCKS // 3))
    page = f"<html><body>{body}<li>one</li><LI>two</LI><li>three</li></body></html>".encode()
    assert HTML_MAX_BLOCKS // 3 * 3 + 3 == HTML_MAX_BLOCKS + 1
    response = post(client, "/articles", {"file": (io.BytesIO(page), "big.html")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert (f"big.html: the page has {HTML_MAX_BLOCKS + 1:,} paragraphs and other blocks; factcheck reads at most "
            f"{HTML_MAX_BLOCKS:,}.") in html(response).find(class_="error").get_text()
    assert db.exec(select(Article)).first() is None


# Every form of a block tag libxml2 reads as one: other block elements, any case, and whatever
# ends the name (a newline, a tab, "/", an attribute, a control character trafilatura deletes).
BLOCK_FORMS = ["<h2>{}</h2>", "<section>{}</section>", "<blockquote>{}", "<H3\n>{}</H3>", "<Section\nclass=x>{}",
               "<td\t>{}", "<pre/>{}", "<P\x01>{}", "<h\x012>{}</h2>", "<ARTICLE id=a>{}", "<tr>{}", "<dd>{}<dt>"]


def _many(form: str, count: int) -> bytes:
    """A page of `count` copies of `form`, short enough that the test client keeps the upload in memory."""
    body = form.format("x") * count
    return f"<html><head><title>T</title></head><body>{body}</body></html>".encode()


def _fetched_as(monkeypatch, page: bytes) -> None:
    """Import from a web address answers with `page`, undecoded (the server named no charset)."""
    from factcheck.domain import importing
    from factcheck.ingest.fetch import FetchedPage

    address = "https://news.example/story"
    monkeypatch.setattr(importing, "fetch_page", lambda url, **_: FetchedPage(url=url, final_url=address, html=page))


def _import(client, page: bytes, via: str):
    import io

    if via == "upload":
        return post(client, "/articles", {"file": (io.BytesIO(page), "big.html")}, content_type="multipart/form-data")
    return post(client, "/articles", {"import_url": "https://news.example/story"})


@pytest.mark.parametrize("via", ["upload", "address"])
@pytest.mark.parametrize("form", BLOCK_FORMS)
def test_every_block_element_counts_towards_the_cap(client, db, monkeypatch, no_extraction, form, via):
    from factcheck.ingest.html import HTML_MAX_BLOCKS

    page = _many(form, HTML_MAX_BLOCKS + 1)
    _fetched_as(monkeypatch, page)
    response = _import(client, page, via)
    assert response.status_code == 422
    assert f"paragraphs and other blocks; factcheck reads at most {HTML_MAX_BLOCKS:,}." in html(response).find(class_="error").get_text()
    assert db.exec(select(Article)).first() is None


@pytest.mark.parametrize("via", ["upload", "address"])
def test_a_page_of_too_many_elements_of_any_kind_is_refused(client, db, monkeypatch, no_extraction, via):
    from factcheck.ingest.html import HTML_MAX_ELEMENTS

    page = _many("<span>{}", HTML_MAX_ELEMENTS)  # with <html>, <head>, <title> and <body>: past the cap
    _fetched_as(monkeypatch, page)
    response = _import(client, page, via)
    assert response.status_code == 422
    assert f"HTML elements; factcheck reads at most {HTML_MAX_ELEMENTS:,}." in html(response).find(class_="error").get_text()


def _compressors():
    import gzip
    import zlib

    kinds = [pytest.param("gzip", gzip.compress, id="gzip")]
    kinds += [pytest.param("zlib", lambda data, level=level: zlib.compress(data, level), id=f"zlib-{level}") for level in (1, 5, 6, 9)]
    try:
        from compression import zstd  # Python 3.14
    except ImportError:
        try:
            from backports import zstd
        except ImportError:
            zstd = None
    if zstd is not None:
        kinds.append(pytest.param("zstd", zstd.compress, id="zstd"))
    return kinds


@pytest.mark.parametrize("via", ["upload", "address"])
@pytest.mark.parametrize(("kind", "compress"), _compressors())
def test_a_compressed_page_is_refused_never_inflated(client, db, monkeypatch, no_extraction, kind, compress, via):
    from factcheck.ingest.html import HTML_MAX_BLOCKS

    page = compress(_many("<p>{}</p>", HTML_MAX_BLOCKS * 2))  # a few kB, past the cap once inflated
    _fetched_as(monkeypatch, page)
    response = _import(client, page, via)
    assert response.status_code == 422
    name = "big.html" if via == "upload" else "https://news.example/story"
    assert html(response).find(class_="error").get_text() == (
        f"{name}: the page is compressed ({kind}); factcheck reads only plain HTML. "
        "Save the page as HTML, or paste the article's text instead.")
    assert db.exec(select(Article)).first() is None


def test_bytes_that_no_header_marks_as_compressed_reach_trafilatura_as_text(monkeypatch):
    import zlib

    from factcheck.ingest import html as html_module

    seen = []
    monkeypatch.setattr(html_module, "bare_extraction", lambda page, **_: seen.append(page))
    raw_deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    page = raw_deflate.compress(_many("<p>{}</p>", 1000)) + raw_deflate.flush()
    with pytest.raises(html_module.InvalidInput, match="no article text found"):
        html_module.extract_article(page, name="odd.html")
    assert [type(page) for page in seen] == [str]  # trafilatura inflates bytes, never text


def test_an_html_page_at_the_cap_is_read():
    from factcheck.ingest.html import HTML_MAX_BLOCKS, count_blocks, extract_article

    assert count_blocks("<p>a<P class=x>b<br/>c<BR>d<div\n>e<li>f<pre>g<param><dl><lip><h2-x><H6\t>") == 9
    assert count_blocks("<p>x</p>".encode("utf-16")) == 1
    text = "The council approved the plan to repair the bridge on Mill Lane, which closed in March. "
    page = "<html><body>" + "<br>" * (HTML_MAX_BLOCKS - 1) + f"<p>{text * 3}</p></body></html>"
    assert extract_article(page, name="p.html").text.startswith("The council approved")
