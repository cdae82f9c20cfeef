"""Published fact-checks, as the public pages show them: the list, newest first, and one claim's record.

A claim is public while it is published with a verdict (a label, or a conclusion on a free-text
scale) and not dismissed, whatever its article's state (archiving only hides an article from the
newsroom's list). Anything else is answered as if it did not exist, so the public pages never
say whether unpublished work is there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import false
from sqlmodel import Session, col, select

from factcheck.domain.claims import has_verdict, has_verdict_sql
from factcheck.domain.paging import Page, page_of
from factcheck.domain.records import article_record
from factcheck.errors import NotFound
from factcheck.models import Article, Claim, Rating
from factcheck.vocabulary import ClaimStatus

#: How many fact-checks the Atom feed holds: the newest.
FEED_ENTRIES = 50
#: No id is larger (PostgreSQL's integer); a public address past it is not looked up at all.
LARGEST_ID = 2**31 - 1


@dataclass(frozen=True)
class PublishedCheck:
    """A published fact-check as the index and the feed list it."""

    claim_id: int
    claim: str  # what was checked: the claim's summary, else its text
    verdict: str  # the label, or the conclusion on a free-text scale
    claimant: str
    published: dt.date | None  # as its ClaimReview dates it: published, else approved, else the article's date
    article_title: str
    outlet: str
    updated: dt.date  # for the feed, which needs a date: `published`, else when the claim was last stored


@dataclass(frozen=True)
class FactCheck:
    """One published fact-check: its article's record (factcheck.domain.records) and its claim in it."""

    record: dict[str, Any]
    claim: dict[str, Any]

    @property
    def corrections(self) -> list[dict[str, Any]]:
        """The corrections made to it once it was published, oldest first; a change made before
        publication (to an approved claim) corrected nothing readers saw."""
        return [c for c in self.claim["corrections"] if c["old_status"] == ClaimStatus.PUBLISHED.value]


def _is_public():  # noqa: ANN202 (SQL conditions)
    return col(Claim.status) == ClaimStatus.PUBLISHED, col(Claim.dismissed) == false(), has_verdict_sql()


def _published_checks_query():  # noqa: ANN202 (a Select)
    # Newest first by when each was last published (stored on the claim, so a page is read from
    # ix_claim_published whatever the number of published claims).
    return (
        select(
            Claim.id, Claim.text, Claim.summary, Claim.claimant, Claim.conclusion, Rating.label,
            Article.title, Article.outlet, Article.published, Claim.updated, Claim.published_at,
        )
        .join(Article, col(Article.id) == Claim.article_id)
        .outerjoin(Rating, col(Rating.id) == Claim.verdict_id)
        .where(*_is_public())
        .order_by(col(Claim.published_at).desc(), col(Claim.id).desc())
    )


def _published_check(row: Any) -> PublishedCheck:
    claim_id, text, summary, claimant, conclusion, label, title, outlet, article_date, stored, published = row
    day = published.date() if published is not None else article_date
    return PublishedCheck(
        claim_id=claim_id,
        claim=" ".join((summary or text).split()),
        verdict=label or conclusion,
        claimant=claimant,
        published=day,
        article_title=title,
        outlet=outlet,
        updated=day or stored.date(),
    )


def published_checks(session: Session, number: int, per_page: int) -> Page[PublishedCheck]:
    """Page `number` of the published fact-checks, newest first (two queries)."""
    page = page_of(session, _published_checks_query(), number, per_page)
    return Page([_published_check(row) for row in page.rows], page.number, page.pages, page.total, page.offset)


def latest_published_checks(session: Session, limit: int = FEED_ENTRIES) -> list[PublishedCheck]:
    """The newest published fact-checks, newest first (one query)."""
    return [_published_check(row) for row in session.exec(_published_checks_query().limit(limit)).all()]


def published_fact_check(session: Session, claim_id: int) -> FactCheck:
    """A published fact-check, or NotFound, the same whether the claim is missing or not public."""
    claim = session.get(Claim, claim_id) if claim_id <= LARGEST_ID else None
    public = claim is not None and claim.status == ClaimStatus.PUBLISHED and not claim.dismissed and has_verdict(claim)
    if not public:
        raise NotFound(f"There is no published fact-check {claim_id}.")
    record = article_record(session, session.get(Article, claim.article_id))
    return FactCheck(record, next(c for c in record["claims"] if c["id"] == claim_id))
