"""The review page: the article text with its claims highlighted, and the claim cards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, request
from sqlmodel import Session

from factcheck.articles import get_article_or_404
from factcheck.db import get_session
from factcheck.models import Article, Claim, ClaimStatus
from factcheck.records import article_record
from factcheck.report import report_markdown
from factcheck.store import claims_for_article, ratings_for_scale, sources_for_claims
from factcheck.web import render, wants_fragment

bp = Blueprint("review", __name__)


@dataclass
class Filters:
    """The review page's claim filters, read from the query string."""

    status: str = ""
    verdict: int | None = None

    @classmethod
    def from_args(cls, args: Any) -> Filters:
        """Read filters, ignoring values that are not statuses or verdict ids."""
        status = args.get("status", "")
        verdict = args.get("verdict", "")
        return cls(
            status=status if status in set(ClaimStatus) else "",
            verdict=int(verdict) if verdict.isdigit() else None,
        )


def review_context(session: Session, article: Article, filters: Filters, **extra: Any) -> dict[str, Any]:
    """Everything the review page shows: text with highlights, filtered claim cards, counts."""
    ratings = ratings_for_scale(session, article.rating_scale_id)
    all_claims = claims_for_article(session, article.id)
    shown = [
        c
        for c in all_claims
        if (not filters.status or c.status == filters.status)
        and (filters.verdict is None or (c.verdict_id or 0) == filters.verdict)
    ]
    return {
        "article": article,
        "ratings": ratings,
        "ratings_by_id": {r.id: r for r in ratings},
        "segments": text_segments(article.text, all_claims),
        "claims": shown,
        "total": len(all_claims),
        "with_verdict": sum(1 for c in all_claims if c.verdict_id is not None),
        "done": sum(1 for c in all_claims if c.status == ClaimStatus.DONE),
        "sources": sources_for_claims(session, [c.id for c in shown]),
        "filters": filters,
        "statuses": list(ClaimStatus),
        # The report preview is part of the full page only; fragments never show it.
        "report": None if wants_fragment() else report_markdown(article_record(session, article)),
        "card_errors": {},
        "source_forms": {},
        **extra,
    }


def text_segments(text: str, claims: list[Claim]) -> list[tuple[str, Claim | None]]:
    """The article text cut into plain runs and claim spans, in order, for highlighting."""
    segments: list[tuple[str, Claim | None]] = []
    cursor = 0
    for claim in sorted(claims, key=lambda c: c.start):
        if claim.start < cursor:  # overlapping spans: the earlier claim keeps the highlight
            continue
        if claim.start > cursor:
            segments.append((text[cursor : claim.start], None))
        segments.append((text[claim.start : claim.end], claim))
        cursor = claim.end
    if cursor < len(text):
        segments.append((text[cursor:], None))
    return segments


@bp.get("/articles/<int:article_id>")
def show(article_id: int) -> Response:
    """The review page; an htmx filter request gets just the claim list."""
    session = get_session()
    article = get_article_or_404(session, article_id)
    context = review_context(session, article, Filters.from_args(request.args))
    return render("review/show.html", blocks=["claims"], **context)
