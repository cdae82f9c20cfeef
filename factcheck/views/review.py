"""The review page: the claim list (triage first), a part of the text with its highlights, and the
open claim's editor; bulk actions on the claims ticked in the list."""

from __future__ import annotations

from dataclasses import astuple, fields
from typing import Any
from urllib.parse import parse_qsl

from flask import Blueprint, Response, redirect, request, url_for
from sqlmodel import Session
from werkzeug.datastructures import MultiDict

from factcheck.db import commit_changes, get_session
from factcheck.domain.articles import get_article, tags_for_articles
from factcheck.domain.bulk import bulk_change
from factcheck.domain.changes import SITE, article_scope
from factcheck.domain.claims import claim_of
from factcheck.domain.permissions import may_use
from factcheck.domain.review import (
    CLAIMS_PER_PART,
    DISMISSED,
    SORTS,
    UNSCORED,
    ClaimCard,
    Counts,
    Filters,
    assignee_names,
    claim_card,
    claim_counts,
    part_of,
    review_page,
    signal_reasons,
    worth_band,
)
from factcheck.domain.scales import change_article_scale, get_scale
from factcheck.domain.shaping import default_split, split_points
from factcheck.domain.workflow import seen_digest
from factcheck.errors import FactcheckError, InvalidInput
from factcheck.forms import is_digits
from factcheck.models import Article, Claim, User
from factcheck.views.auth import current_user, may
from factcheck.views.page_cache import served_again
from factcheck.views.web import current_page, refused_with, render, wants_fragment

bp = Blueprint("review", __name__)

#: What an htmx answer that redraws the list sends: the list (with the open editor), and out of band
#: the text part, the new-claim form (emptied) and the progress line.
LIST_BLOCKS = ["claims", "article_text", "new_claim", "progress_oob"]


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if is_digits(value) else None


def page_args() -> MultiDict:
    """The query of the page the reviewer is on: its URL for htmx, the request's own without JS."""
    if wants_fragment() and request.method != "GET":
        return MultiDict(parse_qsl(current_page().query))
    return request.args


def page_filters() -> Filters:
    """The filters of the page the reviewer acted from."""
    return Filters.from_args(page_args())


def _shared(page: ClaimCard, **extra: Any) -> dict[str, Any]:
    """What the editor's template takes besides the card's data: the helpers it calls, and what
    this request adds (errors to show in the editor or a form)."""
    return {
        **{field.name: getattr(page, field.name) for field in fields(page)},
        "claims_per_part": CLAIMS_PER_PART,
        "worth_band": worth_band,
        "sorts": SORTS,
        "dismissed_choices": DISMISSED,
        "unscored": UNSCORED,
        "reasons": signal_reasons,
        "split_points": split_points,
        "default_split": default_split,
        "seen_digest": seen_digest,
        "conflicts": {},  # claim id -> a stale save against the stored claim (domain.workflow.EditMerge)
        "card_errors": {},
        "source_forms": {},
        "details_forms": {},
        "new_claim_error": None,
        "new_claim_form": {},
        "bulk_error": None,
        "bulk_done": None,
        **extra,
    }


def _progress(counts: Counts) -> dict[str, Any]:
    """The article's claim counts as the progress line (review/_progress.html) names them."""
    return {"total": counts.total, "with_verdict": counts.with_verdict, "dismissed_count": counts.dismissed,
            "status_counts": counts.statuses}


def _may_bulk(session: Session, user: User | None, article: Article) -> bool:
    """Whether the list offers this user its bulk changes."""
    return user is not None and may_use(session, user, "review.bulk", {"article_id": article.id})


def card_context(session: Session, article: Article, filters: Filters, claim: Claim, **extra: Any) -> dict[str, Any]:
    """What the review page's `claim_card` block takes to draw one claim's editor alone: that
    claim's data, not the list's or the text's."""
    card = claim_card(session, article, filters, current_user(), with_team=may("assignments.create"), open_claim=claim)
    return _shared(card, claim=claim, **extra)


def review_context(
    session: Session,
    article: Article,
    filters: Filters,
    *,
    open_claim: Claim | None = None,
    part: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Everything the review page's template takes: the page's data from the domain, and what
    this request adds (errors to show in the editor or a form)."""
    user = current_user()
    page = review_page(
        session, article, filters, user, with_team=may("assignments.create"), open_claim=open_claim, part=part
    )
    return _shared(page, claims=page.claims, bulk=_may_bulk(session, user, article), **_progress(page.counts),
                   article_tags=tags_for_articles(session, [article.id]).get(article.id, []), **extra)


def list_response(
    session: Session, article: Article, *, open_claim: Claim | None, htmx: dict[str, Any] | None = None, **extra: Any
) -> Response:
    """After a change: the list (its open editor included), the text part and the progress line,
    drawn for the page the reviewer is on (filters, page, text part from its URL); `htmx` adds
    response headers, `extra` goes to the template."""
    args = page_args()
    context = review_context(
        session, article, Filters.from_args(args), open_claim=open_claim, part=_int(args.get("part")), oob=True, **extra
    )
    headers = {"retarget": "#claims", "reswap": "outerHTML", "trigger": "claim-saved", **(htmx or {})}
    return render("review/show.html", LIST_BLOCKS, htmx=headers, **context)


def saved_response(session: Session, article: Article, claim: Claim, **extra: Any) -> Response:
    """After a change made in a claim's editor that moves it nowhere in the list (a save, a source,
    a comment): for htmx, the editor, and out of band its row, its mark in the text part shown
    (that of the reviewer's page) and the progress line: what the one claim costs to draw."""
    args = page_args()
    user = current_user()
    context = card_context(
        session,
        article,
        Filters.from_args(args),
        claim,
        **_progress(claim_counts(session, article.id)),
        assignees=assignee_names(session, article),
        bulk=_may_bulk(session, user, article),
        marked=(_int(args.get("part")) or part_of(claim.position)) == part_of(claim.position),
        **extra,
    )
    htmx = {"retarget": f"#claim-{claim.id}", "reswap": "outerHTML", "trigger": "claim-saved"}
    return render("review/_saved.html", htmx=htmx, **context)


def review_url(article_id: int, filters: Filters, claim_id: int | None = None) -> str:
    """The review page with these filters, and this claim's editor open: the address the page shows."""
    return url_for("review.show", article_id=article_id, claim=claim_id, **filters.args())


def claim_url(claim: Claim, filters: Filters) -> str:
    """The review page with this claim's editor open, at its editor: where a change without JS lands."""
    return f"{review_url(claim.article_id, filters, claim.id)}#claim-{claim.id}"


def _draw(article_id: int, filters: Filters, claim_id: int | None, part: int | None) -> Response:
    session = get_session()
    article = get_article(session, article_id)
    open_claim = claim_of(session, article, claim_id)
    context = review_context(session, article, filters, open_claim=open_claim, part=part, oob=wants_fragment())
    return render("review/show.html", blocks=["claims", "article_text"], **context)


@bp.get("/articles/<int:article_id>")
def show(article_id: int) -> Response:
    """The review page; `claim` opens a claim's editor, `part` a part of the text. htmx gets the
    list (with the editor) and the text part. Served again while nothing on it has changed."""
    filters = Filters.from_args(request.args)
    claim_id, part = _int(request.args.get("claim")), _int(request.args.get("part"))
    page = (article_id, astuple(filters), claim_id, part)
    return served_again([article_scope(article_id), SITE], page, lambda: _draw(article_id, filters, claim_id, part))


@bp.post("/articles/<int:article_id>/scale")
def change_scale(article_id: int) -> Response:
    """Rate the article on another scale; a 409 once any of its claims has a verdict."""
    session = get_session()
    article = get_article(session, article_id)
    change_article_scale(session, article, get_scale(session, request.form.get("rating_scale_id", "")))
    return redirect(url_for("review.show", article_id=article.id), code=303)


def _bulk_refused(error: FactcheckError, article_id: int) -> Response | None:
    """A bulk change refused (nothing changed): the list with why, where the reviewer looks."""
    if not isinstance(error, InvalidInput) and error.status != 403:
        return None
    session = get_session()
    article = get_article(session, article_id)
    args = page_args()
    context = review_context(session, article, Filters.from_args(args), part=_int(args.get("part")), oob=True,
                             bulk_error=str(error))
    if not wants_fragment():
        return render("review/show.html", status=error.status, **context)
    return render("review/show.html", ["claims"], status=error.status, htmx={"retarget": "#claims", "reswap": "outerHTML"},
                  **context)


@bp.post("/articles/<int:article_id>/bulk")
@refused_with(_bulk_refused)
def bulk(article_id: int) -> Response:
    """Apply one action to the claims ticked in the list: all of them, or none (with the reason)."""
    session = get_session()
    article = get_article(session, article_id)
    form = request.form
    claim_ids = [int(value) for value in form.getlist("claim_id") if is_digits(value)]
    action = form.get("action", "")
    value = form.get("reviewer_id" if action == "assign" else "status", "")
    done = bulk_change(session, article, claim_ids, action, value, current_user())
    # The editor closes: the address no longer names a claim, so a reload shows what this did.
    here = review_url(article.id, page_filters())
    if not wants_fragment():
        return redirect(here, code=303)
    commit_changes()  # the change is made: what follows only draws it
    return list_response(session, article, open_claim=None, bulk_done=done, htmx={"replace_url": here})

