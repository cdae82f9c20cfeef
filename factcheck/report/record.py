"""The JSON export of an article record, and the names downloads get."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any


def record_json(record: dict[str, Any]) -> str:
    """The JSON export text: stable key order and indentation, so equal records give equal bytes."""
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"


def export_filename(article_id: int, title: str, extension: str) -> str:
    """A safe, readable download name: factcheck-<id>-<title-slug>.<extension>."""
    return f"factcheck-{article_id}-{_slug(title) or 'article'}.{extension}"


def report_filename(title: str, extension: str) -> str:
    """A collection report's download name: factcheck-report-<title-slug>.<extension>."""
    return f"factcheck-report-{_slug(title) or 'articles'}.{extension}"


def _slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].rstrip("-")
