"""Claims as CSV for spreadsheets: one row per claim with its article, the same records always
giving the same bytes.

Named so as not to shadow the standard library's `csv`. The file is RFC 4180 (written by the
`csv` module: fields quoted when they must be, CRLF between rows), in UTF-8 with a byte-order
mark, which Excel needs to read it as UTF-8. Line breaks inside a cell (a rationale's
paragraphs, one source a line) are LF. A cell of the newsroom's or an outlet's text that begins
as a formula would (`=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading apostrophe, as
OWASP advises against CSV injection, so a spreadsheet shows it and never runs it; numbers we
write ourselves (ids, check-worthiness) are left as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

#: The columns, in order. `tags` are joined with "; "; `verdict` is the label, or the conclusion
#: on a free-text scale; `sources` holds one source a line, "title <url> (publisher, accessed
#: YYYY-MM-DD, stance)"; `corrections` counts them. `claim_number` is the claim's number in the
#: Markdown report.
CSV_COLUMNS = (
    "article_id",
    "article_title",
    "outlet",
    "article_author",
    "article_url",
    "article_published",
    "tags",
    "claim_id",
    "claim_number",
    "claim",
    "summary",
    "claimant",
    "claim_url",
    "claim_date",
    "verdict",
    "rating_scale",
    "status",
    "reviewer",
    "approver",
    "approved_on",
    "published_on",
    "checkworthiness",
    "rationale",
    "sources",
    "corrections",
)

BOM = "\ufeff"
#: What a spreadsheet would take for the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A cell a spreadsheet shows as text: one that begins like a formula gets a leading apostrophe;
    line breaks become LF."""
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _text(value: str | None) -> str:
    return neutralise(value or "")


def _number(value: int | float | None) -> str:
    return "" if value is None else str(value)


def _source(source: dict[str, Any]) -> str:
    cited = f"{source['title']} <{source['url']}>" if source.get("title") else f"<{source['url']}>"
    details = [source.get("publisher") or "", f"accessed {source['accessed']}", source["stance"]]
    return f"{cited} ({', '.join(d for d in details if d)})"


def claim_rows(record: dict[str, Any]) -> Iterator[list[str]]:
    """The rows of an article record (factcheck.domain.records), one per claim, in CSV_COLUMNS order."""
    article = record["article"]
    about_article = [
        _number(article["id"]),
        _text(article["title"]),
        _text(article["outlet"]),
        _text(article["author"]),
        _text(article["url"]),
        _text(article["published"]),
        _text("; ".join(article.get("tags") or [])),
    ]
    scale = _text(record["rating_scale"]["name"])
    for number, claim in enumerate(record["claims"], start=1):
        yield [
            *about_article,
            _number(claim["id"]),
            _number(number),
            _text(claim["text"]),
            _text(claim.get("summary")),
            _text(claim.get("claimant")),
            _text(claim.get("claim_url")),
            _text(claim.get("claim_date")),
            _text(claim["verdict"] or claim.get("conclusion")),
            scale,
            _text(claim["status"]),
            _text(claim.get("reviewer")),
            _text(claim.get("approver")),
            _text(claim.get("approved_on")),
            _text(claim.get("published_on")),
            _number(claim.get("checkworthiness")),
            _text(claim["rationale"]),
            _text("\n".join(_source(s) for s in claim["sources"])),
            _number(len(claim.get("corrections") or [])),
        ]


def _csv_lines(rows: Iterable[Iterable[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def claims_csv_chunks(records: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """The CSV of many articles' claims in pieces: the byte-order mark and the header, then each
    record's rows as it comes (one record in memory at a time)."""
    yield (BOM + _csv_lines([CSV_COLUMNS])).encode("utf-8")
    for record in records:
        yield _csv_lines(claim_rows(record)).encode("utf-8")


def claims_csv(record: dict[str, Any]) -> bytes:
    """The CSV of one article's claims: the header, then a row per claim."""
    return b"".join(claims_csv_chunks([record]))
