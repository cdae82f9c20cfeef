"""Articles: the list with review progress, the new-article form, and the review page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, redirect, request, url_for
from pydantic import ValidationError
from sqlmodel import Session

from factcheck.db import default_scale, get_session
from factcheck.importing import decode_text
from factcheck.models import Article, ArticleCreate, Claim, ClaimStatus
from factcheck.store import (
    InvalidInput,
    claims_for_article,
    create_article,
    parse_date,
    ratings_for_scale,
    sources_for_claims,
    validation_message,
    articles_with_progress,
)
from factcheck.records import article_record
from factcheck.report import report_markdown
from factcheck.web import render, wants_fragment

bp = Blueprint("articles", __name__)

ARTICLE_FIELDS = ("title", "url", "outlet", "author", "published", "text")


@bp.get("/")
def index() -> Response:
    """Home: every article with how many claims have a verdict and their verdict mix."""
    return render("articles/index.html", articles=articles_with_progress(get_session()))


@bp.get("/articles/new")
def new() -> Response:
    """The form to paste or upload an article."""
    return render("articles/new.html", form={}, error=None)


@bp.post("/articles")
def create() -> Response:
    """Store a pasted or uploaded article, split into claims, and open its review page."""
    session = get_session()
    try:
        submitted = _submitted_article()
        article = create_article(session, submitted, default_scale(session))
        session.commit()
    except InvalidInput as error:
        session.rollback()
        return render("articles/new.html", form=request.form, error=str(error), status=422)
    return redirect(url_for("articles.show", article_id=article.id), code=303)


def _submitted_article() -> ArticleCreate:
    form = request.form
    upload = request.files.get("file")
    text = form.get("text", "")
    if upload is not None and upload.filename:
        if text.strip():
            raise InvalidInput("Paste the text or upload a file, not both.")
        text = decode_text(upload.read(), upload.filename)
    try:
        return ArticleCreate(
            text=text.replace("\r\n", "\n"),
            title=form.get("title", ""),
            url=form.get("url", ""),
            outlet=form.get("outlet", ""),
            author=form.get("author", ""),
            published=parse_date(form.get("published", ""), "Publication date"),
        )
    except ValidationError as error:
        raise InvalidInput(validation_message(error)) from None


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


def get_article_or_404(session: Session, article_id: int) -> Article:
    """The article, or a 404 page naming the missing id."""
    article = session.get(Article, article_id)
    if article is None:
        abort(404, description=f"There is no article {article_id}. It may have been deleted.")
    return article


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
    return render("articles/show.html", blocks=["claims"], **context)
