"""ClaimReview JSON-LD: the writer, Google's rules (tests/claimreview_checker.py), the export and its golden file."""

from __future__ import annotations

import copy
import io
import json

import pytest

from factcheck.archive.formats import ArchiveRecord, read_records
from factcheck.report.claimreview import Organisation, claim_review, claim_reviews, claim_reviews_json
from tests.claimreview_checker import check_claim_review
from tests.conftest import DATA, claims_of, html, login_as, post
from tests.publishing import (
    BASE_URL,
    GOLDEN,
    HALF_TRUE,
    MOSTLY_FALSE,
    UNVERIFIABLE,
    Check,
    assert_golden,
    pin_history,
    publish,
    publishing_app,
    review,
    save,
    set_details,
)

ARTICLE_URL = "https://news.example.com/2025/04/28/battlefield-to-bargaining-table"


@pytest.fixture
def app(database_url):
    app = publishing_app(database_url)
    yield app
    app.extensions["factcheck.engine"].dispose()


# --- The checker itself, on Google's own kind of example and on broken ones -------------------------

GOOGLE_EXAMPLE = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://example.com/news/science/worldisflat.html",
    "claimReviewed": "The world is flat",
    "datePublished": "2016-07-01",
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Organization", "name": "Square World Society", "sameAs": "https://example.flatworlders.com/"},
        "datePublished": "2016-06-20",
        "appearance": {
            "@type": "OpinionNewsArticle",
            "url": "https://example.com/news/a122121",
            "headline": "Square Earth - Flat earthers for the Internet age",
            "datePublished": "2016-06-22",
            "author": {"@type": "Person", "name": "T. Tellar"},
            "publisher": {"@type": "Organization", "name": "Skeptical News"},
        },
    },
    "author": {"@type": "Organization", "name": "Example.com science watch"},
    "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1, "alternateName": "False"},
}


def test_the_checker_passes_googles_example():
    found = check_claim_review(GOOGLE_EXAMPLE, page_url="https://example.com/news/science/worldisflat.html")
    assert (found.errors, found.warnings) == ([], [])


def _broken(change) -> dict:
    node = copy.deepcopy(GOOGLE_EXAMPLE)
    change(node)
    return node


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda n: n.pop("claimReviewed"), "ClaimReview.claimReviewed is required"),
        (lambda n: n.pop("url"), "ClaimReview.url is required"),
        (lambda n: n.pop("reviewRating"), "ClaimReview.reviewRating is required"),
        (lambda n: n["reviewRating"].pop("alternateName"), "Rating.alternateName is required"),
        (lambda n: n.update({"@context": "https://example.org/vocab"}), "@context must be schema.org"),
        (lambda n: n.update({"@type": "Review"}), "must have @type ClaimReview"),
        (lambda n: n.update({"url": "/news/worldisflat.html"}), "url must be an absolute http(s) URL"),
        (lambda n: n.update({"url": "https://elsewhere.example.net/x"}), "is not on the domain of the page"),
        (lambda n: n.update({"claimreviewed": "typo"}), "not schema.org properties of ClaimReview: claimreviewed"),
        (lambda n: n.update({"datePublished": "28/04/2025"}), "datePublished must be an ISO 8601 date"),
        (lambda n: n["reviewRating"].update({"ratingValue": "1"}), "reviewRating.ratingValue must be a number"),
        (lambda n: n["reviewRating"].update({"ratingValue": 6}), "must lie between worstRating (1) and bestRating (5)"),
        (lambda n: n["reviewRating"].update({"worstRating": 0, "ratingValue": 0}), "worstRating must be at least 1"),
        (lambda n: n["reviewRating"].update({"worstRating": 5}), "worstRating (5) must be less than bestRating (5)"),
        (lambda n: n["reviewRating"].pop("bestRating"), "needs bestRating too"),
        (lambda n: n["itemReviewed"].update({"@type": "CreativeWork"}), "itemReviewed must have @type Claim"),
        (lambda n: n["itemReviewed"]["author"].update({"@type": "Thing"}), "must have @type Organization or Person"),
        (lambda n: n["itemReviewed"]["appearance"].pop("url"), "OpinionNewsArticle.url is required"),
    ],
)
def test_the_checker_finds_what_google_refuses(change, error):
    found = check_claim_review(_broken(change), page_url="https://example.com/news/science/worldisflat.html")
    assert any(error in message for message in found.errors), found.errors


def test_the_checker_warns_of_missing_recommended_properties():
    node = {key: GOOGLE_EXAMPLE[key] for key in ("@context", "@type", "url", "claimReviewed")}
    node["reviewRating"] = {"@type": "Rating", "alternateName": "Misleading"}
    found = check_claim_review(node)
    assert found.errors == []
    assert found.warnings == [
        "Rating.ratingValue, bestRating and worstRating are recommended and missing (a text rating only)",
        "ClaimReview.author is recommended and missing",
        "ClaimReview.datePublished is recommended and missing",
        "ClaimReview.itemReviewed is recommended and missing",
    ]


# --- The writer, on records -----------------------------------------------------------------------

ORG = Organisation("Example Fact Desk", "https://desk.example.org/")
SCALE = {
    "name": "S",
    "free_text": False,
    "ratings": [
        {"label": "True", "value": 5, "best": True, "worst": False},
        {"label": "False", "value": 1, "best": False, "worst": True},
        {"label": "Unverifiable", "value": 0, "best": False, "worst": False},
    ],
}


def _record(**claim) -> dict:
    base = {
        "id": 7, "text": "The mayor said crime fell 40% in 2024.", "status": "published", "verdict": "False", "conclusion": "",
        "claimant": "", "claim_url": "", "claim_date": None, "summary": "", "published_on": "2025-05-02",
        "approved_on": "2025-05-01",
    }
    article = {"title": "T", "url": "", "outlet": "", "published": "2025-04-28"}
    return {"article": article, "rating_scale": SCALE, "claims": [base | claim]}


def _review(**claim) -> dict:
    record = _record(**claim)
    return claim_review(record, record["claims"][0], organisation=ORG, url=f"{BASE_URL}/fact-checks/7")


def test_a_label_between_worst_and_best_gives_the_numbers():
    assert _review()["reviewRating"] == {
        "@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1, "alternateName": "False"
    }


def test_a_label_off_the_scale_or_a_conclusion_gives_the_words_alone():
    assert _review(verdict="Unverifiable")["reviewRating"] == {"@type": "Rating", "alternateName": "Unverifiable"}
    conclusion = _review(verdict=None, conclusion="Misleading: the figure is from 2019")
    assert conclusion["reviewRating"] == {"@type": "Rating", "alternateName": "Misleading: the figure is from 2019"}
    assert check_claim_review(conclusion).valid


def test_a_scale_whose_worst_is_below_one_gives_the_words_alone():
    record = _record()
    record["rating_scale"] = {**SCALE, "ratings": [
        {"label": "True", "value": 5, "best": True}, {"label": "False", "value": 0, "worst": True}]}
    assert claim_review(record, record["claims"][0], organisation=ORG, url=BASE_URL)["reviewRating"] == {
        "@type": "Rating", "alternateName": "False"
    }


def test_the_summary_is_the_claim_reviewed_and_a_long_claim_is_never_cut():
    long_text = "The mayor said crime fell " + "and fell " * 30 + "in 2024."
    assert _review(summary="Crime fell 40% in 2024")["claimReviewed"] == "Crime fell 40% in 2024"
    long_review = _review(text=long_text)
    assert long_review["claimReviewed"] == long_text
    assert check_claim_review(long_review).warnings == [
        f"claimReviewed is {len(long_text)} characters; Google advises under 75",
        "Claim.author is recommended and missing",
        "Claim.appearance (or firstAppearance) is recommended and missing",
    ]


def test_properties_without_a_value_are_left_out():
    undated = _review(published_on=None, approved_on=None, claim_date=None)
    review_without_org = claim_review(_record(), _record()["claims"][0], organisation=Organisation(""), url=BASE_URL)
    assert "author" not in review_without_org
    assert undated["datePublished"] == "2025-04-28"  # neither published nor approved here: the article's date
    assert undated["itemReviewed"] == {"@type": "Claim", "datePublished": "2025-04-28"}
    assert "" not in json.dumps(undated).split('"')[1::2]  # no empty string anywhere


def test_where_and_when_said_and_who_said_it():
    said = _review(claimant="Mayor Jane Roe", claim_url="https://video.example.org/council", claim_date="2025-04-20")
    assert said["itemReviewed"] == {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Mayor Jane Roe"},
        "datePublished": "2025-04-20",
        "appearance": {"@type": "CreativeWork", "url": "https://video.example.org/council"},
    }
    assert check_claim_review(said, page_url=f"{BASE_URL}/fact-checks/7").warnings == []


@pytest.mark.parametrize("status", ["to_review", "in_progress", "needs_second_review", "approved"])
def test_only_published_claims_are_reviewed(status):
    assert claim_reviews(_record(status=status), organisation=ORG, page_url=str) == []


def test_a_published_claim_without_a_verdict_is_left_out():
    assert claim_reviews(_record(verdict=None), organisation=ORG, page_url=str) == []


# --- Through the app: the export of a reviewed article, byte for byte ---------------------------------



@pytest.fixture
def reviewed(app, client, db, seed_text):
    """The seed article, with its URL and outlet, as a desk leaves it: three claims published (one of
    them corrected and published again), one approved but not published, one in review; the history
    pinned to one date."""
    response = post(client, "/articles", {"text": seed_text, "url": ARTICLE_URL, "outlet": "Example News"})
    assert response.status_code == 303
    article_id = int(response.headers["Location"].rsplit("/", 1)[1])
    editor = login_as(app, "editor", "edna")
    claims = claims_of(db, article_id)
    second, lavrov, kursk, third, fourth = claims[1], claims[19], claims[12], claims[2], claims[3]
    set_details(db, second.id, summary="Russia gained 21 km² in the week to 27 April")
    set_details(db, lavrov.id, claim_url="https://example.org/briefings/2025-04-25", claim_date="2025-04-25")
    publish(client, editor, db, second.id, MOSTLY_FALSE)
    publish(client, editor, db, lavrov.id, UNVERIFIABLE)
    publish(client, editor, db, kursk.id, Check("False", "Nothing shows it retaken."))
    # A correction: the editor changes the published verdict, someone else approves it again.
    save(editor, db, kursk.id, HALF_TRUE, "published", reason="Moscow's claim was about the region, not the border villages.")
    for status in ("approved", "published"):
        save(client, db, kursk.id, HALF_TRUE, status)
    review(client, db, third.id, Check("True", "Both armies say so."))
    save(editor, db, third.id, Check("True", "Both armies say so."), "approved")
    review(client, db, fourth.id, Check("False", "A draft."), "in_progress")
    pin_history(db)
    return article_id


def test_the_claimreview_export_is_the_golden_file(runner, reviewed):
    result = runner.invoke(args=["export", str(reviewed), "--format", "claimreview"])
    assert result.exit_code == 0, result.output
    assert_golden("seed-claimreview.json", result.stdout)
    reviews = json.loads(result.stdout)
    assert [r["reviewRating"]["alternateName"] for r in reviews] == ["Mostly false", "Half true", "Unverifiable"]
    for one in reviews:
        found = check_claim_review(one, page_url=one["url"])
        assert found.errors == [], found.errors
    # What Google would still like: claimants the splitter did not name, summaries for long claims,
    # and numbers for a verdict the scale puts outside True to False.
    assert [check_claim_review(r).warnings for r in reviews] == [
        ["Claim.author is recommended and missing"],
        ["claimReviewed is 116 characters; Google advises under 75", "Claim.author is recommended and missing"],
        ["claimReviewed is 164 characters; Google advises under 75",
         "Rating.ratingValue, bestRating and worstRating are recommended and missing (a text rating only)"],
    ]


def test_the_same_data_give_the_same_bytes_from_the_page_and_the_command(runner, client, reviewed):
    first = runner.invoke(args=["export", str(reviewed), "--format", "claimreview"]).stdout
    assert runner.invoke(args=["export", str(reviewed), "--format", "claimreview"]).stdout == first
    response = client.get(f"/articles/{reviewed}/claimreview.json")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    assert response.headers["Content-Disposition"].endswith('.claimreview.json"')
    assert response.get_data(as_text=True) == first


def test_the_review_page_links_the_claimreview_download(client, reviewed):

    link = html(client.get(f"/articles/{reviewed}")).find("a", string="ClaimReview JSON-LD (published claims)")
    assert link["href"] == f"/articles/{reviewed}/claimreview.json"


def test_the_archive_reads_back_what_the_export_writes(runner, reviewed):
    """factcheck's own archive importer takes the export as another newsroom's fact-checks."""
    text = runner.invoke(args=["export", str(reviewed), "--format", "claimreview"]).stdout
    read = list(read_records(io.BytesIO(text.encode("utf-8")), "seed-claimreview.json"))
    assert all(isinstance(r, ArchiveRecord) for r in read), read
    assert [(r.rating, r.publisher, r.claimant) for r in read] == [
        ("Mostly false", "Example Fact Desk", None),
        ("Half true", "Example Fact Desk", None),
        ("Unverifiable", "Example Fact Desk", "Foreign Minister Lavrov"),
    ]
    assert read[0].claim == "Russia gained 21 km² in the week to 27 April"
    assert read[2].appearance == "https://example.org/briefings/2025-04-25"


def test_an_article_with_nothing_published_exports_an_empty_list(runner, client, seed_article):
    result = runner.invoke(args=["export", str(seed_article), "--format", "claimreview"])
    assert (result.exit_code, result.stdout) == (0, "[]\n")


def test_the_command_needs_the_public_address(app, runner, reviewed, tmp_path):
    app.config["PUBLIC_BASE_URL"] = ""
    out = tmp_path / "reviews.json"
    result = runner.invoke(args=["export", str(reviewed), "--format", "claimreview", "-o", str(out)])
    assert result.exit_code == 1
    assert "Public addresses need PUBLIC_BASE_URL: set FACTCHECK_PUBLIC_BASE_URL" in result.stderr
    assert not out.exists()


def test_a_missing_article_keeps_its_clear_error(runner):
    result = runner.invoke(args=["export", "999", "--format", "claimreview"])
    assert result.exit_code == 1 and "there is no article 999" in result.stderr and result.stdout == ""


def test_the_serialiser_keeps_text_as_written():
    text = claim_reviews_json([{"claimReviewed": "Crimea’s status <b>&</b>"}])
    assert text == '[\n  {\n    "claimReviewed": "Crimea’s status <b>&</b>"\n  }\n]\n'


@pytest.mark.parametrize("setting", [{"PUBLIC_CREDITS": "everyone"}, {"PUBLIC_BASE_URL": "factcheck.example.org"},
                                     {"ORGANISATION_URL": "javascript:alert(1)"}])
def test_bad_publishing_settings_stop_the_app(tmp_path, setting):
    with pytest.raises(ValueError, match=next(iter(setting))):
        publishing_app(f"sqlite:///{tmp_path / 'x.sqlite'}", **setting)


def test_golden_files_are_listed_in_the_fixture_readme():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert all(f"publishing/{path.name}" in readme for path in GOLDEN.iterdir())
