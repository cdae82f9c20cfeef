"""Reviewer Markdown to safe HTML: the one place in factcheck that turns HTML into Markup.

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
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

import markdown
import nh3
from markdown.blockparser import BlockParser
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

log = logging.getLogger(__name__)

RATIONALE_MAX_CHARS = 20_000
"""The longest rationale factcheck stores or renders, in characters."""

MAX_BLOCK_NESTING = 24
"""How deep block quotes and lists may nest; anything deeper is shown as plain text."""

MAX_LINK_TEXT_BRACKETS = 64
"""Square brackets scanned for the end of a link's text before giving up on it being a link."""

MAX_LINK_TARGET_CHARS = 4_096
"""Characters scanned for the closing parenthesis of a link's ``(url "title")``."""

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
_SQUARE_BRACKET = re.compile(r"[\[\]]")

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
    source = _plain_text(text)
    try:
        html = _markdown(budget=LINK_SCAN_CHARS_PER_INPUT_CHAR * max(len(source), 1_000)).convert(source)
        return Markup(_CLEANER.clean(html))
    except Exception:
        # Never let one odd rationale break a page: show it as escaped text, and say so in the log.
        log.exception("Markdown rendering failed; showing the text unformatted")
        return Markup("<p>{}</p>").format(source)


def _plain_text(text: str) -> str:
    """Text that both Python-Markdown and the sanitizer accept: no surrogates, no control characters."""
    if _SURROGATE.search(text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return _CONTROL.sub("\ufffd", text)


def _markdown(budget: int) -> markdown.Markdown:
    """A fresh Markdown converter (instances keep per-document state, so none is shared)."""
    return markdown.Markdown(
        extensions=[
            "fenced_code",
            "sane_lists",
            "tables",
            _RationaleExtension(link_scan_budget=budget),
        ],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )


class _RationaleExtension(Extension):
    """Escape raw HTML, show images as links, bound nesting and link scanning."""

    def __init__(self, link_scan_budget: int) -> None:
        super().__init__()
        self.link_scan_budget = link_scan_budget

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Without these two, raw HTML is not recognised and the serializer escapes it as text.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_ImagesAsLinks(md), "images_as_links", 15)
        _limit_nesting(md.parser)
        budget = _LinkScanBudget(self.link_scan_budget)
        for name in _LINK_PROCESSORS:
            processor = md.inlinePatterns[name]
            # Instance attributes on this converter's own processors: no class is changed.
            processor.getText = _bounded_get_text
            processor.getLink = budget.bounded(processor.getLink)


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


def _bounded_get_text(data: str, index: int) -> tuple[str, int, bool]:
    """Find the "]" closing a link text opened just before ``index``, as Python-Markdown does.

    Same result as ``LinkInlineProcessor.getText`` for any link text holding fewer than
    MAX_LINK_TEXT_BRACKETS square brackets; past that it is not a link. Jumping from bracket to
    bracket keeps each call short where the original walks to the end of the text.
    """
    depth = 1
    for seen, bracket in enumerate(_SQUARE_BRACKET.finditer(data, index)):
        if seen == MAX_LINK_TEXT_BRACKETS:
            break
        depth += 1 if bracket.group() == "[" else -1
        if depth == 0:
            return data[index : bracket.start()], bracket.end(), True
    return "", index, False


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
