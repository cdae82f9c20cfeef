"""The archive: `factcheck archive import` and the upload page store published fact-checks whole
or not at all, re-imports update instead of duplicating, and bad files are refused with every
bad record named. (How each shape is read: tests/test_archive_formats.py.)"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlmodel import select

from factcheck.models import ArchiveEntry
from tests.conftest import html, login_as, post

FILES = Path(__file__).parent / "data" / "archive"


def entries(db) -> dict[str, ArchiveEntry]:
    db.expire_all()
    return {e.key: e for e in db.exec(select(ArchiveEntry))}


def test_every_accepted_shape_imports(runner, db):
    result = runner.invoke(args=["archive", "import", *(str(FILES / name) for name in
                                 ("good.jsonl", "page-graph.json", "list.json", "single.json"))])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        f"{FILES / 'good.jsonl'}: added 4, updated 0, unchanged 0, refused 0 (JSON lines)",
        f"{FILES / 'page-graph.json'}: added 1, updated 0, unchanged 0, refused 0 (ClaimReview JSON-LD)",
        f"{FILES / 'list.json'}: added 2, updated 0, unchanged 0, refused 0 (ClaimReview JSON-LD)",
        f"{FILES / 'single.json'}: added 1, updated 0, unchanged 0, refused 0 (ClaimReview JSON-LD)",
        "In all: added 8, updated 0, unchanged 0, refused 0",
    ]
    stored = entries(db)
    assert len(stored) == 8
    anaconda = stored["snopes-1001"]
    assert (anaconda.claim, anaconda.rating, anaconda.publisher, anaconda.claimant, anaconda.published.isoformat()) == (
        "A viral video shows a 10-metre anaconda crossing a river.", "Miscaptioned", "Snopes", "Facebook page", "2021-03-06")
    assert stored["afp-2020-77"].claim == "Drinking hot water cures the flu."  # whitespace normalised
    assert all(e.url is None or e.url.startswith("https://") for e in stored.values())


def test_a_google_data_feed_with_one_bad_claimreview(runner, db):
    refused = runner.invoke(args=["archive", "import", str(FILES / "google-feed.json")])
    assert refused.exit_code == 1 and entries(db) == {}
    assert refused.stderr.splitlines()[0] == (
        f"factcheck archive import: {FILES / 'google-feed.json'}: dataFeedElement 3 item 2: "
        "\"datePublished\" is not a date in YYYY-MM-DD form (a time may follow): '12/03/2021'")
    result = runner.invoke(args=["archive", "import", "--skip-invalid", str(FILES / "google-feed.json")])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].endswith("added 4, updated 0, unchanged 0, refused 1 (ClaimReview JSON-LD)")
    assert "vs-2024-0412" in entries(db)


def test_importing_again_updates_never_duplicates(runner, db, tmp_path):
    path = tmp_path / "feed.jsonl"
    records = [{"id": f"x-{n}", "claim": f"Claim number {n} about bridges.", "rating": "False"} for n in range(5)]
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    assert runner.invoke(args=["archive", "import", str(path)]).exit_code == 0
    again = runner.invoke(args=["archive", "import", str(path)])
    assert again.stdout.splitlines()[0].endswith("added 0, updated 0, unchanged 5, refused 0 (JSON lines)")
    records[2]["rating"] = "Mostly false"
    records.append({"id": "x-9", "claim": "A new one."})
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    third = runner.invoke(args=["archive", "import", str(path)])
    assert third.stdout.splitlines()[0].endswith("added 1, updated 1, unchanged 4, refused 0 (JSON lines)")
    stored = entries(db)
    assert len(stored) == 6 and stored["x-2"].rating == "Mostly false"


def test_a_claimreview_without_an_id_is_updated_by_its_address(runner, db, tmp_path):
    review = {"@context": "https://schema.org", "@type": "ClaimReview", "claimReviewed": "The moon is made of cheese.",
              "url": "https://factcheck.example/moon", "reviewRating": {"@type": "Rating", "alternateName": "False"},
              "author": {"@type": "Organization", "name": "Example Checks"}}
    path = tmp_path / "moon.json"
    path.write_text(json.dumps(review), encoding="utf-8")
    runner.invoke(args=["archive", "import", str(path)])
    review["reviewRating"]["alternateName"] = "Pants on Fire"
    path.write_text(json.dumps(review), encoding="utf-8")
    result = runner.invoke(args=["archive", "import", str(path)])
    assert "added 0, updated 1" in result.stdout
    assert [(e.key, e.rating) for e in entries(db).values()] == [("https://factcheck.example/moon", "Pants on Fire")]


def test_a_file_with_bad_records_is_refused_whole_each_bad_record_named(runner, db):
    result = runner.invoke(args=["archive", "import", str(FILES / "bad.jsonl")])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("factcheck archive import:")]
    assert f"factcheck archive import: {FILES / 'bad.jsonl'}: line 2: needs a claim (\"claim\")" in errors
    assert any("line 4" in line and "clam" in line for line in errors)
    assert errors[-1].endswith("refused whole, nothing stored: 13 bad records (--skip-invalid stores the others).")
    assert entries(db) == {}
    skipped = runner.invoke(args=["archive", "import", "--skip-invalid", str(FILES / "bad.jsonl")])
    assert skipped.exit_code == 0
    assert skipped.stdout.splitlines()[0].endswith("added 2, updated 0, unchanged 0, refused 13 (JSON lines)")
    assert set(entries(db)) == {"ok-1", "ok-2"}


def test_an_unreadable_file_is_reported_and_the_others_imported(runner, db, tmp_path):
    junk = tmp_path / "junk.json"
    junk.write_bytes(b"\x00\xff" * 100)
    missing = tmp_path / "missing.jsonl"
    result = runner.invoke(args=["archive", "import", str(junk), str(missing), str(FILES / "good.jsonl")])
    assert result.exit_code == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2 and all(line.startswith("factcheck archive import: ") for line in errors)
    assert str(junk) in errors[0] and str(missing) in errors[1]
    assert "Traceback" not in result.output
    assert len(entries(db)) == 4


def test_the_upload_page_imports_for_editors(app, client, db):
    page = html(client.get("/archive"))
    assert "0 fact-checks in the archive" in page.select_one(".archive-size").get_text()
    form = page.select_one("form[enctype='multipart/form-data']")
    data = {"csrf_token": form.select_one("input[name=csrf_token]")["value"],
            "file": (io.BytesIO((FILES / "list.json").read_bytes()), "list.json")}
    response = client.post("/archive", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    shown = html(response)
    assert shown.select_one(".summary-line").get_text() == "Added 2, updated 0, unchanged 0, refused 0."
    assert shown.select(".archive-entries li")
    count = len(entries(db))
    assert count and f"{count} fact-check" in shown.select_one(".archive-size").get_text()


def test_the_upload_page_refuses_a_bad_file_whole(client, db):
    response = post(client, "/archive", {"file": (io.BytesIO((FILES / "bad.jsonl").read_bytes()), "bad.jsonl")},
                    content_type="multipart/form-data")
    assert response.status_code == 422
    page = html(response)
    assert "nothing was stored" in page.select_one(".summary-line").get_text()
    assert page.select_one("ul.refused li").get_text() == 'line 2: needs a claim ("claim")'
    assert entries(db) == {}
    not_json = post(client, "/archive", {"file": (io.BytesIO(b"id,claim\n1,x\n"), "sheet.csv")}, content_type="multipart/form-data")
    assert not_json.status_code == 422 and "neither JSON lines nor ClaimReview" in html(not_json).select_one(".error").get_text()
    nothing = post(client, "/archive", {}, content_type="multipart/form-data")
    assert nothing.status_code == 422 and "Choose a file" in nothing.get_data(as_text=True)


@pytest.mark.parametrize("role", ["reviewer"])
def test_only_editors_upload(app, role):
    reviewer = login_as(app, role)
    assert reviewer.get("/archive").status_code == 200
    response = post(reviewer, "/archive", {"file": (io.BytesIO(b"{}"), "x.json")}, content_type="multipart/form-data")
    assert response.status_code == 403


def test_an_upload_over_the_limit_is_refused_before_it_is_read(app, client, db):
    app.config["ARCHIVE_UPLOAD_MAX_MB"] = 0  # refuses any file: the test client keeps a bigger one in a temporary file
    big = b'{"id": "a", "claim": "' + b"x" * 1000 + b'"}\n'
    response = post(client, "/archive", {"file": (io.BytesIO(big), "big.jsonl")}, content_type="multipart/form-data")
    assert response.status_code == 413
    assert entries(db) == {}


def test_a_file_of_nothing_but_bad_records_is_refused_after_a_thousand(runner, db, tmp_path):
    junk = tmp_path / "junk.jsonl"
    junk.write_text("{}\n" * 50_000, encoding="utf-8")
    result = runner.invoke(args=["archive", "import", "--skip-invalid", str(junk)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"factcheck archive import: {junk}: more than 1,000 bad records (the first: line 1: needs an id (\"id\")); is it the right file?."
    ]
    assert entries(db) == {}
