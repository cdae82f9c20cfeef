"""Splitting an article's body into claims: one sentence per claim, with exact source offsets.

One pass over the text, in four steps:

1. The header (`header.parse_header`: date line or headline, byline, dateline) is metadata and
   is skipped.
2. Paragraphs end at blank lines, unless the text before the blank line stops mid-sentence
   (`header.is_unfinished`), or a paragraph of prose stops without punctuation and the next one
   goes on in lowercase (`_runs_on`).
3. Inside a paragraph a single line break is a hard break before or after a list item and after
   a short line (a subhead, a headline); any other line break is a wrap and reads as a space
   (`_hard_break`).
4. sentencex splits each stretch between hard breaks into sentences; run-on blank lines and
   wraps are shown to it as spaces of the same length, so its offsets stay offsets into the
   text. Where the stretch holds something sentencex is known to get wrong, `_correct` fixes its
   sentence ends: initials before a name ("J.D. Vance"), clock times before a time zone ("3 p.m.
   Kyiv time"), "the U.S." ending a sentence, common words it takes for abbreviations ("art.",
   "me."), ellipses, question and exclamation marks before lowercase, sentences in brackets,
   web addresses, numbered and lettered lists run into one line, and long quotations, which
   sentencex never splits.

sentencex's own `start_index`/`end_index` are not used: `sentencex.segment` returns pieces that
tile its input exactly, so offsets are rebuilt from the pieces' lengths. Most stretches need no
correction, and the checks that decide it, like the rules themselves, look only where a plain
substring search points them: the whole pass stays linear in the length of the text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

import sentencex  # type: ignore[import-untyped]

from factcheck.extract.header import (
    _SENTENCE_FINAL,
    _LazyPattern,
    ends_sentence,
    is_unfinished,
    parse_header,
)

# Final marks the module's constants for mypyc, which then compiles them as constants rather
# than looking them up at each use; typing itself is imported for the type checker only, as
# `factcheck split` need not pay for its import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import ClassVar, Final

LANGUAGE: Final = "en"

# A line shorter than this share of its paragraph's longest line, without final punctuation,
# is a line of its own (a subhead, a headline), not a wrapped part of a sentence.
SHORT_LINE_SHARE: Final = 0.6
# A quotation is kept whole with its attribution ("We are ready. The army is ready," he said.)
# unless that makes a claim longer than this; then it is split at the sentence ends inside it,
# as a reviewer checks a long quoted passage sentence by sentence.
MAX_QUOTED_CLAIM_CHARS: Final = 150

# Paragraphs are given to sentencex in runs of about this many characters (see `_chunks`).
CHUNK_CHARS: Final = 4000

# Words that start sentences rather than continue a name or a title. sentencex breaks after a
# known abbreviation only before one of these; the same test decides after initials ("J.D.").
SENTENCE_STARTERS: Final = frozenset(
    """
    A An The This That These Those It Its He His She Her They Their Them We Our I My You Your
    There Here But And Or Nor So Yet Still Then Now Meanwhile However Moreover Also Instead
    In On At For From With Without By To Of As If When While Where After Before Since Although
    Though Because Once Until Unless During Despite Over Under Some Many Most All Both Each
    Every No Not None Nothing Nobody Several Few What Who Why How Which Whether Yes Such Only
    Even Just Last Next Earlier Later Today Yesterday Tomorrow
    """.split()
)
# First words of sentences that informal text writes in lowercase: a paragraph starting with
# one of them is a new sentence, one starting with another lowercase word may continue the last.
LOWERCASE_SENTENCE_STARTERS: Final = frozenset(
    """
    i i'm i’m i've i’ve i'd i’d i'll i’ll im ive you u he she it it's it’s its we they there
    this that these those the a an my your our his her their what who why how when where which
    if and but so or well just ok okay yes yeah no oh hi hello hey hope please thanks thank sorry
    btw lol http https www
    """.split()
)
# Capitalised words that continue "the U.S." inside a sentence: bodies, offices, titles,
# services, parties ("the U.S. Army", "the U.S. State Department"). Before any other
# capitalised word "the U.S." ends its sentence: "more help from the U.S. Zelensky said".
COUNTRY_NOUN_WORDS: Final = frozenset(
    """
    Administration Agency Air Ambassador Ambassadors Army Assembly Attorney Bank Bureau Cabinet
    Capitol Census Central Chamber Circuit Citizenship Coast Command Commander Commerce
    Commission Commissioner Committee Congress Congressman Congresswoman Constitution Consulate
    Consul Council Court Courts Customs Defense Defence Delegation Democrat Democrats Democratic
    Department Deputy Dollar Embassy Energy Envoy Federal Fed Food Foreign Forces Forest General
    Geological Government Guard Health Homeland House Immigration Intelligence Interior Justice
    Labor Labour Marine Marines Marshal Marshals Military Mint Mission Navy Naval National Office
    Open Park Parliament Patent Postal President Presidency Prime Representative Representatives
    Republican Republicans Reserve Secret Secretary Security Senate Senator Senators Service
    Services Space Special State Supreme Trade Transportation Treasury Vice Veterans
    """.split()
)
# Lowercase abbreviations that a capitalised word may follow inside a sentence ("Pitt, Briggs &
# co. at noon" aside, "vs. Russia", "approx. Kyiv"). sentencex also treats some common words as
# abbreviations ("art." for article, "me." for Maine) and runs "a diversity of art. Destiny
# Allison's sculptures" into one sentence; after any word not listed here, ". " and a capital end
# the sentence.
LOWERCASE_ABBREVIATIONS: Final = frozenset(
    """
    al approx appt apt assn assoc av ave bldg blvd ca cf ch chap co col corp dept dist div ed eds
    esp est et etc ext fig figs ft gal govt hr hrs hwy inc incl intl jr km lb lbs lt ltd max mfg
    mi min mins misc mo mr mrs ms mt nos oz pg pl pp pt pts qt rd rev sec secs sen sq sr st ste tel
    vol vols vs wk wks yd yr yrs
    """.split()
)
# Initials after which a capitalised word does start a new sentence ("at 6 P.M. Mr. Smith").
_TIME_INITIALS: Final = frozenset({"A.M.", "P.M."})
_TIME_ZONE: Final = (
    r"(?:GMT|UTC|BST|CET|CEST|EET|EEST|MSK|EST|EDT|CST|CDT|MST|MDT|PST|PDT|ET|PT|CT|MT|IST"
    r"|JST|KST|AEST|AEDT)\b"
)

# A block ending in one of these ends a sentence (a set: "" is not in it).
_SENTENCE_FINAL_CHARS: Final = frozenset(_SENTENCE_FINAL)
# A blank (whitespace-only) line together with the whitespace around it: the line break that
# ends the previous paragraph, further blank lines, and the next paragraph's indentation.
_BLANK_LINE_GAP: Final = re.compile(r"\n[^\S\n]*\n\s*")
# A claim needs a letter or a digit: "***" or "—" alone is a separator, not a claim.
_ALNUM: Final = re.compile(r"[^\W_]")
_FIRST_WORD: Final = _LazyPattern(r"[\"'“‘(\[]?([\w’'.\-]+)")
_SENTENCE_END_INSIDE: Final = _LazyPattern(r"[.!?…][\"'”’)\]]*\s+[\"“‘(\[]?[A-Z]")

# A list item's marker at the start of a line or of a paragraph: a bullet, or a number or letter
# with "." or ")" (optionally after a bullet: "• 9. ", "⁃10. ").
_LIST_ITEM: Final = _LazyPattern(
    r"[^\S\n]*(?:[-*•‣⁃◦▪–—·](?:[ \t]*(?:\d{1,3}|[A-Za-z])(?:\.\)|[.)]))?|\(?(?:\d{1,3}|[a-z])\)"
    r"|\d{1,3}\.\)?|[a-z]\.)(?=[ \t]+\S)"
)
# The same markers inside a line: "1. The first item 2. The second item".
_INLINE_ITEM: Final = _LazyPattern(
    r"(?<!\S)(?:[•‣⁃◦▪][ \t]*)?\(?(?P<label>\d{1,3}|[A-Za-z])(?P<punct>\.\)|[.)])(?=[ \t]+\S)"
)
_BULLETS: Final = frozenset("-*•‣⁃◦▪–—·(")
# How a piece that is only a list marker or an ellipsis starts ("1. ", "• ", "... ").
_MARKER_STARTS: Final = frozenset("-*•‣⁃◦▪–—·(.…0123456789")
# A piece that is only a list marker ("1.", "• 9.", "a)").
_MARKER_ONLY: Final = _LazyPattern(
    r"(?:[-*•‣⁃◦▪–—·][ \t]*)?\(?(?:\d{1,3}|[A-Za-z])(?:\.\)|[.)])|[-*•‣⁃◦▪·]"
)

# The patterns below start with a literal character where they can, so that scanning a stretch
# is fast; what a lookbehind would check is checked on the few matches instead.
_ENDS_WITH_INITIALS: Final = re.compile(r"(?<![\w.])(?:[A-Za-z]\.){2,}$")
_ENDS_WITH_CLOCK: Final = re.compile(r"\d[ \t]*(?:[ap]\.m\.|[AP]\.M\.)$")
_STARTS_WITH_ZONE: Final = _LazyPattern(
    rf"{_TIME_ZONE}|[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?[ \t]+[Tt]ime\b"
)
_COUNTRY_BEFORE_WORD: Final = _LazyPattern(
    r"(?:U\.S\.(?:A\.)?|U\.K\.|U\.N\.|E\.U\.|U\.A\.E\.|U\.S\.S\.R\.)[ \t]+"
    r"(?=(?P<word>[A-Z][\w’'\-]*))"
)
# An ellipsis (..., …, . . .) and maybe a final period, then a capitalised word: a new sentence.
_ELLIPSIS_BEFORE_CAPITAL: Final = _LazyPattern(
    r"(?:\.\.\.+|…|\.(?:[ \t]\.){2,})(?:[ \t]*[.!?])?[\"'”’)\]]*[ \t]+"
    r"(?=[\"“‘(\[]?(?P<word>[A-Z][\w’']*))"
)
# "... I didn’t mean it": "I" after an ellipsis usually goes on with the same sentence.
_PRONOUN_I: Final = re.compile(r"I(?:['’]\w*)?")
# "compounds. . . . The practice": a sentence's period, then an ellipsis opening the next one.
_PERIOD_THEN_ELLIPSIS: Final = re.compile(r"\.(?=[ \t]+\.[ \t]+\.[ \t]+\.[ \t]+[\"“]?[A-Z])")
# A period and a capitalised word: the sentence ends unless the word before is an abbreviation.
_PERIOD_BEFORE_CAPITAL: Final = _LazyPattern(r"\.[ \t]+(?=[\"“‘(]?[A-Z])")
_LOWERCASE_WORD_BEFORE: Final = _LazyPattern(r"(?<![\w.'’\-])[a-z]{2,}$")
# A question or exclamation mark ends a sentence whatever comes next ("out of site!! I will",
# "as i do ? i dont know"), unless it belongs to a name ("Yahoo! in"), sits in brackets
# ("the alleged (?) attack") or closes a quotation ("“Why now?” asked one official").
_QUESTION_OR_EXCLAMATION: Final = _LazyPattern(r"[?!]+[ \t]+(?=[\"“‘(\[]?\w)")
_SHORT_NAME_BEFORE: Final = re.compile(r"(?<![\w’'])[A-Z][a-z]{1,4}$")
# A closing bracket, then a capitalised word: after "(Laughter.)" a new sentence starts.
_AFTER_BRACKET: Final = _LazyPattern(r"\)[ \t]+(?=[\"“‘(\[]?[A-Z])")
# A web address is a token of its own: another address or a capitalised word after it starts a
# new sentence (a list of links, or a link that ended a sentence without a period).
_ADDRESS_BEFORE_NEXT: Final = _LazyPattern(
    r"(?:https?://|www\.)\S{1,2000}[ \t]+(?=(?:https?://|www\.|[\"“‘(\[]?[A-Z]))"
)
_QUOTES: Final = "\"“”"
_OPENING_QUOTES: Final = "“‘"


class ClaimSpan:
    """One claim: `text == source[start:end]`, offsets counted in Python str characters.

    A value like a frozen dataclass (equal and hashed by its fields, a repr that names them,
    read-only), written out because importing dataclasses (and with it inspect, ast and dis)
    would cost `factcheck split` several milliseconds of start-up.
    """

    __slots__ = ("_start", "_end", "_text")
    __match_args__: ClassVar = ("start", "end", "text")

    def __init__(self, start: int, end: int, text: str) -> None:
        self._start = start
        self._end = end
        self._text = text

    @property
    def start(self) -> int:
        return self._start

    @property
    def end(self) -> int:
        return self._end

    @property
    def text(self) -> str:
        return self._text

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ClaimSpan) and other.__class__ is self.__class__:
            return (self._start, self._end, self._text) == (other._start, other._end, other._text)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._start, self._end, self._text))

    def __repr__(self) -> str:
        return (
            f"{type(self).__qualname__}(start={self._start!r}, end={self._end!r}, "
            f"text={self._text!r})"
        )


def split_claims(text: str) -> list[ClaimSpan]:
    """Split article `text` into sentence claims, skipping a leading header (see parse_header).

    Spans are stripped of surrounding whitespace and hold at least one letter or digit. A sentence
    never crosses a blank line unless the text before the blank line stops mid-sentence (see
    `header.is_unfinished` and `_runs_on`).
    """
    return [ClaimSpan(start, end, text[start:end]) for start, end in split_offsets(text)]


def split_offsets(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each claim `split_claims` finds, without building ClaimSpan objects."""
    bounds: list[tuple[int, int]] = []
    body = parse_header(text).end
    prepared = _prepare_body(text, body)
    if prepared is not None:
        stretch, paragraph_starts = prepared
        if len(stretch) <= CHUNK_CHARS:  # one chunk (most articles and posts)
            _append_sentences(bounds, text, stretch, body, paragraph_starts)
            return bounds
        for start, end, paragraphs in _chunks(paragraph_starts, len(stretch)):
            _append_sentences(bounds, text, stretch[start:end], body + start, paragraphs)
        return bounds
    # Single line breaks inside paragraphs: each paragraph is read line by line.
    for start, end, gaps in _paragraphs(text, body):
        chunk = text[start:end]
        if gaps:
            chunk = _blank_out(chunk, start, gaps)
        if "\n" in chunk:
            for line_start, line_end in _line_stretches(chunk):
                stretch = chunk[line_start:line_end].replace("\r", " ").replace("\n", " ")
                _append_sentences(bounds, text, stretch, start + line_start, [0])
        else:
            _append_sentences(bounds, text, chunk, start, [0])
    return bounds


def _chunks(paragraph_starts: list[int], size: int) -> Iterator[tuple[int, int, list[int]]]:
    """(start, end, paragraph starts relative to start) of runs of whole paragraphs of about
    CHUNK_CHARS; sentencex 1.0.32 drops characters from some inputs of more than 10,000."""
    chunk_start = 0
    paragraphs: list[int] = []
    for paragraph_start in paragraph_starts:
        if paragraph_start - chunk_start > CHUNK_CHARS and paragraphs:
            yield chunk_start, paragraph_start, paragraphs
            chunk_start, paragraphs = paragraph_start, []
        paragraphs.append(paragraph_start - chunk_start)
    yield chunk_start, size, paragraphs


def _prepare_body(text: str, body: int) -> tuple[str, list[int]] | None:
    r"""`text[body:]` as sentencex should see it, with where its paragraphs start; None when a
    paragraph has single line breaks (then `split_offsets` reads paragraph by paragraph).

    sentencex ends a sentence at a blank line ("\n\n") but not at a line of spaces, and never
    joins a sentence across a blank line, so a blank line that ends a paragraph becomes "\n\n"
    and one inside a run-on sentence becomes spaces, always keeping the length: offsets into the
    result stay offsets into the text.
    """
    end = len(text.rstrip())
    if body >= end:
        return "", [0]
    parts: list[str] = []
    starts = [0]
    copied = body
    block_start = body
    # Every line break starts a blank-line gap or is a single line break inside a paragraph.
    # str.find finds them faster than a regular expression search, and most gaps are a bare
    # "\n\n" before the next paragraph's text, which needs no regular expression at all.
    gap_start = text.find("\n", body, end)
    while gap_start >= 0:
        if text.startswith("\n\n", gap_start) and not text[gap_start + 2 : gap_start + 3].isspace():
            gap_end = gap_start + 2
        else:
            gap = _BLANK_LINE_GAP.match(text, gap_start, end)
            if gap is None:
                return None  # a single line break inside a paragraph
            gap_end = gap.end()
        if gap_start == block_start:
            pass  # blank lines before the first paragraph
        elif _runs_on(text, block_start, gap_start, gap_end):
            parts += (text[copied:gap_start], " " * (gap_end - gap_start))
            copied = gap_end
        else:
            if not text.startswith(("\n\n", "\n\r\n"), gap_start):
                parts += (text[copied:gap_start], "\n\n", " " * (gap_end - gap_start - 2))
                copied = gap_end
            starts.append(gap_end - body)
        block_start = gap_end
        gap_start = text.find("\n", gap_end, end)
    if not parts:
        return text[body:], starts
    parts.append(text[copied:])
    return "".join(parts), starts


# --- paragraphs and lines -----------------------------------------------------------------------


def _paragraphs(text: str, offset: int) -> Iterator[tuple[int, int, list[tuple[int, int]]]]:
    """Yield (start, end, joined gaps) for each paragraph of `text` from `offset` on."""
    paragraph_start: int | None = None
    paragraph_end = offset
    gaps: list[tuple[int, int]] = []
    last_block = (0, 0)
    for start, end in _blocks(text, offset):
        if start == end or text[start:end].isspace():
            continue
        if paragraph_start is not None and _runs_on(text, *last_block, start):
            gaps.append((paragraph_end, start))
        else:
            if paragraph_start is not None:
                yield paragraph_start, paragraph_end, gaps
            paragraph_start, gaps = start, []
        paragraph_end = end
        last_block = (start, end)
    if paragraph_start is not None:
        yield paragraph_start, paragraph_end, gaps


def _runs_on(text: str, block_start: int, block_end: int, next_start: int) -> bool:
    """Whether a sentence goes on from the block `text[block_start:block_end]` across the blank
    line into the block starting at `next_start`."""
    if block_end > block_start and text[block_end - 1] in _SENTENCE_FINAL_CHARS:
        return False  # the common case, decided without copying the block's end
    # The end of a block decides, except for the lowercase rule below: no need to copy it all.
    tail = text[max(block_start, block_end - 80) : block_end].rstrip()
    if tail[-1:] in _SENTENCE_FINAL_CHARS or ends_sentence(tail):
        # The common cases, decided as the tests below would: the block ends a sentence, maybe
        # inside quotation marks or brackets (then it is not unfinished either).
        return False
    if not tail or is_unfinished(tail):
        return bool(tail)
    # "Kyiv was shelled. Officials said the convoy\n\nwas hit near Sumy": edited prose does not
    # start a paragraph in lowercase. Informal text does, after a short line of its own ("Let me
    # know\n\nyou don't") or with a pronoun, a determiner or the like ("you should ask", "the
    # one I like"); so only a paragraph of prose (one with a finished sentence in it) runs on,
    # and not into a paragraph starting with one of those words.
    if not text[next_start : next_start + 1].islower() or tail[-1] in ":;":
        return False
    if not _SENTENCE_END_INSIDE.compiled().search(text, block_start, block_end):
        return False
    first_word = _FIRST_WORD.compiled().match(text, next_start)
    return first_word is not None and first_word[1].lower() not in LOWERCASE_SENTENCE_STARTERS


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


def _line_stretches(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of the stretches of `paragraph` between hard line breaks (see `_hard_break`)."""
    lines = paragraph.split("\n")
    longest = max(len(line.strip()) for line in lines)
    stretches: list[tuple[int, int]] = []
    stretch_start = 0
    position = 0
    for line, next_line in zip(lines, lines[1:]):
        line_end = position + len(line)
        if _hard_break(line, next_line, longest):
            stretches.append((stretch_start, line_end))
            stretch_start = line_end + 1
        position = line_end + 1
    stretches.append((stretch_start, len(paragraph)))
    return stretches


def _hard_break(line: str, next_line: str, longest: int) -> bool:
    """Whether the line break between `line` and `next_line` ends a claim, not just a line."""
    current = line.strip()
    following = next_line.lstrip()
    if not current or not following:
        return False
    short = len(current) < SHORT_LINE_SHARE * longest and not is_unfinished(current)
    if _LIST_ITEM.compiled().match(following):
        # "1." at the start of a wrapped line ("rose to\n10. Officials said") is not an item.
        return (
            bool(_LIST_ITEM.compiled().match(current))
            or short
            or current[-1] in ".!?…:;”’\"')"
        )
    if _LIST_ITEM.compiled().match(current):
        # An item ends at the line break unless the next line carries on its text (indented or
        # in lowercase).
        return not next_line[:1].isspace() and not following[0].islower()
    return short and not ends_sentence(current) and not following[0].islower()


# --- sentences ----------------------------------------------------------------------------------


def _append_sentences(
    bounds: list[tuple[int, int]], source: str, stretch: str, offset: int, paragraphs: list[int]
) -> None:
    """Append the (start, end) in `source` of each sentence of `stretch`, which starts at
    `offset` in `source` and has paragraphs starting at `paragraphs` (offsets into it)."""
    pieces: list[str] = sentencex.segment(LANGUAGE, stretch)
    tiled = "".join(pieces) == stretch
    if not tiled:
        pieces = _tiling(stretch, pieces)
    # Where each piece ends, and the longest piece: one loop, rather than max(map(len, ...)) and
    # another loop in each of the tests below.
    cuts: list[int] = []
    longest = 0
    position = 0
    for piece in pieces:
        if len(piece) > longest:
            longest = len(piece)
        position += len(piece)
        cuts.append(position)
    long_quotation = longest > MAX_QUOTED_CLAIM_CHARS and (
        '"' in stretch or "“" in stretch or "”" in stretch
    )
    if tiled and (long_quotation or _may_need_correction(stretch, pieces, cuts, paragraphs)):
        cuts = _correct(stretch, pieces, cuts, paragraphs)
        pieces = [stretch[start:end] for start, end in zip([0, *cuts], cuts)]
    # The pieces are `stretch`'s text, which is `source`'s but for whitespace shown as spaces,
    # so stripping a piece gives the claim's bounds in `source`.
    start = offset
    for piece in pieces:
        text = piece.strip()
        if text and (text[0].isalnum() or _ALNUM.search(text)):
            if text[0] == piece[0]:
                bounds.append((start, start + len(text)))
            else:  # leading whitespace
                text_start = start + len(piece) - len(piece.lstrip())
                bounds.append((text_start, text_start + len(text)))
        start += len(piece)


def _tiling(stretch: str, pieces: list[str]) -> list[str]:
    """The leading `pieces` that tile `stretch`, then the rest of `stretch` as one piece.

    sentencex's pieces have always tiled their input; if a version stops doing so, the rest of
    the stretch stays one claim rather than text being lost or offsets misplaced.
    """
    kept: list[str] = []
    position = 0
    for piece in pieces:
        if not stretch.startswith(piece, position):
            break
        kept.append(piece)
        position += len(piece)
    if position < len(stretch):
        kept.append(stretch[position:])
    return kept


def _may_need_correction(
    stretch: str, pieces: list[str], cuts: list[int], paragraphs: list[int]
) -> bool:
    """Whether `stretch` holds anything `_correct` has a rule for (cheap substring tests).

    `pieces` are sentencex's, tiling `stretch` and ending at `cuts`. The tests are independent,
    so they run cheapest first: a test for one character is a memchr, one for a longer needle a
    slower scan.
    """
    if "…" in stretch:
        return True
    for piece in pieces:
        # A short piece may be a list marker or an ellipsis that sentencex cut off.
        if len(piece) < 8 and (piece[0] in _MARKER_STARTS or piece[1:2] in (".", ")")):
            return True
    return (
        ("/" in stretch and "://" in stretch)
        or _bracket_after_mark(stretch)
        or _mark_inside(stretch, cuts)
        or ". ." in stretch
        or "www." in stretch
        or _opens_any_list(stretch, paragraphs)
    )


def _opens_any_list(stretch: str, paragraphs: list[int]) -> bool:
    """Whether a list marker starts one of the paragraphs starting at `paragraphs`."""
    for start in paragraphs:
        if _opens_list(stretch, start):
            return True
    return False


def _bracket_after_mark(stretch: str) -> bool:
    """Whether `stretch` holds ".)", "?)" or "!)": one search for ")" rather than three scans."""
    position = stretch.find(")", 1)
    while position > 0:
        if stretch[position - 1] in ".?!":
            return True
        position = stretch.find(")", position + 1)
    return False


def _mark_inside(stretch: str, cuts: list[int]) -> bool:
    """Whether one of sentencex's pieces of `stretch` (ending at `cuts`) holds a period, question
    or exclamation mark and a space before its last two characters (an abbreviation, "the U.S.
    Zelensky", "art. Destiny", "sight!! I will"), or ends like initials, a clock time or an
    abbreviation (a period three or four characters from its end: "J.D. ", "p.m. ", "U.S. ").

    The marks are few: a search for each finds them, and the cut after each, far faster than a
    regular expression over the pieces or a test of each piece.
    """
    for mark in (".", "?", "!"):
        position = stretch.find(mark)
        index = 0
        while position >= 0:
            while cuts[index] <= position:
                index += 1
            left = cuts[index] - position  # from the mark to its piece's end
            if (left >= 4 and stretch[position + 1] == " ") or (
                mark == "." and (left == 3 or left == 4)
            ):
                return True
            position = stretch.find(mark, position + 1)
    return False


def _opens_list(stretch: str, start: int) -> bool:
    """Whether a list marker ("1. ", "a) ", "• ") starts `stretch` at `start`."""
    first = stretch[start : start + 1]
    if first in _BULLETS:
        return _LIST_ITEM.compiled().match(stretch, start) is not None
    head = stretch[start : start + 5]
    return (
        (first.isdigit() or first.islower())
        and ("." in head or ")" in head)
        and _LIST_ITEM.compiled().match(stretch, start) is not None
    )


def _correct(
    stretch: str, pieces: list[str], cuts: list[int], paragraphs: list[int]
) -> list[int]:
    """Sentence ends for `stretch`: sentencex's `pieces` (ending at `cuts`), fixed where sentencex
    is known to err.

    Each rule looks only at the places a plain substring search finds for it ("U.", "...", "?",
    ".)", "://"), so a stretch costs little more than those searches.
    """
    kept = _kept_cuts(stretch, pieces, cuts)
    cut_set = set(cuts)
    added: set[int] = set()
    removed: set[int] = set()
    # One search for "." finds what searches for "U.", "..", ". ." and ". " would find, faster:
    # a needle of one character is a memchr, a longer one a slower scan.
    periods = _positions(stretch, ".")
    for period in periods if "U" in stretch else []:
        if period == 0 or stretch[period - 1] != "U":
            continue
        position = period - 1
        # "the U.S. Zelensky": the country ends the sentence unless a body or title follows.
        for start in (position, position - 2):  # U.S., U.K., U.N. ...; E.U.
            if stretch[max(0, start - 4) : start].lower() != "the ":
                continue  # the usual case, found before the regular expression runs
            found = _COUNTRY_BEFORE_WORD.compiled().match(stretch, start)
            if (
                found
                and not _follows_word(stretch, start - 4)
                and (word := found["word"]) not in COUNTRY_NOUN_WORDS
                and word.isalpha()
                and not word.isupper()
            ):
                added.add(found.end())
    for position in _ellipsis_starts(stretch, periods):
        found = _ELLIPSIS_BEFORE_CAPITAL.compiled().match(stretch, position)
        if not found or _PRONOUN_I.fullmatch(found["word"]):
            continue
        if stretch.startswith(". ", position) and _follows_word(stretch, position):
            # "compounds. . . . The practice": the sentence ends at its period and the
            # ellipsis opens the next one, so there is no end between it and the capital.
            if _PERIOD_THEN_ELLIPSIS.match(stretch, position):
                added.add(position + 1)
                removed.add(found.end())
        elif stretch[position - 1 : position] != "[":  # "[...]" marks a cut in a quotation
            added.add(found.end())
    if len(periods) > len(kept) + 1:
        # Periods inside sentencex's sentences: "a diversity of art. Destiny Allison's".
        last = len(stretch) - 1
        for position in periods:
            if position == last or stretch[position + 1] != " ":
                continue
            if position + 2 in cut_set and stretch[position + 2 : position + 3] not in (" ", "\t"):
                continue  # the usual case: sentencex ends a sentence after this period and space
            found = _PERIOD_BEFORE_CAPITAL.compiled().match(stretch, position)
            if found and found.end() not in cut_set:
                word = _LOWERCASE_WORD_BEFORE.compiled().search(
                    stretch, max(0, position - 30), position
                )
                if word and word[0] not in LOWERCASE_ABBREVIATIONS:
                    added.add(found.end())
    for mark in ("?", "!") if "?" in stretch or "!" in stretch else ():
        for position in _positions(stretch, mark):
            if stretch[position - 1 : position] in ("?", "!"):
                continue  # the rest of a "?!" or "!!" run
            found = _QUESTION_OR_EXCLAMATION.compiled().match(stretch, position)
            if not found or found.end() in cut_set:
                continue
            before = stretch[max(0, position - 8) : position]
            if not before.endswith(("(", "[")) and not _SHORT_NAME_BEFORE.search(before):
                added.add(found.end())
    for position in _positions(stretch, ")") if ")" in stretch else []:
        # "(Laughter.) This is not a filibuster.": a whole sentence in brackets.
        position -= 1  # where ".)", "?)" or "!)" starts
        if position >= 0 and stretch[position] in ".?!":
            found = _AFTER_BRACKET.compiled().match(stretch, position + 1)
            window = max(0, position - MAX_QUOTED_CLAIM_CHARS)
            opening = stretch.rfind("(", window, position)
            if found and opening > stretch.rfind(")", window, position) and _ALNUM.search(
                stretch, opening, position
            ):
                added.add(found.end())
    for needle in ("://", "www."):
        if needle == "://" and "/" not in stretch:
            continue  # a search for "/" is far faster than one for "://"
        address_end = 0
        for position in _positions(stretch, needle):
            if needle == "://":
                position -= 5 if stretch[position - 5 : position] == "https" else 4
            if position < address_end:
                continue  # inside the address found last
            found = _ADDRESS_BEFORE_NEXT.compiled().match(stretch, max(position, 0))
            if found and not _follows_word(stretch, position):
                added.add(found.end())
                address_end = found.end()
    # sentencex keeps a quotation whole; so do these rules, unless the claim would be too long.
    if added:
        added = {cut for cut in added if not _in_short_quotation(stretch, kept, cut)}
    for index, start in enumerate(paragraphs):
        if _opens_list(stretch, start):
            end = paragraphs[index + 1] if index + 1 < len(paragraphs) else len(stretch)
            markers = _list_markers(stretch, start, end)
            added.update(marker_start for marker_start, _ in markers[1:])
            for left, right in markers:  # no sentence end between a marker and its text
                index = bisect.bisect_right(kept, left)
                while index < len(kept) and kept[index] <= right + 1:
                    removed.add(kept[index])
                    index += 1
    if added or removed or len(kept) + 1 != len(cuts):
        cuts = sorted(({*kept, *added} - removed - {0}) | {len(stretch)})
    if ('"' in stretch or "“" in stretch or "”" in stretch) and any(
        end - start > MAX_QUOTED_CLAIM_CHARS for start, end in zip([0, *cuts], cuts)
    ):
        cuts = _split_long_quotations(stretch, cuts)
    return cuts


def _ellipsis_starts(stretch: str, periods: list[int]) -> list[int]:
    """Where each run of dots ("...", ". . .") or of "…" starts, once per run; `periods` are
    where the periods in `stretch` are."""
    # Tests of single characters, not slices or startswith: compiled, they copy nothing.
    last = len(stretch) - 1
    starts = [
        position
        for position in periods
        if position < last
        and stretch[position + 1] == "."
        and (position == 0 or stretch[position - 1] != ".")
    ]
    starts += [
        position
        for position in periods
        if position < last - 1
        and stretch[position + 1] == " "
        and stretch[position + 2] == "."
        and (position < 2 or stretch[position - 2] != "." or stretch[position - 1] != " ")
        and (position == 0 or stretch[position - 1] != ".")
    ]
    if "…" in stretch:
        starts += [
            position
            for position in _positions(stretch, "…")
            if stretch[position - 1 : position] != "…"
        ]
    return starts


def _positions(text: str, needle: str) -> list[int]:
    """Where `needle` occurs in `text` (str.find: far faster than a regular expression scan)."""
    found: list[int] = []
    position = text.find(needle)
    while position >= 0:
        found.append(position)
        position = text.find(needle, position + 1)
    return found


def _follows_word(stretch: str, position: int) -> bool:
    """Whether the character before `position` belongs to a word (or is a period)."""
    return position > 0 and (stretch[position - 1].isalnum() or stretch[position - 1] in "._")


def _kept_cuts(stretch: str, pieces: list[str], cuts: list[int]) -> list[int]:
    """sentencex's sentence ends (all but the stretch's end) less those inside a sentence."""
    kept: list[int] = []
    for piece, cut in zip(pieces, cuts[:-1]):
        # Most pieces end "word. ": only a cut with no space on either side, or after a piece
        # ending like initials ("J.D. "), a clock time ("p.m. ") or a short one (a list marker,
        # an ellipsis) can be wrong.
        if (
            len(piece) > 11
            and piece[-4] != "."
            and piece[-3] != "."
            and (piece[-1].isspace() or stretch[cut].isspace())
        ):
            kept.append(cut)
            continue
        spaced = piece[-1:].isspace() or stretch[cut : cut + 1].isspace()
        if not spaced:
            if piece and piece[-1] in _QUOTES and piece[-2:-1].isspace():
                cut -= 1  # 'say? "THE PRESIDENT:': the opening quotation mark starts the sentence
            elif stretch[cut : cut + 1].islower():
                continue  # no space and a lowercase word: "thought ...to follow"
        tail = piece.rstrip()
        if len(tail) > 8 and tail[-3:-2] != ".":
            kept.append(cut)
            continue
        last = kept[-1] if kept else 0
        if not tail and last == cut - len(piece):
            kept.append(cut)  # a blank piece (between paragraphs) after a sentence end
            continue
        # The piece since the last kept cut; only its end matters unless it is short.
        start = max(last, cut - 40)
        if not _wrong_cut(stretch, stretch[start:cut].rstrip(), cut):
            kept.append(cut)
    return kept


def _wrong_cut(stretch: str, piece: str, cut: int) -> bool:
    """Whether sentencex's sentence end at `cut` (after `piece`) falls inside a sentence."""
    piece = piece.lstrip()
    if not piece:
        return False
    word = _FIRST_WORD.compiled().match(stretch, cut)
    if not word:
        return False
    next_word = word[1]
    if _ENDS_WITH_CLOCK.search(piece):
        return bool(_STARTS_WITH_ZONE.compiled().match(stretch, cut))
    initials = _ENDS_WITH_INITIALS.search(piece)
    if initials:
        # "J.D. Vance": initials before a capitalised word that does not start a sentence.
        return (
            initials[0].upper() not in _TIME_INITIALS
            and next_word[0].isupper()
            and next_word not in SENTENCE_STARTERS
        )
    # A list marker alone ("1.") or an ellipsis opening the next sentence belongs to it.
    return bool(_MARKER_ONLY.compiled().fullmatch(piece)) or (
        piece.startswith(("...", "…", ". .")) and not _ALNUM.search(piece)
    )


def _in_short_quotation(stretch: str, cuts: list[int], position: int) -> bool:
    """Whether `position` is inside a quotation opened in its sentence (between sorted `cuts`)
    and that sentence is short enough to keep whole (see MAX_QUOTED_CLAIM_CHARS)."""
    index = bisect.bisect_left(cuts, position)
    start = cuts[index - 1] if index else 0
    end = cuts[index] if index < len(cuts) else len(stretch)
    if end - start > MAX_QUOTED_CLAIM_CHARS:
        return False
    before = stretch[start:position]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _list_markers(stretch: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of the markers of a list opening `stretch[start:end]` and running on in it.

    Only markers numbered (or lettered) in sequence after the one opening the paragraph count:
    "1. The first item 2. The second item" has two, "1. Talks on page 5. They failed" one.
    """
    first = _INLINE_ITEM.compiled().match(stretch, start, end)
    if not first:
        return []
    markers = [(first.start(), first.end())]
    expected = _next_label(first["label"])
    for found in _INLINE_ITEM.compiled().finditer(stretch, first.end(), end):
        if found["label"] == expected and found["punct"] == first["punct"]:
            markers.append((found.start(), found.end()))
            expected = _next_label(expected)
    return markers


def _next_label(label: str) -> str:
    return str(int(label) + 1) if label.isdigit() else chr(ord(label) + 1)


def _split_long_quotations(stretch: str, cuts: list[int]) -> list[int]:
    """Add the sentence ends inside quotations of claims longer than MAX_QUOTED_CLAIM_CHARS."""
    result: list[int] = []
    start = 0
    for end in cuts:
        if end - start <= MAX_QUOTED_CLAIM_CHARS:
            result.append(end)
            start = end
            continue
        piece = stretch[start:end]
        # str.translate would map every character through a dict: replace is far faster.
        unquoted = piece.replace('"', " ").replace("“", " ").replace("”", " ")
        inner_pieces = sentencex.segment(LANGUAGE, unquoted) if unquoted != piece else []
        if "".join(inner_pieces) == unquoted:  # pieces that tile it
            position = start
            for inner in inner_pieces[:-1]:
                position += len(inner)
                if stretch[position : position + 1].islower():
                    continue  # "Why now?" asked one official.
                # The quotation mark that opens the next sentence belongs to it.
                cut = position
                while cut - 1 > start and (
                    stretch[cut - 1] in _OPENING_QUOTES
                    or (stretch[cut - 1] == '"' and stretch[cut - 2].isspace())
                ):
                    cut -= 1
                result.append(cut)
        result.append(end)
        start = end
    return result
