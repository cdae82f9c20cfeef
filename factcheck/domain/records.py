"""The full record of an article (`factcheck-article/1`): built from the database, and stored back.

The record is the JSON export format and also what the report writers take, so every export
says the same thing the database does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from factcheck.domain.articles import canonical_outlet, set_tags, tags_for_articles
from factcheck.domain.claims import claims_for_article, new_source, score_claim, sources_for_claims
from factcheck.domain.history import Signoff, corrections_for_claims, signoffs_for_claims
from factcheck.domain.record_format import check_record
from factcheck.domain.scales import all_scales, create_scale, default_scale, ratings_for_scale
from factcheck.domain.seen_before import links_for_claims
from factcheck.errors import InvalidInput
from factcheck.forms import (
    CONCLUSION_MAX_CHARS,
    LIMITS_KEY,
    ArticleCreate,
    ArticleLimits,
    ClaimDetails,
    RatingInput,
    ScaleCreate,
    SourceCreate,
    validation_message,
)
from factcheck.models import Article, Claim, Correction, Rating, RatingScale
from factcheck.rendering import RATIONALE_MAX_CHARS
from factcheck.vocabulary import ClaimStatus

FORMAT = "factcheck-article/1"
#: Statuses older exports hold, and what they are now: "done" came before second review existed.
LEGACY_STATUSES = {"done": ClaimStatus.NEEDS_SECOND_REVIEW}


def article_record(session: Session, article: Article) -> dict[str, Any]:
    """The article, its scale, and every claim with verdict, rationale and sources, as plain data."""
    scale = session.get(RatingScale, article.rating_scale_id)
    ratings = ratings_for_scale(session, article.rating_scale_id)
    labels = {r.id: r.label for r in ratings}
    claims = [c for c in claims_for_article(session, article.id) if not c.dismissed]
    sources = sources_for_claims(session, [c.id for c in claims])
    corrections = corrections_for_claims(session, [c.id for c in claims])
    links = links_for_claims(session, [c.id for c in claims])
    signoffs = signoffs_for_claims(session, [c.id for c in claims])
    nobody = Signoff()
    return {
        "format": FORMAT,
        "article": {
            "id": article.id,  # this database's: a public page's or a report's address; import ignores it
            "title": article.title,
            "published": article.published.isoformat() if article.published else None,
            "url": article.url,
            "outlet": article.outlet,
            "author": article.author,
            "tags": tags_for_articles(session, [article.id]).get(article.id, []),
            "archived": article.archived,
            "text": article.text,
        },
        "rating_scale": {
            "name": scale.name,
            "ratings": [
                {"label": r.label, "value": r.value, "best": r.is_best, "worst": r.is_worst, "description": r.description}
                for r in ratings
            ],
            "description": scale.description,
            "free_text": scale.free_text,
        },
        "claims": [
            {
                "id": c.id,
                "start": c.start,
                "end": c.end,
                "text": c.text,
                "status": c.status.value,
                "verdict": labels.get(c.verdict_id),
                "conclusion": c.conclusion,  # the verdict on a free-text scale, else ""
                "rationale": c.rationale,
                "claimant": c.claimant,
                "claim_url": c.claim_url,
                "claim_date": c.claim_date.isoformat() if c.claim_date else None,
                "summary": c.summary,
                "checkworthiness": round(c.checkworthiness, 3) if c.checkworthiness is not None else None,
                # From the history: who wrote the verdict and who approved it (None: an import or the CLI).
                "reviewer": signoffs.get(c.id, nobody).reviewer,
                "approver": signoffs.get(c.id, nobody).approver,
                "approved_on": _iso(signoffs.get(c.id, nobody).approved),
                "published_on": _iso(signoffs.get(c.id, nobody).published),
                "sources": [
                    {
                        "url": s.url,
                        "title": s.title,
                        "publisher": s.publisher,
                        "quote": s.quote,
                        "stance": s.stance.value,
                        "accessed": s.accessed.isoformat(),
                    }
                    for s in sources.get(c.id, [])
                ],
                "corrections": [
                    {
                        "date": k.created.date().isoformat(),
                        "reason": k.reason,
                        "old_verdict": k.old_verdict,
                        "old_rationale": k.old_rationale,
                        "old_status": k.old_status.value,
                    }
                    for k in corrections.get(c.id, [])
                ],
                # Earlier checks a reviewer linked as the same claim (factcheck.domain.seen_before).
                "same_claim_as": [
                    {
                        "ref": m.ref,
                        "claim": m.claim,
                        "verdict": m.verdict,
                        "publisher": m.publisher,
                        "published": m.published.isoformat() if m.published else None,
                        "url": m.url,
                    }
                    for m in links.get(c.id, [])
                ],
            }
            for c in claims
        ],
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def import_record(session: Session, record: Any, scale: RatingScale | None = None) -> Article:
    """Store an exported record as a new article, checking every part before anything is kept.

    Verdicts are matched by label on `scale`, by default the record's own scale (see
    `scale_for_record`); a label it lacks is refused, not guessed. The record's shape is checked
    whole first (factcheck.domain.record_format): every value of the right type, every string storable.
    """
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise InvalidInput(f'Not a factcheck export: expected "format": "{FORMAT}".')
    check_record(record)
    if scale is None:
        scale = scale_for_record(session, record)
    meta = _mapping(record.get("article"), "article")
    try:
        submitted = ArticleCreate(
            text=_text(meta.get("text"), "article.text"),
            title=meta.get("title") or "",
            outlet=meta.get("outlet") or "",
            author=meta.get("author") or "",
            url=meta.get("url") or "",
            published=meta.get("published"),
        )
    except ValidationError as error:
        raise InvalidInput(f"article: {validation_message(error)}") from None
    ratings = {r.label: r for r in ratings_for_scale(session, scale.id)}
    claims = record.get("claims")
    if not isinstance(claims, list) or not claims:
        raise InvalidInput("The export has no claims.")
    limits: ArticleLimits = session.info.get(LIMITS_KEY, ArticleLimits())
    limits.check_text(submitted.text, "article.text")
    limits.check_claims(len(claims), "The export")
    _check_spans(claims, submitted.text)
    article = Article(
        title=submitted.title or "Untitled article",
        outlet=canonical_outlet(session, submitted.outlet),
        author=submitted.author,
        url=submitted.url,
        published=submitted.published,
        text=submitted.text,
        rating_scale_id=scale.id,
        archived=meta.get("archived") is True,
    )
    session.add(article)
    session.flush()
    tags = meta.get("tags") or []
    if not isinstance(tags, list):
        raise InvalidInput("article.tags must be a list of tags.")
    set_tags(session, article, tags)
    for position, entry in enumerate(claims):
        _import_claim(session, article, position, _mapping(entry, f"claims[{position}]"), ratings, scale.free_text)
    session.flush()
    return article


def _check_spans(claims: list[Any], text: str) -> None:
    """The claims must be what the app itself makes: exact spans of the text, in order, not
    overlapping, not starting or ending with white space (a merge or split of anything else
    would break its offsets)."""
    end = 0
    for position, entry in enumerate(claims):
        where = f"claims[{position}]"
        if not isinstance(entry, dict):
            raise InvalidInput(f"{where} must be an object.")
        start, stop = entry.get("start"), entry.get("end")
        if type(start) is not int or type(stop) is not int or not 0 <= start < stop <= len(text):
            raise InvalidInput(f"{where}: start and end must be offsets inside the article text.")
        if start < end:
            raise InvalidInput(f"{where}: starts at {start}, inside or before claims[{position - 1}] (which ends at {end}); "
                               "claims must be in text order and must not overlap.")
        if text[start].isspace() or text[stop - 1].isspace():
            raise InvalidInput(f"{where}: starts or ends with white space; a claim is the words themselves.")
        end = stop


def _import_claim(
    session: Session,
    article: Article,
    position: int,
    entry: dict[str, Any],
    ratings: dict[str, Rating],
    free_text: bool,
) -> Claim:
    where = f"claims[{position}]"
    start, end = entry.get("start"), entry.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(article.text)):
        raise InvalidInput(f"{where}: start and end must be offsets inside the article text.")
    if article.text[start:end] != entry.get("text"):
        raise InvalidInput(f"{where}: text is not the article text between start and end.")
    verdict = entry.get("verdict")
    if verdict is not None and verdict not in ratings:
        raise InvalidInput(f"{where}: verdict {verdict!r} is not on the rating scale.")
    conclusion = entry.get("conclusion") or ""
    if not isinstance(conclusion, str) or len(conclusion) > CONCLUSION_MAX_CHARS:
        raise InvalidInput(f"{where}: conclusion must be text of at most {CONCLUSION_MAX_CHARS} characters.")
    if conclusion and not free_text:
        raise InvalidInput(f"{where}: has a conclusion, but the rating scale has labels, not free text.")
    try:
        status = _status(entry.get("status") or ClaimStatus.TO_REVIEW)
    except ValueError:
        raise InvalidInput(f"{where}: unknown status {entry.get('status')!r}.") from None
    rationale = entry.get("rationale") or ""
    if not isinstance(rationale, str) or len(rationale) > RATIONALE_MAX_CHARS:
        raise InvalidInput(f"{where}: rationale must be text of at most {RATIONALE_MAX_CHARS:,} characters.")
    try:
        details = ClaimDetails(
            claimant=entry.get("claimant") or "",
            claim_url=entry.get("claim_url") or "",
            claim_date=entry.get("claim_date"),
            summary=entry.get("summary") or "",
        )
    except ValidationError as error:
        raise InvalidInput(f"{where}: {validation_message(error)}") from None
    claim = Claim(
        article_id=article.id,
        position=position,
        start=start,
        end=end,
        text=entry["text"],
        status=status,
        verdict_id=ratings[verdict].id if verdict is not None else None,
        conclusion=conclusion,
        rationale=rationale,
        **details.model_dump(),
    )
    if status == ClaimStatus.PUBLISHED and article.published is not None:
        # Its publication is not in this database's history: dated by its article, as ClaimReview dates it.
        claim.published_at = dt.datetime.combine(article.published, dt.time(), dt.UTC)
    score_claim(claim)
    session.add(claim)
    session.flush()
    _import_corrections(session, claim, entry.get("corrections") or [], where)
    for number, raw in enumerate(entry.get("sources") or []):
        source = _mapping(raw, f"{where}.sources[{number}]")
        try:
            submitted = SourceCreate(
                url=source.get("url") or "",
                title=source.get("title") or "",
                publisher=source.get("publisher") or "",
                quote=source.get("quote") or "",
                stance=source.get("stance") or "context",
                accessed=source.get("accessed"),
            )
        except ValidationError as error:
            raise InvalidInput(f"{where}.sources[{number}]: {validation_message(error)}") from None
        session.add(new_source(claim, submitted))  # as added in the page, without a history entry
    return claim


def scale_for_record(session: Session, record: dict[str, Any]) -> RatingScale:
    """The scale a record's verdicts are on: the stored scale of that name when it fits, else a new one.

    A record without a scale goes on the default scale. A stored scale of the same name that
    differs (other labels, or labels against free text) is left alone: the record's scale is
    stored beside it as "NAME (imported)", so importing never changes a scale in use.
    """
    if record.get("rating_scale") is None:
        return default_scale(session)
    wanted = _scale_create(_mapping(record.get("rating_scale"), "rating_scale"))
    by_name = {s.name.casefold(): s for s in all_scales(session)}
    name, number = wanted.name, 1
    while (existing := by_name.get(name.casefold())) is not None:
        if existing.free_text == wanted.free_text and _fits(ratings_for_scale(session, existing.id), wanted):
            return existing
        number += 1
        name = f"{wanted.name} (imported{'' if number == 2 else f' {number - 1}'})"
    return create_scale(session, wanted.model_copy(update={"name": name}))


def _fits(ratings: list[Rating], wanted: ScaleCreate) -> bool:
    return [(r.label, r.value) for r in ratings] == [(r.label, r.value) for r in wanted.ratings]


def _scale_create(raw: dict[str, Any]) -> ScaleCreate:
    rows = raw.get("ratings") or []
    if not isinstance(rows, list):
        raise InvalidInput("rating_scale.ratings must be a list.")
    try:
        return ScaleCreate(
            name=_text(raw.get("name"), "rating_scale.name"),
            description=raw.get("description") or "",
            free_text=bool(raw.get("free_text")),
            ratings=[
                RatingInput(
                    label=row.get("label"),
                    value=row.get("value"),
                    description=row.get("description") or "",
                    is_best=bool(row.get("best")),
                    is_worst=bool(row.get("worst")),
                )
                for row in (_mapping(r, "rating_scale.ratings[]") for r in rows)
            ],
        )
    except ValidationError as error:
        raise InvalidInput(f"rating_scale: {validation_message(error)}") from None


def _status(value: Any) -> ClaimStatus:
    if isinstance(value, str) and value in LEGACY_STATUSES:
        return LEGACY_STATUSES[value]
    return ClaimStatus(value)


def _import_corrections(session: Session, claim: Claim, entries: Any, where: str) -> None:
    if not isinstance(entries, list):
        raise InvalidInput(f"{where}.corrections must be a list.")
    for number, raw in enumerate(entries):
        item = _mapping(raw, f"{where}.corrections[{number}]")
        try:
            created = dt.datetime.combine(dt.date.fromisoformat(item.get("date") or ""), dt.time(), dt.UTC)
            old_status = _status(item.get("old_status"))
        except (TypeError, ValueError):
            raise InvalidInput(f"{where}.corrections[{number}]: needs a date (YYYY-MM-DD) and a known old_status.") from None
        session.add(
            Correction(
                claim_id=claim.id,
                created=created,
                reason=_text(item.get("reason") or "", f"{where}.corrections[{number}].reason"),
                old_verdict=item.get("old_verdict") if isinstance(item.get("old_verdict"), str) else None,
                old_rationale=_text(item.get("old_rationale") or "", f"{where}.corrections[{number}].old_rationale"),
                old_status=old_status,
            )
        )


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInput(f"{where} must be an object.")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{where} must be text.")
    return value
