"""Properties over arbitrary input (Hypothesis): splitting keeps exact spans; pasted text and
uploaded files get a 303 or a 4xx with a message, never a 500; what is stored renders as a review
page listing its claims, exports (JSON, CSV), reports and imports back; the Markdown report stays
inert, rendered by markdown-it-py and by python-markdown, whatever a rationale, a source's quote
or a claimant says.

The apps are the module's (Hypothesis refuses function-scoped fixtures, which every example would
share anyway): pasting the same text twice is a 409, which is one of the answers allowed. Each
test runs a bounded number of examples, so the module stays well under a minute."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from factcheck import create_app
from factcheck.commands import cli
from factcheck.extract import split_claims
from factcheck.models import Article
from factcheck.rendering import render_markdown
from factcheck.report.markdown import report_markdown
from tests.conftest import FAST_HASHING, assert_inert_report, claims_of, html, login_as, post, rating

FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: Any character a file or form can carry, control characters included; no lone surrogates (no
#: form or UTF-8 file can hold one: the export import refuses them, tests/test_hardening.py).
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)
WORDY_TEXT = st.lists(st.sampled_from(["The", "mayor", "said", "crime", "fell", "12%", "in", "2024.", "Really?", "\n\n",
                                       " ", "«Yes»", "U.S.", "Dr.", "…", "\t", "‘quoted’", "1.5", "!"]), max_size=60).map(" ".join)


def _new_app(folder):
    return create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'test.sqlite'}",
                       "SECRET_KEY": "test-secret", **FAST_HASHING})


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """An app for the whole module, an admin's client on it, and a folder for files."""
    folder = tmp_path_factory.mktemp("site")
    app = _new_app(folder)
    yield app, login_as(app, "admin"), folder
    app.extensions["factcheck.engine"].dispose()


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A second app, which exports from the first are imported into."""
    app = _new_app(tmp_path_factory.mktemp("fresh"))
    yield app
    app.extensions["factcheck.engine"].dispose()


@FEW
@given(st.one_of(ANY_TEXT, WORDY_TEXT))
def test_splitting_gives_exact_ordered_spans(text):
    end = 0
    for span in split_claims(text):
        assert text[span.start : span.end] == span.text
        assert end <= span.start < span.end <= len(text)
        end = span.end


@settings(max_examples=50, deadline=None)
@given(st.one_of(ANY_TEXT, WORDY_TEXT))
@example("\x00")  # a NUL: refused before any view (a 400)
@example("Budget. \r\nLine\x0b two.\x1c Three")
def test_pasted_text_is_stored_exactly_or_refused_and_round_trips(site, fresh, text):
    app, client, folder = site
    response = post(client, "/articles", {"text": text})
    assert response.status_code in (303, 400, 409, 422), response.status_code
    if response.status_code != 303:
        assert html(response).find(class_="error") or response.status_code == 400
        return
    article_id = int(re.search(r"/articles/(\d+)$", response.headers["Location"]).group(1))
    with Session(app.extensions["factcheck.engine"]) as db:
        stored = db.get(Article, article_id).text
        claims = claims_of(db, article_id)
        assert all(stored[c.start : c.end] == c.text for c in claims)
        if claims:
            post(client, f"/claims/{claims[0].id}", {"verdict": str(rating(db, "False").id),
                                                      "rationale": text[:200], "status": "in_progress"}, htmx=True)
    page = client.get(f"/articles/{article_id}?sort=position&min_score=0&kind=")  # every claim, in text order
    assert page.status_code == 200
    assert [int(row["data-claim"]) for row in html(page).select(".claim-row")] == [c.id for c in claims]
    assert client.get(f"/articles/{article_id}/report.md").status_code == 200
    table = client.get(f"/articles/{article_id}/claims.csv").data.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(table, newline="")))) == len(claims) + 1  # a header, a row a claim
    exported = client.get(f"/articles/{article_id}/export.json")
    assert exported.status_code == 200
    if not claims:
        return  # an export without claims is refused on import, as it should be
    path = folder / "export.json"
    path.write_bytes(exported.data)
    result = CliRunner().invoke(cli, ["import", str(path)], obj=ScriptInfo(create_app=lambda: fresh))
    assert result.exit_code == 0, result.stderr
    with Session(fresh.extensions["factcheck.engine"]) as db:
        again = claims_of(db, int(result.stdout))
        assert [(c.start, c.end, c.text) for c in again] == [(c.start, c.end, c.text) for c in claims]


HOSTILE = st.one_of(ANY_TEXT, st.lists(st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<iframe src=//x>", "[a](javascript:alert(1))",
    "[b]: javascript:x", "## Approved verdicts", "# H", "---", "```", "<", ">", "&lt;", "\n", " ", "    ", "> ", "* ",
    "1. ", "<a href='javascript:x' onclick=y>", "[c](JaVaScRiPt:z)", "<svg onload=x>", "\\", "`", "**", "<!--", "-->",
    "<details open ontoggle=x>", "</p>", "http://x.example/?a=<b>",
    # list markers before headings and link definitions, at any depth (issue 14's review)
    "- ", "+ ", "1) ", "1. ### Claim 3", "- ## Approved verdicts", "> - [r]: ", "1. - ", "[r]: ", "[r]", "[r\n]: ",
    # setext underlines and thematic breaks after a text line
    "Approved verdicts\n===", "Claim 3\n---", "\n===", "\n---", "\n- - -", "\n* * *", "=", "-",
    # character references that spell a scheme, and images
    "&#115;", "&#x6A;", "java&#115;cript:alert(1)", "&#106;avascript:", "&colon;", "](", "(", ")", "!",
    "![i](x)", "![i](https://example.org/i.png)", "[d](data:text/html,x)", "https://example.org",
]), max_size=25).map("".join))
#: The published claim with sources in the seed record, whose quote and claimant the property fills.
SEED_RECORD = json.loads((Path(__file__).parent / "data" / "export" / "seed-article.json").read_text(encoding="utf-8"))


@settings(max_examples=50, deadline=None)
@given(HOSTILE)
@example("Checked.\n1. ### Claim 3\n- [r]: javascript:alert(1)\n\n[source][r] [s](java&#115;cript:x) ![i](x)")
@example("Approved verdicts\n---")
def test_any_rationale_leaves_the_report_inert(site, rationale):
    """Whatever a reviewer writes, the report rendered by markdown-it-py (raw HTML on) and by
    python-markdown runs no script, loads nothing and has only its own headings; the same text as
    a source's quote and as a claimant too."""
    app, client, _ = site
    article_id = _one_article(client)
    with Session(app.extensions["factcheck.engine"]) as db:
        claim = claims_of(db, article_id)[0]
        saved = post(client, f"/claims/{claim.id}", {"verdict": str(rating(db, "False").id), "rationale": rationale,
                                                     "status": "in_progress"}, htmx=True)
    assert saved.status_code in (200, 400, 422), saved.status_code
    assert_inert_report(client.get(f"/articles/{article_id}/report.md").get_data(as_text=True))
    _assert_inert(str(render_markdown(rationale)))
    record = copy.deepcopy(SEED_RECORD)
    claim = next(c for c in record["claims"] if c["sources"] and c["status"] == "published")
    claim["sources"][0]["quote"], claim["claimant"], claim["rationale"] = rationale, rationale, rationale
    assert_inert_report(report_markdown(record))


def _one_article(client) -> int:
    """The article the rationale tests write on (pasted once; later pastes are duplicates)."""
    response = post(client, "/articles", {"text": "The mayor said crime fell 12% in 2024. The council approved buses.",
                                          "allow_duplicate": ""})
    if response.status_code == 409:
        return int(re.search(r"article (\d+)", html(response).find(class_="error").get_text())[1])
    return int(response.headers["Location"].rsplit("/", 1)[1])


def html_fragment(markup: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(markup, "html5lib")


def _assert_inert(markup: str) -> None:
    page = html_fragment(markup)
    assert not page.find_all(["script", "img", "iframe", "svg", "object", "embed"])
    for element in page.find_all(True):
        assert not [a for a in element.attrs if a.lower().startswith("on")], element
        href = "".join(str(element.get("href", "")).split()).lower()
        assert not href.startswith(("javascript:", "data:", "vbscript:")), element


def _docx_like(data: bytes) -> bytes:
    """Arbitrary bytes inside a zip, as a damaged Word file would be."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", data)
        archive.writestr("[Content_Types].xml", data[:50])
    return buffer.getvalue()


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["a.txt", "b.html", "c.docx", "d.json", "e.md"]),
       st.one_of(st.binary(max_size=600), ANY_TEXT.map(lambda t: t.encode("utf-8")),
                 st.binary(max_size=300).map(_docx_like), ANY_TEXT.map(lambda t: f"<html><body><p>{t}</p></body></html>".encode())))
@example("a.txt", b"\xef\xbb\xbf\x00")
@example("b.html", "<p>\ud800</p>".encode("utf-8", "surrogatepass"))
@example("b.html", b"\xff\xfe<\x00p\x00>\x00")
def test_any_uploaded_file_gets_a_303_or_a_4xx(site, name, data):
    _app, client, _ = site
    response = post(client, "/articles", {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")
    assert response.status_code in (303, 400, 409, 413, 422), (response.status_code, response.get_data(as_text=True)[-500:])


@settings(max_examples=50, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
                    max_leaves=30))
def test_any_json_value_in_a_record_is_refused_cleanly(site, value):
    """A well-formed export with one value replaced by anything: imported or refused, never a crash."""
    app, _client, folder = site
    text = "The mayor said crime fell 12% in 2024. The council approved buses."
    record = {"format": "factcheck-article/1", "article": {"text": text, "title": "T"},
              "claims": [{"start": 0, "end": 38, "text": text[:38], "verdict": None, "sources": []}]}
    for place in (record, record["article"], record["claims"][0]):
        for key in list(place):
            changed = json.loads(json.dumps(record))
            target = changed if place is record else changed["article"] if place is record["article"] else changed["claims"][0]
            target[key] = value
            path = folder / f"{key}.json"
            path.write_text(json.dumps(changed), encoding="utf-8")
            result = CliRunner().invoke(cli, ["import", str(path)], obj=ScriptInfo(create_app=lambda: app))
            assert result.exit_code in (0, 1), result.output
            assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
            assert "Traceback" not in result.stderr
