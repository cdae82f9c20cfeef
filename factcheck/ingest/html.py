"""An article's body and metadata from a news page's HTML, with trafilatura.

trafilatura drops what is around the story (menus, cookie banners, related links, comments,
footers) and reads title, author, site name, date and canonical URL from the page's metadata.
The byline it reads as the author is left out of the body, so it never becomes a claim.
"""

from __future__ import annotations

import re

from lxml import etree
from trafilatura import bare_extraction
from trafilatura.utils import detect_encoding
from trafilatura.xml import xmltotxt

from factcheck.errors import InvalidInput
from factcheck.ingest.extracted import ExtractedArticle, clean_line, clean_url, parse_iso_date

# Fewer words than this is a section front, a login wall or a JavaScript shell, not an article.
MIN_ARTICLE_WORDS = 15
# A paragraph that is mostly link text ("Our Standards: The Trust Principles.") points elsewhere.
MAX_LINK_SHARE = 0.5
# Only dates the page states in its metadata or markup: htmldate's extensive search would take a
# copyright year or a "March 1" in a list of links as the publication date.
_DATE_PARAMS = {"original_date": True, "extensive_search": False}
#: Block elements a page may have: trafilatura's work grows with each one it sorts, cleans and
#: converts (38,000 paragraphs took 12 s, 30,000 <h2> 13 s), and a long article has a few thousand.
#: As DOCX_MAX_PARAGRAPHS.
HTML_MAX_BLOCKS = 20_000
#: Elements of any kind (the start tags: "<" and a letter): trafilatura spends about as much on
#: a <span> or a <custom-tag> (20,000 took 7 s); a news page has a few thousand.
HTML_MAX_ELEMENTS = 40_000
#: The blocks counted: the blocks of text trafilatura reads one by one, their containers, and
#: line breaks and rules.
BLOCK_TAGS = (
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
)  # fmt: skip
# Counted on the text before any parsing: a tag name in any case, then anything that cannot go on
# a name (whitespace, a newline, "/", ">", an attribute), as libxml2's HTML parser reads it.
_BLOCK_TAG = re.compile(rf"<(?:{'|'.join(BLOCK_TAGS)})(?![a-z0-9:._-])", re.IGNORECASE | re.ASCII)
_START_TAG = re.compile(r"<[a-z]", re.IGNORECASE | re.ASCII)
# trafilatura deletes these characters before it parses, so "<h\x012>" reaches lxml as "<h2>".
_DROPPED_BEFORE_PARSING = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# trafilatura inflates bytes that look compressed (gzip, zstd, zlib, brotli) up to 20 MB: a 551 kB
# gzip upload unpacked to 200,000 paragraphs the count never saw. Bytes that start as gzip, zstd or
# zlib do (zlib has four headers, one for each level) are refused; the rest is decoded here, so
# trafilatura only ever gets text, which it never decompresses (brotli, which has no header, reads
# as no article).
_COMPRESSED = (
    (b"\x1f\x8b", "gzip"), (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"\x78\x01", "zlib"), (b"\x78\x5e", "zlib"), (b"\x78\x9c", "zlib"), (b"\x78\xda", "zlib"),
)  # fmt: skip


def extract_article(page: str | bytes, *, url: str | None = None, name: str | None = None) -> ExtractedArticle:
    """The article in an HTML page; `url` is where it came from, `name` what messages call it."""
    name = name or url or "the page"
    if isinstance(page, bytes):
        for magic, kind in _COMPRESSED:
            if page.startswith(magic):
                raise InvalidInput(f"{name}: the page is compressed ({kind}); factcheck reads only plain HTML. "
                                   "Save the page as HTML, or paste the article's text instead.")
        page = _decoded(page)
    parsed = _as_parsed(page)
    blocks = count_blocks(parsed)
    if blocks > HTML_MAX_BLOCKS:
        raise InvalidInput(f"{name}: the page has {blocks:,} paragraphs and other blocks; factcheck reads at most "
                           f"{HTML_MAX_BLOCKS:,}. Paste the article's text instead.")
    elements = count_elements(parsed)
    if elements > HTML_MAX_ELEMENTS:
        raise InvalidInput(f"{name}: the page has {elements:,} HTML elements; factcheck reads at most "
                           f"{HTML_MAX_ELEMENTS:,}. Paste the article's text instead.")
    try:
        document = bare_extraction(
            page,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_links=True,  # to spot link-only paragraphs; the links themselves are dropped
            favor_precision=True,
            date_extraction_params=_DATE_PARAMS,
        )
    except (ValueError, TypeError, etree.LxmlError):
        document = None
    if document is None:
        raise _no_article(name)
    title = clean_line(document.title)
    text = _body_text(document.body, title)
    if len(text.split()) < MIN_ARTICLE_WORDS:
        raise _no_article(name)
    return ExtractedArticle(
        text=text,
        title=title,
        author=clean_line(document.author),
        outlet=clean_line(document.sitename),
        published=parse_iso_date(document.date),
        url=clean_url(document.url),
    )


def count_blocks(page: str | bytes) -> int:
    """How many BLOCK_TAGS tags the page has (any case), counted without parsing it."""
    return sum(1 for _ in _BLOCK_TAG.finditer(_as_parsed(page)))


def count_elements(page: str | bytes) -> int:
    """How many start tags of any name the page has, counted without parsing it."""
    return sum(1 for _ in _START_TAG.finditer(_as_parsed(page)))


def _as_parsed(page: str | bytes) -> str:
    """The text as lxml gets it from trafilatura: decoded, less the characters trafilatura drops."""
    return _DROPPED_BEFORE_PARSING.sub("", page if isinstance(page, str) else _decoded(page))


def _decoded(data: bytes) -> str:
    """The page's text as trafilatura would decode it (UTF-8, else the likeliest encoding), never inflated."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for encoding in detect_encoding(data):
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def _body_text(body: etree._Element, title: str) -> str:
    """The body's paragraphs, separated by blank lines, without link-only ones or a repeated headline."""
    for paragraph in list(body.iter("p")):
        if _link_share(paragraph) > MAX_LINK_SHARE:
            paragraph.getparent().remove(paragraph)
    etree.strip_tags(body, "ref")
    paragraphs = [" ".join(line.split()) for line in xmltotxt(body, False).split("\n")]
    paragraphs = [p for p in paragraphs if p]
    if paragraphs and title and paragraphs[0] == title:
        paragraphs.pop(0)
    return "\n\n".join(paragraphs)


def _link_share(paragraph: etree._Element) -> float:
    text = "".join(paragraph.itertext()).strip()
    linked = sum(len("".join(ref.itertext()).strip()) for ref in paragraph.iter("ref"))
    return linked / len(text) if text else 0.0


def _no_article(name: str) -> InvalidInput:
    return InvalidInput(
        f"{name}: no article text found on the page (a section front, a login wall, or text "
        "that only JavaScript shows?); paste the text instead."
    )
