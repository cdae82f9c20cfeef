"""Claim cards: verdict, rationale, status and sources, edited inline with htmx or plain forms."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, request, url_for
from pydantic import ValidationError
from sqlmodel import Session

from factcheck.articles import get_article_or_404
from factcheck.auth import acting_user_id, current_user
from factcheck.db import get_session
from factcheck.models import Claim, RatingScale, Source, SourceCreate
from factcheck.numbers import is_digits
from factcheck.rendering import render_markdown
from factcheck.review import Filters, review_context
from factcheck.store import (
    InvalidInput,
    add_source,
    parse_date,
    ratings_for_scale,
    remove_source,
    sources_for_claims,
    validation_message,
)
from factcheck.web import render, wants_fragment
from factcheck.workflow import EditConflict, Refused, claim_timeline, save_review

bp = Blueprint("claims", __name__)

CARD_BLOCKS = ["claim_card", "claim_mark_oob", "progress_oob"]


def get_claim_or_404(session: Session, claim_id: int) -> Claim:
    """The claim, or a 404 page naming the missing id."""
    claim = session.get(Claim, claim_id)
    if claim is None:
        abort(404, description=f"There is no claim {claim_id}. It may have been deleted.")
    return claim


def card_response(
    session: Session,
    claim: Claim,
    *,
    error: str | None = None,
    source_form: Any = None,
    status: int | None = None,
    **extra: Any,
) -> Response:
    """After an edit: the updated card for htmx, the review page (4xx) or a redirect without JS.

    `status` defaults to 422 with an error, else 200; a 409 carries `conflicts` in `extra`.
    """
    status = status or (422 if error else 200)
    if not wants_fragment() and status == 200:
        anchor = f"claim-{claim.id}"
        return redirect(url_for("review.show", article_id=claim.article_id, _anchor=anchor), code=303)
    article = get_article_or_404(session, claim.article_id)
    extra = {
        "card_errors": {claim.id: error} if error else {},
        "source_forms": {claim.id: source_form} if source_form is not None else {},
        **extra,
    }
    context = review_context(session, article, Filters(), **extra)
    if wants_fragment():
        # The card block renders for one claim; the whole page stays as the reviewer left it.
        context["claim"] = claim
        context["oob"] = True
        context["sources"] = sources_for_claims(session, [claim.id])
    response = render("review/show.html", blocks=CARD_BLOCKS, status=status, **context)
    if status == 200:
        response.headers["HX-Trigger"] = "claim-saved"
    elif wants_fragment():
        # An error answer belongs in the card, not in the page's message area.
        response.headers["HX-Retarget"] = f"#claim-{claim.id}"
        response.headers["HX-Reswap"] = "outerHTML"
    return response


@bp.get("/claims/<int:claim_id>")
def show(claim_id: int) -> Response:
    """A claim's card for htmx; without JS, the claim in its article's review page."""
    session = get_session()
    claim = get_claim_or_404(session, claim_id)
    if not wants_fragment():
        return redirect(url_for("review.show", article_id=claim.article_id, _anchor=f"claim-{claim.id}"))
    return card_response(session, claim)


@bp.post("/claims/<int:claim_id>")
def update(claim_id: int) -> Response:
    """Save a claim's verdict (label or conclusion), rationale and status through the workflow, as one transaction.

    A save made on an older version of the claim than the stored one is refused with 409 and
    the conflict view: the stored version, the submitted one, and a form to merge them.
    """
    session = get_session()
    claim = get_claim_or_404(session, claim_id)
    article = get_article_or_404(session, claim.article_id)
    scale = session.get(RatingScale, article.rating_scale_id)
    form = request.form
    try:
        save_review(
            session,
            claim,
            ratings_for_scale(session, article.rating_scale_id),
            verdict_id=_verdict_id(form.get("verdict", "")),
            rationale=form.get("rationale", claim.rationale),
            status=form.get("status", claim.status.value),
            conclusion=form.get("conclusion"),
            free_text=scale.free_text,
            user=current_user(),
            version=_version(form.get("version")),
            reason=form.get("reason", ""),
        )
        session.commit()
    except EditConflict:
        session.rollback()
        return card_response(session, claim, status=409, conflicts={claim.id: form})
    except Refused as error:
        session.rollback()
        return card_response(session, claim, error=str(error), status=error.code)
    except InvalidInput as error:
        session.rollback()
        return card_response(session, claim, error=str(error))
    return card_response(session, claim)


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
def add_source_view(claim_id: int) -> Response:
    """Attach a source (http or https URL only) to a claim."""
    session = get_session()
    claim = get_claim_or_404(session, claim_id)
    form = request.form
    try:
        submitted = SourceCreate(
            url=form.get("url", ""),
            title=form.get("title", ""),
            publisher=form.get("publisher", ""),
            quote=form.get("quote", ""),
            stance=form.get("stance", "context"),
            accessed=parse_date(form.get("accessed", ""), "Accessed"),
        )
        add_source(session, claim, submitted, acting_user_id())
        session.commit()
    except ValidationError as error:
        session.rollback()
        return card_response(session, claim, error=_source_error(error), source_form=form)
    except InvalidInput as error:
        session.rollback()
        return card_response(session, claim, error=str(error), source_form=form)
    return card_response(session, claim)


#: The source form's labels, for messages about its fields.
SOURCE_FIELD_LABELS = {"url": "URL", "title": "Title", "publisher": "Publisher", "quote": "Quoted passage",
                       "stance": "Stance", "accessed": "Accessed on"}


def _source_error(error: ValidationError) -> str:
    message = validation_message(error)
    for field, label in SOURCE_FIELD_LABELS.items():
        if message.startswith(f"{field}: "):
            message = f"{label}: " + message.removeprefix(f"{field}: ")
    return "Source not added. " + message


@bp.post("/claims/<int:claim_id>/sources/<int:source_id>/delete")
def remove_source_view(claim_id: int, source_id: int) -> Response:
    """Remove a source from a claim (kept in the claim's history)."""
    session = get_session()
    claim = get_claim_or_404(session, claim_id)
    source = session.get(Source, source_id)
    if source is None or source.claim_id != claim.id:
        abort(404, description=f"Claim {claim_id} has no source {source_id}.")
    if claim.status.signed_off:
        # The sources are part of what was approved: taking one away is a correction.
        return card_response(
            session,
            claim,
            error=f"Claim {claim.position + 1} is {claim.status.label.lower()}: reopen it with a correction "
            "(change its status, giving a reason) before you remove a source.",
        )
    remove_source(session, claim, source, acting_user_id())
    session.commit()
    return card_response(session, claim)


@bp.post("/rationale/preview")
def preview() -> Response:
    """The rationale as it will be shown: Markdown rendered and sanitized."""
    return Response(render_markdown(request.form.get("rationale", "")), mimetype="text/html")


@bp.get("/claims/<int:claim_id>/history")
def history(claim_id: int) -> Response:
    """Every change to a claim, who made it and when, with its corrections and comments."""
    session = get_session()
    claim = get_claim_or_404(session, claim_id)
    article = get_article_or_404(session, claim.article_id)
    return render("claims/history.html", claim=claim, article=article, entries=claim_timeline(session, claim))
