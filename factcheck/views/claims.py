"""Claim cards: verdict, rationale, status and sources, edited inline with htmx or plain forms."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import Blueprint, Response, redirect, request
from pydantic import ValidationError

from factcheck.db import commit_changes, get_session
from factcheck.domain.articles import get_article
from factcheck.domain.claims import add_source, get_claim, get_source, remove_source, update_details
from factcheck.domain.history import claim_timeline
from factcheck.domain.review import Filters
from factcheck.domain.scales import get_scale, ratings_for_scale
from factcheck.domain.workflow import EditConflict, edit_merge, save_review
from factcheck.errors import FactcheckError, InvalidInput
from factcheck.forms import ClaimDetails, SourceCreate, is_digits, parse_date, validation_message
from factcheck.models import Claim
from factcheck.rendering import render_markdown
from factcheck.views.auth import acting_user_id, current_user
from factcheck.views.review import card_context, claim_url, list_response, page_filters, review_context, saved_response
from factcheck.views.web import refused_with, render, wants_fragment

bp = Blueprint("claims", __name__)

#: The source form's labels, for messages about its fields.
SOURCE_FIELD_LABELS = {"url": "URL", "title": "Title", "publisher": "Publisher", "quote": "Quoted passage",
                       "stance": "Stance", "accessed": "Accessed on"}
#: The claim details form's labels, for messages about its fields.
DETAIL_FIELD_LABELS = {"claimant": "Claimant", "claim_url": "Said at (URL)", "claim_date": "Said on",
                       "summary": "Short summary"}


def card_response(claim: Claim, *, moved: bool = False, **extra: Any) -> Response:
    """After a change made in a claim's editor: for htmx the editor, its row, its mark in the text
    and the progress line (views.review.saved_response), or, when the change may move the claim
    in the list (`moved`: its check-worthiness), the whole list with the editor open; without
    JavaScript, back to the review page at the claim's editor."""
    if not wants_fragment():
        return redirect(claim_url(claim, page_filters()), code=303)
    commit_changes()  # the change is made: what follows only draws it
    session = get_session()
    article = get_article(session, claim.article_id)
    if moved:
        return list_response(session, article, open_claim=claim, **extra)
    return saved_response(session, article, claim, **extra)


def card_refused(
    error: FactcheckError,
    claim_id: int,
    *,
    source_form: bool = False,
    details_form: bool = False,
    conflict_view: bool = False,
    **extra: Any,
) -> Response:
    """A refused change to a claim, shown in its editor: the message, for htmx the editor alone;
    without JavaScript, the whole page with the editor open. `source_form`: the source form comes
    back as it was sent (`details_form`: the details form); `conflict_view`: a review form saved on an older version shows both
    versions side by side (the form sent is a review, which the conflict view offers to merge)."""
    session = get_session()
    claim = get_claim(session, claim_id)
    if conflict_view and isinstance(error, EditConflict):
        extra["conflicts"] = {claim.id: edit_merge(claim, request.form)}
    else:
        extra["card_errors"] = {claim.id: str(error)}
    if source_form:
        extra["source_forms"] = {claim.id: request.form}
    if details_form:
        extra["details_forms"] = {claim.id: request.form}
    article = get_article(session, claim.article_id)
    if not wants_fragment():
        return render("review/show.html", status=error.status, **review_context(session, article, page_filters(),
                                                                               open_claim=claim, **extra))
    # The answer belongs in the editor, not in the page's message area.
    htmx = {"retarget": f"#claim-{claim.id}", "reswap": "outerHTML"}
    context = card_context(session, article, page_filters(), claim, **extra)
    return render("review/show.html", ["claim_card"], status=error.status, htmx=htmx, **context)


@bp.get("/claims/<int:claim_id>")
def show(claim_id: int) -> Response:
    """A claim's editor for htmx; without JS, the review page with it open."""
    session = get_session()
    claim = get_claim(session, claim_id)
    if not wants_fragment():
        return redirect(claim_url(claim, Filters()))
    context = card_context(session, get_article(session, claim.article_id), Filters(), claim)
    return render("review/show.html", ["claim_card"], **context)


@bp.post("/claims/<int:claim_id>")
@refused_with(partial(card_refused, conflict_view=True))
def update(claim_id: int) -> Response:
    """Save a claim's verdict (label or conclusion), rationale and status through the workflow.

    A save made on an older version of the claim than the stored one is refused with 409 and
    the conflict view: the stored version, the submitted one, and a form to merge them.
    """
    session = get_session()
    claim = get_claim(session, claim_id)
    article = get_article(session, claim.article_id)
    form = request.form
    save_review(
        session,
        claim,
        ratings_for_scale(session, article.rating_scale_id),
        verdict_id=_verdict_id(form.get("verdict", "")),
        rationale=form.get("rationale", claim.rationale),
        status=form.get("status", claim.status.value),
        conclusion=form.get("conclusion"),
        free_text=get_scale(session, article.rating_scale_id).free_text,
        user=current_user(),
        version=_version(form.get("version")),
        reason=form.get("reason", ""),
    )
    return card_response(claim)


def _verdict_id(value: str) -> int | None:
    if not value.strip():
        return None
    if not is_digits(value.strip()):
        raise InvalidInput("That verdict is not on this article's rating scale.")
    return int(value)


def _version(value: str | None) -> int:
    """The claim version the form was rendered with: every save over HTTP is checked against it."""
    if value is None or not value.strip():
        raise InvalidInput("This form does not say which version of the claim it edits. Reload the page and save again.")
    if not is_digits(value.strip()):
        raise InvalidInput("The form's claim version is not a number. Reload the page.")
    return int(value)


@bp.post("/claims/<int:claim_id>/sources")
@refused_with(partial(card_refused, source_form=True))
def add_source_view(claim_id: int) -> Response:
    """Attach a source (http or https URL only) to a claim."""
    session = get_session()
    claim = get_claim(session, claim_id)
    add_source(session, claim, _source_from(request.form), acting_user_id())
    return card_response(claim)


def _source_from(form: Any) -> SourceCreate:
    """The source the form describes, or InvalidInput naming the field as the form labels it."""
    try:
        return SourceCreate(
            url=form.get("url", ""),
            title=form.get("title", ""),
            publisher=form.get("publisher", ""),
            quote=form.get("quote", ""),
            stance=form.get("stance", "context"),
            accessed=parse_date(form.get("accessed", ""), "Accessed"),
        )
    except ValidationError as error:
        message = validation_message(error)
        for field, label in SOURCE_FIELD_LABELS.items():
            if message.startswith(f"{field}: "):
                message = f"{label}: " + message.removeprefix(f"{field}: ")
        raise InvalidInput("Source not added. " + message) from None


@bp.post("/claims/<int:claim_id>/details")
@refused_with(partial(card_refused, details_form=True))
def update_details_view(claim_id: int) -> Response:
    """Save a claim's details for publishing: claimant, where and when it was said, a short summary."""
    session = get_session()
    claim = get_claim(session, claim_id)
    update_details(session, claim, _details_from(request.form), acting_user_id())
    return card_response(claim)


def _details_from(form: Any) -> ClaimDetails:
    """The details the form gives, or InvalidInput naming the field as the form labels it."""
    try:
        return ClaimDetails(
            claimant=form.get("claimant", ""),
            claim_url=form.get("claim_url", ""),
            claim_date=parse_date(form.get("claim_date", ""), DETAIL_FIELD_LABELS["claim_date"]),
            summary=form.get("summary", ""),
        )
    except ValidationError as error:
        message = validation_message(error)
        for field, label in DETAIL_FIELD_LABELS.items():
            if message.startswith(f"{field}: "):
                message = f"{label}: " + message.removeprefix(f"{field}: ")
        raise InvalidInput("Details not saved. " + message) from None


@bp.post("/claims/<int:claim_id>/sources/<int:source_id>/delete")
@refused_with(card_refused)
def remove_source_view(claim_id: int, source_id: int) -> Response:
    """Remove a source from a claim (kept in the claim's history)."""
    session = get_session()
    claim = get_claim(session, claim_id)
    remove_source(session, claim, get_source(session, claim, source_id), acting_user_id())
    return card_response(claim)


@bp.post("/rationale/preview")
def preview() -> Response:
    """The rationale as it will be shown: Markdown rendered and sanitized."""
    return Response(render_markdown(request.form.get("rationale", "")), mimetype="text/html")


@bp.get("/claims/<int:claim_id>/history")
def history(claim_id: int) -> Response:
    """Every change to a claim, who made it and when, with its corrections and comments."""
    session = get_session()
    claim = get_claim(session, claim_id)
    article = get_article(session, claim.article_id)
    return render("claims/history.html", claim=claim, article=article, entries=claim_timeline(session, claim))
