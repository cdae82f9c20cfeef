"""Shaping the claims on the review page: split, merge with the next, create from a selection,
dismiss and restore; and the reviewer's "not check-worthy" call.

A change of shape renumbers claims and moves highlights, so htmx gets the whole claim list
back with the article text and progress as out-of-band swaps; without JavaScript the forms
post and land back on the review page. Refusals are 422s that say why, in the card (or the
new-claim form) the reviewer acted from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from flask import Blueprint, Response, redirect, request

from factcheck.db import commit_changes, get_session
from factcheck.domain.articles import get_article
from factcheck.domain.claims import claims_for_article, get_claim
from factcheck.domain.review import SHOW_ALL, shows
from factcheck.domain.shaping import (
    create_claim,
    dismiss_claim,
    displayed_offset,
    find_passage,
    merge_with_next,
    restore_claim,
    set_worth_checking,
    split_claim,
)
from factcheck.errors import FactcheckError, InvalidInput
from factcheck.forms import is_digits
from factcheck.models import Article, Claim
from factcheck.views.auth import acting_user_id
from factcheck.views.claims import card_refused, card_response
from factcheck.views.review import claim_url, list_response, page_filters, review_context, review_url
from factcheck.views.web import refused_with, render, wants_fragment

bp = Blueprint("shaping", __name__)

WORTH_VALUES = {"": None, "no": False, "yes": True}


def _new_claim_refused(error: FactcheckError, article_id: int) -> Response:
    """A refusal shown in the new-claim form, which keeps what the reviewer gave."""
    session = get_session()
    context = review_context(
        session, get_article(session, article_id), page_filters(), new_claim_error=str(error), new_claim_form=request.form
    )
    if not wants_fragment():
        return render("review/show.html", status=error.status, **context)
    htmx = {"retarget": "#new-claim", "reswap": "outerHTML"}
    return render("review/show.html", ["new_claim"], status=error.status, htmx=htmx, **context)


@bp.post("/articles/<int:article_id>/claims")
@refused_with(_new_claim_refused)
def create(article_id: int) -> Response:
    """Make a passage of the article a claim: from a selection's offsets, typed offsets or the passage."""
    session = get_session()
    article = get_article(session, article_id)
    start, end = _passage_span(article.text, request.form)
    claim = create_claim(session, article, start, end, user_id=acting_user_id())
    return _shaped(article, [claim])


@bp.post("/claims/<int:claim_id>/split")
@refused_with(card_refused)
def split(claim_id: int) -> Response:
    """Split a claim before the chosen character of its text (a word start)."""
    session = get_session()
    claim = get_claim(session, claim_id)
    at = request.form.get("at", "").strip()
    if not is_digits(at):
        raise InvalidInput("Pick the word to split the claim before.")
    split_claim(session, claim, int(at), user_id=acting_user_id())
    return _shaped(get_article(session, claim.article_id), [claim])


@bp.post("/claims/<int:claim_id>/merge")
@refused_with(card_refused)
def merge(claim_id: int) -> Response:
    """Merge a claim with the next one in the text (the access check covers that one too)."""
    session = get_session()
    claim = get_claim(session, claim_id)
    merge_with_next(session, claim, user_id=acting_user_id())
    return _shaped(get_article(session, claim.article_id), [claim])


@bp.post("/claims/<int:claim_id>/dismiss")
@refused_with(card_refused)
def dismiss(claim_id: int) -> Response:
    """Set a span aside as not a claim (reversible)."""
    session = get_session()
    claim = get_claim(session, claim_id)
    claims = claims_for_article(session, claim.article_id)
    dismiss_claim(session, claim, user_id=acting_user_id())
    # The card leaves the list unless dismissed claims are shown: then the nearest claim after it
    # (else before it) becomes current.
    later = [c for c in claims if c.position > claim.position]
    earlier = [c for c in reversed(claims) if c.position < claim.position]
    return _shaped(get_article(session, claim.article_id), [claim, *later, *earlier])


@bp.post("/claims/<int:claim_id>/restore")
def restore(claim_id: int) -> Response:
    """Bring a dismissed claim back into the list and the report."""
    session = get_session()
    claim = get_claim(session, claim_id)
    restore_claim(session, claim, user_id=acting_user_id())
    return _shaped(get_article(session, claim.article_id), [claim])


@bp.post("/claims/<int:claim_id>/worth-checking")
@refused_with(card_refused)
def worth_checking(claim_id: int) -> Response:
    """Record the reviewer's call: "no" (not check-worthy), "yes", or "" (back to the model's score)."""
    session = get_session()
    claim = get_claim(session, claim_id)
    value = request.form.get("worth_checking", "")
    if value not in WORTH_VALUES:
        raise InvalidInput(f"Unknown check-worthiness call {value!r}.")
    set_worth_checking(session, claim, WORTH_VALUES[value], user_id=acting_user_id())
    return card_response(claim, moved=True)


def _shaped(article: Article, focus: Iterable[Claim | None]) -> Response:
    """After a change of shape: the list with the first claim of `focus` the filters show open, the
    text part and the progress line, for htmx; a redirect to the page at that claim without JS."""
    filters = page_filters()
    session = get_session()
    # The claim acted on stays open even where triage would leave it out; other filters decide.
    every = replace(filters, show=SHOW_ALL)
    current = next((c for c in focus if c is not None and shows(session, c, every)), None)
    if not wants_fragment():
        return redirect(claim_url(current, filters) if current else review_url(article.id, filters), code=303)
    commit_changes()  # the change is made: what follows only draws it
    # The address names the claim now open (a new claim, the next after a dismissal), as a row's
    # link would: a reload, or a link copied from the address bar, opens the same editor.
    here = review_url(article.id, filters, current.id if current else None)
    htmx = {"trigger_after_settle": {"claim-focus": {"claim": current.id}} if current else None, "replace_url": here}
    return list_response(session, article, open_claim=current, htmx=htmx)


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
