"""Team work on claims: comments on a claim, and the approval rules editors set per verdict."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request, url_for

from factcheck.auth import current_user
from factcheck.claims import card_response, get_claim_or_404
from factcheck.db import get_session
from factcheck.numbers import is_digits
from factcheck.store import InvalidInput, scales_with_ratings
from factcheck.web import render
from factcheck.workflow import MIN_SOURCES_LIMIT, add_comment, set_min_sources

bp = Blueprint("editorial", __name__)


@bp.post("/claims/<int:claim_id>/comments")
def add_comment_view(claim_id: int) -> Response:
    """Add a comment for the team to a claim; the card comes back with its comments open."""
    session = get_session()
    claim = get_claim_or_404(session, claim_id)
    try:
        add_comment(session, claim, current_user(), request.form.get("body", ""))
        session.commit()
    except InvalidInput as error:
        session.rollback()
        return card_response(session, claim, error=str(error), open_comments=claim.id)
    return card_response(session, claim, open_comments=claim.id)


@bp.get("/approval-rules")
def rules() -> Response:
    """The approval rules: how many sources each verdict needs before an editor may approve it."""
    return _rules_page(error=None, saved=False)


@bp.post("/approval-rules")
def save_rules() -> Response:
    """Store the minimum number of sources per verdict."""
    session = get_session()
    wanted = {
        int(name.removeprefix("min_sources-")): value
        for name, value in request.form.items()
        if name.startswith("min_sources-") and is_digits(name.removeprefix("min_sources-"))
    }
    try:
        set_min_sources(session, wanted)
        session.commit()
    except InvalidInput as error:
        session.rollback()
        return _rules_page(error=str(error), saved=False, status=422)
    return redirect(url_for("editorial.rules", saved=1), code=303)


def _rules_page(*, error: str | None, saved: bool, status: int = 200) -> Response:
    # Free-text scales have no labels to set a number on.
    scales = [(scale, ratings) for scale, ratings in scales_with_ratings(get_session()) if not scale.free_text]
    saved = saved or request.args.get("saved") == "1"
    return render("editorial/rules.html", scales=scales, error=error, saved=saved, limit=MIN_SOURCES_LIMIT, status=status)
