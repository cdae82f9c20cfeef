"""Reading archive files: ClaimReview JSON-LD and JSON lines, record by record (factcheck.archive.formats).

Each accepted shape from a fixture in tests/data/archive/ (README there), each kind of bad record
with where and why exactly as the editor reads them, whole files refused with one line, hostile
input refused fast, and JSON lines read as a stream.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from factcheck.archive import formats
from factcheck.archive.formats import (
    CLAIM_REVIEW,
    JSON_LINES,
    ArchiveRecord,
    FormatError,
    ReadProgress,
    RecordError,
    read_records,
)
from factcheck.errors import InvalidInput

DATA = Path(__file__).parent / "data" / "archive"
MB = 1_000_000


def read(data: bytes | str, name: str = "archive.json", progress: ReadProgress | None = None) -> list:
    if isinstance(data, str):
        data = data.encode()
    return list(read_records(io.BytesIO(data), name, progress=progress))


def read_fixture(name: str, progress: ReadProgress | None = None) -> list:
    with (DATA / name).open("rb") as stream:
        return list(read_records(stream, name, progress=progress))


def errors(results: list) -> list[tuple[str, str]]:
    return [(r.where, r.why) for r in results if isinstance(r, RecordError)]


def records(results: list) -> list[ArchiveRecord]:
    return [r for r in results if isinstance(r, ArchiveRecord)]


def one_record(data: bytes | str, name: str = "archive.json") -> ArchiveRecord:
    results = read(data, name)
    assert len(results) == 1 and isinstance(results[0], ArchiveRecord), results
    return results[0]


def one_error(data: bytes | str, name: str = "archive.json") -> str:
    results = read(data, name)
    assert len(results) == 1 and isinstance(results[0], RecordError), results
    return results[0].why


def refused(data: bytes | str, name: str = "archive.json") -> str:
    with pytest.raises(FormatError) as caught:
        read(data, name)
    return str(caught.value)


def review(**fields) -> dict:
    """A ClaimReview with what every one needs, and `fields` over it."""
    return {"@type": "ClaimReview", "claimReviewed": "The claim.", "url": "https://factcheck.example/a"} | fields


def line(**fields) -> str:
    return json.dumps({"id": "a", "claim": "The claim."} | fields) + "\n"


# --- Every accepted shape -------------------------------------------------------------------------


def test_a_google_fact_check_tools_data_feed():
    progress = ReadProgress()
    results = read_fixture("google-feed.json", progress)
    assert progress.shape == CLAIM_REVIEW
    assert progress.bytes_read == (DATA / "google-feed.json").stat().st_size
    assert dict(progress.ignored) == {"Claim": 1}  # a DataFeedItem whose item is not a ClaimReview
    assert [r.where for r in results] == [
        "dataFeedElement 1 item 1",
        "dataFeedElement 1 item 2",
        "dataFeedElement 2",
        "dataFeedElement 3 item 1",
        "dataFeedElement 3 item 2",
    ]
    first, numbers_only, single, words_only = records(results)
    assert first == ArchiveRecord(
        key="https://faktencheck-nord.example/2024/05/tunnel-toll",
        claim="The harbour tunnel toll will triple from June.",
        url="https://faktencheck-nord.example/2024/05/tunnel-toll",
        published=dt.date(2024, 5, 2),
        rating="False",
        rating_value=1.0,
        best_rating=5.0,
        worst_rating=1.0,
        publisher="Faktencheck Nord",
        claimant="Jonas Petersen",
        appearance="https://social.example/@jpetersen/112345",
    )
    assert (numbers_only.rating, numbers_only.rating_value, numbers_only.claimant) == ("2/5", 2.0, "Harbour Tunnel Company")
    # "identifier" is the key; an organisation in the author list is the publisher, not the person
    # before it; a date and time keeps its date as written; numbers given as text are numbers.
    assert (single.key, single.publisher, single.published) == ("vs-2024-0412", "Verificado Sur", dt.date(2024, 4, 30))
    assert (single.rating, single.rating_value, single.best_rating) == ("Missing context", 1.0, 5.0)
    assert single.appearance == "https://photos.example/p/998877"
    assert (words_only.rating, words_only.rating_value, words_only.claimant) == ("True", None, None)
    assert errors(results) == [
        ("dataFeedElement 3 item 2", "\"datePublished\" is not a date in YYYY-MM-DD form (a time may follow): '12/03/2021'")
    ]


def test_a_page_graph_with_its_webpage_and_one_claimreview():
    progress = ReadProgress()
    (record,) = read_fixture("page-graph.json", progress)
    assert dict(progress.ignored) == {"NewsMediaOrganization": 1, "WebSite": 1, "WebPage": 1, "BreadcrumbList": 1}
    assert record == ArchiveRecord(
        key="https://checkdesk.example/fact-checks/vaccine-chip/#claimreview",
        claim="COVID-19 vaccines contain a microchip that tracks people.",
        title="No, the vaccine does not contain a tracking chip",
        summary="The claim misreads a patent for a syringe with a dose counter.",
        url="https://checkdesk.example/fact-checks/vaccine-chip/",
        published=dt.date(2021, 3, 12),
        rating="False",
        rating_value=1.0,
        best_rating=5.0,
        worst_rating=1.0,
        publisher="CheckDesk",  # the author is a reference to the graph's organisation node
        claimant="Viral post on a messaging app",
        appearance="https://messages.example/channel/4412",
    )
    assert record.where == "item 4"


def test_a_list_of_claimreviews():
    first, second = read_fixture("list.json")
    # @type as a list, @context as an object, author and claimant as plain text, whitespace collapsed.
    assert first.key == "https://truthmeter.example/reviews/2023/bus-fares"
    assert first.claim == "Bus fares went up by 50% last year."
    assert (first.publisher, first.claimant) == ("TruthMeter", "Councillor Ana Ruiz")
    assert first.appearance == "https://radio.example/shows/morning/2023-11-06"
    assert first.published == dt.date(2023, 11, 8)
    assert (first.rating, first.rating_value, first.best_rating, first.worst_rating) == ("Mostly false", 2.0, 6.0, 1.0)
    # A prefixed type; no @id or identifier, so the address is the key.
    assert (second.key, second.where, second.rating) == ("https://truthmeter.example/reviews/2023/trees", "item 2", "Half true")


def test_a_single_claimreview_without_context():
    record = read_fixture("single.json")[0]
    assert record.key == "fc-2022-117"
    assert record.title == "Wind turbines do not kill more birds than cats do"  # headline before name
    assert record.summary.startswith("Estimates put birds")
    assert record.claimant == "Mark Ellison"  # the first of the claim's authors
    assert record.appearance == "https://podcast.example/episodes/41"
    assert record.where == "item 1"


def test_json_lines():
    progress = ReadProgress()
    results = read_fixture("good.jsonl", progress)
    assert progress.shape == JSON_LINES
    assert progress.bytes_read == (DATA / "good.jsonl").stat().st_size
    assert [r.where for r in results] == ["line 1", "line 3", "line 4", "line 5"]  # line 2 is blank
    assert results[0] == ArchiveRecord(
        key="snopes-1001",
        claim="A viral video shows a 10-metre anaconda crossing a river.",
        title="Does Video Show a 10-Metre Anaconda?",
        summary="The video was real but the snake was far shorter.",
        url="https://www.snopes.example/fact-check/anaconda-video/",
        published=dt.date(2021, 3, 6),
        rating="Miscaptioned",
        publisher="Snopes",
        claimant="Facebook page",
    )
    assert results[1].claim == "Drinking hot water cures the flu."
    # NFC: "e" and a combining accent become one "é"; null is as absent.
    assert (results[2].claim, results[2].title, results[2].url) == ("The Café de Flore closed in 1990.", "Café closure?", None)
    assert results[3] == ArchiveRecord(key="min-1", claim="Just a claim.")


def test_json_lines_with_windows_line_ends_and_a_byte_order_mark():
    data = b"\xef\xbb\xbf" + (line(id="a") + "\n" + line(id="b")).replace("\n", "\r\n").encode()
    assert [(r.key, r.where) for r in read(data, "archive.jsonl")] == [("a", "line 1"), ("b", "line 3")]


def test_a_byte_order_mark_before_json_ld():
    assert one_record(b"\xef\xbb\xbf\n" + json.dumps(review()).encode()).claim == "The claim."


@pytest.mark.parametrize(
    ("document", "wheres"),
    [
        ([review(), {"@type": "WebPage"}, review(url="https://factcheck.example/b")], ["item 1", "item 3"]),
        ({"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, review()]}, ["item 2"]),
        ([{"@graph": [review()]}, {"@graph": [{"@type": "WebPage"}, review(url="https://x.example/")]}],
         ["item 1 @graph item 1", "item 2 @graph item 2"]),
        ({"@type": "DataFeed", "dataFeedElement": [review(), {"@type": "DataFeedItem", "item": review(url="https://x.example/")}]},
         ["dataFeedElement 1", "dataFeedElement 2"]),
        ({"@type": "DataFeed", "dataFeedElement": {"@type": "DataFeedItem", "item": [review()]}}, ["dataFeedElement 1 item 1"]),
        ({"@type": ["CreativeWork", "https://schema.org/ClaimReview"], "claimReviewed": "x", "@id": "urn:x"}, ["item 1"]),
    ],
    ids=["list", "graph", "list-of-graphs", "feed", "feed-one-element", "type-iri"],
)
def test_where_each_claimreview_is(document, wheres):
    assert [r.where for r in records(read(json.dumps(document, indent=1)))] == wheres


def test_a_minified_feed_on_one_line_is_json_ld():
    document = {"@type": "DataFeed", "dataFeedElement": [review(url=f"https://x.example/{n}") for n in range(3)]}
    assert len(records(read(json.dumps(document)))) == 3


# --- Telling the shapes apart ----------------------------------------------------------------------


def test_a_single_line_jsonl_file_is_json_lines_a_single_line_json_file_json_ld():
    text = json.dumps({"id": "x", "claim": "The claim.", "rating": "False"})
    assert one_record(text, "one.jsonl").where == "line 1"
    # The same object in a .json file: it has no JSON-LD keyword, so it is a JSON-lines fact-check too.
    assert one_record(text, "one.json").key == "x"
    # A ClaimReview alone on a line of a .jsonl file is still read, as JSON-LD on that line.
    record = one_record(json.dumps(review()), "one.jsonl")
    assert (record.key, record.where) == ("https://factcheck.example/a", "line 1")


def test_json_lines_may_hold_claimreviews_a_line_each():
    text = json.dumps(review()) + "\n" + json.dumps({"@type": "WebPage"}) + "\n" + json.dumps(review()) + "\n" + line(id="b")
    progress = ReadProgress()
    results = read(text, "reviews.jsonl", progress)
    assert progress.shape == JSON_LINES and dict(progress.ignored) == {"WebPage": 1}
    assert [str(r) if isinstance(r, RecordError) else r.where for r in results] == [
        "line 1",
        "line 2: holds JSON-LD but no ClaimReview",
        "line 3: repeats the id 'https://factcheck.example/a' of line 1",
        "line 4",
    ]


def test_json_lines_whose_first_line_is_broken():
    text = '{"id": "a", "claim": "no closing brace"\n' + line(id="b")
    assert errors(read(text, "archive.json")) == [("line 1", "is not valid JSON (Expecting ',' delimiter at column 40)")]
    assert [r.key for r in records(read(text))] == ["b"]


def test_json_lines_whose_first_line_is_a_whole_document():
    text = "[1, 2]\n" + line()
    assert [str(r) if isinstance(r, RecordError) else r.key for r in read(text)] == [
        'line 1: is a list, not a fact-check: each line holds one, as {"id": ..., "claim": ...}',
        "a",
    ]


# --- Bad records: where and why, exactly ------------------------------------------------------------


def test_bad_json_lines():
    results = read_fixture("bad.jsonl")
    assert [r.key for r in records(results)] == ["ok-1", "ok-2"]
    assert errors(results) == [
        ("line 2", 'needs a claim ("claim")'),
        ("line 3", 'needs an id ("id")'),
        ("line 4", "has an unknown field 'clam' (did you mean \"claim\"?); "
                   "the fields are id, claim, title, summary, url, published, rating, publisher, claimant"),
        ("line 5", "\"published\" is not a date in YYYY-MM-DD form: '12/03/2021'"),
        ("line 6", "\"published\" is not a real date: '2021-02-30'"),
        ("line 7", "\"url\" must be an http:// or https:// address: 'www.example.com/page'"),
        ("line 8", '"id" must be text in quotes, not a number (42)'),
        ("line 9", 'is a list, not a fact-check: each line holds one, as {"id": ..., "claim": ...}'),
        ("line 10", "is not valid JSON (Expecting ',' delimiter at column 57)"),
        ("line 11", '"claim" contains a NUL character'),
        ("line 12", '"claim" contains a broken character (a lone surrogate, U+D800)'),
        ("line 13", "repeats the id 'ok-1' of line 1"),
        ("line 14", "has the field 'claim' twice"),
    ]
    assert str(results[1]) == 'line 2: needs a claim ("claim")'


def test_bad_claimreviews():
    progress = ReadProgress()
    results = read_fixture("bad-claimreviews.json", progress)
    assert dict(progress.ignored) == {"Organization": 1}
    assert [r.where for r in records(results)] == ["item 8"]
    assert errors(results) == [
        ("item 1", 'needs a claim ("claimReviewed")'),
        ("item 2", 'needs an id: an "@id", an "identifier" or a "url"'),
        ("item 3", "\"url\" must be an http:// or https:// address: 'javascript:alert(1)'"),
        ("item 4", "\"datePublished\" is not a date in YYYY-MM-DD form (a time may follow): 'March 12, 2021'"),
        ("item 5", "\"reviewRating.ratingValue\" is not a number: 'False'"),
        ("item 6", 'has no "@type": a fact-check needs "@type": "ClaimReview"'),
        ("item 7", "is text, not a JSON-LD object"),
        ("item 9", "repeats the id 'https://factcheck.example/f' of item 8"),
        ("item 10", "\"itemReviewed.appearance\" must be an http:// or https:// address: 'ftp://files.example/x'"),
        ("item 11", '"author" must be a name or an object with a "name", not a number (7)'),
    ]


def test_unknown_fields_are_all_named_with_a_guess():
    assert one_error(line(titel="x", published_on="2020-01-01", colour="red")) == (
        "has unknown fields 'titel' (did you mean \"title\"?), 'published_on' (did you mean \"published\"?), 'colour'; "
        "the fields are id, claim, title, summary, url, published, rating, publisher, claimant"
    )


def test_a_repeated_id_across_a_feed():
    document = {"@type": "DataFeed", "dataFeedElement": [review(identifier="x"), {"@type": "DataFeedItem", "item": [review(identifier="x")]}]}
    assert errors(read(json.dumps(document))) == [("dataFeedElement 2 item 1", "repeats the id 'x' of dataFeedElement 1")]


@pytest.mark.parametrize(
    ("published", "why"),
    [
        ("2021-3-4", "\"published\" is not a date in YYYY-MM-DD form: '2021-3-4'"),
        ("20210304", "\"published\" is not a date in YYYY-MM-DD form: '20210304'"),
        ("2021-03-04T10:00:00", "\"published\" is not a date in YYYY-MM-DD form: '2021-03-04T10:00:00'"),
        ("04.03.2021", "\"published\" is not a date in YYYY-MM-DD form: '04.03.2021'"),
        ("２０２１-03-04", "\"published\" is not a date in YYYY-MM-DD form: '２０２１-03-04'"),
        ("2021-13-01", "\"published\" is not a real date: '2021-13-01'"),
        (20210304, '"published" must be a date in quotes, not a number (20210304)'),
    ],
)
def test_json_lines_dates_are_strictly_yyyy_mm_dd(published, why):
    assert one_error(line(published=published)) == why


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("2021-03-04", dt.date(2021, 3, 4)),
        ("2021-03-04T23:30:00Z", dt.date(2021, 3, 4)),
        ("2021-03-04T23:30:00-05:00", dt.date(2021, 3, 4)),  # the date as published, not in UTC
        ("2021-03-04 08:00", dt.date(2021, 3, 4)),
        ("2021-03-04T08:00:00.123456+01:00", dt.date(2021, 3, 4)),
        ({"@value": "2021-03-04", "@type": "Date"}, dt.date(2021, 3, 4)),
        ("", None),
    ],
)
def test_claimreview_dates_may_have_a_time(value, date):
    assert one_record(json.dumps(review(datePublished=value))).published == date


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("2021-03-04T25:00", "\"datePublished\" is not a date in YYYY-MM-DD form (a time may follow): '2021-03-04T25:00'"),
        ("2021-03-04Tnoon", "\"datePublished\" is not a date in YYYY-MM-DD form (a time may follow): '2021-03-04Tnoon'"),
        ("2021-02-29", "\"datePublished\" is not a real date: '2021-02-29'"),
        ("Friday", "\"datePublished\" is not a date in YYYY-MM-DD form (a time may follow): 'Friday'"),
        (2021, '"datePublished" must be a date in quotes, not a number (2021)'),
    ],
)
def test_claimreview_dates_that_are_not(value, why):
    assert one_error(json.dumps(review(datePublished=value))) == why


@pytest.mark.parametrize(
    ("rating", "label", "value", "best", "worst"),
    [
        ({"alternateName": "Pants on Fire", "ratingValue": 0, "bestRating": 5, "worstRating": 0}, "Pants on Fire", 0.0, 5.0, 0.0),
        ({"ratingValue": 3, "bestRating": 5}, "3/5", 3.0, 5.0, None),
        ({"ratingValue": "3.5", "bestRating": "5"}, "3.5/5", 3.5, 5.0, None),
        ({"ratingValue": 4}, "4", 4.0, None, None),
        ([{"alternateName": "False"}], "False", None, None, None),
        ({"alternateName": {"@value": "Faux", "@language": "fr"}}, "Faux", None, None, None),
        ({"@type": "Rating"}, None, None, None, None),
    ],
)
def test_ratings(rating, label, value, best, worst):
    record = one_record(json.dumps(review(reviewRating=rating)))
    assert (record.rating, record.rating_value, record.best_rating, record.worst_rating) == (label, value, best, worst)


@pytest.mark.parametrize(
    ("rating", "why"),
    [
        ({"ratingValue": "NaN"}, "\"reviewRating.ratingValue\" is not a number: 'NaN'"),
        ({"ratingValue": "1e400"}, "\"reviewRating.ratingValue\" is not a number: '1e400'"),
        ({"ratingValue": 1e400}, "\"reviewRating.ratingValue\" is not a number: inf"),
        ({"ratingValue": True}, '"reviewRating.ratingValue" is not a number: True'),
        ({"ratingValue": 1, "bestRating": [5]}, '"reviewRating.bestRating" is not a number: a list'),
        ({"alternateName": 1}, '"reviewRating.alternateName" must be text in quotes, not a number (1)'),
        ("False", '"reviewRating" must be an object with an "alternateName" or a "ratingValue", not text'),
    ],
)
def test_ratings_that_are_not(rating, why):
    text = json.dumps(review(reviewRating=rating)).replace("Infinity", "1e400")
    assert one_error(text) == why


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"@id": "https://factcheck.example/a#review", "identifier": "x"}, "https://factcheck.example/a#review"),
        ({"@id": "_:b0", "identifier": "x"}, "x"),  # a blank node names nothing outside the file
        ({"@id": "#claimreview"}, "https://factcheck.example/a"),
        ({"identifier": 1234}, "1234"),
        ({"identifier": {"@type": "PropertyValue", "propertyID": "internal", "value": "fc-9"}}, "fc-9"),
        ({}, "https://factcheck.example/a"),
    ],
)
def test_the_key_of_a_claimreview(fields, key):
    assert one_record(json.dumps(review(**fields))).key == key


def test_a_claimreview_whose_only_id_is_too_long_an_address():
    url = "https://factcheck.example/" + "a" * 300
    assert one_error(json.dumps(review(url=url))) == (
        'has a "url" longer than 300 characters and no "@id" or "identifier" to use as its id'
    )


@pytest.mark.parametrize(
    ("author", "publisher"),
    [
        ("Full Fact", "Full Fact"),
        ({"@type": "Organization", "name": "Full Fact"}, "Full Fact"),
        ([{"@type": "Person", "name": "A. Writer"}, {"@type": "Organization", "name": "Full Fact"}], "Full Fact"),
        ([{"@type": "Person", "name": "A. Writer"}], "A. Writer"),
        ({"@type": "Organization", "url": "https://fullfact.example/"}, None),
        (None, None),
    ],
)
def test_the_publisher_is_the_claimreview_author(author, publisher):
    assert one_record(json.dumps(review(author=author))).publisher == publisher


def test_the_publisher_falls_back_on_the_publisher_field():
    assert one_record(json.dumps(review(publisher={"name": "Les Décodeurs"}))).publisher == "Les Décodeurs"


@pytest.mark.parametrize(
    ("appearance", "url"),
    [
        ("https://a.example/1", "https://a.example/1"),
        ({"url": "https://a.example/1"}, "https://a.example/1"),
        ([{"@type": "CreativeWork"}, {"url": "https://a.example/2"}], "https://a.example/2"),
        (["https://a.example/1", "https://a.example/2"], "https://a.example/1"),
        ([], None),
    ],
)
def test_where_the_claim_appeared(appearance, url):
    assert one_record(json.dumps(review(itemReviewed={"@type": "Claim", "appearance": appearance}))).appearance == url


def test_first_appearance_when_there_is_no_appearance():
    item = {"@type": "Claim", "firstAppearance": {"@type": "CreativeWork", "url": "https://a.example/first"}}
    assert one_record(json.dumps(review(itemReviewed=item))).appearance == "https://a.example/first"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://", "\"url\" must be an http:// or https:// address: 'http://'"),
        ("https://:443/a", "\"url\" must be an http:// or https:// address: 'https://:443/a'"),
        ("https://exa mple.com/", "\"url\" must be an http:// or https:// address: 'https://exa mple.com/'"),
        ("http://[::1/", "\"url\" must be an http:// or https:// address: 'http://[::1/'"),
        ("mailto:desk@example.com", "\"url\" must be an http:// or https:// address: 'mailto:desk@example.com'"),
        ("https://a.example/" + "x" * 2000, '"url" is longer than 2,000 characters (2,018)'),
    ],
)
def test_addresses_that_are_not_web_addresses(url, why):
    assert one_error(line(url=url)) == why


# --- Caps and hostile strings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"claim": "x" * 1_000_000}, '"claim" is longer than 2,000 characters (1,000,000)'),
        ({"claim": "x" * 2_001}, '"claim" is longer than 2,000 characters (2,001)'),
        ({"title": "x" * 2_001}, '"title" is longer than 2,000 characters (2,001)'),
        ({"summary": "x" * 2_001}, '"summary" is longer than 2,000 characters (2,001)'),
        ({"publisher": "x" * 201}, '"publisher" is longer than 200 characters (201)'),
        ({"claimant": "x" * 201}, '"claimant" is longer than 200 characters (201)'),
        ({"rating": "x" * 201}, '"rating" is longer than 200 characters (201)'),
        ({"id": "x" * 301}, '"id" is longer than 300 characters (301)'),
        ({"claim": "NUL \x00 here"}, '"claim" contains a NUL character'),
        ({"title": "escape \x1b[31m red"}, '"title" contains the control character U+001B'),
        ({"claim": "   \n\t "}, 'needs a claim ("claim")'),
        ({"id": ""}, 'needs an id ("id")'),
        ({"claim": ["a", "b"]}, '"claim" must be text in quotes, not a list'),
        ({"title": {"en": "x"}}, '"title" must be text in quotes, not an object'),
        ({"title": True}, '"title" must be text in quotes, not true or false'),
    ],
)
def test_caps_and_hostile_strings_in_json_lines(fields, why):
    assert one_error(line(**fields)) == why


def test_lone_surrogates_as_escapes():
    for escape in ("\\ud800", "\\udfff", "\\udc00\\ud800"):
        assert one_error('{"id": "a", "claim": "x' + escape + '"}') == (
            f'"claim" contains a broken character (a lone surrogate, U+{escape[2:6].upper()})'
        )
    # A pair of surrogates is one character, and welcome.
    assert one_record('{"id": "a", "claim": "\\ud83d\\ude00"}').claim == "\U0001f600"


def test_caps_apply_after_whitespace_is_collapsed():
    assert one_record(line(claim="word " + " " * 5_000 + "word")).claim == "word word"


def test_a_million_character_claim_in_json_ld():
    assert one_error(json.dumps(review(claimReviewed="x" * MB))) == '"claimReviewed" is longer than 2,000 characters (1,000,000)'


def test_brackets_inside_strings_are_not_nesting():
    claim = "[" * 1_000 + "{" * 1_000 + '\\"[' * 100
    assert one_record('{"id": "a", "claim": "' + claim[:1_900] + '"}').claim.startswith("[[[")
    assert one_record(json.dumps(review(claimReviewed="[" * 1_900))).claim == "[" * 1_900


# --- Whole files refused ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "archive.json: empty."),
        (b"  \n\n\t\r\n", "archive.json: empty."),
        (b"\xef\xbb\xbf", "archive.json: empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "archive.json: not UTF-8 text (byte 0 cannot be decoded)."),
        ('[{"claim": "caf\xe9"}]'.encode("latin-1"), "archive.json: not UTF-8 text (byte 15 cannot be decoded)."),
        (json.dumps([review()]).encode("utf-16"), "archive.json: UTF-16 text, not UTF-8: save it as UTF-8 and import it again."),
        (json.dumps([review()]).encode("utf-16-le"), "archive.json: not a text file (byte 1 is a NUL byte; UTF-16 text has them)."),
        (b"id,claim\n1,The claim\n", "archive.json: neither JSON lines nor ClaimReview JSON-LD: it starts with 'id,claim' where { or [ should be."),
        (b"<html><script type='application/ld+json'>", "archive.json: neither JSON lines nor ClaimReview JSON-LD: it starts with \"<html><script type='applicatio\" where { or [ should be."),
        (b'"just a string"', "archive.json: neither JSON lines nor ClaimReview JSON-LD: it starts with '\"just a string\"' where { or [ should be."),
        (b'{\n  "@type": "ClaimReview",\n  "claimReviewed": "x",\n', "archive.json: not valid JSON: Expecting property name enclosed in double quotes at line 4, column 1."),
        (b"[NaN]", "archive.json: not valid JSON: NaN is not a JSON value."),
        (b"[]", "archive.json: no ClaimReview in it."),
        (b'{"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, {"@type": "Person"}, {"@type": "WebPage"}]}',
         "archive.json: no ClaimReview in it (only 2 WebPage, 1 Person)."),
        (b'{\n  "id": "a",\n  "claim": "A JSON-lines fact-check spread over lines."\n}\n',
         'archive.json: no ClaimReview in it (only 1 object without "@type").'),
    ],
    ids=["empty", "blank", "bom-only", "binary", "latin-1", "utf-16", "utf-16-no-bom", "csv", "html", "string", "unfinished",
         "nan", "empty-list", "no-claimreview", "pretty-printed-line"],
)
def test_whole_files_refused(data, message):
    assert refused(data) == message


def test_binary_junk():
    junk = random.Random(7).randbytes(100_000)
    assert refused(junk).startswith("archive.json: not UTF-8 text (byte ")


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 100_000,
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000,
        b'{"@type": "ClaimReview", "claimReviewed": "x", "x": ' + b"[" * 65 + b"]" * 65 + b"}",
        b"[\n" * 100_000,
    ],
    ids=["open", "balanced", "objects", "65-deep", "one-a-line"],
)
def test_deep_nesting_is_refused_before_parsing(data):
    assert refused(data) == "archive.json: JSON nested more than 64 levels deep."


def test_nesting_at_the_limit_is_read():
    value = "[" * 63 + "]" * 63
    assert one_record(json.dumps(review()).replace('"@type"', f'"x": {value}, "@type"')).claim == "The claim."


def test_deep_nesting_on_a_line_of_json_lines():
    text = line(id="a") + line(id="b") + '{"id": "c", "claim": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
    results = read_records(io.BytesIO(text.encode()), "deep.jsonl")
    assert [r.key for r in (next(results), next(results))] == ["a", "b"]
    with pytest.raises(FormatError, match=r"^deep\.jsonl, line 3: JSON nested more than 64 levels deep\.$"):
        next(results)


@pytest.mark.parametrize(
    "number",
    ["1" * 5_000, "-" + "9" * 5_000, "0." + "1" * 5_000, "1e" + "0" * 5_000, "1" * 101],
    ids=["int", "negative", "fraction", "exponent", "101-digits"],
)
def test_huge_numbers_are_refused_before_conversion(number):
    assert refused(f"[{number}]") == f"archive.json: a number {len(number):,} characters long (at most 100 are read)."
    text = line(id="a") + '{"id": "b", "claim": "x", "title": ' + number + "}\n"
    with pytest.raises(FormatError, match=r"^a\.jsonl, line 2: a number "):
        read(text, "a.jsonl")


def test_a_hundred_character_number_is_read():
    assert one_record(json.dumps(review(reviewRating={"ratingValue": 1, "bestRating": 5})).replace("5}", "5" + "0" * 99 + "}"))


def test_a_ten_megabyte_line():
    big = line(claim="x" * (10 * MB))
    for name in ("archive.jsonl", "archive.json"):
        assert refused(big, name) == f"{name}, line 1: longer than 1 MiB, far more than one fact-check needs."
    assert refused(b"x" * (10 * MB)).startswith("archive.json: neither JSON lines nor ClaimReview JSON-LD")
    # Among other lines, and without a newline at its end.
    results = read_records(io.BytesIO((line(id="a") + big.rstrip()).encode()), "archive.jsonl")
    assert next(results).key == "a"
    with pytest.raises(FormatError, match=r"line 2: longer than 1 MiB"):
        next(results)


def test_a_line_of_exactly_the_limit_is_read():
    padding = formats.MAX_LINE_BYTES + 1 - len(line(claim="x", title=""))
    text = line(claim="x", title=" " * padding)
    assert len(text.encode()) == formats.MAX_LINE_BYTES + 1  # with its newline
    assert one_record(text, "a.jsonl").title == ""
    with pytest.raises(FormatError):
        read(line(claim="x", title=" " * (padding + 1)), "a.jsonl")


def test_json_ld_larger_than_the_cap():
    items = [json.dumps(review(url=f"https://x.example/{n}", description="x" * 1_000)) for n in range(17_000)]
    message = (
        "archive.json: larger than 16 MiB, the most factcheck reads as one JSON document: "
        "split it, or write it as JSON lines (one fact-check a line)."
    )
    assert refused("[" + ", ".join(items) + "]") == message  # one line
    assert refused("[\n" + ",\n".join(items) + "\n]") == message  # pretty-printed


def test_json_ld_under_the_cap_is_read_whole(monkeypatch):
    monkeypatch.setattr(formats, "MAX_DOCUMENT_BYTES", 2_000)
    document = json.dumps([review(url=f"https://x.example/{n}") for n in range(10)], indent=1)
    assert len(document) < 2_000 and len(records(read(document))) == 10
    assert refused(document.replace("[", "[" + " " * 2_000, 1)).startswith("archive.json: larger than")


def test_a_format_error_is_invalid_input_on_one_line():
    error = FormatError("a.json", "empty")
    assert isinstance(error, InvalidInput) and str(error) == "a.json: empty." and error.why == "empty"
    assert "\n" not in refused(b"{\n\n\n")


@pytest.mark.parametrize(
    "data",
    [
        b"[" * (8 * MB),
        b"[]" * (4 * MB),
        b'["' + b'\\"' * (4 * MB),
        b'"' * (8 * MB),
        b"[" + b"1," * (4 * MB),
        b'{"a": "' + b"\\u0000" * MB,
    ],
    ids=["open-brackets", "flat-pairs", "escaped-quotes", "quotes", "many-numbers", "escapes"],
)
def test_hostile_documents_are_refused_in_linear_time(data):
    start = time.perf_counter()
    with pytest.raises(FormatError):
        read(data)
    assert time.perf_counter() - start < 5  # a quadratic pass over 8 MB would take minutes


# --- Streaming ----------------------------------------------------------------------------------


class Trickle(io.RawIOBase):
    """A stream whose bytes come from a generator, recording how many it has been asked for."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.pending = b""
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self.pending:
            self.pending = next(self.chunks, b"")
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        self.served += size
        return size


def endless_lines() -> Iterator[bytes]:
    number = 0
    while True:
        number += 1
        yield line(id=f"fc-{number}", claim=f"Claim number {number}.").encode()


def test_json_lines_stream():
    source = Trickle(endless_lines())
    progress = ReadProgress()
    results = read_records(io.BufferedReader(source), "endless.jsonl", progress=progress)
    first = next(results)
    assert first.key == "fc-1" and progress.bytes_read == len(line(id="fc-1", claim="Claim number 1."))
    assert source.served < 64 * 1024  # a buffer or two, of a file without end
    for expected in range(2, 1_001):
        assert next(results).key == f"fc-{expected}"
    assert source.served < 200 * 1024


def test_progress_counts_the_bytes_of_each_line():
    text = (line(id="a") + "\n\n" + line(id="b")).encode()
    progress = ReadProgress()
    seen = [(r.key, progress.bytes_read) for r in read_records(io.BytesIO(text), "a.jsonl", progress=progress)]
    assert seen == [("a", len(line(id="a"))), ("b", len(text))]


def test_a_large_file_streams_record_by_record():
    count = 50_000
    data = "".join(line(id=f"fc-{n}") for n in range(count)).encode()
    progress = ReadProgress()
    results = read_records(io.BytesIO(data), "big.jsonl", progress=progress)
    next(results)
    assert progress.bytes_read < 200
    assert sum(1 for _ in results) == count - 1 and progress.bytes_read == len(data)


# --- The layer ------------------------------------------------------------------------------------


def test_the_archive_formats_use_neither_the_web_nor_the_database():
    script = "import sys, factcheck.archive.formats; print(sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[1:])))"
    forbidden = ["flask", "werkzeug", "sqlalchemy", "sqlmodel", "alembic", "psycopg"]
    run = subprocess.run([sys.executable, "-c", script, *forbidden], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
