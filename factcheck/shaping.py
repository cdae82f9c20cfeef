"""Shaping the claims on the review page: split, merge with the next, create from a selection,
dismiss and restore; and the reviewer's "not check-worthy" call.

A change of shape renumbers claims and moves highlights, so htmx gets the whole claim list
back with the article text and progress as out-of-band swaps; without JavaScript the forms
post and land back on the review page. Refusals are 422s that say why, in the card (or the
new-claim form) the reviewer acted from.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping

from flask import Blueprint, Response, abort, redirect, request, url_for
from sqlmodel import Session

from factcheck.articles import get_article_or_404
from factcheck.auth import acting_user_id, signed_in_user
from factcheck.claims import card_response, get_claim_or_404
from factcheck.db import get_session
from factcheck.models import Article, Claim
from factcheck.numbers import is_digits
from factcheck.permissions import PERMISSIONS, allowed
from factcheck.reshape import (
    claim_after,
    create_claim,
    dismiss_claim,
    displayed_offset,
    find_passage,
    merge_with_next,
    restore_claim,
    set_worth_checking,
    split_claim,
)
from factcheck.review import page_filters, review_context
from factcheck.store import InvalidInput, claims_for_article, sources_for_claims
from factcheck.web import render, wants_fragment

bp = Blueprint("shaping", __name__)

SHAPED_BLOCKS = ["claims", "article_text", "new_claim", "progress_oob"]
WORTH_VALUES = {"": None, "no": False, "yes": True}


@bp.post("/articles/<int:article_id>/claims")
def create(article_id: int) -> Response:
    """Make a passage of the article a claim: from a selection's offsets, typed offsets or the passage."""
    session = get_session()
    article = get_article_or_404(session, article_id)
    try:
        start, end = _passage_span(article.text, request.form)
        claim = create_claim(session, article, start, end, user_id=acting_user_id())
        session.commit()
    except InvalidInput as error:
        session.rollback()
        return _new_claim_refused(session, article, str(error))
    return _shaped(session, article, [claim])


@bp.post("/claims/<int:claim_id>/split")
def split(claim_id: int) -> Response:
    """Split a claim before the chosen character of its text (a word start)."""
    session = get_session()
    claim = get_claim_or_404(session, claim_id)
    at = request.form.get("at", "").strip()
    if not is_digits(at):
        return _card_refused(session, claim, "Pick the word to split the claim before.")
    refused = _reshape(session, claim, lambda: split_claim(session, claim, int(at), user_id=acting_user_id()))
    if refused is not None:
        return refused
    return _shaped(session, _article(session, claim), [claim])


@bp.post("/claims/<int:claim_id>/merge")
def merge(claim_id: int) -> Response:
    """Merge a claim with the next one in the text."""
    session = get_session()
    claim = get_claim_or_404(session, claim_id)
    following = claim_after(session, claim)
    user = signed_in_user()
    if following is not None and not allowed(session, user, PERMISSIONS["shaping.merge"], {"claim_id": following.id}):
        # Merging deletes the next claim: the reviewer must be allowed to change it too.
        abort(403, description=f"You may not change claim {following.position + 1}, so you may not merge it into this one.")
    refused = _reshape(session, claim, lambda: merge_with_next(session, claim, user_id=acting_user_id()))
    if refused is not None:
        return refused
    return _shaped(session, _article(session, claim), [claim])


@bp.post("/claims/<int:claim_id>/dismiss")
def dismiss(claim_id: int) -> Response:
    """Set a span aside as not a claim (reversible)."""
    session = get_session()
    claim = get_claim_or_404(session, claim_id)
    claims = claims_for_article(session, claim.article_id)
    refused = _reshape(session, claim, lambda: dismiss_claim(session, claim, user_id=acting_user_id()))
    if refused is not None:
        return refused
    # The card leaves the list unless dismissed claims are shown: then the nearest claim after it
    # (else before it) becomes current.
    later = [c for c in claims if c.position > claim.position]
    earlier = [c for c in reversed(claims) if c.position < claim.position]
    return _shaped(session, _article(session, claim), [claim, *later, *earlier])


@bp.post("/claims/<int:claim_id>/restore")
def restore(claim_id: int) -> Response:
    """Bring a dismissed claim back into the list and the report."""
    session = get_session()
    claim = get_claim_or_404(session, claim_id)
    restore_claim(session, claim, user_id=acting_user_id())
    session.commit()
    return _shaped(session, _article(session, claim), [claim])


@bp.post("/claims/<int:claim_id>/worth-checking")
def worth_checking(claim_id: int) -> Response:
    """Record the reviewer's call: "no" (not check-worthy), "yes", or "" (back to the model's score)."""
    session = get_session()
    claim = get_claim_or_404(session, claim_id)
    value = request.form.get("worth_checking", "")
    if value not in WORTH_VALUES:
        return card_response(session, claim, error=f"Unknown check-worthiness call {value!r}.")
    set_worth_checking(session, claim, WORTH_VALUES[value], user_id=acting_user_id())
    session.commit()
    return card_response(session, claim)


# --- Responses --------------------------------------------------------------------------------


def _shaped(session: Session, article: Article, focus: Iterable[Claim | None]) -> Response:
    """After a change of shape: list, text, form and progress for htmx; a redirect to the page without JS.

    ``focus`` names the claims to make current, best first; the first one the filters show wins.
    """
    filters = page_filters()
    context = review_context(session, article, filters, oob=True)
    shown = {c.id for c in context["claims"]}
    current = next((c.id for c in focus if c is not None and c.id in shown), None)
    if not wants_fragment():
        anchor = f"claim-{current}" if current else None
        return redirect(url_for("review.show", article_id=article.id, _anchor=anchor, **filters.args()), code=303)
    response = render("review/show.html", blocks=SHAPED_BLOCKS, **context)
    response.headers["HX-Trigger"] = "claim-saved"
    if current:
        response.headers["HX-Trigger-After-Settle"] = json.dumps({"claim-focus": {"claim": current}})
    return response


def _reshape(session: Session, claim: Claim, change: Callable[[], object]) -> Response | None:
    """Make `change` to `claim` and commit it; None once made, else (InvalidInput: a rule refused
    it) the change rolled back and the card with the reason."""
    try:
        change()
        session.commit()
    except InvalidInput as error:
        session.rollback()
        return _card_refused(session, claim, str(error))
    return None


def _card_refused(session: Session, claim: Claim, message: str) -> Response:
    """A 422 with the message in the claim's card: the card alone for htmx, else the whole page."""
    article = _article(session, claim)
    context = review_context(session, article, page_filters(), card_errors={claim.id: message})
    if not wants_fragment():
        return render("review/show.html", status=422, **context)
    context.update(claim=claim, sources=sources_for_claims(session, [claim.id]))
    response = render("review/show.html", blocks=["claim_card"], status=422, **context)
    response.headers["HX-Retarget"] = f"#claim-{claim.id}"
    response.headers["HX-Reswap"] = "outerHTML"
    return response


def _new_claim_refused(session: Session, article: Article, message: str) -> Response:
    """A 422 with the message in the new-claim form, which keeps what the reviewer gave."""
    context = review_context(
        session, article, page_filters(), new_claim_error=message, new_claim_form=request.form
    )
    if not wants_fragment():
        return render("review/show.html", status=422, **context)
    response = render("review/show.html", blocks=["new_claim"], status=422, **context)
    response.headers["HX-Retarget"] = "#new-claim"
    response.headers["HX-Reswap"] = "outerHTML"
    return response


# --- Input ------------------------------------------------------------------------------------


def _passage_span(text: str, form: Mapping[str, str]) -> tuple[int, int]:
    """Start and end from the form: the passage if one is typed, else offsets in the text as the page shows it."""
    passage = form.get("passage", "")
    if passage.strip():
        return find_passage(text, passage)
    start, end = form.get("start", "").strip(), form.get("end", "").strip()
    if not (start or end):
        raise InvalidInput("Give the passage, or its start and end, to make it a claim.")
    if not (is_digits(start) and is_digits(end)):
        raise InvalidInput("Start and end must both be whole numbers of characters, from 0.")
    return displayed_offset(text, int(start)), displayed_offset(text, int(end))


def _article(session: Session, claim: Claim) -> Article:
    return get_article_or_404(session, claim.article_id)
