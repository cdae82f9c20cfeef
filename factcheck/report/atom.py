"""An Atom 1.0 feed (RFC 4287) of published fact-checks: the same entries always give the same bytes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: N817 (the standard library's own short name)
from collections.abc import Sequence
from dataclasses import dataclass

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
#: A feed with no entries still needs an `updated`: this fixed one keeps its bytes the same.
EMPTY_FEED_UPDATED = "1970-01-01"
#: Characters XML 1.0 cannot hold at all, even escaped (most C0 controls, lone surrogates, U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class FeedEntry:
    """One fact-check in the feed: its page (also its id), title, summary and date (YYYY-MM-DD)."""

    url: str
    title: str
    summary: str
    updated: str


def atom_feed(entries: Sequence[FeedEntry], *, title: str, feed_url: str, home_url: str, author: str) -> str:
    """The feed as XML text: `feed_url` is its own address, `home_url` the page it follows (its id)."""
    feed = ET.Element("feed", {"xmlns": ATOM_NAMESPACE})
    _text(feed, "id", home_url)
    _text(feed, "title", title)
    _text(feed, "updated", _timestamp(max((e.updated for e in entries), default=EMPTY_FEED_UPDATED)))
    ET.SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml", "href": feed_url})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": home_url})
    _text(ET.SubElement(feed, "author"), "name", author)
    for entry in entries:
        item = ET.SubElement(feed, "entry")
        _text(item, "id", entry.url)
        _text(item, "title", entry.title)
        _text(item, "updated", _timestamp(entry.updated))
        ET.SubElement(item, "link", {"rel": "alternate", "type": "text/html", "href": entry.url})
        _text(item, "summary", entry.summary)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = _NOT_XML.sub("\ufffd", text)
    return element


def _timestamp(day: str) -> str:
    """An Atom date (RFC 3339) for a day: its midnight, UTC."""
    return f"{day}T00:00:00Z"
