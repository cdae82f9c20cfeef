"""An article's body and metadata from a news page's HTML, with trafilatura.

trafilatura drops what is around the story (menus, cookie banners, related links, comments,
footers) and reads title, author, site name, date and canonical URL from the page's metadata.
The byline it reads as the author is left out of the body, so it never becomes a claim.
"""

from __future__ import annotations

import re

from lxml import etree
from trafilatura import bare_extraction
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
#: Block elements (<p>, <div>, <li>, <br>) a page may have: trafilatura's work grows with them
#: (38,000 paragraphs took 12 s), and a long article has a few thousand. As DOCX_MAX_PARAGRAPHS.
HTML_MAX_BLOCKS = 20_000
# Counted on the raw bytes before any parsing: a tag name followed by what may end it.
_BLOCK_TAG = re.compile(rb"<(?:p|div|li|br)[\s/>]", re.IGNORECASE)


def extract_article(page: str | bytes, *, url: str | None = None, name: str | None = None) -> ExtractedArticle:
    """The article in an HTML page; `url` is where it came from, `name` what messages call it."""
    name = name or url or "the page"
    blocks = count_blocks(page)
    if blocks > HTML_MAX_BLOCKS:
        raise InvalidInput(f"{name}: the page has {blocks:,} paragraphs and other blocks; factcheck reads at most "
                           f"{HTML_MAX_BLOCKS:,}. Paste the article's text instead.")
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
    """How many <p>, <div>, <li> and <br> tags the page has (any case), counted without parsing it."""
    data = page.encode("utf-8", "surrogatepass") if isinstance(page, str) else page
    # Without NUL bytes, a UTF-16 or UTF-32 page's tags read as ASCII ones.
    return sum(1 for _ in _BLOCK_TAG.finditer(data.replace(b"\x00", b"")))


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
