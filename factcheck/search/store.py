"""Search on the database: the newsroom's claims (with their rationales, sources and article
titles) and the archive of published fact-checks, one interface over each database's own
full-text index.

The indexes are SQLite's FTS5 tables and PostgreSQL's tsvectors (migrations/versions/0005),
kept in step with the rows by triggers in the same transaction. Here a reviewer's query is read
as terms (factcheck.search.query), searched with the filters, ranked, counted up to
MAX_COUNTED, cut to a page and highlighted; `reindex` rebuilds the indexes from the rows.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import text
from sqlmodel import Session

from factcheck.domain.paging import Page
from factcheck.rendering import highlight_marks, highlighted
from factcheck.search import query
from factcheck.vocabulary import ClaimStatus

#: Results counted exactly; past this a search says "more than" and pages no further.
MAX_COUNTED = 1000
PER_PAGE = 20
#: Words of context a snippet of a rationale or of sources shows.
SNIPPET_WORDS = 24


@dataclass(frozen=True, kw_only=True)
class Filters:
    """What narrows a claim search; each empty one does not."""

    verdict: str = ""  # a label of any scale, or a free-text conclusion, exactly
    status: ClaimStatus | None = None
    outlet: str = ""
    reviewer_id: int | None = None  # assigned to the claim or its article, or changed it
    published_from: dt.date | None = None  # the article's publication date
    published_to: dt.date | None = None

    def conditions(self) -> tuple[list[str], dict[str, object]]:
        """SQL conditions on `c` (the claim) and `a` (its article), with their parameters."""
        where, params = ["NOT c.dismissed"], {}
        if self.verdict:
            where.append(
                "(c.conclusion = :verdict OR EXISTS (SELECT 1 FROM rating r WHERE r.id = c.verdict_id AND r.label = :verdict))"
            )
            params["verdict"] = self.verdict
        if self.status is not None:
            where.append("c.status = :status")
            params["status"] = self.status.name
        if self.outlet:
            where.append("a.outlet = :outlet")
            params["outlet"] = self.outlet
        if self.reviewer_id is not None:
            where.append(
                "(EXISTS (SELECT 1 FROM assignment s WHERE s.reviewer_id = :reviewer AND s.article_id = c.article_id "
                "AND (s.claim_id IS NULL OR s.claim_id = c.id)) "
                "OR EXISTS (SELECT 1 FROM claimrevision v WHERE v.claim_id = c.id AND v.user_id = :reviewer))"
            )
            params["reviewer"] = self.reviewer_id
        if self.published_from is not None:
            where.append("a.published >= :published_from")
            params["published_from"] = self.published_from
        if self.published_to is not None:
            where.append("a.published <= :published_to")
            params["published_to"] = self.published_to
        return where, params


@dataclass(frozen=True, kw_only=True)
class ClaimHit:
    """A claim a search found, with its words marked."""

    claim_id: int
    article_id: int
    article_title: str
    outlet: str
    published: dt.date | None
    status: ClaimStatus
    verdict: str | None  # the label, or the free-text conclusion
    claim: Markup
    rationale: Markup | None = None  # a snippet, when the rationale has a found word
    sources: Markup | None = None  # likewise, of the sources' titles, publishers and quotes


@dataclass(frozen=True, kw_only=True)
class ArchiveHit:
    """An archived fact-check a search found."""

    entry_id: int
    key: str
    url: str | None
    published: dt.date | None
    rating: str | None
    publisher: str | None
    claim: Markup
    title: Markup | None = None
    summary: Markup | None = None


@dataclass
class Results(Page):
    """A page of hits; `more` when there are more than MAX_COUNTED (then `total` is MAX_COUNTED)."""

    more: bool = False


def _snippet(value: str | None, marks: tuple[str, str]) -> Markup | None:
    return highlighted(value, marks) if value and marks[0] in value else None


def _page(total: int, number: int, per_page: int) -> tuple[int, int, int, bool]:
    more = total > MAX_COUNTED
    total = min(total, MAX_COUNTED)
    pages = max(1, math.ceil(total / per_page))
    number = min(max(1, number), pages)
    return total, pages, number, more


def _count(session: Session, source: str, condition: str, params: dict[str, object]) -> int:
    """How many rows match, counting no further than one past MAX_COUNTED."""
    counted = f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {condition} LIMIT {MAX_COUNTED + 1}) t"
    return session.execute(text(counted), params).scalar_one()


def _date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def search_claims(
    session: Session, text_: str, filters: Filters = Filters(), number: int = 1, per_page: int = PER_PAGE
) -> Results:
    """Page `number` of the claims matching a query (InvalidInput for one that cannot be searched),
    best first; counted up to MAX_COUNTED."""
    terms = query.parse(text_)
    where, params = filters.conditions()
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        source = "claim_search JOIN claim c ON c.id = claim_search.rowid JOIN article a ON a.id = c.article_id"
        where = ["claim_search MATCH :q", *where]
        params["q"] = query.fts5(terms)
    else:
        source = "claimsearch cs JOIN claim c ON c.id = cs.claim_id JOIN article a ON a.id = c.article_id"
        where = ["cs.document @@ to_tsquery('english', :q)", *where]
        params["q"] = query.tsquery(terms)
    condition = " AND ".join(where)
    total, pages, number, more = _page(_count(session, source, condition, params), number, per_page)
    offset = (number - 1) * per_page
    marks = highlight_marks()
    params |= {"limit": per_page, "offset": offset, "start": marks[0], "end": marks[1], "words": SNIPPET_WORDS}
    common = (
        "c.id, c.article_id, a.title, a.outlet, a.published, c.status, "
        "(SELECT label FROM rating r WHERE r.id = c.verdict_id), c.conclusion"
    )
    if sqlite:
        statement = (
            f"SELECT {common}, highlight(claim_search, 0, :start, :end), "
            "snippet(claim_search, 1, :start, :end, '…', :words), snippet(claim_search, 2, :start, :end, '…', :words) "
            f"FROM {source} WHERE {condition} ORDER BY bm25(claim_search, 8.0, 3.0, 2.0, 1.0), c.id LIMIT :limit OFFSET :offset"
        )
    else:
        # Headlines only for the page's rows: the inner query ranks and cuts, the outer marks.
        options = f"StartSel={marks[0]}, StopSel={marks[1]}, MaxWords={SNIPPET_WORDS}, MinWords=8, FragmentDelimiter=…"
        statement = (
            f"SELECT p.*, ts_headline('english', c.text, q, 'HighlightAll=true, StartSel={marks[0]}, StopSel={marks[1]}'), "
            f"ts_headline('english', c.rationale || ' ' || c.conclusion, q, '{options}, MaxFragments=2'), "
            "ts_headline('english', coalesce((SELECT string_agg(s.title || ' ' || s.publisher || ' ' || s.quote, ' ') "
            f"FROM source s WHERE s.claim_id = c.id), ''), q, '{options}, MaxFragments=2') "
            f"FROM (SELECT {common}, ts_rank(cs.document, to_tsquery('english', :q)) AS rank FROM {source} WHERE {condition} "
            "ORDER BY rank DESC, c.id LIMIT :limit OFFSET :offset) p JOIN claim c ON c.id = p.id, to_tsquery('english', :q) q "
            "ORDER BY p.rank DESC, p.id"
        )
    rows = []
    for row in session.execute(text(statement), params):
        values = list(row)
        if not sqlite:
            del values[8]  # the rank
        claim_id, article_id, title, outlet, published, status, label, conclusion, claim, rationale, sources = values
        rows.append(ClaimHit(
            claim_id=claim_id, article_id=article_id, article_title=title, outlet=outlet, published=_date(published),
            status=ClaimStatus[status], verdict=label or conclusion or None, claim=highlighted(claim, marks),
            rationale=_snippet(rationale, marks), sources=_snippet(sources, marks),
        ))
    return Results(rows, number, pages, total, offset, more=more)


def search_archive(session: Session, text_: str, number: int = 1, per_page: int = PER_PAGE) -> Results:
    """Page `number` of the archived fact-checks matching a query, best first."""
    terms = query.parse(text_)
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        source, condition = "archive_search JOIN archiveentry e ON e.id = archive_search.rowid", "archive_search MATCH :q"
        params: dict[str, object] = {"q": query.fts5(terms)}
    else:
        source, condition = "archiveentry e", "e.search_document @@ to_tsquery('english', :q)"
        params = {"q": query.tsquery(terms)}
    total, pages, number, more = _page(_count(session, source, condition, params), number, per_page)
    offset = (number - 1) * per_page
    marks = highlight_marks()
    params |= {"limit": per_page, "offset": offset, "start": marks[0], "end": marks[1], "words": SNIPPET_WORDS}
    common = "e.id, e.key, e.url, e.published, e.rating, e.publisher"
    if sqlite:
        statement = (
            f"SELECT {common}, highlight(archive_search, 0, :start, :end), highlight(archive_search, 1, :start, :end), "
            f"snippet(archive_search, 2, :start, :end, '…', :words) FROM {source} WHERE {condition} "
            "ORDER BY bm25(archive_search, 4.0, 2.0, 1.0), e.id LIMIT :limit OFFSET :offset"
        )
    else:
        selection = f"StartSel={marks[0]}, StopSel={marks[1]}"
        statement = (
            f"SELECT {common}, ts_headline('english', e.claim, q, 'HighlightAll=true, {selection}'), "
            f"ts_headline('english', e.title, q, 'HighlightAll=true, {selection}'), "
            f"ts_headline('english', e.summary, q, '{selection}, MaxWords={SNIPPET_WORDS}, MinWords=8') "
            f"FROM (SELECT e.id, ts_rank(e.search_document, to_tsquery('english', :q)) AS rank FROM {source} WHERE {condition} "
            "ORDER BY rank DESC, e.id LIMIT :limit OFFSET :offset) p JOIN archiveentry e ON e.id = p.id, "
            "to_tsquery('english', :q) q ORDER BY p.rank DESC, p.id"
        )
    rows = [
        ArchiveHit(
            entry_id=entry_id, key=key, url=url, published=_date(published), rating=rating, publisher=publisher,
            claim=highlighted(claim, marks), title=_snippet(title, marks) or (highlighted(title, marks) if title else None),
            summary=_snippet(summary, marks),
        )
        for entry_id, key, url, published, rating, publisher, claim, title, summary in session.execute(text(statement), params)
    ]
    return Results(rows, number, pages, total, offset, more=more)


def reindex(session: Session) -> dict[str, int]:
    """Rebuild both indexes from the rows (in the session's transaction); how many rows each holds."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DELETE FROM claim_search"))
        session.execute(text(
            "INSERT INTO claim_search (rowid, claim, rationale, sources, article) "
            "SELECT c.id, c.text, c.rationale || ' ' || c.conclusion, "
            "coalesce((SELECT group_concat(s.title || ' ' || s.publisher || ' ' || s.quote, ' ') "
            "FROM source s WHERE s.claim_id = c.id), ''), "
            "coalesce((SELECT a.title FROM article a WHERE a.id = c.article_id), '') FROM claim c"
        ))
        session.execute(text("DELETE FROM archive_search"))
        session.execute(text(
            "INSERT INTO archive_search (rowid, claim, title, summary) SELECT id, claim, title, summary FROM archiveentry"
        ))
        session.execute(text("INSERT INTO claim_search (claim_search) VALUES ('optimize')"))
        session.execute(text("INSERT INTO archive_search (archive_search) VALUES ('optimize')"))
        claims, entries = "claim_search", "archive_search"
    else:
        session.execute(text("SELECT claimsearch_rebuild()"))  # the archive's column is generated: always in step
        claims, entries = "claimsearch", "archiveentry"
    return {
        "claims": session.execute(text(f"SELECT count(*) FROM {claims}")).scalar_one(),
        "archive": session.execute(text(f"SELECT count(*) FROM {entries}")).scalar_one(),
    }
