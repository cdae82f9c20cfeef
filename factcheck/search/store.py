"""Search on the database: the newsroom's claims (with their rationales, sources and article
titles) and the archive of published fact-checks, one interface over each database's own
full-text index.

The indexes are SQLite's FTS5 tables and PostgreSQL's tsvectors (migrations/versions/0005),
kept in step with the rows by triggers in the same transaction. Here a reviewer's query is read
as terms (factcheck.search.query), searched with the filters, counted up to MAX_COUNTED, ranked,
cut to a page and highlighted, in one statement; `reindex` rebuilds the indexes from the rows.

Why a search that matches very many rows lists "the best of the newest RANK_WINDOW matches":
ranking (FTS5's bm25(), PostgreSQL's ts_rank) scores every row it is given, and one common word
or a short prefix matches hundreds of thousands of claims; scoring them all took 150-400 ms at
1,000,000 rows, and marking the found words as long again. So a search takes the newest matches
after the filters (the highest ids: both databases walk them in that order and stop at
RANK_WINDOW), ranks only those, best first, cuts the page from them and marks the page's rows
alone. The count comes from the same window, which is why it stops at MAX_COUNTED; the window
always holds every page the count lets a reviewer reach. A search matching fewer rows than the
window (most of them) ranks every match, as if there were no window; for one matching more, an
older check that would rank higher is found by a more precise query or a filter.
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
#: Matches a search ranks at most: the newest ones (highest ids) after the filters. Its count
#: comes from them too, so it is never below MAX_COUNTED + 1 (_ranked). Each match in it costs a
#: scoring (and on PostgreSQL, with a filter, the rows between the newest and the oldest of them
#: are read): at 1,000,000 claims, 2,000 took twice the time of 1,001 on the commonest words.
RANK_WINDOW = 1001
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

    def of_articles(self) -> bool:
        """Whether a condition reads the article (`a`), not the claim alone."""
        return bool(self.outlet) or self.published_from is not None or self.published_to is not None


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


def _ranked() -> int:
    """How many matches a search ranks: RANK_WINDOW, and never fewer than one past MAX_COUNTED
    (the count comes from the window, and every page the count lets a reviewer reach lies in it)."""
    return max(RANK_WINDOW, MAX_COUNTED + 1)


def _newest_ranked(sqlite: bool, window: str, ranked: str) -> str:
    """The WITH clause of a search: `w`, the ids of the newest matches (the `window` query, ordered
    by id from the newest), at most _ranked() of them; `p`, the page of them (`ranked` gives their
    ranks), best first. The page number is kept within the pages the count allows, as _page does."""
    least, order = ("min", "rank") if sqlite else ("least", "rank DESC")
    return (
        f"WITH w AS MATERIALIZED ({window} LIMIT :window), "
        f"p AS MATERIALIZED ({ranked} ORDER BY {order}, id "
        f"LIMIT :limit OFFSET {least}(:offset, ({least}((SELECT count(*) FROM w), :counted) - 1) / :limit * :limit)) "
    )


def _paging(number: int, per_page: int) -> dict[str, object]:
    return {"window": _ranked(), "limit": per_page, "offset": (max(1, number) - 1) * per_page, "counted": MAX_COUNTED}


def _date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def search_claims(
    session: Session, text_: str, filters: Filters = Filters(), number: int = 1, per_page: int = PER_PAGE
) -> Results:
    """Page `number` of the claims matching a query (InvalidInput for one that cannot be searched),
    best first among the newest RANK_WINDOW matches (see the module's docstring), counted up to
    MAX_COUNTED: one statement, whatever the number of matches."""
    terms = query.parse(text_)
    where, params = filters.conditions()
    sqlite = session.get_bind().dialect.name == "sqlite"
    article = " JOIN article a ON a.id = c.article_id" if filters.of_articles() else ""
    marks = highlight_marks()
    params |= _paging(number, per_page) | {"start": marks[0], "end": marks[1], "words": SNIPPET_WORDS}
    common = (
        "(SELECT count(*) FROM w), c.id, c.article_id, a.title, a.outlet, a.published, c.status, "
        "(SELECT label FROM rating r WHERE r.id = c.verdict_id), c.conclusion"
    )
    if sqlite:
        params["q"] = query.fts5(terms)
        condition = " AND ".join(["claim_search MATCH :q", *where])
        window = (
            "SELECT claim_search.rowid AS id, bm25(claim_search, 8.0, 3.0, 2.0, 1.0) AS rank "
            f"FROM claim_search JOIN claim c ON c.id = claim_search.rowid{article} WHERE {condition} "
            "ORDER BY claim_search.rowid DESC"
        )
        # FTS5 marks only the rows of a MATCH in the same query: the page's rows are matched again,
        # over the range of their ids (a rowid range bounds FTS5's scan; a list of rowids does not).
        statement = (
            f"{_newest_ranked(sqlite, window, 'SELECT id, rank FROM w')}"
            f"SELECT {common}, highlight(claim_search, 0, :start, :end), "
            "snippet(claim_search, 1, :start, :end, '…', :words), snippet(claim_search, 2, :start, :end, '…', :words) "
            "FROM claim_search CROSS JOIN p CROSS JOIN claim c CROSS JOIN article a "
            "WHERE claim_search MATCH :q AND claim_search.rowid BETWEEN (SELECT min(id) FROM p) AND (SELECT max(id) FROM p) "
            "AND p.id = +claim_search.rowid AND c.id = p.id AND a.id = c.article_id ORDER BY p.rank, p.id"
        )
    else:
        params["q"] = query.tsquery(terms)
        condition = " AND ".join(["cs.document @@ to_tsquery('english', :q)", *where])
        window = (
            f"SELECT cs.claim_id AS id FROM claimsearch cs JOIN claim c ON c.id = cs.claim_id{article} "
            f"WHERE {condition} ORDER BY cs.claim_id DESC"
        )
        # Ranked apart from the window: whichever plan finds the newest matches, only they are ranked.
        ranked = (
            "SELECT w.id, ts_rank(cs.document, to_tsquery('english', :q)) AS rank "
            "FROM w JOIN claimsearch cs ON cs.claim_id = w.id"
        )
        options = f"StartSel={marks[0]}, StopSel={marks[1]}, MaxWords={SNIPPET_WORDS}, MinWords=8, FragmentDelimiter=…"
        statement = (
            f"{_newest_ranked(sqlite, window, ranked)}"
            f"SELECT {common}, ts_headline('english', c.text, q, 'HighlightAll=true, StartSel={marks[0]}, StopSel={marks[1]}'), "
            f"ts_headline('english', c.rationale || ' ' || c.conclusion, q, '{options}, MaxFragments=2'), "
            "ts_headline('english', coalesce((SELECT string_agg(s.title || ' ' || s.publisher || ' ' || s.quote, ' ') "
            f"FROM source s WHERE s.claim_id = c.id), ''), q, '{options}, MaxFragments=2') "
            "FROM p JOIN claim c ON c.id = p.id JOIN article a ON a.id = c.article_id, to_tsquery('english', :q) q "
            "ORDER BY p.rank DESC, p.id"
        )
    found, rows = 0, []
    for row in session.execute(text(statement), params):
        found, claim_id, article_id, title, outlet, published, status, label, conclusion, claim, rationale, sources = row
        rows.append(ClaimHit(
            claim_id=claim_id, article_id=article_id, article_title=title, outlet=outlet, published=_date(published),
            status=ClaimStatus[status], verdict=label or conclusion or None, claim=highlighted(claim, marks),
            rationale=_snippet(rationale, marks), sources=_snippet(sources, marks),
        ))
    total, pages, number, more = _page(found, number, per_page)
    return Results(rows, number, pages, total, (number - 1) * per_page, more=more)


def search_archive(session: Session, text_: str, number: int = 1, per_page: int = PER_PAGE) -> Results:
    """Page `number` of the archived fact-checks matching a query, best first among the newest
    RANK_WINDOW matches (see the module's docstring): one statement, whatever the number of matches."""
    terms = query.parse(text_)
    sqlite = session.get_bind().dialect.name == "sqlite"
    marks = highlight_marks()
    params = _paging(number, per_page) | {"start": marks[0], "end": marks[1], "words": SNIPPET_WORDS}
    common = "(SELECT count(*) FROM w), e.id, e.key, e.url, e.published, e.rating, e.publisher"
    if sqlite:
        params["q"] = query.fts5(terms)
        window = (
            "SELECT rowid AS id, bm25(archive_search, 4.0, 2.0, 1.0) AS rank FROM archive_search "
            "WHERE archive_search MATCH :q ORDER BY rowid DESC"
        )
        statement = (
            f"{_newest_ranked(sqlite, window, 'SELECT id, rank FROM w')}"
            f"SELECT {common}, highlight(archive_search, 0, :start, :end), highlight(archive_search, 1, :start, :end), "
            "snippet(archive_search, 2, :start, :end, '…', :words) FROM archive_search CROSS JOIN p CROSS JOIN archiveentry e "
            "WHERE archive_search MATCH :q AND archive_search.rowid BETWEEN (SELECT min(id) FROM p) AND (SELECT max(id) FROM p) "
            "AND p.id = +archive_search.rowid AND e.id = p.id ORDER BY p.rank, p.id"
        )
    else:
        params["q"] = query.tsquery(terms)
        window = "SELECT id FROM archiveentry WHERE search_document @@ to_tsquery('english', :q) ORDER BY id DESC"
        ranked = (
            "SELECT w.id, ts_rank(e.search_document, to_tsquery('english', :q)) AS rank "
            "FROM w JOIN archiveentry e ON e.id = w.id"
        )
        selection = f"StartSel={marks[0]}, StopSel={marks[1]}"
        statement = (
            f"{_newest_ranked(sqlite, window, ranked)}"
            f"SELECT {common}, ts_headline('english', e.claim, q, 'HighlightAll=true, {selection}'), "
            f"ts_headline('english', e.title, q, 'HighlightAll=true, {selection}'), "
            f"ts_headline('english', e.summary, q, '{selection}, MaxWords={SNIPPET_WORDS}, MinWords=8') "
            "FROM p JOIN archiveentry e ON e.id = p.id, to_tsquery('english', :q) q ORDER BY p.rank DESC, p.id"
        )
    found, rows = 0, []
    for row in session.execute(text(statement), params):
        found, entry_id, key, url, published, rating, publisher, claim, title, summary = row
        rows.append(ArchiveHit(
            entry_id=entry_id, key=key, url=url, published=_date(published), rating=rating, publisher=publisher,
            claim=highlighted(claim, marks), title=_snippet(title, marks) or (highlighted(title, marks) if title else None),
            summary=_snippet(summary, marks),
        ))
    total, pages, number, more = _page(found, number, per_page)
    return Results(rows, number, pages, total, (number - 1) * per_page, more=more)


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
