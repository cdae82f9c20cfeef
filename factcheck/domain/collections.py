"""Collections of articles for reports: the articles a filter takes, and the totals of their verdicts.

A collection is every article published in a date range (an article without a publication date
counts on the day it was added), from an outlet, with a tag, or with a verdict a reviewer wrote;
no filter takes every article. Archived articles are in it: archiving only hides an article
from the list. The totals count the collection's signed-off claims (approved or published, not
dismissed), grouped in SQL, so they cost a handful of queries however many articles match; the
report writers (factcheck.report.collection) take them as plain data from `collection_record`,
and each article's own record (factcheck.domain.records) one at a time from `collection_records`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, Select, case, cast, func
from sqlalchemy.orm import aliased, defer
from sqlmodel import Session, col, select

from factcheck.domain.articles import tags_for_articles
from factcheck.domain.dashboard import REVIEW_FIELDS, day_of
from factcheck.domain.history import NOBODY
from factcheck.domain.paging import Page, page_of
from factcheck.domain.records import article_record
from factcheck.errors import InvalidInput
from factcheck.forms import is_digits, parse_date, parse_tags
from factcheck.models import Article, ArticleTag, Claim, ClaimRevision, Rating, RatingScale, User
from factcheck.vocabulary import ClaimStatus

FORMAT = "factcheck-collection/1"
#: Articles on one page of the Reports page's list.
ARTICLES_PER_PAGE = 50
#: ClaimRevision fields that write a claim's verdict: its label, or its conclusion on a free-text scale.
VERDICT_FIELDS = ("verdict", "conclusion")
OUTLET_MAX_CHARS = 200
_SIGNED_OFF = (ClaimStatus.APPROVED, ClaimStatus.PUBLISHED)
#: How charts name the articles without an outlet.
NO_OUTLET = "(no outlet)"
_MAX_ID = 2**31 - 1  # past PostgreSQL's integer: no such user


@dataclass(frozen=True)
class CollectionFilter:
    """Which articles a report takes; every field left empty takes every article.

    `start` and `end` bound the article's day (its publication date, else the day it was added),
    both included; `outlet` matches whatever its case; `reviewer_id` takes the articles with a
    claim whose verdict that user wrote last.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    outlet: str = ""
    tag: str = ""
    reviewer_id: int | None = None
    reviewer: str = ""  # that user's username, as the filter was given
    reviewer_name: str = ""  # and the name the team sees

    def describe(self) -> str:
        """The filter in words, for a report's title and messages: "every article" when empty."""
        parts = []
        if self.start and self.end:
            parts.append(self.start.isoformat() if self.start == self.end else f"{self.start} to {self.end}")
        elif self.start:
            parts.append(f"from {self.start}")
        elif self.end:
            parts.append(f"until {self.end}")
        if self.outlet:
            parts.append(f"outlet {self.outlet}")
        if self.tag:
            parts.append(f"tag {self.tag}")
        if self.reviewer_id is not None:
            parts.append(f"reviewed by {self.reviewer_name}")
        return ", ".join(parts) or "every article"

    def as_args(self) -> dict[str, str]:
        """The filter as the Reports page's address carries it (empty fields left out)."""
        args = {
            "from": self.start.isoformat() if self.start else "",
            "to": self.end.isoformat() if self.end else "",
            "outlet": self.outlet,
            "tag": self.tag,
            "reviewer": self.reviewer,
        }
        return {name: value for name, value in args.items() if value}


def collection_filter(
    session: Session, *, start: str = "", end: str = "", outlet: str = "", tag: str = "", reviewer: str = ""
) -> CollectionFilter:
    """The filter as typed (dates YYYY-MM-DD, a reviewer's username or user id), checked:
    InvalidInput, in one line, for a date that is not one, a from date after the to date, more
    than one tag, or a reviewer who is not a user."""
    if any(not value.isprintable() for value in (start, end, outlet, tag, reviewer)):
        raise InvalidInput("A filter cannot hold control characters.")
    first = parse_date(start, "The from date")
    last = parse_date(end, "The to date")
    if first and last and first > last:
        raise InvalidInput(f"The from date ({first}) is after the to date ({last}).")
    outlet = " ".join(outlet.split())
    if len(outlet) > OUTLET_MAX_CHARS:
        raise InvalidInput(f"The outlet is longer than {OUTLET_MAX_CHARS} characters.")
    tags = parse_tags(tag)
    if len(tags) > 1:
        raise InvalidInput(f"Give one tag, not {len(tags)}: {', '.join(tags)}.")
    user = _reviewer(session, reviewer.strip()) if reviewer.strip() else None
    return CollectionFilter(
        start=first,
        end=last,
        outlet=outlet,
        tag=tags[0] if tags else "",
        reviewer_id=user.id if user else None,
        reviewer=user.username if user else "",
        reviewer_name=user.name if user else "",
    )


def _reviewer(session: Session, typed: str) -> User:
    user = session.exec(select(User).where(User.username == typed.lower())).first()
    if user is None and is_digits(typed) and int(typed) <= _MAX_ID:
        user = session.get(User, int(typed))
    if user is None:
        raise InvalidInput(f"There is no user {typed!r} to filter by.")
    return user


def article_day() -> Any:
    """An article's day in SQL: its publication date, else the day it was added."""
    return func.coalesce(Article.published, func.date(Article.created))


def _in_collection(chosen: CollectionFilter) -> list[Any]:
    """The WHERE conditions on Article that make the collection."""
    conditions: list[Any] = []
    if chosen.start:
        conditions.append(article_day() >= chosen.start)
    if chosen.end:
        conditions.append(article_day() <= chosen.end)
    if chosen.outlet:
        conditions.append(func.lower(Article.outlet) == chosen.outlet.lower())
    if chosen.tag:
        tagged = select(ArticleTag.article_id).where(ArticleTag.tag == chosen.tag)
        conditions.append(col(Article.id).in_(tagged))
    if chosen.reviewer_id is not None:
        conditions.append(col(Article.id).in_(_reviewed_by(chosen.reviewer_id)))
    return conditions


def _latest_verdict_change() -> Any:
    """The id of a claim's last verdict (or conclusion) change, correlated to Claim: its author
    is the claim's reviewer, as the record names them (factcheck.domain.history.signoffs_for_claims)."""
    earlier = aliased(ClaimRevision)
    return (
        select(func.max(earlier.id))
        .where(earlier.claim_id == Claim.id, col(earlier.field).in_(VERDICT_FIELDS))
        .correlate(Claim)
        .scalar_subquery()
    )


def _reviewed_by(user_id: int) -> Select:
    """The ids of articles with a claim (not dismissed) whose current verdict this user wrote."""
    return (
        select(Claim.article_id)
        .join(ClaimRevision, col(ClaimRevision.claim_id) == Claim.id)
        .where(
            ClaimRevision.user_id == user_id,
            col(ClaimRevision.field).in_(VERDICT_FIELDS),
            col(ClaimRevision.after).is_not(None),
            ClaimRevision.after != "",
            Claim.dismissed == False,  # noqa: E712 (SQL)
            ClaimRevision.id == _latest_verdict_change(),
        )
    )


def _collection_ids(chosen: CollectionFilter) -> Select:
    return select(Article.id).where(*_in_collection(chosen))


def articles_in_collection(session: Session, chosen: CollectionFilter) -> list[int]:
    """The collection's article ids, oldest day first, then by id (one query; ids only, so a
    collection of any size is listed without loading its articles)."""
    query = select(Article.id).where(*_in_collection(chosen)).order_by(article_day(), Article.id)
    return list(session.exec(query).all())


def collection_page(session: Session, chosen: CollectionFilter, number: int = 1) -> Page[CollectionArticle]:
    """A page of the collection's articles, in report order, with their tags and how many of
    their claims are signed off (four queries; their texts are not read)."""
    query = (
        select(Article)
        .options(defer(Article.text))
        .where(*_in_collection(chosen))
        .order_by(article_day(), Article.id)
    )
    page = page_of(session, query, number, ARTICLES_PER_PAGE)
    ids = [a.id for a in page.rows]
    counts: dict[int, tuple[int, int]] = {}
    if ids:
        rows = session.exec(
            select(Claim.article_id, func.count(), func.sum(case((col(Claim.status).in_(_SIGNED_OFF), 1), else_=0)))
            .where(col(Claim.article_id).in_(ids), Claim.dismissed == False)  # noqa: E712 (SQL)
            .group_by(Claim.article_id)
        ).all()
        counts = {article_id: (total, signed or 0) for article_id, total, signed in rows}
    tags = tags_for_articles(session, ids)
    found = [
        CollectionArticle(a, a.published or a.created.date(), tags.get(a.id, []), *counts.get(a.id, (0, 0)))
        for a in page.rows
    ]
    return Page(found, page.number, page.pages, page.total, page.offset)


@dataclass(frozen=True)
class CollectionArticle:
    """An article of a collection as the Reports page lists it."""

    article: Article
    day: dt.date  # its publication date, else the day it was added
    tags: list[str]
    claims: int
    signed_off: int


# --- Totals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerdictTotal:
    """Signed-off claims with one verdict: a label of a scale, or ("", "") the free-text conclusions."""

    label: str
    scale: str
    claims: int


@dataclass(frozen=True)
class OutletTotal:
    """An outlet's articles in the collection and their signed-off claims ("" : no outlet named)."""

    outlet: str
    articles: int
    claims: int


@dataclass(frozen=True)
class Tally:
    """Signed-off claims of one claimant or one reviewer (None: none named, or none recorded)."""

    name: str | None
    claims: int


@dataclass(frozen=True)
class CollectionTotals:
    """What a collection holds, counted in SQL. Verdicts come in their scale's order (free-text
    conclusions last), the other lists largest first (ties by name); with a limit, each list holds
    at most that many rows and `more` names the lists that had more."""

    articles: int
    claims: int  # not dismissed
    signed_off: int  # approved or published
    in_review: int  # a verdict, not yet signed off
    unreviewed: int  # no verdict
    verdicts: list[VerdictTotal]
    outlets: list[OutletTotal]
    claimants: list[Tally]
    reviewers: list[Tally]
    more: frozenset[str] = field(default_factory=frozenset)


def collection_totals(session: Session, chosen: CollectionFilter, *, limit: int | None = None) -> CollectionTotals:
    """The collection's totals: its claims by where they stand, and its signed-off claims per
    verdict, outlet, claimant and reviewer (six queries, each one GROUP BY or count, whatever its size)."""
    claims = (Claim.dismissed == False, col(Claim.article_id).in_(_collection_ids(chosen)))  # noqa: E712 (SQL)
    signed_off = (*claims, col(Claim.status).in_(_SIGNED_OFF))
    is_signed_off = col(Claim.status).in_(_SIGNED_OFF)
    has_verdict = col(Claim.verdict_id).is_not(None) | (Claim.conclusion != "")
    total, signed, in_review, unreviewed, concluded = session.exec(
        select(
            func.count(),
            _count_where(is_signed_off),
            _count_where(has_verdict & col(Claim.status).not_in(_SIGNED_OFF)),
            _count_where(~has_verdict),
            _count_where(is_signed_off & col(Claim.verdict_id).is_(None) & (Claim.conclusion != "")),
        ).where(*claims)
    ).one()
    tables = {
        "verdicts": _verdict_totals(session, signed_off, limit) + ([VerdictTotal("", "", concluded)] if concluded else []),
        "outlets": _outlet_totals(session, chosen, limit),
        "claimants": _claimant_totals(session, signed_off, limit),
        "reviewers": _reviewer_totals(session, signed_off, limit),
    }
    more = frozenset(name for name, rows in tables.items() if limit is not None and len(rows) > limit)
    return CollectionTotals(
        articles=session.exec(select(func.count()).select_from(_collection_ids(chosen).subquery())).one(),
        claims=total,
        signed_off=signed or 0,
        in_review=in_review or 0,
        unreviewed=unreviewed or 0,
        more=more,
        **{name: rows[:limit] for name, rows in tables.items()},
    )


def _count_where(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _limited(query: Select, limit: int | None) -> Select:
    """The query cut one row past `limit`, so the caller can tell there were more."""
    return query if limit is None else query.limit(limit + 1)


def _verdict_totals(session: Session, signed_off: tuple[Any, ...], limit: int | None) -> list[VerdictTotal]:
    """Signed-off claims per label, in each scale's order (scales by name)."""
    query = (
        select(Rating.label, RatingScale.name, func.count())
        .select_from(Claim)
        .join(Rating, col(Rating.id) == Claim.verdict_id)
        .join(RatingScale, col(RatingScale.id) == Rating.scale_id)
        .where(*signed_off)
        .group_by(RatingScale.name, Rating.position, Rating.label)
        .order_by(RatingScale.name, Rating.position)
    )
    return [VerdictTotal(label, scale, n) for label, scale, n in session.exec(_limited(query, limit))]


def _outlet_totals(session: Session, chosen: CollectionFilter, limit: int | None) -> list[OutletTotal]:
    """Per outlet: its articles in the collection and their signed-off claims, most articles first.
    The claims are counted per article first, in one pass: joined claim by claim, SQLite (without
    statistics) read every signed-off claim of the database again for each article."""
    per_article = (
        select(col(Claim.article_id).label("article_id"), func.count().label("claims"))
        .where(Claim.dismissed == False, col(Claim.status).in_(_SIGNED_OFF))  # noqa: E712 (SQL)
        .group_by(Claim.article_id)
        .subquery()
    )
    # SUM is a numeric on PostgreSQL (a Decimal in Python): cast back to a count.
    articles, verdicts = func.count(Article.id), cast(func.coalesce(func.sum(per_article.c.claims), 0), Integer)
    query = (
        select(Article.outlet, articles, verdicts)
        .outerjoin(per_article, per_article.c.article_id == Article.id)
        .where(*_in_collection(chosen))
        .group_by(Article.outlet)
        .order_by(articles.desc(), verdicts.desc(), Article.outlet)
    )
    return [OutletTotal(outlet, n, claims) for outlet, n, claims in session.exec(_limited(query, limit))]


def _claimant_totals(session: Session, signed_off: tuple[Any, ...], limit: int | None) -> list[Tally]:
    """Signed-off claims per claimant, most first; those naming no claimant under None, after ties."""
    query = (
        select(Claim.claimant, func.count())
        .where(*signed_off)
        .group_by(Claim.claimant)
        .order_by(func.count().desc(), Claim.claimant == "", Claim.claimant)
    )
    return [Tally(name or None, n) for name, n in session.exec(_limited(query, limit))]


def _reviewer_totals(session: Session, signed_off: tuple[Any, ...], limit: int | None) -> list[Tally]:
    """Signed-off claims per author of their last verdict change, most first; none recorded (an
    import, the command line) counts under None."""
    last_change = (
        select(col(Claim.id).label("claim_id"), _latest_verdict_change().label("revision_id")).where(*signed_off).subquery()
    )
    author = aliased(ClaimRevision)
    query = (
        select(User.display_name, User.username, func.count())
        .select_from(last_change)
        .outerjoin(author, col(author.id) == last_change.c.revision_id)
        .outerjoin(User, col(User.id) == author.user_id)
        .group_by(User.id, User.display_name, User.username)
        .order_by(func.count().desc(), case((col(User.id).is_(None), 1), else_=0), User.username)
    )
    rows = session.exec(_limited(query, limit))
    return [Tally((display or username) if username is not None else None, n) for display, username, n in rows]


def collection_scales(session: Session, chosen: CollectionFilter) -> list[dict[str, Any]]:
    """The rating scales the collection's articles are rated on, by name, each with its labels
    in order, in the record's form (factcheck.domain.records): the report's legend (two queries)."""
    used = select(Article.rating_scale_id).where(*_in_collection(chosen)).distinct()
    scales = session.exec(select(RatingScale).where(col(RatingScale.id).in_(used)).order_by(RatingScale.name)).all()
    ratings: dict[int, list[Rating]] = {}
    if scales:
        query = select(Rating).where(col(Rating.scale_id).in_([s.id for s in scales])).order_by(Rating.position)
        for rating in session.exec(query):
            ratings.setdefault(rating.scale_id, []).append(rating)
    return [
        {
            "name": scale.name,
            "ratings": [
                {"label": r.label, "value": r.value, "best": r.is_best, "worst": r.is_worst, "description": r.description}
                for r in ratings.get(scale.id, [])
            ],
            "description": scale.description,
            "free_text": scale.free_text,
        }
        for scale in scales
    ]


def collection_record(session: Session, chosen: CollectionFilter) -> dict[str, Any]:
    """The collection as plain data (`factcheck-collection/1`) for the report writers: the filter
    in words, the totals in full, and the legend of every scale its articles use. The articles'
    own records come apart, one at a time (`collection_records`)."""
    totals = collection_totals(session, chosen)
    return {
        "format": FORMAT,
        "title": chosen.describe(),
        "filter": {
            "from": chosen.start.isoformat() if chosen.start else None,
            "to": chosen.end.isoformat() if chosen.end else None,
            "outlet": chosen.outlet or None,
            "tag": chosen.tag or None,
            "reviewer": chosen.reviewer_name or None,
        },
        "articles": totals.articles,
        "claims": {
            "total": totals.claims,
            "signed_off": totals.signed_off,
            "in_review": totals.in_review,
            "unreviewed": totals.unreviewed,
        },
        "totals": {
            "verdicts": [{"label": v.label, "scale": v.scale, "claims": v.claims} for v in totals.verdicts],
            "outlets": [{"outlet": o.outlet, "articles": o.articles, "claims": o.claims} for o in totals.outlets],
            "claimants": [{"name": t.name, "claims": t.claims} for t in totals.claimants],
            "reviewers": [{"name": t.name or NOBODY, "claims": t.claims} for t in totals.reviewers],
        },
        "rating_scales": collection_scales(session, chosen),
        "figures": collection_figures(session, chosen),
    }


def collection_figures(session: Session, chosen: CollectionFilter) -> dict[str, Any]:
    """What the report's charts draw beyond the totals: signed-off claims per outlet and verdict
    label, and verdicts given or changed per day (UTC) on the collection's claims (two queries)."""
    in_collection = (Claim.dismissed == False, col(Claim.article_id).in_(_collection_ids(chosen)))  # noqa: E712 (SQL)
    by_outlet: dict[str, list[dict[str, Any]]] = {}
    rows = session.exec(
        select(Article.outlet, Rating.label, func.count())
        .select_from(Claim)
        .join(Article, col(Article.id) == Claim.article_id)
        .join(Rating, col(Rating.id) == Claim.verdict_id)
        .where(*in_collection, col(Claim.status).in_(_SIGNED_OFF))
        .group_by(Article.outlet, Rating.label)
        .order_by(Article.outlet, Rating.label)
    ).all()
    for outlet, label, count in rows:
        by_outlet.setdefault(outlet or NO_OUTLET, []).append({"label": label, "claims": count})
    day = day_of(session, col(ClaimRevision.changed))
    days = session.exec(
        select(day, func.count())
        .where(
            col(ClaimRevision.field).in_(REVIEW_FIELDS),
            col(ClaimRevision.claim_id).in_(select(Claim.id).where(*in_collection)),
        )
        .group_by(day)
        .order_by(day)
    ).all()
    return {
        "by_outlet": [{"outlet": outlet, "verdicts": verdicts} for outlet, verdicts in by_outlet.items()],
        "verdicts_given": [{"day": value if isinstance(value, str) else value.isoformat(), "claims": n} for value, n in days],
    }


def collection_records(session: Session, article_ids: Iterable[int]) -> Iterator[dict[str, Any]]:
    """Each article's record (factcheck.domain.records.article_record), one at a time, in the
    order given: the session lets go of each article's rows once its record is made, so a report
    of any size holds one article in memory. An article deleted meanwhile is passed over."""
    for article_id in article_ids:
        article = session.get(Article, article_id)
        if article is None:
            continue
        record = article_record(session, article)
        session.expunge_all()  # read only: nothing is pending, and nothing is kept for later
        yield record
