"""The review page: the article text with its claims highlighted, and the claim cards."""

from __future__ import annotations

from dataclasses import fields
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, Response, redirect, request, url_for
from htmx_flask import request as htmx_request
from sqlmodel import Session
from werkzeug.datastructures import MultiDict

from factcheck.db import get_session
from factcheck.domain.articles import get_article
from factcheck.domain.records import article_record
from factcheck.domain.review import DISMISSED, SORTS, UNSCORED, Filters, review_page, signal_reasons
from factcheck.domain.scales import change_article_scale, get_scale
from factcheck.domain.shaping import default_split, split_points
from factcheck.domain.workflow import seen_digest
from factcheck.models import Article, Claim
from factcheck.report import report_markdown
from factcheck.views.auth import current_user, may
from factcheck.views.web import render, wants_fragment

bp = Blueprint("review", __name__)


def page_filters() -> Filters:
    """The filters of the page the reviewer acted from: its URL for htmx, the form's query without JS."""
    if wants_fragment():
        current = urlsplit(htmx_request.htmx.current_url or "")
        return Filters.from_args(MultiDict(parse_qsl(current.query)))
    return Filters.from_args(request.args)


def review_context(
    session: Session, article: Article, filters: Filters, *, only: Claim | None = None, **extra: Any
) -> dict[str, Any]:
    """Everything the review page's template takes: the page's data from the domain, and what
    this request adds (errors to show in a card or a form, the report for a whole page)."""
    page = review_page(session, article, filters, current_user(), with_team=may("assignments.create"), only=only)
    return {
        **{field.name: getattr(page, field.name) for field in fields(page)},
        "sorts": SORTS,
        "dismissed_choices": DISMISSED,
        "unscored": UNSCORED,
        "reasons": signal_reasons,
        "split_points": split_points,
        "default_split": default_split,
        "seen_digest": seen_digest,
        # The report preview is part of the full page only; fragments never show it.
        "report": None if wants_fragment() else report_markdown(article_record(session, article)),
        "conflicts": {},  # claim id -> a stale save against the stored claim (domain.workflow.EditMerge)
        "card_errors": {},
        "source_forms": {},
        "new_claim_error": None,
        "new_claim_form": {},
        **extra,
    }


@bp.get("/articles/<int:article_id>")
def show(article_id: int) -> Response:
    """The review page; an htmx filter request gets just the claim list."""
    session = get_session()
    context = review_context(session, get_article(session, article_id), Filters.from_args(request.args))
    return render("review/show.html", blocks=["claims"], **context)


@bp.post("/articles/<int:article_id>/scale")
def change_scale(article_id: int) -> Response:
    """Rate the article on another scale; a 409 once any of its claims has a verdict."""
    session = get_session()
    article = get_article(session, article_id)
    change_article_scale(session, article, get_scale(session, request.form.get("rating_scale_id", "")))
    return redirect(url_for("review.show", article_id=article.id), code=303)
