"""Articles: storing a new one split into claims, spotting one already stored, the home page's progress."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from sqlalchemy import func
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from factcheck.domain.claims import score_claim
from factcheck.domain.paging import Page, page_of
from factcheck.errors import InvalidInput, NotFound
from factcheck.extract import ClaimSpan, parse_header, split_claims
from factcheck.forms import LIMITS_KEY, ArticleCreate, ArticleLimits, parse_tags
from factcheck.models import Article, ArticleTag, Claim, Rating, RatingScale
from factcheck.vocabulary import ClaimStatus


def get_article(session: Session, article_id: int) -> Article:
    """The article, or NotFound naming the missing id."""
    article = session.get(Article, article_id)
    if article is None:
        raise NotFound(f"There is no article {article_id}. It may have been deleted.")
    return article


def articles_by_id(session: Session, article_ids: Iterable[int]) -> dict[int, Article]:
    """These articles by id (one query)."""
    ids = list(article_ids)
    if not ids:
        return {}
    return {a.id: a for a in session.exec(select(Article).where(col(Article.id).in_(ids))).all()}


@dataclass
class ArticleProgress:
    """An article with how far its review has come, for the home page."""

    article: Article
    total: int = 0
    with_verdict: int = 0
    second_review: int = 0  # waiting for a second person
    approved: int = 0  # approved, not yet published
    published: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)


#: Articles on one page of the home page.
ARTICLES_PER_PAGE = 50


def articles_with_progress(session: Session, page: int = 1, *, archived: bool = False) -> Page[ArticleProgress]:
    """A page of articles, newest first, with claim counts and their verdict mix (five queries,
    however many articles are stored: their texts are not read, the counts are the page's).
    Archived articles are listed apart: `archived` True lists them alone."""
    query = (
        select(Article)
        .options(defer(Article.text))
        .where(Article.archived == archived)
        .order_by(col(Article.created).desc(), col(Article.id).desc())
    )
    articles = page_of(session, query, page, ARTICLES_PER_PAGE)
    progress = {a.id: ArticleProgress(a) for a in articles.rows}
    if not progress:
        return replace(articles, rows=[])
    shown = col(Claim.article_id).in_(list(progress))
    totals = session.exec(
        select(Claim.article_id, Claim.status, func.count()).where(shown).group_by(Claim.article_id, Claim.status)
    ).all()
    for article_id, status, count in totals:
        progress[article_id].total += count
        row = progress[article_id]
        if status == ClaimStatus.NEEDS_SECOND_REVIEW:
            row.second_review += count
        elif status == ClaimStatus.APPROVED:
            row.approved += count
        elif status == ClaimStatus.PUBLISHED:
            row.published += count
    mix = session.exec(
        select(Claim.article_id, Rating.label, Rating.position, func.count())
        .join(Rating, col(Rating.id) == Claim.verdict_id)
        .where(shown)
        .group_by(Claim.article_id, Rating.label, Rating.position)
        .order_by(Rating.position)
    ).all()
    for article_id, label, _position, count in mix:
        progress[article_id].with_verdict += count
        progress[article_id].verdicts[label] = count
    concluded = session.exec(
        select(Claim.article_id, func.count()).where(shown, Claim.conclusion != "").group_by(Claim.article_id)
    ).all()
    for article_id, count in concluded:
        progress[article_id].with_verdict += count
        progress[article_id].verdicts["Conclusion"] = count
    return replace(articles, rows=list(progress.values()))


def content_hash(text: str) -> str:
    """A fingerprint of an article's words, the same whatever its spacing, case or line endings."""
    return hashlib.sha256(" ".join(text.casefold().split()).encode("utf-8")).hexdigest()


def find_duplicate(session: Session, text: str, urls: Iterable[str] = ()) -> Article | None:
    """An article already stored with the same words (header aside) or one of the same URLs."""
    body = text[parse_header(text).end :]
    found = session.exec(select(Article).where(Article.content_hash == content_hash(body))).first()
    wanted = [u for u in urls if u]
    if found is None and wanted:
        found = session.exec(
            select(Article).where(col(Article.url).in_(wanted) | col(Article.source_url).in_(wanted))
        ).first()
    return found


def create_article(session: Session, submitted: ArticleCreate, scale: RatingScale) -> Article:
    """Store a new article and its claims (queued for their earlier checks: factcheck.matching.queue);
    a header line becomes title and date, not a claim."""
    limits: ArticleLimits = session.info.get(LIMITS_KEY, ArticleLimits())
    limits.check_text(submitted.text)
    header = parse_header(submitted.text)
    body = submitted.text[header.end :]
    # Split the whole text once: split_claims skips the same header itself. Splitting `body`
    # instead would look for a header again and could take a short first paragraph for one.
    spans = [
        ClaimSpan(span.start - header.end, span.end - header.end, span.text) for span in split_claims(submitted.text)
    ]
    if not spans:
        raise InvalidInput("No sentences found in the article text.")
    limits.check_claims(len(spans), "Split into sentences, the article")
    title = submitted.title or header.title or _title_from(spans[0].text)
    article = Article(
        title=title,
        outlet=canonical_outlet(session, submitted.outlet),
        author=submitted.author or header.byline or "",
        url=submitted.url,
        source_url=submitted.source_url,
        published=submitted.published or header.published,
        dateline=submitted.dateline or header.dateline or "",
        content_hash=content_hash(body),
        text=body,
        rating_scale_id=scale.id,
    )
    session.add(article)
    session.flush()
    claims = []
    for position, span in enumerate(spans):
        claim = Claim(article_id=article.id, position=position, start=span.start, end=span.end, text=span.text)
        score_claim(claim)
        session.add(claim)
        claims.append(claim)
    session.flush()
    return article


def canonical_outlet(session: Session, outlet: str) -> str:
    """The outlet as the newsroom already spells it ("reuters " is stored as "Reuters" if an
    article from "Reuters" exists), so lists and report totals name each outlet once."""
    outlet = " ".join(outlet.split())
    if not outlet:
        return ""
    known = session.exec(
        select(Article.outlet).where(func.lower(Article.outlet) == outlet.lower()).order_by(Article.id).limit(1)
    ).first()
    return known or outlet


def outlets(session: Session) -> list[str]:
    """Every outlet named by an article, alphabetically (one query; for filters)."""
    return list(session.exec(select(Article.outlet).where(Article.outlet != "").distinct().order_by(Article.outlet)))


def tags_for_articles(session: Session, article_ids: Iterable[int]) -> dict[int, list[str]]:
    """Each article's tags, sorted (one query)."""
    found: dict[int, list[str]] = {}
    ids = list(set(article_ids))
    if ids:
        rows = session.exec(select(ArticleTag).where(col(ArticleTag.article_id).in_(ids)).order_by(ArticleTag.tag))
        for row in rows:
            found.setdefault(row.article_id, []).append(row.tag)
    return found


def all_tags(session: Session) -> list[str]:
    """Every tag in use, alphabetically (for filters)."""
    return list(session.exec(select(ArticleTag.tag).distinct().order_by(ArticleTag.tag)))


def set_tags(session: Session, article: Article, typed: str | list[str]) -> list[str]:
    """Replace the article's tags with `typed` ("Ukraine, elections 2026" → elections-2026, ukraine)."""
    tags = parse_tags(typed)
    current = tags_for_articles(session, [article.id]).get(article.id, [])
    for tag in set(current) - set(tags):
        row = session.get(ArticleTag, (article.id, tag))
        if row is not None:
            session.delete(row)
    session.add_all([ArticleTag(article_id=article.id, tag=tag) for tag in sorted(set(tags) - set(current))])
    session.flush()
    return tags


def set_archived(session: Session, article: Article, archived: bool) -> None:
    """Archive an article (hidden from the article list; kept in reports, exports and public
    pages) or bring it back."""
    article.archived = archived
    session.add(article)


def _title_from(sentence: str, limit: int = 80) -> str:
    words = " ".join(sentence.split())
    return words if len(words) <= limit else words[: limit - 1].rsplit(" ", 1)[0] + "…"


