"""Seen before, on a claim's card: link an earlier check, start from its verdict, look again."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, request
from sqlmodel import Session

from factcheck.db import get_session
from factcheck.domain.articles import get_article
from factcheck.domain.claims import get_claim
from factcheck.domain.seen_before import link_match, look_again, start_from, unlink_match
from factcheck.models import Claim
from factcheck.views.auth import current_user
from factcheck.views.claims import _version, card_refused, card_response
from factcheck.views.web import refused_with

bp = Blueprint("seen_before", __name__)


def _change(claim_id: int, change: Callable[[Session, Claim], object]) -> Response:
    """Make a change to a claim and answer with its card."""
    session = get_session()
    claim = get_claim(session, claim_id)
    change(session, claim)
    return card_response(claim)


@bp.post("/claims/<int:claim_id>/links")
@refused_with(card_refused)
def link(claim_id: int) -> Response:
    """Say the claim is the same claim as an earlier check (`ref`), in its history too."""
    return _change(claim_id, lambda session, claim: link_match(session, claim, request.form.get("ref", ""), current_user()))


@bp.post("/claims/<int:claim_id>/links/remove")
@refused_with(card_refused)
def unlink(claim_id: int) -> Response:
    """Take back a link to an earlier check."""
    return _change(claim_id, lambda session, claim: unlink_match(session, claim, request.form.get("ref", ""), current_user()))


@bp.post("/claims/<int:claim_id>/start-from")
@refused_with(card_refused)
def start(claim_id: int) -> Response:
    """Draft the claim's verdict and rationale from an earlier check (`ref`), and link them."""
    return _change(claim_id, lambda session, claim: start_from(
        session, get_article(session, claim.article_id), claim, request.form.get("ref", ""), current_user(),
        _version(request.form.get("version")),
    ))


@bp.post("/claims/<int:claim_id>/matches")
@refused_with(card_refused)
def refresh(claim_id: int) -> Response:
    """Look for the claim's earlier checks again, now."""
    return _change(claim_id, look_again)
