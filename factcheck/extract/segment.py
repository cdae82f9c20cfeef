"""Splitting an article's body into claims: one sentence per claim, with exact source offsets.

Paragraphs are found here (blank lines, with the run-on rule from `header.is_unfinished`), and
sentences inside each paragraph come from sentencex. sentencex's own `start_index`/`end_index`
are Python character offsets in 1.0.32, but we do not depend on their unit: `sentencex.segment`
returns pieces that tile its input exactly, so offsets are rebuilt from the pieces' lengths.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import sentencex

from factcheck.extract.header import is_unfinished, parse_header

LANGUAGE = "en"

# A blank (whitespace-only) line together with the whitespace around it: the line break that
# ends the previous paragraph, further blank lines, and the next paragraph's indentation.
_BLANK_LINE_GAP = re.compile(r"\n[^\S\n]*\n\s*")


@dataclass(frozen=True, slots=True)
class ClaimSpan:
    """One claim: `text == source[start:end]`, offsets counted in Python str characters."""

    start: int
    end: int
    text: str


def split_claims(text: str) -> list[ClaimSpan]:
    """Split article `text` into sentence claims, skipping a leading header (see parse_header).

    Spans are stripped of surrounding whitespace and hold at least one letter or digit. A sentence
    never crosses a blank line unless the text before the blank line stops mid-sentence (see
    `header.is_unfinished`).
    """
    spans: list[ClaimSpan] = []
    for start, end, gaps in _paragraphs(text, parse_header(text).end):
        chunk = text[start:end]
        if gaps:
            # sentencex breaks at a blank line whatever precedes it, so a run-on paragraph is
            # shown to it with the blank lines turned into spaces. The length is unchanged, so
            # offsets into the chunk stay offsets into `text`.
            chunk = _blank_out(chunk, start, gaps)
        _append_sentences(spans, text, chunk, start)
    return spans


def _paragraphs(text: str, offset: int) -> Iterator[tuple[int, int, list[tuple[int, int]]]]:
    """Yield (start, end, joined gaps) for each paragraph of `text` from `offset` on."""
    paragraph_start: int | None = None
    paragraph_end = offset
    gaps: list[tuple[int, int]] = []
    last_block = ""
    for start, end in _blocks(text, offset):
        block = text[start:end]
        if not block or block.isspace():
            continue
        if paragraph_start is not None and is_unfinished(last_block):
            gaps.append((paragraph_end, start))
        else:
            if paragraph_start is not None:
                yield paragraph_start, paragraph_end, gaps
            paragraph_start, gaps = start, []
        paragraph_end = end
        last_block = block
    if paragraph_start is not None:
        yield paragraph_start, paragraph_end, gaps


def _blocks(text: str, offset: int) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of the stretches of `text` between blank lines, from `offset` on."""
    position = offset
    for gap in _BLANK_LINE_GAP.finditer(text, offset):
        yield position, gap.start()
        position = gap.end()
    yield position, len(text)


def _blank_out(chunk: str, offset: int, gaps: list[tuple[int, int]]) -> str:
    """Replace the `gaps` (absolute offsets) inside `chunk` with the same number of spaces."""
    pieces: list[str] = []
    position = 0
    for gap_start, gap_end in gaps:
        pieces.append(chunk[position : gap_start - offset])
        pieces.append(" " * (gap_end - gap_start))
        position = gap_end - offset
    pieces.append(chunk[position:])
    return "".join(pieces)


def _append_sentences(spans: list[ClaimSpan], source: str, chunk: str, offset: int) -> None:
    """Append a span for each sentence sentencex finds in `chunk` (which starts at `offset`)."""
    position = 0
    for piece in sentencex.segment(LANGUAGE, chunk):
        if not chunk.startswith(piece, position):
            # sentencex no longer tiles its input: keep the rest of the paragraph as one span
            # rather than lose text or misplace offsets.
            break
        _append_span(spans, source, offset + position, offset + position + len(piece))
        position += len(piece)
    if position < len(chunk):
        _append_span(spans, source, offset + position, offset + len(chunk))


def _append_span(spans: list[ClaimSpan], source: str, start: int, end: int) -> None:
    """Append source[start:end] stripped of surrounding whitespace, if it has a letter or digit."""
    raw = source[start:end]
    text = raw.strip()
    # A piece with no letter or digit ("***", "—") is a separator or stray mark, not a claim.
    if any(char.isalnum() for char in text):
        start += len(raw) - len(raw.lstrip())
        spans.append(ClaimSpan(start=start, end=start + len(text), text=text))
