"""What ingesting a page or document yields: the article body and whatever metadata it carried."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from factcheck.forms import TITLE_MAX_CHARS, check_http_url


@dataclass(frozen=True)
class ExtractedArticle:
    """An article's body text (paragraphs separated by blank lines) and its metadata, '' when unknown."""

    text: str
    title: str = ""
    author: str = ""
    outlet: str = ""
    published: dt.date | None = None
    url: str = ""  # the canonical address the page names for itself
    source_url: str = ""  # the address it was fetched from


def clean_line(value: str | None) -> str:
    """Metadata as one line, cut to what an article field holds (pages put anything in their tags)."""
    line = " ".join((value or "").split())
    return line if len(line) <= TITLE_MAX_CHARS else line[: TITLE_MAX_CHARS - 1].rstrip() + "…"


def clean_url(value: str | None) -> str:
    """An http(s) address, or '' for anything else a page declares as its own URL."""
    try:
        return check_http_url(value or "", required=False)
    except ValueError:
        return ""


def parse_iso_date(value: str | None) -> dt.date | None:
    """A YYYY-MM-DD date, or None if there is none or it is not one."""
    try:
        return dt.date.fromisoformat((value or "")[:10])
    except ValueError:
        return None
