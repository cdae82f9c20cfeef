"""Team work on claims: comments on a claim, and the approval rules editors set per verdict."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request, url_for

from factcheck.db import get_session
from factcheck.domain.audit import min_sources_detail
from factcheck.domain.claims import get_claim
from factcheck.domain.history import add_comment
from factcheck.domain.scales import scales_with_ratings
from factcheck.domain.workflow import MIN_SOURCES_LIMIT, set_min_sources
from factcheck.errors import FactcheckError
from factcheck.forms import is_digits
from factcheck.views.auth import current_user
from factcheck.views.claims import card_refused, card_response
from factcheck.views.web import audit_change, refused_with, render

bp = Blueprint("editorial", __name__)


def _comment_refused(error: FactcheckError, claim_id: int) -> Response:
    return card_refused(error, claim_id, open_comments=claim_id)


@bp.post("/claims/<int:claim_id>/comments")
@refused_with(_comment_refused)
def add_comment_view(claim_id: int) -> Response:
    """Add a comment for the team to a claim; the card comes back with its comments open."""
    session = get_session()
    claim = get_claim(session, claim_id)
    add_comment(session, claim, current_user(), request.form.get("body", ""))
    return card_response(claim, open_comments=claim.id)


@bp.get("/approval-rules")
def rules() -> Response:
    """The approval rules: how many sources each verdict needs before an editor may approve it."""
    return _rules_page(error=None, saved=request.args.get("saved") == "1")


def _rules_refused(error: FactcheckError) -> Response:
    return _rules_page(error=str(error), saved=False, status=error.status)


@bp.post("/approval-rules")
@refused_with(_rules_refused)
def save_rules() -> Response:
    """Store the minimum number of sources per verdict."""
    wanted = {
        int(name.removeprefix("min_sources-")): value
        for name, value in request.form.items()
        if name.startswith("min_sources-") and is_digits(name.removeprefix("min_sources-"))
    }
    changed = set_min_sources(get_session(), wanted)
    if changed:
        audit_change("approval_rules_changed", target="approval rules", detail=min_sources_detail(get_session(), changed))
    return redirect(url_for("editorial.rules", saved=1), code=303)


def _rules_page(*, error: str | None, saved: bool, status: int = 200) -> Response:
    # Free-text scales have no labels to set a number on.
    scales = [(scale, ratings) for scale, ratings in scales_with_ratings(get_session()) if not scale.free_text]
    return render("editorial/rules.html", scales=scales, error=error, saved=saved, limit=MIN_SOURCES_LIMIT, status=status)
