"""Named queries and writes on articles, claims and sources, shared by the views and the CLI.

Every write function leaves committing to its caller's single transaction, so one reviewer
action is one transaction: either everything it changes is stored or nothing is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from factcheck.errors import InvalidInput
from factcheck.extract import ClaimSpan, parse_header, split_claims
from factcheck.extract.checkworthy import assess
from factcheck.models import (
    CONCLUSION_MAX_CHARS,
    Article,
    ArticleCreate,
    BlindVerdict,
    Claim,
    ClaimKind,
    ClaimRevision,
    ClaimStatus,
    Rating,
    RatingScale,
    ScaleCreate,
    Source,
    SourceCreate,
    utcnow,
)
from factcheck.rendering import RATIONALE_MAX_CHARS

#: A table model with a claim_id column.
RowT = TypeVar("RowT", bound=SQLModel)


class ScaleLocked(Exception):  # noqa: N818 (a state the request conflicts with, answered with a 409)
    """A change a rating scale's use forbids: its labels once a verdict uses them, an article's scale once rated."""


def validation_message(error: ValidationError) -> str:
    """One readable line from a pydantic error: 'url: must be an http:// or https:// address'."""
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


# --- Articles ---------------------------------------------------------------------------


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


def articles_with_progress(session: Session) -> list[ArticleProgress]:
    """All articles, newest first, with claim counts and their verdict mix (four queries)."""
    articles = session.exec(select(Article).order_by(col(Article.created).desc(), col(Article.id).desc())).all()
    progress = {a.id: ArticleProgress(a) for a in articles}
    totals = session.exec(
        select(Claim.article_id, Claim.status, func.count()).group_by(Claim.article_id, Claim.status)
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
        .group_by(Claim.article_id, Rating.label, Rating.position)
        .order_by(Rating.position)
    ).all()
    for article_id, label, _position, count in mix:
        progress[article_id].with_verdict += count
        progress[article_id].verdicts[label] = count
    concluded = session.exec(
        select(Claim.article_id, func.count()).where(Claim.conclusion != "").group_by(Claim.article_id)
    ).all()
    for article_id, count in concluded:
        progress[article_id].with_verdict += count
        progress[article_id].verdicts["Conclusion"] = count
    return list(progress.values())


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
    """Store a new article and its claims; a header line becomes title and date, not a claim."""
    header = parse_header(submitted.text)
    body = submitted.text[header.end :]
    # Split the whole text once: split_claims skips the same header itself. Splitting `body`
    # instead would look for a header again and could take a short first paragraph for one.
    spans = [
        ClaimSpan(span.start - header.end, span.end - header.end, span.text) for span in split_claims(submitted.text)
    ]
    if not spans:
        raise InvalidInput("No sentences found in the article text.")
    title = submitted.title or header.title or _title_from(spans[0].text)
    article = Article(
        title=title,
        outlet=submitted.outlet,
        author=submitted.author or (getattr(header, "byline", None) or ""),
        url=submitted.url,
        source_url=submitted.source_url,
        published=submitted.published or header.published,
        dateline=submitted.dateline or (getattr(header, "dateline", None) or ""),
        content_hash=content_hash(body),
        text=body,
        rating_scale_id=scale.id,
    )
    session.add(article)
    session.flush()
    for position, span in enumerate(spans):
        claim = Claim(article_id=article.id, position=position, start=span.start, end=span.end, text=span.text)
        score_claim(claim)
        session.add(claim)
    session.flush()
    return article


def score_claim(claim: Claim) -> None:
    """Set the claim's check-worthiness, kind and the reasons its card shows, from its text."""
    assessment = assess(claim.text)
    claim.checkworthiness = assessment.score
    claim.kind = ClaimKind(assessment.kind)
    claim.signals = json.dumps(assessment.signals(), ensure_ascii=False, sort_keys=True)


def _title_from(sentence: str, limit: int = 80) -> str:
    words = " ".join(sentence.split())
    return words if len(words) <= limit else words[: limit - 1].rsplit(" ", 1)[0] + "…"


def ratings_for_scale(session: Session, scale_id: int) -> list[Rating]:
    """The labels of a scale in their display order."""
    return list(session.exec(select(Rating).where(Rating.scale_id == scale_id).order_by(Rating.position)).all())


# --- Rating scales ----------------------------------------------------------------------


def has_verdict(claim: Claim) -> bool:
    """Whether the claim is reviewed: a label picked, or a conclusion written on a free-text scale."""
    return claim.verdict_id is not None or bool(claim.conclusion)


def all_scales(session: Session) -> list[RatingScale]:
    """Every rating scale: the presets in the order they were seeded (the default first), then custom ones by name."""
    scales = session.exec(select(RatingScale)).all()
    return sorted(scales, key=lambda s: (not s.preset, s.id if s.preset else 0, s.name.casefold()))


def scales_with_ratings(session: Session) -> list[tuple[RatingScale, list[Rating]]]:
    """Every scale with its labels in order (two queries)."""
    grouped: dict[int, list[Rating]] = defaultdict(list)
    for rating in session.exec(select(Rating).order_by(Rating.scale_id, Rating.position)).all():
        grouped[rating.scale_id].append(rating)
    return [(scale, grouped[scale.id]) for scale in all_scales(session)]


def verdicts_on_scale(session: Session, scale: RatingScale) -> int:
    """How many claims have a verdict from this scale: a label of it or a conclusion on it on the
    claim, or a label of it in a blind verdict on the claim (whose row points at the label too)."""

    if scale.free_text:
        on_claims = (
            select(Claim.id)
            .join(Article, col(Article.id) == Claim.article_id)
            .where(Article.rating_scale_id == scale.id, Claim.conclusion != "")
        )
    else:
        on_claims = select(Claim.id).join(Rating, col(Rating.id) == Claim.verdict_id).where(Rating.scale_id == scale.id)
    blind = (
        select(BlindVerdict.claim_id)
        .join(Rating, col(Rating.id) == BlindVerdict.verdict_id)
        .where(Rating.scale_id == scale.id)
    )
    claim_ids = on_claims.union(blind).subquery()  # UNION: a claim counts once, however many verdicts
    return session.exec(select(func.count()).select_from(claim_ids)).one()


def create_scale(session: Session, submitted: ScaleCreate) -> RatingScale:
    """Store a custom scale and its labels; a name already taken is refused."""
    _refuse_taken_name(session, submitted.name)
    scale = RatingScale(name=submitted.name, description=submitted.description, free_text=submitted.free_text)
    session.add(scale)
    session.flush()
    _add_ratings(session, scale, submitted)
    return scale


def update_scale(session: Session, scale: RatingScale, submitted: ScaleCreate, *, labels: bool) -> RatingScale:
    """Rename or describe a custom scale and, with `labels`, replace its labels unless a verdict uses them."""
    if scale.preset:
        raise ScaleLocked(f"“{scale.name}” is a preset scale: it cannot be edited. Create a custom scale instead.")
    if submitted.name.casefold() != scale.name.casefold():
        _refuse_taken_name(session, submitted.name)
    scale.name, scale.description = submitted.name, submitted.description
    session.add(scale)
    if labels and _label_rows(ratings_for_scale(session, scale.id)) != _label_rows(submitted.ratings):
        used = verdicts_on_scale(session, scale)
        if used:
            raise ScaleLocked(
                f"“{scale.name}” is in use: {used} claim{'s' if used != 1 else ''} "
                f"{'have' if used != 1 else 'has'} a verdict from it, so its labels cannot be changed or deleted. "
                "You can still rename it and change its description."
            )
        for rating in ratings_for_scale(session, scale.id):
            session.delete(rating)
        session.flush()  # the old labels go before new ones with the same names arrive
        _add_ratings(session, scale, submitted)
    session.flush()
    return scale


def _label_rows(ratings: Sequence[Rating] | Sequence[Any]) -> list[tuple[str, int, str, bool, bool]]:
    return [(r.label, r.value, r.description, r.is_best, r.is_worst) for r in ratings]


def _refuse_taken_name(session: Session, name: str) -> None:
    if any(s.name.casefold() == name.casefold() for s in all_scales(session)):
        raise InvalidInput(f"There is already a scale named “{name}”. Choose another name.")


def _add_ratings(session: Session, scale: RatingScale, submitted: ScaleCreate) -> None:
    for position, rating in enumerate(submitted.ratings):
        session.add(
            Rating(
                scale_id=scale.id,
                position=position,
                label=rating.label,
                value=rating.value,
                description=rating.description,
                is_best=rating.is_best,
                is_worst=rating.is_worst,
            )
        )


def change_article_scale(session: Session, article: Article, scale: RatingScale) -> None:
    """Rate the article on another scale; refused once any of its claims has a verdict."""
    rated = sum(1 for c in claims_for_article(session, article.id) if has_verdict(c))
    if rated and scale.id != article.rating_scale_id:
        raise ScaleLocked(
            f"The rating scale cannot be changed: {rated} claim{'s' if rated != 1 else ''} of this article "
            f"{'have' if rated != 1 else 'has'} a verdict. Clear {'them' if rated != 1 else 'it'} first to change the scale."
        )
    blind = session.exec(select(func.count()).select_from(BlindVerdict).where(BlindVerdict.article_id == article.id)).one()
    if blind and scale.id != article.rating_scale_id:
        raise ScaleLocked(
            f"The rating scale cannot be changed: {blind} blind verdict{'s' if blind != 1 else ''} on this article "
            "use its labels. Settle or clear them first."
        )
    if scale.free_text and article.blind_review:
        raise ScaleLocked("A free-text scale has no labels to give blind verdicts with: switch blind review off first.")
    article.rating_scale_id = scale.id
    session.add(article)


# --- Claims -----------------------------------------------------------------------------


def claims_for_article(
    session: Session, article_id: int, status: str | None = None, verdict_id: int | None = None
) -> list[Claim]:
    """The article's claims in text order, optionally only one status or one verdict (0: none yet)."""
    query = select(Claim).where(Claim.article_id == article_id)
    if status:
        query = query.where(Claim.status == status)
    if verdict_id == 0:
        query = query.where(col(Claim.verdict_id).is_(None))
    elif verdict_id is not None:
        query = query.where(Claim.verdict_id == verdict_id)
    return list(session.exec(query.order_by(Claim.position)).all())


def rows_by_claim(session: Session, model: type[RowT], claim_ids: Iterable[int], *order: Any) -> dict[int, list[RowT]]:
    """Rows of a table with a `claim_id` (sources, comments, ...) grouped by claim id, in `order`
    (default: by id, the order they were added); one query."""
    grouped: dict[int, list[RowT]] = defaultdict(list)
    ids = list(claim_ids)
    if ids:
        query = select(model).where(col(model.claim_id).in_(ids)).order_by(*(order or (model.id,)))
        for row in session.exec(query).all():
            grouped[row.claim_id].append(row)
    return grouped


def sources_for_claims(session: Session, claim_ids: Iterable[int]) -> dict[int, list[Source]]:
    """Sources grouped by claim id, in the order they were added (one query)."""
    return rows_by_claim(session, Source, claim_ids)


def claim_history(session: Session, claim_id: int) -> list[ClaimRevision]:
    """Every recorded change to a claim, oldest first."""
    return list(
        session.exec(select(ClaimRevision).where(ClaimRevision.claim_id == claim_id).order_by(ClaimRevision.id)).all()
    )


def update_claim(
    session: Session,
    claim: Claim,
    ratings: Sequence[Rating],
    *,
    verdict_id: int | None,
    rationale: str,
    status: str,
    conclusion: str | None = None,
    free_text: bool = False,
    user_id: int | None = None,
) -> list[ClaimRevision]:
    """Apply a verdict (a label, or a conclusion on a free-text scale), rationale and status;
    record a revision for each change, made by `user_id`.

    `conclusion` None leaves the conclusion as it is. No workflow rules here (the CLI and
    imports use it): reviewers' saves go through factcheck.workflow.save_review, which checks
    them and the claim's version first.
    """
    by_id = {r.id: r for r in ratings}
    if verdict_id is not None and verdict_id not in by_id:
        raise InvalidInput("That verdict is not on this article's rating scale.")
    if conclusion is not None:
        conclusion = " ".join(conclusion.split())
        if conclusion and not free_text:
            raise InvalidInput("This article's rating scale has labels: pick one instead of writing a conclusion.")
        if len(conclusion) > CONCLUSION_MAX_CHARS:
            raise InvalidInput(
                f"The conclusion is {len(conclusion):,} characters; keep it to one line of at most {CONCLUSION_MAX_CHARS}."
            )
    try:
        new_status = ClaimStatus(status)
    except ValueError:
        raise InvalidInput(f"Unknown status {status!r}.") from None
    rationale = rationale.replace("\r\n", "\n")
    if len(rationale) > RATIONALE_MAX_CHARS:
        raise InvalidInput(
            f"The rationale is {len(rationale):,} characters; the limit is {RATIONALE_MAX_CHARS:,}."
        )

    def label(rating_id: int | None) -> str | None:
        return by_id[rating_id].label if rating_id in by_id else None

    changes = []
    if verdict_id != claim.verdict_id:
        changes.append(("verdict", label(claim.verdict_id), label(verdict_id)))
        claim.verdict_id = verdict_id
    if conclusion is not None and conclusion != claim.conclusion:
        changes.append(("conclusion", claim.conclusion or None, conclusion or None))
        claim.conclusion = conclusion
    if rationale != claim.rationale:
        changes.append(("rationale", claim.rationale, rationale))
        claim.rationale = rationale
    if new_status != claim.status:
        changes.append(("status", claim.status.value, new_status.value))
        claim.status = new_status
    return _record(session, claim, changes, user_id)


def new_source(claim: Claim, submitted: SourceCreate) -> Source:
    """The Source row for a validated source of a claim (not yet added to a session)."""
    return Source(
        claim_id=claim.id,
        url=submitted.url,
        title=submitted.title,
        publisher=submitted.publisher,
        quote=submitted.quote.replace("\r\n", "\n").strip(),
        stance=submitted.stance,
        accessed=submitted.accessed or utcnow().date(),
    )


def add_source(session: Session, claim: Claim, submitted: SourceCreate, user_id: int | None = None) -> Source:
    """Attach a validated source to a claim and record it in the claim's history."""
    source = new_source(claim, submitted)
    session.add(source)
    _record(session, claim, [("source_added", None, _describe(source))], user_id)
    return source


def remove_source(session: Session, claim: Claim, source: Source, user_id: int | None = None) -> None:
    """Detach a source from its claim, keeping what it was in the claim's history."""
    _record(session, claim, [("source_removed", _describe(source), None)], user_id)
    session.delete(source)


def _describe(source: Source) -> str:
    return f"{source.url} ({source.stance.value})" + (f" — {source.title}" if source.title else "")


def _record(
    session: Session, claim: Claim, changes: list[tuple[str, str | None, str | None]], user_id: int | None = None
) -> list[ClaimRevision]:
    now = utcnow()
    revisions = [
        ClaimRevision(claim_id=claim.id, field=f, before=b, after=a, changed=now, user_id=user_id)
        for f, b, a in changes
    ]
    if revisions:
        claim.updated = now
        session.add(claim)
        session.add_all(revisions)
    return revisions


def parse_date(value: str, what: str) -> dt.date | None:
    """A YYYY-MM-DD string as a date ('' gives None), or InvalidInput naming the field."""
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{what}: {value!r} is not a date in the form YYYY-MM-DD.") from None
