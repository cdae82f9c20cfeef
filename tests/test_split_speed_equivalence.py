"""The splitter's speed work changes nothing a caller sees.

Each fast path is checked against the plain code it replaced, kept here as its specification,
on seeded random texts drawn from the characters it looks at; and ClaimSpan and Header, now
plain classes instead of frozen dataclasses, still behave as values.
"""

from __future__ import annotations

import datetime
import random
import re

import pytest
import sentencex  # type: ignore[import-untyped]

from factcheck.extract import ClaimSpan, Header, parse_header, split_offsets
from factcheck.extract.header import _ends_sentence_before, ends_sentence
from factcheck.extract.segment import (
    _bracket_after_mark,
    _ellipsis_starts,
    _may_need_correction,
    _opens_list,
    _positions,
    _prepare_body,
    _runs_on,
)

_BLANK_LINE_GAP = re.compile(r"\n[^\S\n]*\n\s*")


def _prepare_body_reference(text: str, body: int) -> tuple[str, list[int]] | None:
    """`_prepare_body` as it was: a regular expression iterator over the blank-line gaps."""
    end = len(text.rstrip())
    if body >= end:
        return "", [0]
    newlines = text.count("\n", body, end)
    if not newlines:
        return text[body:], [0]
    parts: list[str] = []
    starts = [0]
    copied = body
    block_start = body
    for gap in _BLANK_LINE_GAP.finditer(text, body, end):
        gap_start, gap_end = gap.span()
        newlines -= text.count("\n", gap_start, gap_end)
        if gap_start == block_start:
            block_start = gap_end
            continue
        if _runs_on(text, block_start, gap_start, gap_end):
            parts += (text[copied:gap_start], " " * (gap_end - gap_start))
            copied = gap_end
        else:
            if not text.startswith(("\n\n", "\n\r\n"), gap_start):
                parts += (text[copied:gap_start], "\n\n", " " * (gap_end - gap_start - 2))
                copied = gap_end
            starts.append(gap_end - body)
        block_start = gap_end
    if newlines:
        return None
    if not parts:
        return text[body:], starts
    parts.append(text[copied:])
    return "".join(parts), starts


def _random_texts(alphabet: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(count)]


_LINES = ["\n", "\n\n", "\r\n", "\n \n", "\n\t\n  ", " ", "\u2028", "\xa0", "Word", "word", ". ", "of", "!"]


def test_prepare_body_finds_the_gaps_the_regular_expression_found():
    for text in _random_texts(_LINES, 20_000, seed=7):
        for body in (0, 1, 5):
            assert _prepare_body(text, body) == _prepare_body_reference(text, body), repr(text)


def test_bracket_after_mark_is_the_substring_test():
    for text in _random_texts([")", ".", "?", "!", "(", "a", " "], 20_000, seed=11):
        expected = ".)" in text or "?)" in text or "!)" in text
        assert _bracket_after_mark(text) == expected, repr(text)


_MARKER_STARTS = frozenset("-*•‣⁃◦▪–—·(.…0123456789")
_PERIOD_INSIDE_OR_NEAR_END = re.compile(r"\.(?: [^\x00]{2}|[^\x00]{2,3}(?:\x00|\Z))")
_MARK_INSIDE = re.compile(r"[?!] [^\x00]{2}")


def _may_need_correction_reference(stretch: str, pieces: list[str], paragraphs: list[int]) -> bool:
    """`_may_need_correction` as it was: the same tests in another order, some as scans."""
    joined = "\x00".join(pieces)
    if joined.count("\x00") >= len(pieces):
        joined = "\x00".join(piece.replace("\x00", "\x01") for piece in pieces)
    lengths = list(map(len, pieces))
    return (
        "…" in stretch
        or ". ." in stretch
        or (")" in stretch and (".)" in stretch or "?)" in stretch or "!)" in stretch))
        or "://" in stretch
        or "www." in stretch
        or (
            min(lengths, default=8) < 8
            and any(
                len(piece) < 8 and (piece[0] in _MARKER_STARTS or piece[1:2] in (".", ")"))
                for piece in pieces
            )
        )
        or _PERIOD_INSIDE_OR_NEAR_END.search(joined) is not None
        or (("? " in joined or "! " in joined) and _MARK_INSIDE.search(joined) is not None)
        or any(_opens_list(stretch, start) for start in paragraphs)
    )


def _ends(pieces: list[str]) -> list[int]:
    return [sum(map(len, pieces[: index + 1])) for index in range(len(pieces))]


def test_may_need_correction_decides_as_before():
    alphabet = ["…", ". .", ".", "?", "!", ")", "(", "://", "/", "www.", "w", " ", "\x00", "1. ", "a) ", "U.S. "]
    alphabet += ["Word", "word", "more words", "\n\n", "J.D. ", "p.m. "]
    for text in _random_texts(alphabet, 20_000, seed=13):
        pieces = sentencex.segment("en", text)
        assert _may_need_correction(text, pieces, _ends(pieces), [0]) == _may_need_correction_reference(text, pieces, [0]), repr(text)


def _ellipsis_starts_reference(stretch: str) -> list[int]:
    """`_ellipsis_starts` as it was: a search for each kind of ellipsis."""
    starts = [position for position in _positions(stretch, "..") if stretch[position - 1 : position] != "."]
    starts += [
        position
        for position in _positions(stretch, ". .")
        if stretch[position - 2 : position] != ". " and stretch[position - 1 : position] != "."
    ]
    if "…" in stretch:
        starts += [position for position in _positions(stretch, "…") if stretch[position - 1 : position] != "…"]
    return starts


def test_ellipsis_starts_from_the_periods_are_those_the_searches_found():
    for text in _random_texts([".", " ", "…", "a", ". .", "..."], 20_000, seed=17):
        assert _ellipsis_starts(text, _positions(text, ".")) == _ellipsis_starts_reference(text), repr(text)


def test_ends_sentence_before_is_ends_sentence_of_the_copy():
    for text in _random_texts([".", "!", "…", " ", "\n", "\xa0", '"', "”", ")", "a", "»"], 20_000, seed=19):
        for end in range(len(text) + 1):
            assert _ends_sentence_before(text, end) == ends_sentence(text[:end]), (text, end)


def test_claim_span_is_a_value():
    span = ClaimSpan(1, 5, "four")
    assert span == ClaimSpan(start=1, end=5, text="four")
    assert span != ClaimSpan(1, 5, "five")
    assert span != (1, 5, "four")
    assert hash(span) == hash(ClaimSpan(1, 5, "four"))
    assert {span: "kept"}[ClaimSpan(1, 5, "four")] == "kept"
    assert repr(span) == "ClaimSpan(start=1, end=5, text='four')"
    assert (span.start, span.end, span.text) == (1, 5, "four")
    with pytest.raises(AttributeError):
        span.start = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        ClaimSpan(1, 5)  # type: ignore[call-arg]
    match span:
        case ClaimSpan(start, end, text):
            assert (start, end, text) == (1, 5, "four")


def test_header_is_a_value():
    header = Header("Talks resume", datetime.date(2025, 4, 28), 40, byline="Jane Doe")
    assert header == Header(
        title="Talks resume", published=datetime.date(2025, 4, 28), end=40, byline="Jane Doe", dateline=None
    )
    assert Header("T", None, 3) == Header(title="T", published=None, end=3, byline=None, dateline=None)
    assert header != Header("Talks resume", None, 40, byline="Jane Doe")
    assert hash(Header("T", None, 3)) == hash(Header("T", None, 3, None, None))
    assert repr(header) == (
        "Header(title='Talks resume', published=datetime.date(2025, 4, 28), end=40, "
        "byline='Jane Doe', dateline=None)"
    )
    with pytest.raises(AttributeError):
        header.end = 0  # type: ignore[misc]
    with pytest.raises(TypeError):
        Header("T", None, 3, "b", "d", 6)  # type: ignore[call-arg]


def test_parse_header_reads_a_date_line_without_importing_datetime_first():
    header = parse_header("date 2025-04-28 Talks resume\n\nKYIV, April 28 (Reuters) - Talks resumed.")
    assert header.published == datetime.date(2025, 4, 28)
    assert header.dateline == "KYIV, April 28 (Reuters)"
    assert parse_header("date 2025-13-45 Bad date\n\nText.").published is None


def test_split_offsets_keeps_a_nul_in_the_text():
    text = "One\x00 two. Three? Yes! I.e. four.\x00"
    assert split_offsets(text) == split_offsets(text.replace("\x00", "\x00"))
    assert all(text[start:end].strip() == text[start:end] for start, end in split_offsets(text))
