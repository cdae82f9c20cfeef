"""Reviewer Markdown (and search snippets, charts and JSON-LD blocks) to safe HTML: the one place in factcheck that
turns HTML into Markup.

Python-Markdown renders, nh3 sanitizes against an allowlist, and only then is the result marked
safe. The sanitizer is the guarantee; the Markdown set-up (raw HTML escaped, images shown as links,
nesting and link scanning bounded) keeps the output sensible and the work bounded on hostile input.

What survives sanitizing:

- elements: the ones this Markdown set-up produces, nothing else (``ALLOWED_TAGS``): paragraphs,
  headings, emphasis, lists, block quotes, code, tables, rules, line breaks and links. No
  ``img``: Markdown images become links to the image, because a picture in a rationale would be
  fetched from a third party by every reviewer's browser (and reviewers work offline);
- attributes: ``href`` and ``title`` on links, ``start`` on ordered lists, ``align`` (left, right
  or center) on table cells. No ``class``, ``id``, ``style``, ``on*``, ``hx-*`` or ``data-*``;
- links: absolute ``http``, ``https`` and ``mailto`` URLs only; relative URLs (``/claims/1``,
  ``#note``, protocol-relative ``//host``) lose their ``href``, because a rationale cites outside
  sources and an in-app link could point a reviewer at an action. Every link gets
  ``rel="nofollow noopener noreferrer"``.

Raw HTML is not interpreted: ``<b>`` shows as the text "<b>".

Bounded work: Python-Markdown has recursion and quadratic paths that a 20,000-character text can
hit (1,000 "- " list markers raise RecursionError; 8,000 "[" take seconds). This module bounds
nesting (MAX_BLOCK_NESTING), and replaces the slow pieces on each converter's own processor
instances with ones that give the same output on ordinary text. bench/markdown_pathological.py
measures them.
"""

from __future__ import annotations

import bisect
import json
import logging
import re
import secrets
import xml.etree.ElementTree as etree  # noqa: N813 (Python-Markdown's own name for it)
from collections.abc import Callable
from typing import Any

import markdown
import nh3
from markdown.blockparser import BlockParser
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup, escape

log = logging.getLogger(__name__)

RATIONALE_MAX_CHARS = 20_000
"""The longest rationale factcheck stores or renders, in characters."""

MAX_BLOCK_NESTING = 24
"""How deep block quotes and lists may nest; anything deeper is shown as plain text."""

MAX_LINK_TEXT_NESTING = 8
"""How deep square brackets may nest inside a link's text; deeper, it is not a link."""

MAX_LINK_TARGET_CHARS = 4_096
"""Characters scanned for the closing parenthesis of a link's ``(url "title")``."""

TABLE_TEST_LINES = 16
"""Lines of a block the tables extension reads to decide whether the block is a table."""

LINK_SCAN_CHARS_PER_INPUT_CHAR = 10
"""Link-target scanning budget per character of input; past it, nothing more becomes a link."""

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
        "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style"},
    attributes={"a": {"href", "title"}, "ol": {"start"}},
    tag_attribute_values={
        "th": {"align": {"left", "right", "center"}},
        "td": {"align": {"left", "right", "center"}},
    },
    url_schemes={"http", "https", "mailto"},
    url_relative="deny",
    link_rel="nofollow noopener noreferrer",
    strip_comments=True,
)

# Lone surrogates cannot be encoded for the sanitizer; this round trip joins valid pairs and
# turns lone ones into U+FFFD.
_SURROGATE = re.compile("[\ud800-\udfff]")
# Control characters have no place in HTML, and Python-Markdown uses \x02 and \x03 as its own
# placeholder delimiters, so input must never contain them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _link_text_pattern(nesting: int) -> re.Pattern[str]:
    """Text with balanced square brackets nested at most ``nesting`` deep, then the closing "]".

    Possessive quantifiers: a failed match gives up at once instead of backtracking.
    """
    text = r"[^\[\]]*+"
    for _ in range(nesting):
        text = rf"[^\[\]]*+(?:\[{text}\][^\[\]]*+)*+"
    return re.compile(text + r"\]")


_FENCE = re.compile(r"(?P<fence>`{3,}|~{3,}) *(?:\{[^}\n]*\}|\.?[\w#.+-]*) *")
_SEPARATOR_ROW = re.compile(r"[|:\-\s]*")
_BACKTICKS = re.compile("`*")
_BACKTICKS_RUN = re.compile("`+")
_LINK_TEXT = _link_text_pattern(MAX_LINK_TEXT_NESTING)

# Python-Markdown's processors that scan for the end of "[text]" and, for inline links and images,
# "(url "title")". Both scans are plain loops that may run to the end of the text, once per "[",
# which is quadratic on input such as 8,000 "[" characters.
_LINK_PROCESSORS = (
    "reference", "link", "image_link", "image_reference", "short_reference", "short_image_ref",
)  # fmt: skip


def render_markdown(text: str, *, limit: int = RATIONALE_MAX_CHARS) -> Markup:
    """Render reviewer Markdown as sanitized HTML; text over ``limit`` characters gets a notice instead."""
    if len(text) > limit:
        return Markup("<p>{}</p>").format(
            f"This text is too long to render ({len(text):,} characters; the limit is {limit:,})."
        )
    source = _clean_characters(text)
    try:
        # A floor on the budget, so that a short text with a long link still gets its link.
        converter = _markdown(link_scan_budget=LINK_SCAN_CHARS_PER_INPUT_CHAR * max(len(source), 1_000))
        html = converter.convert(source)
        return Markup(_CLEANER.clean(html))
    except Exception:
        # Never let one odd rationale break a page: show it as escaped text, and say so in the log.
        log.exception("Markdown rendering failed; showing the text unformatted")
        return Markup("<p>{}</p>").format(source)


def highlight_marks() -> tuple[str, str]:
    """A fresh pair of strings for a full-text index to put around the words a search found
    (factcheck.search): random each time, so no stored text can hold them and forge a mark."""
    token = secrets.token_hex(6)
    return f"\ue000{token}>", f"<{token}\ue001"


def highlighted(text: str, marks: tuple[str, str]) -> Markup:
    """A search snippet as HTML: its text escaped, the words between `marks` in <mark>."""
    start, end = marks
    html, open_mark = [], False
    for piece in re.split(f"({re.escape(start)}|{re.escape(end)})", text):
        if piece == start and not open_mark:
            html.append("<mark>")
            open_mark = True
        elif piece == end and open_mark:
            html.append("</mark>")
            open_mark = False
        elif piece not in marks:
            html.append(str(escape(piece)))
    if open_mark:
        html.append("</mark>")
    return Markup("".join(html))


#: What a chart from factcheck.report.charts may hold, and nothing else (checked by inline_svg).
SVG_ELEMENTS = frozenset({"svg", "title", "desc", "g", "rect", "line", "text", "tspan"})
SVG_ATTRIBUTES = frozenset({
    "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "rx", "dx", "dy", "role", "aria-labelledby",
    "id", "class", "fill", "stroke", "stroke-width", "stroke-dasharray", "font-family", "font-size", "font-weight",
    "text-anchor",
})  # fmt: skip
_SVG = "{http://www.w3.org/2000/svg}"


def inline_svg(svg: str) -> Markup:
    """A chart drawn by factcheck.report.charts, checked and marked safe to inline in a page.

    The chart writer escapes every label itself; this is the guarantee, as nh3 is for Markdown: the
    document must parse as XML (so no label broke out of its text), be one <svg> in the SVG
    namespace, and hold only SVG_ELEMENTS with SVG_ATTRIBUTES (no script, style, link or event
    handler, so the page's CSP has nothing to refuse). Anything else raises ValueError.
    """
    if "<!" in svg or "<?" in svg:  # a doctype, comment, CDATA or processing instruction: never in a chart
        raise ValueError("an SVG chart holds no declarations, comments or processing instructions")
    try:
        root = etree.fromstring(svg)
    except etree.ParseError as error:
        raise ValueError(f"not a well-formed SVG document: {error}") from None
    if root.tag != f"{_SVG}svg":
        raise ValueError(f"not an SVG document: <{root.tag}>")
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag.startswith(_SVG) or tag.removeprefix(_SVG) not in SVG_ELEMENTS:
            raise ValueError(f"an SVG element charts do not use: <{tag}>")
        unknown = set(element.attrib) - SVG_ATTRIBUTES
        if unknown:
            raise ValueError(f"SVG attributes charts do not use: {sorted(unknown)}")
    return Markup(svg)


#: What could end a <script> element, or start a comment or character reference, in a JSON-LD block:
#: written as JSON escapes, which parse back to the same string.
_SCRIPT_BREAKERS = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def json_ld(value: Any) -> Markup:
    """Data as the text of a ``<script type="application/ld+json">`` block: JSON whose ``<``, ``>``
    and ``&`` are escaped, so no string in it (a claim, a title) can close the block, whatever it
    holds. Keys keep their order, so the same data give the same bytes."""
    return Markup(json.dumps(value, ensure_ascii=False, indent=2).translate(_SCRIPT_BREAKERS))


def _clean_characters(text: str) -> str:
    """Text that both Python-Markdown and the sanitizer accept: no surrogates, no control characters."""
    if _SURROGATE.search(text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return _CONTROL.sub("\ufffd", text)


def _markdown(link_scan_budget: int) -> markdown.Markdown:
    """A fresh Markdown converter (instances keep per-document state, so none is shared)."""
    return markdown.Markdown(
        extensions=[
            "sane_lists",
            "tables",
            _RationaleExtension(link_scan_budget),
        ],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )


class _RationaleExtension(Extension):
    """Escape raw HTML, show images as links, and bound nesting and Python-Markdown's work."""

    def __init__(self, link_scan_budget: int) -> None:
        super().__init__()
        self.link_scan_budget = link_scan_budget

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown calls it so)
        # Without these two, raw HTML is not recognised and the serializer escapes it as text.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.preprocessors.register(_FencedCode(md), "fenced_code_block", 25)
        md.treeprocessors.register(_ImagesAsLinks(md), "images_as_links", 15)
        _limit_nesting(md.parser)

        # The rest swaps quadratic pieces of Python-Markdown for linear ones, as attributes of this
        # converter's own processor instances (no class is changed, nothing is shared).
        blocks = md.parser.blockprocessors
        # These search the whole block for their line, and a block is re-tested each time a line is
        # taken off its top (a heading, a rule): quadratic on thousands of short lines.
        for name, attribute in (("hashheader", "RE"), ("hr", "SEARCH_RE"), ("quote", "RE")):
            setattr(blocks[name], attribute, _RememberMisses(getattr(blocks[name], attribute)))
        blocks["setextheader"].run = _setext_heading
        blocks["table"].test = _quick_table_test(blocks["table"].test)
        md.inlinePatterns["backtick"].find_code_spans = _CodeSpans().find_code_spans
        budget = _LinkScanBudget(self.link_scan_budget)
        for name in _LINK_PROCESSORS:
            processor = md.inlinePatterns[name]
            processor.getText = _bounded_get_text
            processor.getLink = budget.bounded(processor.getLink)


class _FencedCode(Preprocessor):
    """Fenced code blocks: a line of three or more ` or ~ (optionally a language), the code, the same fence.

    Stands in for Python-Markdown's fenced_code extension, whose regular expression rescans the
    rest of the text for every fence that is never closed (a second on "~~~x" lines). The
    language is dropped: the sanitizer would drop its class anyway.
    """

    def run(self, lines: list[str]) -> list[str]:
        closings: dict[str, list[int]] = {}
        for number, line in enumerate(lines):
            if _FENCE.fullmatch(line):
                closings.setdefault(line.rstrip(" "), []).append(number)
        result: list[str] = []
        number = 0
        while number < len(lines):
            opening = _FENCE.fullmatch(lines[number])
            candidates = closings.get(opening["fence"], []) if opening else []
            after = bisect.bisect_right(candidates, number)
            if after == len(candidates):
                result.append(lines[number])
                number += 1
                continue
            closing = candidates[after]
            code = "".join(line + "\n" for line in lines[number + 1 : closing])
            result += ["", self.md.htmlStash.store(f"<pre><code>{escape(code)}</code></pre>"), ""]
            number = closing + 1
        return result


class _ImagesAsLinks(Treeprocessor):
    """Turn each ``img`` into a link to the image, labelled with its alt text."""

    def run(self, root: etree.Element) -> None:
        for image in list(root.iter("img")):
            src = image.attrib.pop("src", "")
            alt = image.attrib.pop("alt", "")
            title = image.attrib.pop("title", None)
            image.attrib.clear()
            image.tag = "a"
            image.set("href", src)
            if title:
                image.set("title", title)
            image.text = alt or src


def _limit_nesting(parser: BlockParser) -> None:
    """Show blocks nested deeper than MAX_BLOCK_NESTING as a plain paragraph.

    Every nested quote or list is a recursive ``parseBlocks`` call; "- " * 1000 alone exhausts
    Python's recursion limit.
    """
    parse_blocks = parser.parseBlocks
    depth = 0

    def limited(parent: etree.Element, blocks: list[str]) -> None:
        nonlocal depth
        if depth >= MAX_BLOCK_NESTING:
            text = "\n\n".join(blocks).strip()
            if text:
                etree.SubElement(parent, "p").text = text
            del blocks[:]
            return
        depth += 1
        try:
            parse_blocks(parent, blocks)
        finally:
            depth -= 1

    parser.parseBlocks = limited  # type: ignore[method-assign]


class _RememberMisses:
    """A compiled pattern that knows it cannot match the tail of a block it has already missed.

    For the block patterns it wraps, a match in a tail that starts at a line boundary would also
    have been a match in the whole block.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.missed: str | None = None

    def search(self, block: str, *span: int) -> re.Match[str] | None:
        """``pattern.search(block)``, skipped when ``block`` ends the last block it missed."""
        if span:
            return self.pattern.search(block, *span)
        missed = self.missed
        if (
            missed is not None
            and missed.endswith(block)
            and (len(block) == len(missed) or missed[len(missed) - len(block) - 1] == "\n")
        ):
            return None
        found = self.pattern.search(block)
        if found is None:
            self.missed = block
        return found

    def __getattr__(self, name: str) -> object:
        return getattr(self.pattern, name)


def _setext_heading(parent: etree.Element, blocks: list[str]) -> None:
    """``SetextHeaderProcessor.run`` splitting off two lines, not every line of the block.

    The original splits the whole block and joins the rest back for each heading: quadratic on
    thousands of "x" / "-" line pairs.
    """
    title, underline, *rest = blocks.pop(0).split("\n", 2)
    heading = etree.SubElement(parent, "h1" if underline.startswith("=") else "h2")
    heading.text = title.strip()
    if rest:
        blocks.insert(0, rest[0])


def _quick_table_test(test: Callable[[etree.Element, str], bool]) -> Callable[[etree.Element, str], bool]:
    """Wrap the tables extension's ``test``: check the separator row first, read few lines.

    The original splits and strips every line of the block on each call, and a run of headings
    ("#x" lines) re-tests the rest of the block once per heading: quadratic. A table's second
    line is its separator row (only "|", ":", "-" and spaces), so anything else is no table; past
    that, only the first TABLE_TEST_LINES lines are read, which tells a table apart the same way
    except for a one-column table longer than that with a row lacking its "|".
    """

    def quick_test(parent: etree.Element, block: str) -> bool:
        first_end = block.find("\n")
        if first_end == -1:
            return False
        second_end = block.find("\n", first_end + 1)
        if not _SEPARATOR_ROW.fullmatch(block, first_end + 1, len(block) if second_end == -1 else second_end):
            return False
        end = -1
        for _ in range(TABLE_TEST_LINES):
            end = block.find("\n", end + 1)
            if end == -1:
                return test(parent, block)
        return test(parent, block[:end])

    return quick_test


def _bounded_get_text(data: str, index: int) -> tuple[str, int, bool]:
    """Find the "]" closing a link text opened just before ``index``, as Python-Markdown does.

    Same result as ``LinkInlineProcessor.getText`` for link texts whose brackets nest at most
    MAX_LINK_TEXT_NESTING deep; deeper, it is not a link. One regular-expression match replaces a
    character loop that walks to the end of the text for every unclosed "[".
    """
    match = _LINK_TEXT.match(data, index)
    if match is None:
        return "", index, False
    return data[index : match.end() - 1], match.end(), True


class _CodeSpans:
    """``BacktickInlineProcessor.find_code_spans`` with the same results, by remembered regex searches.

    The original walks the rest of the text character by character for every opening run of
    backticks that has no closing run of its length: quadratic on "\\```" repeated. Here each
    search is a regular expression, and a search that found nothing in the rest of the text is
    not repeated on a shorter rest of it (inline patterns only ever change text before the
    position they are at).
    """

    def __init__(self) -> None:
        self.misses: dict[str, tuple[str, int]] = {}

    def find_code_spans(self, start: int, text: str) -> tuple[int, int | None]:
        ticks = _BACKTICKS.match(text, start).end() - start  # type: ignore[union-attr]
        start += ticks
        if ticks == 0:
            return start, None
        closing = self._search(rf"(?<!`)`{{{ticks}}}(?!`)", text, start)
        if closing:
            return start, closing.start()
        if self._search(f"`{{{ticks + 1}}}", text, start):
            return start + ticks, None  # a longer run rules out pairing with a shorter one
        longest = max(map(len, _BACKTICKS_RUN.findall(text, start)), default=0)
        if longest == 0:
            return start + ticks, None
        # No run as long as the opening one: pair with the first of the longest shorter runs.
        shorter = self._search(rf"(?<!`)`{{{longest}}}(?!`)", text, start)
        return start - (ticks - longest), shorter.start()  # type: ignore[union-attr]

    def _search(self, pattern: str, text: str, start: int) -> re.Match[str] | None:
        """``re.search`` from ``start``, skipped when a longer rest ending the same way had no match.

        Every run the patterns look for starts after a non-backtick (or is a plain substring), and
        ``text[start]`` is never a backtick, so a match in the shorter rest is one in the longer.
        """
        missed = self.misses.get(pattern)
        if missed is not None:
            missed_text, missed_start = missed
            rest = len(text) - start
            if rest <= len(missed_text) - missed_start and missed_text.endswith(text[start:]):
                return None
        # Compiled patterns are cached by re.
        found = re.compile(pattern).search(text, start)
        if found is None:
            self.misses[pattern] = (text, start)
        return found


class _LinkScanBudget:
    """Characters that link-target scans may still read in this document."""

    def __init__(self, chars: int) -> None:
        self.remaining = chars

    def bounded(self, get_link: Callable[[str, int], tuple[str, str | None, int, bool]]):
        """Wrap ``getLink`` so each scan reads a bounded window, and all scans share the budget."""

        def bounded_get_link(data: str, index: int) -> tuple[str, str | None, int, bool]:
            end = min(index + MAX_LINK_TARGET_CHARS, len(data))
            if self.remaining <= 0 or data.find(")", index, end) == -1:
                return "", None, index, False
            href, title, after, handled = get_link(data[:end], index)
            self.remaining -= max(after - index, 1) if handled else end - index
            return href, title, after, handled

        return bounded_get_link
