"""Reading articles from the web and from documents: fetching pages, extracting text and metadata.

Pure functions, no Flask and no database: they take bytes or an address and return an
`ExtractedArticle`, or raise `InvalidInput` with a message that names the page or file.
"""

from factcheck.ingest.docx import extract_docx
from factcheck.ingest.extracted import ExtractedArticle
from factcheck.ingest.fetch import FETCH_MAX_BYTES, FETCH_TIMEOUT, FetchedPage, fetch_page, is_web_address
from factcheck.ingest.html import extract_article

__all__ = [
    "FETCH_MAX_BYTES",
    "FETCH_TIMEOUT",
    "ExtractedArticle",
    "FetchedPage",
    "extract_article",
    "extract_docx",
    "fetch_page",
    "is_web_address",
]
