"""The optional header at the top of an article: a date line or headline, a byline, a dateline.

`date YYYY-MM-DD headline` or a lone headline line, then a byline line ("By Jane Doe and John
Roe, Reuters"), then a wire dateline opening the first paragraph ("KYIV, April 28 (Reuters) -"),
each optional. They are metadata: the body, and so the claims, start after them.

This module also holds the rule for "this block of text stops mid-sentence", because the same
rule decides both whether a first line is a headline and (in `segment`) whether a paragraph runs
on across a blank line: a line that reads as half a sentence is neither a title nor a paragraph.
"""

from __future__ import annotations

import re

# Final marks the module's constants for mypyc, which then compiles them as constants rather
# than looking them up at each use. typing (like datetime, needed only for a date line) is
# imported for the type checker only: `factcheck split` need not pay for importing it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime
    from typing import ClassVar, Final


class _LazyPattern:
    """A regular expression compiled on its first use, not at import: `factcheck split` starts
    faster without compiling the long ones most texts never need (a byline, a dateline)."""

    __slots__ = ("_source", "_compiled")

    def __init__(self, source: str) -> None:
        self._source = source
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._source)
        return self._compiled


# A headline is one line of display text; anything longer is a paragraph without a full stop.
MAX_HEADLINE_CHARS: Final = 200

# `date 2025-04-28 Headline`, as pasted from the newsroom's feed (the seed even starts with a
# space). The date is captured loosely so that an impossible one (2025-13-45) still makes the
# line a header, just without a publication date.
_DATE_LINE: Final = re.compile(
    r"[^\S\n]*date:?[ \t]+(\d{4}-\d{2}-\d{2})(?![\w-])[ \t]*(.*)", re.IGNORECASE
)

# Whitespace-only lines before the first line of text.
_LEADING_BLANK_LINES: Final = re.compile(r"(?:[^\S\n]*\n)*")
# The newline ending the header line plus any whitespace-only lines after it.
_LINE_BREAK_AND_BLANK_LINES: Final = re.compile(r"\n(?:[^\S\n]*\n)*")
_NON_SPACE: Final = re.compile(r"\S")

# Closing quotes and brackets may follow a sentence's final punctuation: `He said "no."`
_CLOSERS: Final = "\"'”’»)]"
_SENTENCE_FINAL: Final = ".!?…"
# A first line ending like this introduces what follows ("Dear readers,", "He wrote:").
_LEAD_IN_ENDINGS: Final = ",;:"

# Words that cannot end an English sentence: articles, possessive determiners, conjunctions,
# complementisers and the few prepositions that are not left stranded ("where are you from" is
# fine, "the absence of" is not). Words that can end a sentence are left out even though they
# often do not: UD English EWT's web text has paragraphs ending "been to", "spot on", "I'm in",
# "a must". Only the lowercase form counts: a Title Case headline capitalises its last word
# ("Worth Fighting For"), while prose cut off mid-sentence keeps it lowercase ("emphasized that").
NON_FINAL_WORDS: Final = frozenset(
    """
    a an the its my your our their every and or but nor that which whose whether because
    although unless whereas than of into onto amid via per
    """.split()
)


# "By Jane Doe", "By Jane Doe and John Roe, Reuters", "BY MAX SEDDON, CHRISTOPHER MILLER AND
# HENRY FOY", "By Jane Doe in Kyiv". A name is two to five capitalised words (particles such as
# "van" or "bin" allowed); job titles are not names, so "By Jane Doe, Staff Writer" keeps only
# the name. A single word after "By" ("By Monday, ...") is not a byline, except a news agency's
# name.
_ROLE_WORDS: Final = (
    r"Staff|Writer|Writers|Correspondent|Correspondents|Reporter|Reporters|Editor|Editors"
    r"|Contributor|Columnist|Analyst|Producer|Desk|Bureau|Chief|Senior|Special|News|Press"
)
_NAME_WORD: Final = rf"(?!(?:{_ROLE_WORDS})\b)[A-Z][\w'’.\-]*"
_PARTICLE: Final = r"(?:van|von|der|den|de|del|della|da|di|dos|du|la|le|bin|ibn|al|el|st\.)"
_NAME: Final = rf"{_NAME_WORD}(?:[ \t]+(?:{_PARTICLE}[ \t]+)?{_NAME_WORD}){{1,4}}"
_AGENCY: Final = (
    r"Reuters|AP|AFP|Bloomberg|Interfax|TASS|Tass|Ukrinform|dpa|DPA|Xinhua|ANSA|EFE|UPI"
    r"|Associated[ \t]+Press|Agence[ \t]+France-Presse"
)
_BYLINE: Final = _LazyPattern(
    rf"[^\S\n]*(?:By|BY)[ \t]+(?P<names>{_NAME}(?:(?:[ \t]*,[ \t]*(?:and[ \t]+|AND[ \t]+)?"
    rf"|[ \t]+(?:and|AND|&)[ \t]+){_NAME})*|{_AGENCY})"
    rf"(?:[ \t]+in[ \t]+[A-Z][\w'’\-]*(?:[ \t]+[A-Z][\w'’\-]*)*)?"  # "in Kyiv"
    rf"(?:[ \t]*[,|/–—-][ \t]*[A-Z][\w&.'’\-]*(?:[ \t]+[A-Z][\w&.'’\-]*){{0,3}})?"  # ", Reuters"
    rf"[^\S\n]*(?=\n|$)"
)

# A wire dateline opening the body: "KYIV, April 28 (Reuters) - ", "WASHINGTON (AP) — ",
# "KHARKIV, Ukraine (AP) — ", "MOSCOW — ". The place is in capitals unless an agency in brackets
# follows it; a hyphen needs spaces around it (a dash need not); the body after it starts with a
# capital, a digit or a quotation mark, so "NATO — the alliance — met" is not a dateline.
_DATELINE: Final = _LazyPattern(
    r"(?P<dateline>(?P<place>[A-Z][\w'’.\-]*(?:[ \t]+[A-Z][\w'’.\-]*){0,3})"
    r"(?:,[ \t]+[A-Z][\w.'’\-]*(?:[ \t]+[\w.'’\-]+){0,2}){0,2}"
    r"(?:[ \t]*\((?P<agency>[A-Z][^()\n]{0,40})\))?)"
    r"(?:[ \t]+-{1,2}|[ \t]*[–—])[ \t]*(?=[\"“‘'A-Z0-9])"
)


class Header:
    """An article's leading header; `end` is where the body starts (0 when there is no header).

    `byline` holds the author names of a "By ..." line; `dateline` the place, date and agency
    before the first paragraph's dash ("KYIV, April 28 (Reuters)").

    A value like a frozen dataclass (equal and hashed by its fields, a repr that names them,
    read-only), written out because importing dataclasses (and with it inspect, ast and dis)
    would cost `factcheck split` several milliseconds of start-up.
    """

    __slots__ = ("_title", "_published", "_end", "_byline", "_dateline")
    __match_args__: ClassVar = ("title", "published", "end", "byline", "dateline")

    def __init__(
        self,
        title: str | None,
        published: datetime.date | None,
        end: int,
        byline: str | None = None,
        dateline: str | None = None,
    ) -> None:
        self._title = title
        self._published = published
        self._end = end
        self._byline = byline
        self._dateline = dateline

    @property
    def title(self) -> str | None:
        return self._title

    @property
    def published(self) -> datetime.date | None:
        return self._published

    @property
    def end(self) -> int:
        return self._end

    @property
    def byline(self) -> str | None:
        return self._byline

    @property
    def dateline(self) -> str | None:
        return self._dateline

    def _fields(self) -> tuple[str | None, datetime.date | None, int, str | None, str | None]:
        return self._title, self._published, self._end, self._byline, self._dateline

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Header) and other.__class__ is self.__class__:
            return self._fields() == other._fields()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (
            f"{type(self).__qualname__}(title={self._title!r}, published={self._published!r}, "
            f"end={self._end!r}, byline={self._byline!r}, dateline={self._dateline!r})"
        )


NO_HEADER: Final = Header(title=None, published=None, end=0)


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
    # The last 30 characters hold the whole last word whenever it can be one of NON_FINAL_WORDS.
    return bool(tail) and not ends_sentence(tail) and tail[-30:].split()[-1] in NON_FINAL_WORDS


def parse_header(text: str) -> Header:
    """Read the leading date line or headline, byline and dateline of `text` (each optional).

    A date line (`date YYYY-MM-DD headline`) is a header whatever follows it; an invalid date
    gives `published=None`, and text after the date too long to be a headline is left in the
    body. A plain first line is a headline only when it is short, has letters, ends neither a
    sentence nor a lead-in (`,;:`), does not stop mid-sentence, is not a byline, and is followed
    by a blank line (or a byline on the next line) and body text that does not continue it in
    lowercase. After them may come a "By ..." line and a wire dateline opening the first paragraph
    (see `_BYLINE` and `_DATELINE`); `end` moves past each one found.
    """
    if _certainly_no_header(text):
        return NO_HEADER
    title, published, end = _title_and_date(text)
    byline, end = _byline(text, end)
    dateline, end = _dateline(text, end)
    if end == 0:
        return NO_HEADER
    return Header(title=title, published=published, end=end, byline=byline, dateline=dateline)


def _certainly_no_header(text: str) -> bool:
    """A quick test for what most texts are: no header (`parse_header` gives NO_HEADER).

    A text that starts with a non-blank first line that is neither a date line nor a byline,
    ends a sentence (or is the whole text: no blank line follows it) and cannot open a dateline
    (a capital letter and a dash in reach) has none of the three parts.
    """
    first = text[:1]
    if not first or first.isspace() or text[:4].lower() == "date" or text.startswith(("By", "BY")):
        return False
    if first.isupper():
        head = text[:120]
        if "-" in head or "–" in head or "—" in head:
            return False
    line_end = text.find("\n")
    return line_end < 0 or _ends_sentence_before(text, line_end)


def _ends_sentence_before(text: str, end: int) -> bool:
    """`ends_sentence(text[:end])`, without copying and stripping what may be a whole paragraph."""
    position = end - 1
    while position >= 0 and text[position].isspace():
        position -= 1
    while position >= 0 and text[position] in _CLOSERS:
        position -= 1
    return position >= 0 and text[position] in _SENTENCE_FINAL


def _skip_blank_lines(text: str, position: int) -> int:
    """Where the first line from `position` on that is not blank starts."""
    if not text[position : position + 1].isspace():
        return position  # the usual case: text, not a blank line, starts there
    found = _LEADING_BLANK_LINES.match(text, position)
    return found.end() if found else position


def _title_and_date(text: str) -> tuple[str | None, datetime.date | None, int]:
    """The date line or headline at the start of `text`, and where what follows it starts."""
    line_start = _skip_blank_lines(text, 0) if text[:1].isspace() else 0
    line_end = text.find("\n", line_start)
    if line_end < 0:
        line_end = len(text)
    may_be_dated = text[line_start : line_start + 16].lstrip()[:4].lower() == "date"
    if (
        not may_be_dated
        and line_end - line_start > MAX_HEADLINE_CHARS
        and len(text[line_start:line_end].strip()) > MAX_HEADLINE_CHARS
    ):
        return None, None, 0  # a paragraph, not a headline (the common case, decided quickly)
    gap = _LINE_BREAK_AND_BLANK_LINES.match(text, line_end)
    end = gap.end() if gap else len(text)

    dated = _DATE_LINE.fullmatch(text, line_start, line_end) if may_be_dated else None
    if dated:
        title = dated[2].strip()
        if len(title) > MAX_HEADLINE_CHARS:
            # Body text run onto the date line, not a headline: keep it for the claims.
            return None, _iso_date(dated[1]), dated.start(2)
        return title or None, _iso_date(dated[1]), end

    line = text[line_start:line_end].strip()
    followed_by_blank_line = gap is not None and gap[0].count("\n") >= 2
    if (
        line
        and (
            followed_by_blank_line
            or (gap is not None and _BYLINE.compiled().match(text, end) is not None)
        )
        and (body := _NON_SPACE.search(text, end))
        and not body[0].islower()  # the line continues in the next paragraph: not a headline
        and len(line) <= MAX_HEADLINE_CHARS
        and any(char.isalpha() for char in line)
        and not ends_sentence(line)
        and line[-1] not in _LEAD_IN_ENDINGS
        and not is_unfinished(line)
        and not _BYLINE.compiled().match(text, line_start)
    ):
        return line, None, end
    return None, None, 0


def _byline(text: str, position: int) -> tuple[str | None, int]:
    """The author names of a "By ..." line at `position` (blank lines skipped), and what follows."""
    line_start = _skip_blank_lines(text, position)
    if not text[line_start : line_start + 8].lstrip(" \t").startswith(("By", "BY")):
        return None, position
    found = _BYLINE.compiled().match(text, line_start)
    if not found:
        return None, position
    gap = _LINE_BREAK_AND_BLANK_LINES.match(text, found.end())
    end = gap.end() if gap else len(text)
    if not _NON_SPACE.search(text, end):
        return None, position  # a "By ..." line with nothing after it is not an article's byline
    return " ".join(found["names"].split()), end


def _dateline(text: str, position: int) -> tuple[str | None, int]:
    """The wire dateline opening the paragraph at `position`, and where the body text starts."""
    start = _skip_blank_lines(text, position)
    head = text[start : start + 120]
    if not head[:1].isupper() or not ("-" in head or "–" in head or "—" in head):
        return None, position
    found = _DATELINE.compiled().match(text, start)
    if not found or not (found["agency"] or found["place"].isupper()):
        return None, position
    return " ".join(found["dateline"].split()), found.end()


def _iso_date(value: str) -> datetime.date | None:
    import datetime

    # A malformed date in a pasted header should not stop the article from being imported.
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None
