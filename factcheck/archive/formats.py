"""Reading an archive of published fact-checks: ClaimReview JSON-LD or JSON lines, checked one fact-check at a time.

Pure: bytes in, `ArchiveRecord`s and `RecordError`s out in file order, no database. JSON lines are
read a line at a time, so a file of any size streams; a JSON-LD document is parsed whole, up to
MAX_DOCUMENT_BYTES. What is wrong with one fact-check is a RecordError for it and reading goes on;
what makes the whole file unreadable (not UTF-8, not JSON, empty, too big, hostile) raises
FormatError, possibly after records from the lines before it.

The shape is read from the content: a file whose first non-blank character is `{` or `[` and
which parses as one JSON document is JSON-LD; otherwise it is JSON lines. A file of a single line
is JSON lines if it is named *.jsonl (or *.ndjson), or if its one object has no JSON-LD keyword
("@context", "@type", "@graph"): that is a JSON-lines fact-check saved as .json. A line of JSON
lines may also hold a ClaimReview (or a DataFeed) of its own: it is read as JSON-LD.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, BinaryIO, TypeAlias
from urllib.parse import urlsplit

from factcheck.errors import InvalidInput

# What one fact-check may hold, in characters once whitespace is collapsed.
KEY_MAX_CHARS = 300
CLAIM_MAX_CHARS = 2_000
TITLE_MAX_CHARS = 2_000
SUMMARY_MAX_CHARS = 2_000
NAME_MAX_CHARS = 200  # publisher, claimant and rating label
URL_MAX_CHARS = 2_000

# What a file may hold before it is refused whole.
MAX_LINE_BYTES = 1 << 20  # one JSON line: a fact-check at its caps is far below it
MAX_DOCUMENT_BYTES = 16 << 20  # a JSON-LD document, parsed whole
MAX_DEPTH = 64  # JSON nesting: a Google fact-check feed needs about 8
MAX_NUMBER_CHARS = 100  # digits and signs of one JSON number

JSON_LINES = "JSON lines"
CLAIM_REVIEW = "ClaimReview JSON-LD"
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
#: The fields of a JSON-lines fact-check, in the order messages list them.
JSON_LINES_FIELDS = ("id", "claim", "title", "summary", "url", "published", "rating", "publisher", "claimant")
#: Keys that make a JSON object JSON-LD rather than a JSON-lines fact-check.
JSON_LD_KEYWORDS = ("@context", "@type", "@graph")


@dataclass(frozen=True, kw_only=True)
class ArchiveRecord:
    """One published fact-check, checked and normalised; the app refers to it as `archive:<key>`."""

    key: str
    claim: str
    title: str = ""
    summary: str = ""
    url: str | None = None
    published: dt.date | None = None
    rating: str | None = None  # the label; "2/5" when the ClaimReview gives only numbers
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    publisher: str | None = None
    claimant: str | None = None
    appearance: str | None = None  # the first address where the claim was seen
    #: Where in the file it was read ("line 12", "item 3"), for messages; not part of its value.
    where: str = field(default="", compare=False)


@dataclass(frozen=True)
class RecordError:
    """A fact-check that cannot be imported: where it is in the file, and why in one sentence."""

    where: str
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.why}"


RecordOrError: TypeAlias = ArchiveRecord | RecordError


class FormatError(InvalidInput):
    """The file as a whole cannot be read as an archive; the message says why, on one line."""

    def __init__(self, name: str, why: str, where: str = "") -> None:
        super().__init__(f"{name}, {where}: {why}." if where else f"{name}: {why}.")
        self.name = name
        self.why = why
        self.where = where


@dataclass
class ReadProgress:
    """How far read_records() has got, updated as it yields: for a progress bar and the summary after."""

    shape: str = ""  # JSON_LINES or CLAIM_REVIEW, once known
    bytes_read: int = 0  # of the file, up to the end of the last fact-check yielded
    #: JSON-LD nodes passed over because they are not ClaimReviews, by type ("WebPage": 1).
    ignored: Counter[str] = field(default_factory=Counter)


def read_records(stream: BinaryIO, name: str, *, progress: ReadProgress | None = None) -> Iterator[RecordOrError]:
    """Every fact-check in an archive file, in file order: an ArchiveRecord, or a RecordError saying why not.

    `name` is the file's name, for messages and for its suffix. Raises FormatError, while
    iterating, if the file as a whole cannot be read. `progress`, if given, is kept up to date.
    """
    progress = ReadProgress() if progress is None else progress
    shape, document, read_ahead = _detect(stream, name)
    progress.shape = shape
    if shape == JSON_LINES:
        yield from _read_json_lines(_Lines(stream, read_ahead), name, progress)
    else:
        progress.bytes_read = len(read_ahead)
        yield from _read_claim_reviews(document, name, progress)


# --- Telling the two shapes apart --------------------------------------------------------------

_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # and UTF-32's, which start the same way
_SPACE = " \t\r\n"  # JSON's whitespace, no other
_SPACE_BYTES = _SPACE.encode()
_CONTENT_LINE = re.compile(rb"[^\n]*[^ \t\r\n][^\n]*\n?")
_UNPARSED = object()


def _detect(stream: BinaryIO, name: str) -> tuple[str, Any, bytes]:
    """The file's shape, its JSON-LD document if that is what it is, and the bytes read to decide."""
    head = _read_to_content(stream, MAX_DOCUMENT_BYTES, file_start=True)
    if len(head) > MAX_DOCUMENT_BYTES:
        raise _too_big(name)
    if head.startswith(_UTF16_BOMS):
        raise FormatError(name, "UTF-16 text, not UTF-8: save it as UTF-8 and import it again")
    bom = len(_BOM) if head.startswith(_BOM) else 0
    start = _decode(head[bom:], name, bom).lstrip(_SPACE)
    if not start:
        raise FormatError(name, "empty")
    if start[0] not in "{[":
        opening = _shown(start.partition("\n")[0].rstrip()[:30])
        raise FormatError(name, f"neither JSON lines nor ClaimReview JSON-LD: it starts with {opening} where {{ or [ should be")
    first = _parse_alone(start, name)
    if first is not _UNPARSED:
        # A whole JSON value on the first line: the file is one document only if nothing follows.
        more = _read_to_content(stream, MAX_LINE_BYTES)
        single = not more.strip(_SPACE_BYTES)
        if not single or name.lower().endswith(JSON_LINES_SUFFIXES) or _plain_object(first):
            return JSON_LINES, None, head + more
        return CLAIM_REVIEW, first, head + more
    # A document spread over lines, or JSON lines whose first line is broken.
    whole = head + _read_up_to(stream, MAX_DOCUMENT_BYTES + 1 - len(head))
    problem: ValueError | None = None
    if len(whole) <= MAX_DOCUMENT_BYTES:
        text = _decode(whole[bom:], name, bom)
        try:
            return CLAIM_REVIEW, _loads(text), whole
        except _Hostile as error:
            raise FormatError(name, str(error)) from None
        except ValueError as error:
            problem = error
    second = _CONTENT_LINE.search(whole, len(head))
    if second is not None and _is_object_line(second.group()):
        return JSON_LINES, None, whole
    if problem is None:
        raise _too_big(name)
    raise FormatError(name, f"not valid JSON: {_json_problem(problem, with_line=True)}")


def _read_to_content(stream: BinaryIO, limit: int, *, file_start: bool = False) -> bytes:
    """Blank lines and the first line with something on it (or the end), at most `limit` + 1 bytes."""
    parts: list[bytes] = []
    size = 0
    while size <= limit:
        line = stream.readline(limit + 1 - size)
        if not line:
            break
        blank = (line.removeprefix(_BOM) if file_start and not parts else line).strip(_SPACE_BYTES) == b""
        parts.append(line)
        size += len(line)
        if not blank:
            break
    return b"".join(parts)


def _read_up_to(stream: BinaryIO, size: int) -> bytes:
    """The next `size` bytes of the stream, fewer only at its end."""
    parts: list[bytes] = []
    while size > 0:
        chunk = stream.read(size)
        if not chunk:
            break
        parts.append(chunk)
        size -= len(chunk)
    return b"".join(parts)


def _parse_alone(text: str, name: str) -> Any:
    """The JSON value `text` holds, or _UNPARSED if it holds none (or more than one)."""
    try:
        return _loads(text)
    except _Hostile as error:
        raise FormatError(name, str(error)) from None
    except ValueError:
        return _UNPARSED


def _is_object_line(line: bytes) -> bool:
    """True if the line is a JSON object on its own (the second line of a JSON-lines file)."""
    if len(line) > MAX_LINE_BYTES + 1:
        return False
    try:
        return isinstance(_loads(line.decode("utf-8")), dict)
    except (ValueError, _Hostile):  # UnicodeDecodeError is a ValueError
        return False


def _plain_object(value: Any) -> bool:
    return isinstance(value, dict) and not any(key in value for key in JSON_LD_KEYWORDS)


def _too_big(name: str) -> FormatError:
    return FormatError(
        name,
        f"larger than {MAX_DOCUMENT_BYTES >> 20} MiB, the most factcheck reads as one JSON document: "
        "split it, or write it as JSON lines (one fact-check a line)",
    )


def _decode(data: bytes, name: str, offset: int, where: str = "") -> str:
    """UTF-8 text, or FormatError giving the file's byte that is not (`offset` is where `data` starts)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FormatError(name, f"not UTF-8 text (byte {offset + error.start:,} cannot be decoded)", where) from None
    if "\x00" in text:
        at = offset + len(text[: text.index("\x00")].encode())
        raise FormatError(name, f"not a text file (byte {at:,} is a NUL byte; UTF-16 text has them)", where)
    return text


# --- JSON, parsed with guards -------------------------------------------------------------------


class _Hostile(Exception):
    """JSON no archive needs and a parser should not attempt: the file is refused whole."""


class _NotJson(ValueError):
    """A JavaScript value JSON does not have (NaN, Infinity)."""


class _Refusal(Exception):
    """What is wrong with one fact-check, in one sentence; read_records yields it as a RecordError."""


_ESCAPE = re.compile(r"\\.", re.DOTALL)
_STRING = re.compile(r'"[^"]*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_DEPTH_CHUNK = 1 << 16


def _check_depth(text: str) -> None:
    """_Hostile if `text` nests brackets deeper than MAX_DEPTH, outside strings: json would recurse that deep.

    Linear and at C speed but for the last step: escapes out, then strings, then all but brackets.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", _ESCAPE.sub("", text)))
    depth = 0
    for start in range(0, len(brackets), _DEPTH_CHUNK):
        depths = list(accumulate(map(_STEP.__getitem__, brackets[start : start + _DEPTH_CHUNK]), initial=depth))
        if max(depths) > MAX_DEPTH:
            raise _Hostile(f"JSON nested more than {MAX_DEPTH} levels deep")
        depth = depths[-1]


def _number(text: str) -> str:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Hostile(f"a number {len(text):,} characters long (at most {MAX_NUMBER_CHARS} are read)")
    return text


def _int(text: str) -> int:
    return int(_number(text))


def _float(text: str) -> float:
    return float(_number(text))


def _constant(text: str) -> Any:
    raise _NotJson(f"{text} is not a JSON value")


def _loads(text: str, decoder: json.JSONDecoder | None = None) -> Any:
    """The JSON value of `text`, after the depth check, with every number's length checked before it is converted."""
    _check_depth(text)
    return (decoder or _DECODER).decode(text)


_DECODER = json.JSONDecoder(parse_int=_int, parse_float=_float, parse_constant=_constant)


def _json_problem(error: ValueError, *, with_line: bool) -> str:
    if isinstance(error, json.JSONDecodeError):
        if with_line:
            return f"{error.msg} at line {error.lineno:,}, column {error.colno:,}"
        return f"{error.msg} at column {error.colno:,}"
    return str(error)


# --- JSON lines -----------------------------------------------------------------------------------


class _Lines:
    """The file a line at a time: first the bytes read ahead to tell its shape, then the stream."""

    def __init__(self, stream: BinaryIO, read_ahead: bytes) -> None:
        self._stream = stream
        self._ahead = read_ahead
        self._at = 0

    def read(self, limit: int) -> bytes:
        """The next line with its newline, at most `limit` + 1 bytes (more than `limit` without a newline
        means the line is longer); b"" at the end."""
        if self._at < len(self._ahead):
            end = self._ahead.find(b"\n", self._at, self._at + limit + 1)
            stop = end + 1 if end >= 0 else min(len(self._ahead), self._at + limit + 1)
            line = self._ahead[self._at : stop]
            self._at = stop
            if end >= 0 or len(line) > limit:
                return line
            return line + self._stream.readline(limit + 1 - len(line))
        return self._stream.readline(limit + 1)


def _read_json_lines(lines: _Lines, name: str, progress: ReadProgress) -> Iterator[RecordOrError]:
    seen: dict[str, str] = {}
    number = 0
    while line := lines.read(MAX_LINE_BYTES):
        number += 1
        where = f"line {number}"
        offset = progress.bytes_read
        progress.bytes_read += len(line)
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            raise FormatError(name, f"longer than {MAX_LINE_BYTES >> 20} MiB, far more than one fact-check needs", where)
        if number == 1 and line.startswith(_BOM):
            line, offset = line[len(_BOM) :], offset + len(_BOM)
        text = _decode(line, name, offset, where)
        if not text.strip(_SPACE):
            continue
        try:
            fields = _json_line(text.rstrip(_SPACE))
            if _plain_object(fields):
                yield _unless_repeated(_fact_check(fields, where), seen)
                continue
        except _Hostile as error:
            raise FormatError(name, str(error), where) from None
        except _Refusal as error:
            yield RecordError(where, str(error))
            continue
        # A ClaimReview (or a feed) of its own on the line.
        found = list(_walk(fields, where, progress.ignored))
        if not found:
            yield RecordError(where, "holds JSON-LD but no ClaimReview")
        yield from _claim_reviews(found, _nodes_by_id(fields), seen)


def _json_line(text: str) -> dict[str, Any]:
    try:
        value = _loads(text, _LINE_DECODER)
    except ValueError as error:
        raise _Refusal(f"is not valid JSON ({_json_problem(error, with_line=False)})") from None
    if not isinstance(value, dict):
        raise _Refusal(f'is {_kind(value)}, not a fact-check: each line holds one, as {{"id": ..., "claim": ...}}')
    return value


def _fields_once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    fields = dict(pairs)
    if len(fields) < len(pairs):
        repeated = next(key for key, count in Counter(key for key, _ in pairs).items() if count > 1)
        raise _Refusal(f"has the field {_shown(repeated)} twice")
    return fields


_LINE_DECODER = json.JSONDecoder(parse_int=_int, parse_float=_float, parse_constant=_constant, object_pairs_hook=_fields_once)


def _fact_check(fields: dict[str, Any], where: str) -> ArchiveRecord:
    """The record a JSON-lines object describes, or _Refusal for its first problem."""
    unknown = [key for key in fields if key not in JSON_LINES_FIELDS]
    if unknown:
        raise _Refusal(_unknown_fields(unknown))
    return ArchiveRecord(
        key=_required(fields.get("id"), "id", KEY_MAX_CHARS, 'needs an id ("id")'),
        claim=_required(fields.get("claim"), "claim", CLAIM_MAX_CHARS, 'needs a claim ("claim")'),
        title=_text(fields.get("title"), "title", TITLE_MAX_CHARS) or "",
        summary=_text(fields.get("summary"), "summary", SUMMARY_MAX_CHARS) or "",
        url=_url(fields.get("url"), "url"),
        published=_date(fields.get("published"), "published"),
        rating=_text(fields.get("rating"), "rating", NAME_MAX_CHARS),
        publisher=_text(fields.get("publisher"), "publisher", NAME_MAX_CHARS),
        claimant=_text(fields.get("claimant"), "claimant", NAME_MAX_CHARS),
        where=where,
    )


def _unknown_fields(unknown: list[str]) -> str:
    named = []
    for key in unknown[:5]:
        close = difflib.get_close_matches(key, JSON_LINES_FIELDS, n=1) if len(key) <= 40 else []
        named.append(f'{_shown(key)} (did you mean "{close[0]}"?)' if close else _shown(key))
    if len(unknown) > 5:
        named.append(f"{len(unknown) - 5:,} more")
    noun = "an unknown field" if len(unknown) == 1 else "unknown fields"
    return f"has {noun} {', '.join(named)}; the fields are {', '.join(JSON_LINES_FIELDS)}"


def _unless_repeated(record: ArchiveRecord, seen: dict[str, str]) -> RecordOrError:
    """The record, or a RecordError if an earlier record of the file has its key."""
    first = seen.setdefault(record.key, record.where)
    if first != record.where:
        return RecordError(record.where, f"repeats the id {_shown(record.key)} of {first}")
    return record


# --- ClaimReview JSON-LD --------------------------------------------------------------------------


def _read_claim_reviews(document: Any, name: str, progress: ReadProgress) -> Iterator[RecordOrError]:
    found = list(_walk(document, "", progress.ignored))
    if not found:
        raise FormatError(name, f"no ClaimReview in it{_ignored_summary(progress.ignored)}")
    yield from _claim_reviews(found, _nodes_by_id(document), {})


def _claim_reviews(
    found: list[tuple[str, dict[str, Any] | RecordError]], index: dict[str, dict[str, Any]], seen: dict[str, str]
) -> Iterator[RecordOrError]:
    """The records of the ClaimReview nodes found (or why not), checking their keys against those `seen`."""
    for where, node in found:
        if isinstance(node, RecordError):
            yield node
            continue
        try:
            record = _claim_review(node, where, index)
        except _Refusal as error:
            yield RecordError(where, str(error))
            continue
        yield _unless_repeated(record, seen)


def _walk(document: Any, where: str, ignored: Counter[str]) -> Iterator[tuple[str, dict[str, Any] | RecordError]]:
    """Each ClaimReview of the document with where it is, in document order; other nodes are counted.

    `where` is the place of the document itself: "" for a file, "line 12" for a line of one.
    """
    if isinstance(document, list):
        for number, node in enumerate(document, 1):
            place = f"{where} item {number}".lstrip()
            yield from _node(node, place, place, ignored)
    else:
        yield from _node(document, where or "item 1", where, ignored)


def _node(node: Any, where: str, inside: str, ignored: Counter[str]) -> Iterator[tuple[str, dict[str, Any] | RecordError]]:
    """The ClaimReviews in one node: itself, its @graph, its feed's elements or its DataFeedItem's items.

    `where` names the node itself, `inside` prefixes the places of what it contains ("" at the top).
    """
    if not isinstance(node, dict):
        yield where, RecordError(where, f"is {_kind(node)}, not a JSON-LD object")
        return
    types = _types(node)
    if "@graph" in node:
        for number, child in enumerate(_as_list(node["@graph"]), 1):
            place = f"{inside} @graph item {number}" if inside else f"item {number}"
            yield from _node(child, place, place, ignored)
    if "ClaimReview" in types:
        yield where, node
    elif "DataFeed" in types:
        for number, element in enumerate(_as_list(node.get("dataFeedElement")), 1):
            place = f"{inside} dataFeedElement {number}".lstrip()
            yield from _node(element, place, place, ignored)
    elif "DataFeedItem" in types:
        items = node.get("item")
        if isinstance(items, list):
            for number, item in enumerate(items, 1):
                yield from _node(item, f"{where} item {number}", f"{where} item {number}", ignored)
        elif items is not None:
            yield from _node(items, where, where, ignored)
    elif types:
        ignored[sorted(types)[0]] += 1
    elif "claimReviewed" in node:
        yield where, RecordError(where, 'has no "@type": a fact-check needs "@type": "ClaimReview"')
    elif "@graph" not in node:
        ignored['object without "@type"'] += 1


def _types(node: dict[str, Any]) -> set[str]:
    """The node's types without their prefix: "schema:ClaimReview" and "https://schema.org/ClaimReview" are ClaimReview."""
    return {re.split(r"[/#:]", kind)[-1] for kind in _as_list(node.get("@type")) if isinstance(kind, str)}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _nodes_by_id(document: Any) -> dict[str, dict[str, Any]]:
    """The top-level nodes (of the list or @graph) by "@id": a page's graph names its publisher once and refers to it."""
    top = _as_list(document)
    nodes = [n for n in top if isinstance(n, dict)]
    for container in list(nodes):
        nodes.extend(n for n in _as_list(container.get("@graph")) if isinstance(n, dict))
    return {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}


def _ignored_summary(ignored: Counter[str]) -> str:
    if not ignored:
        return ""
    return " (only " + ", ".join(f"{count:,} {kind}" for kind, count in ignored.most_common(5)) + ")"


def _claim_review(node: dict[str, Any], where: str, index: dict[str, dict[str, Any]]) -> ArchiveRecord:
    """The record a ClaimReview node describes, or _Refusal for its first problem."""
    claim = _required(_value(node, "claimReviewed"), "claimReviewed", CLAIM_MAX_CHARS, 'needs a claim ("claimReviewed")')
    url = _url(_value(node, "url"), "url")
    headline = _text(_value(node, "headline"), "headline", TITLE_MAX_CHARS)
    rating, value, best, worst = _review_rating(node.get("reviewRating"))
    item = next((i for i in _as_list(node.get("itemReviewed")) if isinstance(i, dict)), {})
    return ArchiveRecord(
        key=_review_key(node, url),
        claim=claim,
        title=headline or _text(_value(node, "name"), "name", TITLE_MAX_CHARS) or "",
        summary=_text(_value(node, "description"), "description", SUMMARY_MAX_CHARS) or "",
        url=url,
        published=_review_date(_value(node, "datePublished")),
        rating=rating,
        rating_value=value,
        best_rating=best,
        worst_rating=worst,
        publisher=_publisher(node, index),
        claimant=_first_name(item.get("author"), "itemReviewed.author", index),
        appearance=_appearance(item),
        where=where,
    )


def _value(node: dict[str, Any], key: str) -> Any:
    """The node's value for `key`, a JSON-LD value object {"@value": ...} read as its value."""
    value = node.get(key)
    return value.get("@value") if isinstance(value, dict) and "@value" in value else value


def _review_key(node: dict[str, Any], url: str | None) -> str:
    """The ClaimReview's "@id" (not a blank node or a fragment of the file), else "identifier", else its "url"."""
    for key in ("@id", "identifier"):
        value = _value(node, key)
        if isinstance(value, dict):  # a PropertyValue
            value = _value(value, "value")
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and not value.strip(_SPACE).startswith(("_:", "#")) and value.strip():
            return _text(value, key, KEY_MAX_CHARS) or ""
    if url is None:
        raise _Refusal('needs an id: an "@id", an "identifier" or a "url"')
    if len(url) > KEY_MAX_CHARS:
        raise _Refusal(f'has a "url" longer than {KEY_MAX_CHARS:,} characters and no "@id" or "identifier" to use as its id')
    return url


def _review_date(value: Any) -> dt.date | None:
    """A ClaimReview's "datePublished": a date, or the date part of an ISO 8601 date and time."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _Refusal(f'"datePublished" must be a date in quotes, not {_kind(value)}')
    text = value.strip()
    if len(text) > 10 and text[10:11] in ("T", " ") and _ISO_DATE.fullmatch(text[:10]):
        try:
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            pass
    elif _ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise _Refusal(f'"datePublished" is not a real date: {_shown(text)}') from None
    raise _Refusal(f'"datePublished" is not a date in YYYY-MM-DD form (a time may follow): {_shown(text)}')


def _review_rating(value: Any) -> tuple[str | None, float | None, float | None, float | None]:
    """The label, value, best and worst of a "reviewRating"; "value/best" as the label when there are only numbers."""
    if value is None:
        return None, None, None, None
    rating = next((r for r in _as_list(value) if isinstance(r, dict)), None)
    if rating is None:
        raise _Refusal(f'"reviewRating" must be an object with an "alternateName" or a "ratingValue", not {_kind(value)}')
    label = _text(_value(rating, "alternateName"), "reviewRating.alternateName", NAME_MAX_CHARS)
    number = _rating_number(_value(rating, "ratingValue"), "reviewRating.ratingValue")
    best = _rating_number(_value(rating, "bestRating"), "reviewRating.bestRating")
    worst = _rating_number(_value(rating, "worstRating"), "reviewRating.worstRating")
    if label is None and number is not None:
        label = _figure(number) if best is None else f"{_figure(number)}/{_figure(best)}"
    return label, number, best, worst


_DECIMAL = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,15})?")


def _rating_number(value: Any, key: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        return float(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    raise _Refusal(f'"{key}" is not a number: {_shown(value)}')


def _figure(number: float) -> str:
    return str(int(number)) if number.is_integer() else repr(number)


def _publisher(node: dict[str, Any], index: dict[str, dict[str, Any]]) -> str | None:
    """The fact-checker: the ClaimReview's author, an organisation before a person; else its "publisher"."""
    for key in ("author", "publisher"):
        names = _names(node.get(key), key, index)
        if names:
            return next((name for name, organisation in names if organisation), names[0][0])
    return None


def _first_name(value: Any, key: str, index: dict[str, dict[str, Any]]) -> str | None:
    names = _names(value, key, index)
    return names[0][0] if names else None


def _names(value: Any, key: str, index: dict[str, dict[str, Any]]) -> list[tuple[str, bool]]:
    """Each name in an author: text, an object with a "name" (or a reference to one), or a list of them;
    with whether it is an organisation."""
    found = []
    for who in _as_list(value):
        if isinstance(who, str):
            name, organisation = _text(who, key, NAME_MAX_CHARS), False
        elif isinstance(who, dict):
            if "name" not in who and isinstance(who.get("@id"), str):
                who = index.get(who["@id"], who)
            name = _text(next(iter(_as_list(_value(who, "name"))), None), f"{key}.name", NAME_MAX_CHARS)
            organisation = any(kind.endswith("Organization") for kind in _types(who))
        else:
            raise _Refusal(f'"{key}" must be a name or an object with a "name", not {_kind(who)}')
        if name:
            found.append((name, organisation))
    return found


def _appearance(item: dict[str, Any]) -> str | None:
    """The first address where the reviewed claim appeared: "appearance", else "firstAppearance"."""
    for key in ("appearance", "firstAppearance"):
        for seen in _as_list(item.get(key)):
            url = _value(seen, "url") if isinstance(seen, dict) else seen
            url = next(iter(_as_list(url)), None)
            if url not in (None, ""):
                return _url(url, f"itemReviewed.{key}")
    return None


# --- One field --------------------------------------------------------------------------------

# C0 controls but the whitespace ones, DEL, and lone surrogates (json gives "\ud800" as one; no text has them).
_UNWANTED = re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _text(value: Any, key: str, limit: int) -> str | None:
    """Text checked and normalised (NFC, whitespace collapsed); None if absent, null or blank."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Refusal(f'"{key}" must be text in quotes, not {_kind(value)}')
    if bad := _UNWANTED.search(value):
        char = bad.group()
        if char == "\x00":
            raise _Refusal(f'"{key}" contains a NUL character')
        if "\ud800" <= char <= "\udfff":
            raise _Refusal(f'"{key}" contains a broken character (a lone surrogate, U+{ord(char):04X})')
        raise _Refusal(f'"{key}" contains the control character U+{ord(char):04X}')
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if len(text) > limit:
        raise _Refusal(f'"{key}" is longer than {limit:,} characters ({len(text):,})')
    return text or None


def _required(value: Any, key: str, limit: int, missing: str) -> str:
    text = _text(value, key, limit)
    if text is None:
        raise _Refusal(missing)
    return text


def _url(value: Any, key: str) -> str | None:
    """An absolute http(s) address with a host, or None if absent."""
    url = _text(value, key, URL_MAX_CHARS)
    if url is None:
        return None
    try:
        parts = urlsplit(url)
        web = parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and " " not in url
    except ValueError:  # a malformed [IPv6] host
        web = False
    if not web:
        raise _Refusal(f'"{key}" must be an http:// or https:// address: {_shown(url)}')
    if len(url.encode("utf-8")) > URL_MAX_CHARS:  # the index on it holds about 2,700 bytes
        raise _Refusal(f'"{key}" is longer than {URL_MAX_CHARS:,} bytes: {_shown(url)}')
    return url


def _date(value: Any, key: str) -> dt.date | None:
    """A date written strictly as YYYY-MM-DD."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _Refusal(f'"{key}" must be a date in quotes, not {_kind(value)}')
    if not _ISO_DATE.fullmatch(value):
        raise _Refusal(f'"{key}" is not a date in YYYY-MM-DD form: {_shown(value)}')
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _Refusal(f'"{key}" is not a real date: {_shown(value)}') from None


def _kind(value: Any) -> str:
    """What a JSON value is, in words: "a number", "a list"..."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "true or false"
    if value is None:
        return "null"
    return f"a number ({_figure(float(value)) if math.isfinite(value) else value})"


def _shown(value: Any, limit: int = 60) -> str:
    """A value quoted for a message: repr, so control characters show, cut to about `limit` characters."""
    if isinstance(value, str):
        return repr(value if len(value) <= limit else value[:limit] + "…")
    if isinstance(value, dict | list):
        return _kind(value)
    return repr(value)
