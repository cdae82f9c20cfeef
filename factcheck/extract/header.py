"""The optional header at the top of an article: a `date YYYY-MM-DD headline` line or a headline.

This module also holds the rule for "this block of text stops mid-sentence", because the same
rule decides both whether a first line is a headline and (in `segment`) whether a paragraph runs
on across a blank line: a line that reads as half a sentence is neither a title nor a paragraph.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

# A headline is one line of display text; anything longer is a paragraph without a full stop.
MAX_HEADLINE_CHARS = 200

# `date 2025-04-28 Headline`, as pasted from the newsroom's feed (the seed even starts with a
# space). The date is captured loosely so that an impossible one (2025-13-45) still makes the
# line a header, just without a publication date.
_DATE_LINE = re.compile(
    r"[^\S\n]*date:?[ \t]+(\d{4}-\d{2}-\d{2})(?![\w-])[ \t]*(.*)", re.IGNORECASE
)

# Whitespace-only lines before the first line of text.
_LEADING_BLANK_LINES = re.compile(r"(?:[^\S\n]*\n)*")
# The newline ending the header line plus any whitespace-only lines after it.
_LINE_BREAK_AND_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)*")
_NON_SPACE = re.compile(r"\S")

# Closing quotes and brackets may follow a sentence's final punctuation: `He said "no."`
_CLOSERS = "\"'”’»)]"
_SENTENCE_FINAL = ".!?…"
# A first line ending like this introduces what follows ("Dear readers,", "He wrote:").
_LEAD_IN_ENDINGS = ",;:"

# Words that cannot end an English sentence: articles, possessive determiners, conjunctions,
# complementisers and the few prepositions that are not left stranded ("where are you from" is
# fine, "the absence of" is not). Words that can end a sentence are left out even though they
# often do not: UD English EWT's web text has paragraphs ending "been to", "spot on", "I'm in",
# "a must". Only the lowercase form counts: a Title Case headline capitalises its last word
# ("Worth Fighting For"), while prose cut off mid-sentence keeps it lowercase ("emphasized that").
NON_FINAL_WORDS = frozenset(
    """
    a an the its my your our their every and or but nor that which whose whether because
    although unless whereas than of into onto amid via per
    """.split()
)


@dataclass(frozen=True, slots=True)
class Header:
    """An article's leading header; `end` is where the body starts (0 when there is no header)."""

    title: str | None
    published: datetime.date | None
    end: int


NO_HEADER = Header(title=None, published=None, end=0)


def ends_sentence(line: str) -> bool:
    """Whether `line` ends with sentence-final punctuation, allowing closing quotes or brackets."""
    tail = line.rstrip().rstrip(_CLOSERS)
    return bool(tail) and tail[-1] in _SENTENCE_FINAL


def is_unfinished(block: str) -> bool:
    """Whether `block` stops mid-sentence: no final punctuation and a last word in NON_FINAL_WORDS.

    A paragraph like that runs on across the blank line after it, and a first line like that is
    not a headline.
    """
    tail = block.rstrip()
    return bool(tail) and not ends_sentence(tail) and tail.rsplit(None, 1)[-1] in NON_FINAL_WORDS


def parse_header(text: str) -> Header:
    """Read a leading `date YYYY-MM-DD headline` line or a lone headline from `text`.

    A date line is a header whatever follows it; an invalid date gives `published=None`, and text
    after the date too long to be a headline is left in the body. A plain first line is a
    headline only when it is short, has letters, ends neither a sentence nor a lead-in (`,;:`),
    does not stop mid-sentence, and is followed by a blank line and body text. Otherwise there is
    no header.
    """
    line_start = _LEADING_BLANK_LINES.match(text).end()
    line_end = text.find("\n", line_start)
    if line_end < 0:
        line_end = len(text)
    gap = _LINE_BREAK_AND_BLANK_LINES.match(text, line_end)
    end = gap.end() if gap else len(text)

    dated = _DATE_LINE.fullmatch(text, line_start, line_end)
    if dated:
        title = dated[2].strip()
        if len(title) > MAX_HEADLINE_CHARS:
            # Body text run onto the date line, not a headline: keep it for the claims.
            return Header(title=None, published=_iso_date(dated[1]), end=dated.start(2))
        return Header(title=title or None, published=_iso_date(dated[1]), end=end)

    line = text[line_start:line_end].strip()
    followed_by_blank_line = gap is not None and gap[0].count("\n") >= 2
    if (
        line
        and followed_by_blank_line
        and _NON_SPACE.search(text, end)
        and len(line) <= MAX_HEADLINE_CHARS
        and any(char.isalpha() for char in line)
        and not ends_sentence(line)
        and line[-1] not in _LEAD_IN_ENDINGS
        and not is_unfinished(line)
    ):
        return Header(title=line, published=None, end=end)
    return NO_HEADER


def _iso_date(value: str) -> datetime.date | None:
    # A malformed date in a pasted header should not stop the article from being imported.
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None
