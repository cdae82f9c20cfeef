"""Assignment: editors give reviewers whole articles or single claims; everyone's "My queue"."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from jinja2_fragments.flask import render_block
from sqlmodel import Session

from factcheck.db import commit_changes, get_session
from factcheck.domain.articles import get_article
from factcheck.domain.assignments import assign, team_view, unassign
from factcheck.domain.audit import assignment_target
from factcheck.domain.blind import set_blind_review
from factcheck.domain.claims import claim_of
from factcheck.domain.paging import page_number
from factcheck.domain.queues import assignees, assignment_overview, queue_for
from factcheck.domain.review import Filters
from factcheck.errors import FactcheckError, InvalidInput
from factcheck.forms import is_digits
from factcheck.models import Article
from factcheck.views.auth import signed_in_user
from factcheck.views.review import list_response, page_args, review_context
from factcheck.views.web import audit_change, html_response, refused_with, render, wants_fragment

bp = Blueprint("assignments", __name__)


def _int(value: str) -> int | None:
    value = value.strip()
    return int(value) if is_digits(value) else None


def _panel_refused(error: FactcheckError, article_id: int) -> Response | None:
    """A refused assignment, shown in the panel (or the claim's control) it came from."""
    if not isinstance(error, InvalidInput):
        return None
    session = get_session()
    return panel_response(session, get_article(session, article_id), _int(request.form.get("claim_id", "")), str(error))


@bp.post("/articles/<int:article_id>/assignments")
@refused_with(_panel_refused)
def create(article_id: int) -> Response:
    """Assign a reviewer the whole article, or the claim named by the form's claim_id."""
    session = get_session()
    article = get_article(session, article_id)
    claim_id = _int(request.form.get("claim_id", ""))
    assignment = assign(session, article, _int(request.form.get("reviewer_id", "")), claim_id, signed_in_user())
    target, detail = assignment_target(session, assignment)
    audit_change("assigned", target=target, detail=detail)
    return panel_response(session, article, claim_id)


@bp.post("/articles/<int:article_id>/unassign")
def delete(article_id: int) -> Response:
    """Take an article or a claim back from a reviewer (the form names the assignment)."""
    session = get_session()
    article = get_article(session, article_id)
    assignment = unassign(session, article, _int(request.form.get("assignment_id", "")))
    target, detail = assignment_target(session, assignment)
    audit_change("unassigned", target=target, detail=detail)
    return panel_response(session, article, assignment.claim_id)


@bp.post("/articles/<int:article_id>/blind-review")
@refused_with(_panel_refused)
def blind_switch(article_id: int) -> Response:
    """Switch blind double review on (two people assigned the article) or off."""
    session = get_session()
    article = get_article(session, article_id)
    set_blind_review(session, article, request.form.get("on") == "1")
    return panel_response(session, article)


def panel_response(session: Session, article: Article, claim_id: int | None = None, error: str | None = None) -> Response:
    """After an assignment change, for htmx: a claim's, the list with that claim's editor open and
    the panel (its counts) out of band; the article's, the panel and the list (every row names its
    assignees) out of band. A refusal: the panel or the claim's control with why. Without
    JavaScript, back to the page."""
    status = 422 if error else 200
    if not error:
        commit_changes()  # the change is made: what follows only draws it
    claim = claim_of(session, article, claim_id)
    if not wants_fragment():
        if error:
            context = review_context(session, article, Filters(), open_claim=claim, assignment_error=error,
                                     assignment_error_claim=claim_id)
            return render("review/show.html", status=status, **context)
        anchor = f"claim-{claim_id}" if claim_id is not None else "assignment-panel"
        return redirect(url_for("review.show", article_id=article.id, claim=claim_id, _anchor=anchor), code=303)
    team = team_view(session, article)
    if error:
        template = "assignments/_claim_control.html" if claim is not None else "assignments/_panel.html"
        body = render_template(template, article=article, team=team, claim=claim, assignment_error=error,
                               assignment_error_claim=claim.id if claim is not None else None)
        return html_response(body, status)
    panel = render_template("assignments/_panel.html", article=article, team=team, assign_oob=claim is not None)
    if claim is not None:
        response = list_response(session, article, open_claim=claim)
        response.set_data(response.get_data(as_text=True) + panel)
        return response
    args = page_args()
    opened = claim_of(session, article, _int(args.get("claim", "")))
    context = review_context(session, article, Filters.from_args(args), open_claim=opened, part=_int(args.get("part", "")),
                             claims_oob=True)
    return html_response(panel + render_block("review/show.html", "claims", **context), status)


@bp.get("/assignments")
def overview() -> Response:
    """Who has what, and how far along: the assignments by assignee, a page at a time; `reviewer`
    shows one person's."""
    session = get_session()
    reviewer = _int(request.args.get("reviewer", ""))
    overview = assignment_overview(session, page_number(request.args.get("page")), reviewer)
    return render("assignments/overview.html", overview=overview, assignees=assignees(session))


@bp.get("/queue")
def queue() -> Response:
    """My queue: the claims assigned to me that are not approved or published yet."""
    queue = queue_for(get_session(), signed_in_user(), page_number(request.args.get("page")))
    return render("assignments/queue.html", queue=queue)
